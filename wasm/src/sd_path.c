/*
 * sd_path.c -- LARS and lasso-modified LARS on sufficient statistics, batched over
 * the d responses of a VAR that share one Gram matrix.
 *
 * Problem (one response c = X^T y, G = X^T X, n samples):
 *     minimise (1 / 2n) ||y - X b||^2 + lambda ||b||_1,   l = n * lambda.
 * On a segment with active set A and signs s the solution is linear in l:
 *     b_A(l) = t - l w,   t = G_AA^{-1} c_A,   w = G_AA^{-1} s_A,
 * and an inactive j has residual correlation r_j(l) = a_j + l b_j with
 *     a_j = c_j - G_jA t,   b_j = G_jA w.
 * Events as l decreases: j joins when |r_j(l)| = l, l = a_j / (sigma - b_j);
 * (lasso) i leaves when b_i(l) = 0, l = t_i / w_i.
 *
 * Factorisation. With L L^T = G_AA we keep Q = G_{:,A} L^{-T} (m x |A|): its active
 * rows are L itself, and row j of Q is L^{-1} G_Aj, the row that variable j adds to
 * L when it joins -- so a join costs one matrix-vector product (the new column of Q)
 * and one triangular solve. y = L^{-1} c_A and z = L^{-1} s_A grow by one entry per
 * join, so a = c - Q y and b = Q z are updated by one axpy each. A drop deletes a row
 * of L and restores the triangle by Givens rotations of adjacent columns, applied
 * alike to L, Q, y and z (they are all "rows" of the same column space).
 *
 * References: Efron, Hastie, Johnstone, Tibshirani (2004), Least angle regression,
 * Ann. Statist. 32(2); the lasso modification is their Section 3.1.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "sd_core.h"

/* |sigma - b_j| below this means r_j moves parallel to the active correlations
 * (j is a copy of an active direction): it never meets the level, so it is no
 * candidate. b_j is a cosine-like ratio of order 1, so this is a relative test. */
#define SD_PARALLEL_TOL 1e-12

typedef struct {
  int nbp, cap;
  double *lambda;  /* nbp breakpoints, correlation scale l */
  double *coef;    /* nbp x m, dense */
  int *event;      /* nbp x 3: kind, variable, sign of the event at that breakpoint */
  int nactive;     /* active set in force at the last breakpoint, before its event */
  int *active;
  int *sign;
  int stop;
  int ndegenerate; /* candidates refused because they lie in the span of A */
} sd_result;

static sd_result *res = NULL;
static int nres = 0;

/* Workspace, grown to the largest m seen; reused across responses and calls.
 *
 * Layouts (why): U holds L^T column-major, i.e. row i of L is the contiguous column i of
 * U, so that adding a row to L writes one contiguous column. V = L^{-T} (upper
 * triangular, column-major) is kept alongside, so that the per-step products with
 * G_AA^{-1} are triangular multiplications (DTRMV, whose inner loop runs forwards and
 * vectorises) rather than triangular solves (DTRSV, whose inner loop runs backwards):
 * measured on the VAR bench, the path takes 15% less time. A join appends a column to
 * V in O(|A|); a drop rotates V with the same Givens rotations as L.
 * Q keeps only the rows of inactive variables ("free slots" 0 .. nfree-1): the new Q
 * column of a join and the rotations of a drop touch m - |A| rows instead of m. av, bv
 * are stored by slot as well; var_of / slot_of map between slots and variables. */
static int ws_m = 0;
static double *Q, *U, *V, *yv, *zv, *av, *bv, *tv, *wv, *cv, *tmp, *cand;
static double *sgn;
static int *A, *pos, *candsig, *var_of, *slot_of;
static unsigned char *state;
static int nfree;

enum { ST_FREE = 0, ST_ACTIVE = 1, ST_EXCLUDED = 2, ST_DEAD = 3 };

static void free_results(void) {
  for (int r = 0; r < nres; r++) {
    free(res[r].lambda);
    free(res[r].coef);
    free(res[r].event);
    free(res[r].active);
    free(res[r].sign);
  }
  free(res);
  res = NULL;
  nres = 0;
}

