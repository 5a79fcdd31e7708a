/*
 * sd_core.h -- shared declarations of the sparsedyn numeric core.
 *
 * Conventions: all matrices are row-major as the TypeScript side passes them.
 * G (m x m) is symmetric, so its row j is also its column j, which lets BLAS
 * treat G as column-major without a copy. C (m x d) holds one response per column.
 * The core works on the "correlation scale" l = n * lambda (the KKT conditions
 * G_A b_A - c_A = -l s_A); the TypeScript side converts to lambda.
 */
#ifndef SD_CORE_H
#define SD_CORE_H
#include "sd_blas.h"

/* Error reasons reported with a negative return code (-argument number). */
enum sd_reason {
  SD_OK = 0,
  SD_NONFINITE = 1,     /* an entry is NaN or infinite */
  SD_NONSYMMETRIC = 2,  /* G[i][j] and G[j][i] differ beyond the tolerance */
  SD_NEGDIAG = 3,       /* a diagonal entry of G is negative */
  SD_RANGE = 4,         /* a scalar is out of its range */
  SD_ALLOC = 5,         /* memory could not be allocated */
  SD_NOTPD = 6          /* G_AA of a given active set is not positive definite */
};

/* Detail of the last failure, read by the TypeScript side to build its message. */
extern int sd_err_reason;
extern int sd_err_i;
extern int sd_err_j;

int sd_set_error(int arg, int reason, int i, int j);
int sd_check_inputs(int m, int d, const double *G, const double *C, double n, double sym_tol);

/* Event kinds at a breakpoint. */
enum sd_event { SD_EV_NONE = 0, SD_EV_JOIN = 1, SD_EV_DROP = 2 };

/* Why a path stopped. */
enum sd_stop {
  SD_STOP_END = 0,        /* reached lambda_min (0 by default) with nothing left to do */
  SD_STOP_LAMBDA = 1,     /* reached a requested lambda_min > 0 */
  SD_STOP_STEPS = 2,      /* reached max_steps */
  SD_STOP_ACTIVE = 3      /* the next join would exceed max_active */
};

#endif
