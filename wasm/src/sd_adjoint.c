/*
 * sd_adjoint.c -- vector-Jacobian product of a lasso/LARS solution.
 *
 * Given dL/db (m x d) at solutions b_r of sd_path, returns dL/dG (m x m) and
 * dL/dC (m x d), treating the entries of G as independent (the chain to X through
 * G = X^T X is dL/dX = X (Gbar + Gbar^T) + Y Cbar^T, so no symmetrising is needed).
 *
 * Fixed l (mode 0): b_A = G_AA^{-1} (c_A - l s_A). With u = G_AA^{-1} gbar_A:
 *     Cbar_A += u,   Gbar_AA -= u b_A^T.
 * Fixed number of steps (mode 1): l = l_k moves with (G, c). With the discrete choices
 * of the forward pass held fixed, lbar = -u^T s_A and l_k solves the event equation
 * F(l, G, c) = 0 on the active set before the event, so lbar dl = kappa dF with
 *   join of j, sign sigma: F = c_j - G_jA G_AA^{-1}(c_A - l s_A) - sigma l,
 *       v = G_AA^{-1} G_Aj, b_j = G_jA w, kappa = lbar / (sigma - b_j):
 *       Cbar_j += kappa, Cbar_A -= kappa v, Gbar_jA -= kappa b_A^T, Gbar_AA += kappa v b_A^T;
 *   drop of A[p]: F = e_p^T G_AA^{-1} (c_A - l s_A), q = G_AA^{-1} e_p, w = G_AA^{-1} s_A,
 *       kappa = lbar / w_p:  Cbar_A += kappa q,  Gbar_AA -= kappa q b_A^T.
 * Exact away from breakpoints; at one, the derivative of the side the forward pass
 * took. (Derivation: shared/notes of the project, checked by finite differences.)
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "sd_core.h"

/*
 * [in]  m, d, G, C, n, sym_tol   as for sd_path (arguments 1-6).
 * [in]  ell     d values: l of each solution (correlation scale)            (arg 7)
 * [in]  nact    d values: size of each active set                           (arg 8)
 * [in]  act     concatenated active sets, in the forward pass's order       (arg 9)
 * [in]  sgn     their signs, +1 or -1                                       (arg 10)
 * [in]  ev      d x 3: kind, variable, sign of the event at each solution   (arg 11)
 * [in]  moving  0: l fixed; 1: l is the breakpoint of that event            (arg 12)
 * [in]  gB      m x d: dL/db                                                (arg 13)
 * [out] gG      m x m: dL/dG;  [out] gC  m x d: dL/dC
 * [out] gL      d: dL/dl of each response at fixed l (mode 0), for callers whose l is a
 *               function of the data (e.g. a fraction of l_max); 0 in mode 1, where l is
 *               a breakpoint and its dependence is already in gG and gC
 * Returns 0, -i for an illegal argument i, or r + 1 when G_AA of response r is not
 * positive definite (sd_err_i = r).
 */