static int ensure_workspace(int m) {
  if (m <= ws_m) return 1;
  double **dbl[] = {&yv, &zv, &av, &bv, &tv, &wv, &cv, &tmp, &cand, &sgn};
  for (unsigned k = 0; k < sizeof dbl / sizeof dbl[0]; k++) {
    free(*dbl[k]);
    *dbl[k] = malloc(sizeof(double) * (size_t)m);
  }
  int **ints[] = {&A, &pos, &candsig, &var_of, &slot_of};
  for (unsigned k = 0; k < sizeof ints / sizeof ints[0]; k++) {
    free(*ints[k]);
    *ints[k] = malloc(sizeof(int) * (size_t)m);
  }
  free(Q);
  free(U);
  free(V);
  free(state);
  Q = malloc(sizeof(double) * (size_t)m * m);
  U = malloc(sizeof(double) * (size_t)m * m);
  V = malloc(sizeof(double) * (size_t)m * m);
  state = malloc((size_t)m);
  int ok = Q && U && V && state;
  for (unsigned k = 0; k < sizeof dbl / sizeof dbl[0]; k++) ok = ok && *dbl[k];
  for (unsigned k = 0; k < sizeof ints / sizeof ints[0]; k++) ok = ok && *ints[k];
  ws_m = ok ? m : 0;
  return ok;
}

/* Appends (or, when only the endpoint is kept, overwrites) a breakpoint. */
static int record(sd_result *R, int m, int keep_path, double l, int nA, int kind, int var,
                  int sgn_ev) {
  if (!keep_path && R->nbp > 0) R->nbp = 0;
  if (R->nbp == R->cap) {
    int cap = R->cap ? 2 * R->cap : 16;
    double *lam = realloc(R->lambda, sizeof(double) * (size_t)cap);
    if (lam) R->lambda = lam;
    double *cf = realloc(R->coef, sizeof(double) * (size_t)cap * m);
    if (cf) R->coef = cf;
    int *ev = realloc(R->event, sizeof(int) * 3 * (size_t)cap);
    if (ev) R->event = ev;
    if (!lam || !cf || !ev) return 0;
    R->cap = cap;
  }
  int k = R->nbp++;
  R->lambda[k] = l;
  double *b = R->coef + (size_t)k * m;
  memset(b, 0, sizeof(double) * (size_t)m);
  /* b_A(l) = t - l w */
  for (int q = 0; q < nA; q++) b[A[q]] = tv[q] - l * wv[q];
  if (kind == SD_EV_DROP) b[var] = 0.0; /* exactly zero where it leaves */
  R->event[3 * k] = kind;
  R->event[3 * k + 1] = var;
  R->event[3 * k + 2] = sgn_ev;
  return 1;
}

/* Exchanges the variables held by two slots, with their Q rows (first nA columns). */
static void swap_slots(int m, int nA, int s1, int s2) {
  if (s1 == s2) return;
  for (int k = 0; k < nA; k++) {
    double *q = Q + (size_t)k * m, x = q[s1];
    q[s1] = q[s2];
    q[s2] = x;
  }
  double x = av[s1];
  av[s1] = av[s2];
  av[s2] = x;
  x = bv[s1];
  bv[s1] = bv[s2];
  bv[s2] = x;
  int v1 = var_of[s1], v2 = var_of[s2];
  var_of[s1] = v2;
  var_of[s2] = v1;
  slot_of[v1] = s2;
  slot_of[v2] = s1;
}

/* x <- L^{-T} x = V x for the leading nA x nA block. */
static void mul_v(int m, int nA, double *x) {
  sd_int a = nA, one = 1, ld = m;
  dtrmv_("U", "N", "N", &a, V, &ld, x, &one, 1, 1, 1);
}

/* Adds variable j with sign s to the active set. Returns 0, changing nothing, when
 * its Cholesky pivot is degenerate: d^2 = G_jj - ||L^{-1} G_Aj||^2 <= degen * G_jj,
 * i.e. column j lies in the span of the active columns to within sqrt(degen) of its
 * own norm (a relative test, so scaling a column by 1e-8 or 1e8 does not change it). */
