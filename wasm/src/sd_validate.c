/*
 * sd_validate.c -- input checks shared by the path and the adjoint.
 *
 * Return codes follow LAPACK: 0 success, -i when the i-th argument is illegal
 * (checked in order). The reason and the offending indices go to sd_err_*, which
 * the TypeScript wrapper turns into a typed error that names the argument.
 */
#include <math.h>
#include "sd_core.h"

int sd_err_reason = 0;
int sd_err_i = -1;
int sd_err_j = -1;

SD_EXPORT int sd_error_reason(void) { return sd_err_reason; }
SD_EXPORT int sd_error_i(void) { return sd_err_i; }
SD_EXPORT int sd_error_j(void) { return sd_err_j; }

int sd_set_error(int arg, int reason, int i, int j) {
  sd_err_reason = reason;
  sd_err_i = i;
  sd_err_j = j;
  return -arg;
}

/*
 * Checks m >= 0 (arg 1), d >= 0 (arg 2), G finite, symmetric and with a
 * non-negative diagonal (arg 3), C finite (arg 4), n finite and > 0 (arg 5).
 * Symmetry tolerance: |G_ij - G_ji| <= sym_tol * sqrt(G_ii G_jj), relative to the
 * scale of the two columns, because a Gram matrix computed by a blocked matrix
 * product is symmetric only to rounding.
 */
int sd_check_inputs(int m, int d, const double *G, const double *C, double n, double sym_tol) {
  sd_err_reason = SD_OK;
  sd_err_i = sd_err_j = -1;
  if (m < 0) return sd_set_error(1, SD_RANGE, -1, -1);
  if (d < 0) return sd_set_error(2, SD_RANGE, -1, -1);
  for (int i = 0; i < m; i++) {
    for (int j = 0; j < m; j++) {
      if (!isfinite(G[(long)i * m + j])) return sd_set_error(3, SD_NONFINITE, i, j);
    }
    if (G[(long)i * m + i] < 0) return sd_set_error(3, SD_NEGDIAG, i, i);
  }
  for (int i = 0; i < m; i++) {
    for (int j = i + 1; j < m; j++) {
      double a = G[(long)i * m + j], b = G[(long)j * m + i];
      double scale = sqrt(G[(long)i * m + i] * G[(long)j * m + j]);
      if (fabs(a - b) > sym_tol * scale) return sd_set_error(3, SD_NONSYMMETRIC, i, j);
    }
  }
  for (long k = 0; k < (long)m * d; k++) {
    if (!isfinite(C[k])) return sd_set_error(4, SD_NONFINITE, (int)(k / (d ? d : 1)), (int)(k % (d ? d : 1)));
  }
  if (!isfinite(n) || n <= 0) return sd_set_error(5, SD_RANGE, -1, -1);
  return 0;
}
