/*
 * sd_blas.h -- prototypes of the reference BLAS / LAPACK routines the core calls.
 *
 * They are Netlib's Fortran 77 sources (Debian's `lapack` 3.11 source package),
 * translated by f2c; `long` is f2c's `integer` and `ftnlen` on wasm32, and every
 * CHARACTER argument carries a hidden length at the end of the list.
 */
#ifndef SD_BLAS_H
#define SD_BLAS_H

typedef long sd_int;

double ddot_(sd_int *n, double *x, sd_int *incx, double *y, sd_int *incy);
int daxpy_(sd_int *n, double *a, double *x, sd_int *incx, double *y, sd_int *incy);
int dcopy_(sd_int *n, double *x, sd_int *incx, double *y, sd_int *incy);
int dscal_(sd_int *n, double *a, double *x, sd_int *incx);
int drot_(sd_int *n, double *x, sd_int *incx, double *y, sd_int *incy, double *c, double *s);
int dgemv_(char *trans, sd_int *m, sd_int *n, double *alpha, double *a, sd_int *lda,
           double *x, sd_int *incx, double *beta, double *y, sd_int *incy, sd_int trans_len);
int dger_(sd_int *m, sd_int *n, double *alpha, double *x, sd_int *incx, double *y,
          sd_int *incy, double *a, sd_int *lda);
int dtrsv_(char *uplo, char *trans, char *diag, sd_int *n, double *a, sd_int *lda,
           double *x, sd_int *incx, sd_int uplo_len, sd_int trans_len, sd_int diag_len);
int dtrmv_(char *uplo, char *trans, char *diag, sd_int *n, double *a, sd_int *lda,
           double *x, sd_int *incx, sd_int uplo_len, sd_int trans_len, sd_int diag_len);
int dtrsm_(char *side, char *uplo, char *transa, char *diag, sd_int *m, sd_int *n,
           double *alpha, double *a, sd_int *lda, double *b, sd_int *ldb, sd_int side_len,
           sd_int uplo_len, sd_int transa_len, sd_int diag_len);
int dpotrf_(char *uplo, sd_int *n, double *a, sd_int *lda, sd_int *info, sd_int uplo_len);
int dpotrs_(char *uplo, sd_int *n, sd_int *nrhs, double *a, sd_int *lda, double *b,
            sd_int *ldb, sd_int *info, sd_int uplo_len);

/* Export marker: wasm/build.sh exports every function declared with it. */
#define SD_EXPORT __attribute__((used, visibility("default")))

#endif