static int chol_add(int m, const double *G, int nA, int j, int s, double degen) {
  sd_int a = nA, one = 1, ld = m;
  int sj = slot_of[j];
  double d2 = G[(size_t)j * m + j];
  for (int k = 0; k < nA; k++) {
    tmp[k] = Q[sj + (size_t)k * m]; /* l = L^{-1} G_Aj is j's row of Q */
    d2 -= tmp[k] * tmp[k];
  }
  if (!(d2 > degen * G[(size_t)j * m + j])) return 0;
  double d = sqrt(d2);
  /* j leaves the free slots. */
  swap_slots(m, nA, sj, nfree - 1);
  nfree--;
  sd_int nf = nfree;
  /* New column of Q on the free rows: q = (G_{:,j} - Q l) / d. */
  double *q = Q + (size_t)nA * m;
  const double *Gj = G + (size_t)j * m; /* column j = row j: G is symmetric */
  for (int r = 0; r < nfree; r++) q[r] = Gj[var_of[r]];
  double minus1 = -1.0, plus1 = 1.0;
  if (nA > 0 && nfree > 0) dgemv_("N", &nf, &a, &minus1, Q, &ld, tmp, &one, &plus1, q, &one, 1);
  double inv = 1.0 / d;
  if (nfree > 0) dscal_(&nf, &inv, q, &one);
  /* New row of L = new column of U. */
  double *Ua = U + (size_t)nA * m;
  memcpy(Ua, tmp, sizeof(double) * (size_t)nA);
  Ua[nA] = d;
  /* The rest of the column is L's upper triangle: zero, which a later drop's
   * rotations read (the workspace is reused, so it must not keep old values). */
  memset(Ua + nA + 1, 0, sizeof(double) * (size_t)(m - nA - 1));
  /* y, z grow by one entry; a, b take one axpy each. */
  double ly = 0, lz = 0;
  for (int k = 0; k < nA; k++) {
    ly += tmp[k] * yv[k];
    lz += tmp[k] * zv[k];
  }
  double ynew = (cv[j] - ly) / d, znew = (s - lz) / d;
  yv[nA] = ynew;
  zv[nA] = znew;
  double my = -ynew;
  if (nfree > 0) {
    daxpy_(&nf, &my, q, &one, av, &one);
    daxpy_(&nf, &znew, q, &one, bv, &one);
  }
  /* t, w by the bordered inverse: v = G_AA^{-1} G_Aj = L^{-T} l = V l. */
  if (nA > 0) mul_v(m, nA, tmp);
  double tau = ynew / d, om = znew / d;
  /* New column of V = L'^{-T}: [-v / d; 1 / d], zeros below (read by later rotations). */
  double *Va = V + (size_t)nA * m;
  for (int k = 0; k < nA; k++) Va[k] = -tmp[k] * inv;
  Va[nA] = inv;
  memset(Va + nA + 1, 0, sizeof(double) * (size_t)(m - nA - 1));
  for (int k = 0; k < nA; k++) {
    tv[k] -= tmp[k] * tau;
    wv[k] -= tmp[k] * om;
  }
  tv[nA] = tau;
  wv[nA] = om;
  A[nA] = j;
  sgn[nA] = s;
  pos[j] = nA;
  state[j] = ST_ACTIVE;
  return 1;
}

/* Recomputes a, b, t, w from the factor (after a drop changed all of them). */
static void refresh(int m, int nA) {
  sd_int a = nA, one = 1, ld = m, nf = nfree;
  double minus1 = -1.0, plus1 = 1.0, zero = 0.0;
  for (int r = 0; r < nfree; r++) av[r] = cv[var_of[r]];
  memset(bv, 0, sizeof(double) * (size_t)nfree);
  if (nA == 0) return;
  if (nfree > 0) {
    dgemv_("N", &nf, &a, &minus1, Q, &ld, yv, &one, &plus1, av, &one, 1);
    dgemv_("N", &nf, &a, &plus1, Q, &ld, zv, &one, &zero, bv, &one, 1);
  }
  memcpy(tv, yv, sizeof(double) * (size_t)nA);
  memcpy(wv, zv, sizeof(double) * (size_t)nA);
  mul_v(m, nA, tv);
  mul_v(m, nA, wv);
}