SD_EXPORT int sd_adjoint(int m, int d, const double *G, const double *C, double n,
                         double sym_tol, const double *ell, const int *nact, const int *act,
                         const int *sgn, const int *ev, int moving, const double *gB,
                         double *gG, double *gC, double *gL) {
  int info = sd_check_inputs(m, d, G, C, n, sym_tol);
  if (info) return info;
  long total = 0;
  for (int r = 0; r < d; r++) {
    if (!isfinite(ell[r]) || ell[r] < 0) return sd_set_error(7, SD_RANGE, r, -1);
    if (nact[r] < 0 || nact[r] > m) return sd_set_error(8, SD_RANGE, r, -1);
    if (ev[3 * r] < 0 || ev[3 * r] > 2 || (ev[3 * r] && (ev[3 * r + 1] < 0 || ev[3 * r + 1] >= m)))
      return sd_set_error(11, SD_RANGE, r, -1);
    total += nact[r];
  }
  for (long k = 0; k < total; k++) {
    if (act[k] < 0 || act[k] >= m) return sd_set_error(9, SD_RANGE, (int)k, -1);
    if (sgn[k] != 1 && sgn[k] != -1) return sd_set_error(10, SD_RANGE, (int)k, -1);
  }
  for (long k = 0; k < (long)m * d; k++)
    if (!isfinite(gB[k])) return sd_set_error(13, SD_NONFINITE, (int)(k / d), (int)(k % d));
  memset(gG, 0, sizeof(double) * (size_t)m * m);
  memset(gC, 0, sizeof(double) * (size_t)m * d);
  memset(gL, 0, sizeof(double) * (size_t)d);
  if (m == 0 || d == 0) return 0;

  double *La = malloc(sizeof(double) * (size_t)m * m);
  double *rhs = malloc(sizeof(double) * (size_t)m * 4);
  double *bet = malloc(sizeof(double) * (size_t)m);
  double *h = malloc(sizeof(double) * (size_t)m);
  if (!La || !rhs || !bet || !h) {
    free(La); free(rhs); free(bet); free(h);
    return sd_set_error(0, SD_ALLOC, -1, -1), SD_ALLOC;
  }
  int status = 0;
  const int *Ar = act, *Sr = sgn;
  for (int r = 0; r < d; r++, Ar += nact[r - 1], Sr += nact[r - 1]) {
    int a = nact[r];
    if (a == 0) continue; /* b = 0 on a neighbourhood: no gradient */
    for (int i = 0; i < a; i++)
      for (int k = 0; k < a; k++) La[i + (size_t)k * a] = G[(size_t)Ar[i] * m + Ar[k]];
    sd_int na = a, lda = a, inf = 0;
    dpotrf_("L", &na, La, &lda, &inf, 1);
    if (inf != 0) {
      sd_set_error(0, SD_NOTPD, r, (int)inf);
      status = r + 1;
      break;
    }
    /* Right-hand sides: c_A, s_A, gbar_A and, for mode 1, the event's vector. */
    int kind = moving ? ev[3 * r] : SD_EV_NONE, var = ev[3 * r + 1];
    int p = -1;
    for (int i = 0; i < a; i++) {
      rhs[i] = C[(size_t)Ar[i] * d + r];
      rhs[i + a] = Sr[i];
      rhs[i + 2 * a] = gB[(size_t)Ar[i] * d + r];
      rhs[i + 3 * a] = 0.0;
      if (kind == SD_EV_JOIN) rhs[i + 3 * a] = G[(size_t)Ar[i] * m + var];
      if (kind == SD_EV_DROP && Ar[i] == var) p = i;
    }
    if (kind == SD_EV_DROP) {
      if (p < 0) {
        status = sd_set_error(11, SD_RANGE, r, -1);
        break;
      }
      rhs[p + 3 * a] = 1.0;
    }
    sd_int nrhs = 4;
    dpotrs_("L", &na, &nrhs, La, &lda, rhs, &lda, &inf, 1);
    const double *t = rhs, *w = rhs + a, *u = rhs + 2 * a, *x = rhs + 3 * a;
    double l = ell[r];
    for (int i = 0; i < a; i++) {
      bet[i] = t[i] - l * w[i];
      h[i] = u[i];
    }
    if (!moving) { /* dL/dl = -u^T s_A, since db_A/dl = -G_AA^{-1} s_A */
      double lb = 0.0;
      for (int i = 0; i < a; i++) lb -= u[i] * Sr[i];
      gL[r] = lb;
    }
    if (kind != SD_EV_NONE) {
      double lbar = 0.0;
      for (int i = 0; i < a; i++) lbar -= u[i] * Sr[i];
      if (kind == SD_EV_JOIN) {
        double bj = 0.0;
        for (int i = 0; i < a; i++) bj += G[(size_t)var * m + Ar[i]] * w[i];
        double den = ev[3 * r + 2] - bj;
        /* den = 0 would mean the joining variable moves with the level (never met);
         * the forward pass excludes such candidates, so this is only a guard. */
        double kappa = den != 0.0 ? lbar / den : 0.0;
        for (int i = 0; i < a; i++) h[i] -= kappa * x[i];
        gC[(size_t)var * d + r] += kappa;
        for (int k = 0; k < a; k++) gG[(size_t)var * m + Ar[k]] -= kappa * bet[k];
      } else {
        double kappa = w[p] != 0.0 ? lbar / w[p] : 0.0;
        for (int i = 0; i < a; i++) h[i] += kappa * x[i];
      }
    }
    for (int i = 0; i < a; i++) {
      gC[(size_t)Ar[i] * d + r] += h[i];
      double *row = gG + (size_t)Ar[i] * m;
      for (int k = 0; k < a; k++) row[Ar[k]] -= h[i] * bet[k];
    }
  }
  free(La); free(rhs); free(bet); free(h);
  return status;
}
