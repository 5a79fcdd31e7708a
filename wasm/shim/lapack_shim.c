/*
 * lapack_shim.c -- the three LAPACK service routines f2c cannot take from the
 * reference source (they use Fortran 90 syntax, I/O or STOP), written to return what
 * LAPACK 3.11's own versions return for the calls our routines make.
 */
#include <math.h>

/* Last error reported by a LAPACK routine: its argument number (0 = none). A
 * reference XERBLA prints and stops; in a library we record and return instead. */
long sd_xerbla_info = 0;

int xerbla_(char *srname, long *info, long srname_len) {
  (void)srname;
  (void)srname_len;
  sd_xerbla_info = *info;
  return 0;
}

/* ILAENV: block sizes. Reference ILAENV answers NB = 64 for xPOTRF (ISPEC = 1),
 * NBMIN = 2 (ISPEC = 2) and NX = 0 (ISPEC = 3) for the routines we link. */
long ilaenv_(long *ispec, char *name, char *opts, long *n1, long *n2, long *n3, long *n4,
             long name_len, long opts_len) {
  (void)name; (void)opts; (void)n1; (void)n2; (void)n3; (void)n4;
  (void)name_len; (void)opts_len;
  switch (*ispec) {
    case 1: return 64;
    case 2: return 2;
    default: return 0;
  }
}

/* DISNAN (F90 source in 3.11): true when the argument is NaN. */
long disnan_(double *x) { return isnan(*x) ? 1 : 0; }