/* Removes the variable at position p of the active set (Givens downdate). */
static void chol_delete(int m, int nA, int p) {
  sd_int one = 1, ld = m, nf = nfree;
  for (int k = p; k < nA - 1; k++) {
    /* Once row p of L is gone, row k+1 holds (x, y) in columns k, k+1; rotate the two
     * columns so that it becomes (r, 0). Rows p .. nA-1 take part (row p too: rotated,
     * it becomes the leaving variable's row of Q). Column k of L is row k of U. */
    double x = U[k + (size_t)(k + 1) * m], y = U[k + 1 + (size_t)(k + 1) * m];
    double r = hypot(x, y);
    double c = r > 0 ? x / r : 1.0, s = r > 0 ? y / r : 0.0;
    sd_int len = nA - p;
    drot_(&len, U + k + (size_t)p * m, &ld, U + k + 1 + (size_t)p * m, &ld, &c, &s);
    U[k + (size_t)(k + 1) * m] = r; /* exactly (r, 0), not (r, rounding) */
    U[k + 1 + (size_t)(k + 1) * m] = 0.0;
    if (nfree > 0) drot_(&nf, Q + (size_t)k * m, &one, Q + (size_t)(k + 1) * m, &one, &c, &s);
    /* V = L^{-T} takes the same column rotation: with P moving row p of L last,
     * (P L Theta)^{-T} = P V Theta, whose leading block is the new L^{-T}. */
    sd_int na = nA;
    drot_(&na, V + (size_t)k * m, &one, V + (size_t)(k + 1) * m, &one, &c, &s);
    drot_(&one, yv + k, &one, yv + k + 1, &one, &c, &s);
    drot_(&one, zv + k, &one, zv + k + 1, &one, &c, &s);
  }
  int gone = A[p];
  /* The leaving variable returns to the free slots, its Q row = its rotated L row. */
  int target = nfree, from = slot_of[gone];
  int other = var_of[target];
  var_of[target] = gone;
  slot_of[gone] = target;
  var_of[from] = other;
  slot_of[other] = from;
  for (int k = 0; k < nA - 1; k++) Q[target + (size_t)k * m] = U[k + (size_t)p * m];
  nfree++;
  /* Delete row p of L (column p of U); column nA-1 of the rest is now zero. */
  memmove(U + (size_t)p * m, U + (size_t)(p + 1) * m, sizeof(double) * (size_t)m * (nA - 1 - p));
  for (int i = 0; i < nA - 1; i++) U[nA - 1 + (size_t)i * m] = 0.0;
  /* Delete row p of V (and its last column): shift rows p+1 .. nA-1 up. */
  for (int col = 0; col < nA - 1; col++) {
    double *Vc = V + (size_t)col * m;
    memmove(Vc + p, Vc + p + 1, sizeof(double) * (size_t)(nA - 1 - p));
    Vc[nA - 1] = 0.0;
  }
  for (int k = p; k < nA - 1; k++) {
    A[k] = A[k + 1];
    sgn[k] = sgn[k + 1];
    pos[A[k]] = k;
  }
  pos[gone] = -1;
  state[gone] = ST_FREE;
}

typedef struct {
  int lasso;
  double lmin;
  int max_steps, max_active, keep_path;
  double tie, degen;
} sd_opts;

/* The walk along one response's path: the current breakpoint l, the event found there
 * (applied at the start of the next step), and what the last step changed (the next
 * event search must not re-find it). */
typedef struct {
  int nA;               /* size of the active set */
  int steps;            /* breakpoints after the first */
  double l;             /* the current breakpoint, correlation scale */
  double zero_tol;      /* events this close to l = 0 are at 0 */
  int kind, var, esign; /* the event at l */
  int just_joined, just_dropped, dropped_sign;
} sd_walk;

/* What a step of the walk says: memory ran out, go on, or the path has ended. */
enum { WALK_FAILED = 0, WALK_ON = 1, WALK_ENDED = 2 };

/* Resets the workspace for a new response -- every regressor free, a = c, b = 0 -- and
 * returns l0 = max |c_j| over the regressors that may enter. */
