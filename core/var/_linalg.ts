// Small dense symmetric positive-definite solves for the VAR tools (m ≤ a few hundred):
// least squares from sufficient statistics (exact, or ridge-stabilised), log-determinants of
// covariances.
import { SparsedynError } from "../errors.ts";

/**
 * Cholesky factor L (lower, row-major, n×n) of the Jacobi-scaled matrix D⁻¹ S D⁻¹, with
 * D = √diag(S): scaling first makes the pivots comparable, so the factor keeps its digits
 * when the columns have very different scales. Returns null when S is not positive definite.
 */
export function scaledCholesky(
  S: Float64Array,
  n: number,
): { L: Float64Array; scale: Float64Array } | null {
  const scale = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const v = S[i * n + i];
    if (!(v > 0)) return null;
    scale[i] = Math.sqrt(v);
  }
  const L = choleskyLower(S, n, scale);
  return L && { L, scale };
}

/**
 * The Cholesky factor L (lower, row-major) of D⁻¹ S D⁻¹, D = diag(scale). A pivot ≤ 1e-14
 * fails (null) unless `floor` is given, which bounds the pivots below instead: L_jj =
 * √max(pivot, floor), the ridge solve's way through collinear columns.
 */
function choleskyLower(
  S: Float64Array,
  n: number,
  scale: Float64Array,
  floor?: number,
): Float64Array | null {
  const L = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j <= i; j++) {
      let s = S[i * n + j] / (scale[i] * scale[j]);
      const li = i * n, lj = j * n;
      for (let k = 0; k < j; k++) s -= L[li + k] * L[lj + k];
      if (i !== j) L[li + j] = s / L[lj + j];
      else if (floor !== undefined) L[li + i] = Math.sqrt(Math.max(s, floor));
      else if (!(s > 1e-14)) return null;
      else L[li + i] = Math.sqrt(s);
    }
  }
  return L;
}

/** Solves S X = B in place of B (n×r row-major) with a factor from {@link scaledCholesky}. */
export function choleskySolve(
  f: { L: Float64Array; scale: Float64Array },
  n: number,
  B: Float64Array,
  r: number,
): void {
  const { L, scale } = f;
  for (let i = 0; i < n; i++) for (let c = 0; c < r; c++) B[i * r + c] /= scale[i];
  for (let i = 0; i < n; i++) {
    const li = i * n;
    for (let c = 0; c < r; c++) {
      let s = B[i * r + c];
      for (let k = 0; k < i; k++) s -= L[li + k] * B[k * r + c];
      B[i * r + c] = s / L[li + i];
    }
  }
  for (let i = n - 1; i >= 0; i--) {
    for (let c = 0; c < r; c++) {
      let s = B[i * r + c];
      for (let k = i + 1; k < n; k++) s -= L[k * n + i] * B[k * r + c];
      B[i * r + c] = s / L[i * n + i];
    }
  }
  for (let i = 0; i < n; i++) for (let c = 0; c < r; c++) B[i * r + c] /= scale[i];
}

/**
 * The least-squares coefficients B = G⁻¹C (m×r) from G (m×m) and C (m×r), with one step of
 * iterative refinement (the residual C − GB in float64, solved again): the normal
 * equations then agree with a QR least-squares solve to about cond(X)·ε.
 *
 * @throws {SparsedynError} `NOT_POSITIVE_DEFINITE` when G is singular (collinear regressors,
 *   or fewer samples than regressors); `argument` names `what`.
 */
export function leastSquares(
  G: Float64Array,
  C: Float64Array,
  m: number,
  r: number,
  what: string,
): Float64Array {
  const f = scaledCholesky(G, m);
  if (!f) {
    throw new SparsedynError(
      "NOT_POSITIVE_DEFINITE",
      `${what}: the lagged design is singular (collinear series, or fewer samples than ` +
        `coefficients): least squares is not defined; use a penalised fit or fewer lags`,
      { argument: what },
    );
  }
  const B = C.slice();
  choleskySolve(f, m, B, r);
  const R = new Float64Array(m * r);
  for (let i = 0; i < m; i++) {
    for (let c = 0; c < r; c++) {
      let s = C[i * r + c];
      for (let k = 0; k < m; k++) s -= G[i * m + k] * B[k * r + c];
      R[i * r + c] = s;
    }
  }
  choleskySolve(f, m, R, r);
  for (let q = 0; q < B.length; q++) B[q] += R[q];
  return B;
}

/**
 * Ridge-stabilised least squares: B = (G + εI)⁻¹C (m×r) from G (m×m) and C (m×r), with ε a
 * 1e-8 share of the mean diagonal of G, only to survive collinear columns (pivots are
 * floored at ε, never refused). No scaling, no refinement, never throws: for regressions
 * that must give an answer whatever the data (the evaluation's latents against cells).
 */
export function ridgeLeastSquares(
  G: Float64Array,
  C: Float64Array,
  m: number,
  r: number,
): Float64Array {
  let trace = 0;
  for (let i = 0; i < m; i++) trace += G[i * m + i];
  const ridge = 1e-8 * (trace / m) + 1e-300;
  const S = Float64Array.from(G);
  for (let i = 0; i < m; i++) S[i * m + i] += ridge;
  // Unit scale: x / (1·1) and x / 1 are exact, so this is the plain Cholesky solve.
  const scale = new Float64Array(m).fill(1);
  const B = C.slice();
  choleskySolve({ L: choleskyLower(S, m, scale, ridge)!, scale }, m, B, r);
  return B;
}

/** ln det S of a symmetric positive-definite S (n×n); −Infinity when it is not. */
export function logDetSymmetric(S: Float64Array, n: number): number {
  const f = scaledCholesky(S, n);
  if (!f) return -Infinity;
  let s = 0;
  for (let i = 0; i < n; i++) s += 2 * Math.log(f.L[i * n + i]) + 2 * Math.log(f.scale[i]);
  return s;
}

/**
 * Residual cross-products EᵀE (d×d) of Y ≈ XB from the statistics: YᵀY − BᵀC − CᵀB + BᵀGB,
 * with B m×d; uses B's zero rows to skip work (sparse fits).
 */
export function residualCrossProducts(
  G: Float64Array,
  C: Float64Array,
  YY: Float64Array,
  B: Float64Array,
  m: number,
  d: number,
): Float64Array {
  const rows: number[] = [];
  for (let a = 0; a < m; a++) {
    for (let i = 0; i < d; i++) {
      if (B[a * d + i] !== 0) {
        rows.push(a);
        break;
      }
    }
  }
  // GB restricted to the non-zero rows of B: (m×d), then Bᵀ(GB) − BᵀC − CᵀB.
  const GB = new Float64Array(m * d);
  for (let a = 0; a < m; a++) {
    for (const b of rows) {
      const g = G[a * m + b];
      if (g === 0) continue;
      for (let i = 0; i < d; i++) GB[a * d + i] += g * B[b * d + i];
    }
  }
  const E = YY.slice();
  for (const a of rows) {
    for (let i = 0; i < d; i++) {
      const bai = B[a * d + i];
      if (bai === 0) continue;
      for (let j = 0; j < d; j++) {
        E[i * d + j] += bai * (GB[a * d + j] - C[a * d + j]);
        E[j * d + i] -= bai * C[a * d + j];
      }
    }
  }
  // Exact symmetry (the two halves were accumulated in different orders).
  for (let i = 0; i < d; i++) {
    for (let j = i + 1; j < d; j++) {
      const v = (E[i * d + j] + E[j * d + i]) / 2;
      E[i * d + j] = E[j * d + i] = v;
    }
  }
  return E;
}