static double start_response(int m, const double *G) {
  double l0 = 0.0;
  nfree = m;
  for (int j = 0; j < m; j++) {
    pos[j] = -1;
    var_of[j] = slot_of[j] = j;
    state[j] = G[(size_t)j * m + j] > 0 ? ST_FREE : ST_DEAD; /* zero column: never a regressor */
    av[j] = cv[j];
    bv[j] = 0.0;
    if (state[j] == ST_FREE && fabs(cv[j]) > l0) l0 = fabs(cv[j]);
  }
  return l0;
}

/* First variable: the largest |c_j|, the lowest index among ties; -1 when there is none. */
static int first_variable(int m, double l0, double tie) {
  for (int j = 0; j < m; j++)
    if (state[j] == ST_FREE && fabs(cv[j]) >= l0 * (1 - tie) && l0 > 0) return j;
  return -1;
}

/* Takes the join announced at the current breakpoint. Returns 0 when the active set is
 * full (the path stops at this breakpoint), 1 otherwise. */
static int take_join(sd_result *R, int m, const double *G, const sd_opts *o, sd_walk *w) {
  if (w->nA >= o->max_active) {
    R->stop = SD_STOP_ACTIVE;
    return 0;
  }
  if (chol_add(m, G, w->nA, w->var, w->esign, o->degen)) {
    w->nA++;
    w->just_joined = w->var;
  } else {
    /* Degenerate: j is (numerically) a combination of the active columns.
     * It stays out until the active set shrinks; the breakpoint that announced
     * it is withdrawn and the next event is sought from the same l. */
    state[w->var] = ST_EXCLUDED;
    R->ndegenerate++;
    if (o->keep_path) R->nbp--;
    w->steps--;
  }
  return 1;
}

/* Takes the drop announced at the current breakpoint: the variable leaves, the ones refused
 * as degenerate may be candidates again (the active span shrank), and a, b, t, w are
 * recomputed from the downdated factor. */
static void take_drop(int m, sd_walk *w) {
  w->dropped_sign = (int)sgn[pos[w->var]];
  chol_delete(m, w->nA, pos[w->var]);
  w->nA--;
  w->just_dropped = w->var;
  for (int j = 0; j < m; j++)
    if (state[j] == ST_EXCLUDED) state[j] = ST_FREE;
  refresh(m, w->nA);
}

/* The level at which the variable in free slot sl joins: the largest admissible
 * l_j = a_j / (sigma - b_j) <= l over both signs sigma, kept in cand[sl] with its sign in
 * candsig[sl]; -1 when it cannot join. */
static double join_level(int sl, const sd_opts *o, const sd_walk *w) {
  int j = var_of[sl];
  cand[sl] = -1.0;
  if (state[j] != ST_FREE) return cand[sl];
  for (int sg = 1; sg >= -1; sg -= 2) {
    /* A variable that just left meets the level on its old side at the current l
     * (r_j is linear, so that is its only root there); it may come back only on
     * the other side, which happens when r_j sweeps across in a short interval. */
    if (j == w->just_dropped && sg == w->dropped_sign) continue;
    double den = sg - bv[sl];
    if (fabs(den) <= SD_PARALLEL_TOL) continue;
    double e = av[sl] / den;
    if (e > w->l * (1 + o->tie)) continue; /* met above l: not ahead of us */
    if (e < w->zero_tol) {
      if (e < -w->zero_tol) continue;
      e = 0.0;
    }
    if (e > w->l) e = w->l;
    if (e > cand[sl]) {
      cand[sl] = e;
      candsig[sl] = sg;
    }
  }
  return cand[sl];
}

/* Next join: the largest admissible l_j = a_j / (sigma - b_j) <= l. Returns that level and
 * sets *jslot to the joining variable's free slot, or returns -1 with *jslot = -1. */
static double next_join(const sd_opts *o, const sd_walk *w, int *jslot) {
  double best = -1.0;
  for (int sl = 0; sl < nfree; sl++) {
    double e = join_level(sl, o, w);
    if (e > best) best = e;
  }
  int jn = -1, jsl = -1;
  if (best >= 0) {
    /* Ties within tie * l: the lowest index, so results do not depend on rounding. */
    for (int sl = 0; sl < nfree; sl++)
      if (cand[sl] >= 0 && cand[sl] >= best - o->tie * w->l && (jn < 0 || var_of[sl] < jn)) {
        jn = var_of[sl];
        jsl = sl;
      }
  }
  *jslot = jsl;
  return jn >= 0 ? cand[jsl] : -1.0;
}

/* Next drop (lasso): the largest l_i = t_i / w_i < l over the active set, the variable
 * that has just joined excepted. Returns that level and sets *ivar to the leaving
 * variable, or returns -1 with *ivar = -1. */
static double next_drop(const sd_walk *w, int *ivar) {
  double edrop = -1.0;
  int in = -1;
  for (int k = 0; k < w->nA; k++) {
    if (A[k] == w->just_joined || wv[k] == 0.0) continue;
    double e = tv[k] / wv[k];
    if (!(e < w->l) || e < 0) continue;
    if (e < w->zero_tol) e = 0.0;
    if (e > edrop) {
      edrop = e;
      in = A[k];
    }
  }
  *ivar = in;
  return edrop;
}

/* Moves to the next event below l -- a drop when it comes before the next join -- and
 * records its breakpoint; when there is none above lambda_min, records the end of the
 * last segment at lambda_min instead. Returns WALK_ON, WALK_ENDED, or WALK_FAILED when
 * memory ran out. */
static int advance(sd_result *R, int m, const sd_opts *o, sd_walk *w) {
  int jsl, in = -1;
  double ejoin = next_join(o, w, &jsl);
  double edrop = o->lasso ? next_drop(w, &in) : -1.0;
  int nk;
  double e;
  if (in >= 0 && edrop > ejoin) {
    nk = SD_EV_DROP;
    e = edrop;
  } else if (jsl >= 0) {
    nk = SD_EV_JOIN;
    e = ejoin;
  } else {
    nk = SD_EV_NONE;
    e = -1.0;
  }
  if (nk == SD_EV_NONE || e <= o->lmin) {
    /* Last segment: move to lambda_min and stop. */
    w->l = o->lmin;
    if (!record(R, m, o->keep_path, w->l, w->nA, SD_EV_NONE, -1, 0)) return WALK_FAILED;
    R->stop = o->lmin > 0 ? SD_STOP_LAMBDA : SD_STOP_END;
    return WALK_ENDED;
  }
  w->l = e;
  w->kind = nk;
  w->var = nk == SD_EV_JOIN ? var_of[jsl] : in;
  w->esign = nk == SD_EV_JOIN ? candsig[jsl] : (int)sgn[pos[in]];
  w->steps++;
  if (!record(R, m, o->keep_path, w->l, w->nA, w->kind, w->var, w->esign)) return WALK_FAILED;
  return WALK_ON;
}

/* Copies the active set in force at the last breakpoint, and its signs, into the result. */
static int save_active_set(sd_result *R, int nA) {
  R->nactive = nA;
  R->active = malloc(sizeof(int) * (size_t)(nA ? nA : 1));
  R->sign = malloc(sizeof(int) * (size_t)(nA ? nA : 1));
  if (!R->active || !R->sign) return 0;
  for (int k = 0; k < nA; k++) {
    R->active[k] = A[k];
    R->sign[k] = (int)sgn[k];
  }
  return 1;
}

/* The path of one response (c in cv): its first breakpoint, then one event per step until
 * lambda_min, max_steps or max_active stops it. Returns 0 when memory ran out. */
static int run_one(sd_result *R, int m, const double *G, const sd_opts *o) {
  double l0 = start_response(m, G);
  int j0 = first_variable(m, l0, o->tie);
  if (j0 < 0 || l0 <= o->lmin) {
    /* Nothing enters above lambda_min: one breakpoint, the empty model. */
    if (!record(R, m, o->keep_path, o->lmin > l0 ? o->lmin : l0, 0, SD_EV_NONE, -1, 0)) return 0;
    R->stop = o->lmin > 0 ? SD_STOP_LAMBDA : SD_STOP_END;
    R->nactive = 0;
    return 1;
  }
  sd_walk w = {0};
  w.zero_tol = o->tie * l0;
  w.l = l0;
  w.kind = SD_EV_JOIN;
  w.var = j0;
  w.esign = cv[j0] > 0 ? 1 : -1;
  if (!record(R, m, o->keep_path, w.l, 0, w.kind, w.var, w.esign)) return 0;
  for (;;) {
    if (w.steps >= o->max_steps) {
      R->stop = SD_STOP_STEPS;
      break;
    }
    w.just_joined = w.just_dropped = -1;
    if (w.kind == SD_EV_JOIN) {
      if (!take_join(R, m, G, o, &w)) break;
    } else if (w.kind == SD_EV_DROP) {
      take_drop(m, &w);
    }
    int next = advance(R, m, o, &w);
    if (next == WALK_FAILED) return 0;
    if (next == WALK_ENDED) break;
  }
  return save_active_set(R, w.nA);
}

/*
 * sd_path -- the LARS (lasso = 0) or lasso (lasso = 1) path for d responses.
 *
 * [in] m, d        sizes; G is m x m, C is m x d (row-major), one response per column.
 * [in] G, C, n     sufficient statistics G = X^T X, C = X^T Y and the sample count.
 * [in] lmin        stop at l = lmin (correlation scale), interpolating the last segment.
 * [in] max_steps   stop after this many steps (breakpoints after the first).
 * [in] max_active  stop at the breakpoint where the next join would exceed this size.
 * [in] sym_tol     relative symmetry tolerance of G (see sd_check_inputs).
 * [in] tie         relative tie tolerance: events closer than tie * l are simultaneous
 *                  (taken one per step, lowest index first); events below tie * l_0 are
 *                  at l = 0.
 * [in] degen       relative pivot tolerance for degenerate regressors (see chol_add).
 * [in] keep_path   1: keep every breakpoint; 0: keep only the last one.
 * Returns 0, -i for an illegal i-th argument, or SD_ALLOC (> 0) when memory ran out.
 * Results are read with sd_res_* until the next call.
 */
SD_EXPORT int sd_path(int m, int d, const double *G, const double *C, double n, int lasso,
                      double lmin, int max_steps, int max_active, double sym_tol, double tie,
                      double degen, int keep_path) {
  free_results();
  int info = sd_check_inputs(m, d, G, C, n, sym_tol);
  if (info) return info;
  if (!(lmin >= 0) || !isfinite(lmin)) return sd_set_error(7, SD_RANGE, -1, -1);
  if (max_steps < 0) return sd_set_error(8, SD_RANGE, -1, -1);
  if (max_active < 0) return sd_set_error(9, SD_RANGE, -1, -1);
  if (!(tie >= 0 && tie < 1)) return sd_set_error(11, SD_RANGE, -1, -1);
  if (!(degen >= 0 && degen < 1)) return sd_set_error(12, SD_RANGE, -1, -1);
  if (d == 0) return 0;
  res = calloc((size_t)d, sizeof(sd_result));
  if (!res || (m > 0 && !ensure_workspace(m))) {
    free_results();
    return sd_set_error(0, SD_ALLOC, -1, -1), SD_ALLOC;
  }
  nres = d;
  sd_opts o = {lasso != 0, lmin, max_steps, max_active < m ? max_active : m, keep_path, tie, degen};
  for (int r = 0; r < d; r++) {
    for (int j = 0; j < m; j++) cv[j] = C[(size_t)j * d + r];
    if (!run_one(&res[r], m, G, &o)) {
      free_results();
      return sd_set_error(0, SD_ALLOC, -1, -1), SD_ALLOC;
    }
  }
  return 0;
}

SD_EXPORT int sd_res_count(int r) { return r >= 0 && r < nres ? res[r].nbp : 0; }
SD_EXPORT double *sd_res_lambda(int r) { return res[r].lambda; }
SD_EXPORT double *sd_res_coef(int r) { return res[r].coef; }
SD_EXPORT int *sd_res_event(int r) { return res[r].event; }
SD_EXPORT int sd_res_nactive(int r) { return res[r].nactive; }
SD_EXPORT int *sd_res_active(int r) { return res[r].active; }
SD_EXPORT int *sd_res_sign(int r) { return res[r].sign; }
SD_EXPORT int sd_res_stop(int r) { return res[r].stop; }
SD_EXPORT int sd_res_ndegenerate(int r) { return res[r].ndegenerate; }
SD_EXPORT void sd_res_free(void) { free_results(); }
