/**
 * The lagged design of a VAR(p) and its sufficient statistics: for a series z (T×d),
 * rows t = p … T−1 give X_t = [z_{t−1}, …, z_{t−p}] (m = p·d columns, lag-major) and
 * Y_t = z_t. All d equations share G = XᵀX; C = XᵀY holds one column per equation.
 * Coefficient β[(k−1)·d + j, i] is the effect of series j at lag k on series i.
 *
 * @example
 * ```ts
 * import { varStatistics } from "./design.ts";
 *
 * // One series, one lag: X = [1, 2], Y = [2, 3] (uncentred).
 * const s = varStatistics(Float64Array.of(1, 2, 3), 3, 1, 1, { center: false });
 * if (s.G[0] !== 5 || s.C[0] !== 8 || s.n !== 2) throw new Error("stats");
 * ```
 *
 * @module
 */
import { SparsedynError } from "../errors.ts";

/** Sufficient statistics of a VAR(p) design: a regression of z_t on its p lags. */
export interface VarStatistics extends RegressionStatistics {
  /** Lags. */
  p: number;
}

/**
 * Builds G, C and yᵀy of the VAR(p) design of a series, without forming X.
 *
 * @param series T×d row-major.
 * @param T Number of time points.
 * @param d Number of series.
 * @param p Number of lags, 1 ≤ p < T.
 * @param options `center` (default true): remove column means, i.e. fit an intercept.
 * @returns The statistics.
 * @throws {SparsedynError} When the sizes do not fit.
 */
export function varStatistics(
  series: Float64Array,
  T: number,
  d: number,
  p: number,
  options: { center?: boolean } = {},
): VarStatistics {
  if (series.length !== T * d) {
    throw new SparsedynError(
      "INVALID_ARGUMENT",
      `series must hold T×d = ${T * d} values; got ${series.length}`,
      {
        argument: "series",
      },
    );
  }
  if (!Number.isInteger(p) || p < 1 || p >= T) {
    throw new SparsedynError("INVALID_ARGUMENT", `p must be an integer in [1, T − 1]; got ${p}`, {
      argument: "p",
    });
  }
  const n = T - p, m = p * d, center = options.center ?? true;
  const meanX = new Float64Array(m), meanY = new Float64Array(d);
  if (center) {
    for (let t = p; t < T; t++) {
      for (let i = 0; i < d; i++) meanY[i] += series[t * d + i];
      for (let k = 1; k <= p; k++) {
        for (let j = 0; j < d; j++) meanX[(k - 1) * d + j] += series[(t - k) * d + j];
      }
    }
    meanX.forEach((v, i) => (meanX[i] = v / n));
    meanY.forEach((v, i) => (meanY[i] = v / n));
  }
  const x = new Float64Array(m), y = new Float64Array(d);
  const G = new Float64Array(m * m), C = new Float64Array(m * d), yty = new Float64Array(d);
  for (let t = p; t < T; t++) {
    for (let k = 1; k <= p; k++) {
      for (let j = 0; j < d; j++) {
        x[(k - 1) * d + j] = series[(t - k) * d + j] - meanX[(k - 1) * d + j];
      }
    }
    for (let i = 0; i < d; i++) y[i] = series[t * d + i] - meanY[i];
    for (let a = 0; a < m; a++) {
      const xa = x[a];
      if (xa === 0) continue;
      const row = a * m;
      for (let b = a; b < m; b++) G[row + b] += xa * x[b];
      const crow = a * d;
      for (let i = 0; i < d; i++) C[crow + i] += xa * y[i];
    }
    for (let i = 0; i < d; i++) yty[i] += y[i] * y[i];
  }
  for (let a = 0; a < m; a++) for (let b = a + 1; b < m; b++) G[b * m + a] = G[a * m + b];
  return { G, C, yty, n, m, d, p, meanX, meanY };
}

/** Sufficient statistics of a multi-response regression Y ≈ X B. */
export interface RegressionStatistics {
  /** XᵀX, m×m. */
  G: Float64Array;
  /** XᵀY, m×d. */
  C: Float64Array;
  /** yᵀy per response. */
  yty: Float64Array;
  /** Rows (samples). */
  n: number;
  /** Columns of X. */
  m: number;
  /** Columns of Y (responses). */
  d: number;
  /** Removed column means of X (zeros when not centred). */
  meanX: Float64Array;
  /** Removed column means of Y. */
  meanY: Float64Array;
}

/**
 * G = XᵀX, C = XᵀY and yᵀy of a regression, optionally on centred columns (an intercept).
 *
 * @param X n×m row-major.
 * @param Y n×d row-major.
 * @param n Rows.
 * @param m Columns of X.
 * @param d Columns of Y.
 * @param options `center` (default false).
 * @returns The statistics.
 * @throws {SparsedynError} When the sizes do not fit.
 *
 * @example
 * ```ts
 * import { regressionStatistics } from "./design.ts";
 *
 * const s = regressionStatistics(Float64Array.of(1, 2), Float64Array.of(3, 4), 2, 1, 1);
 * if (s.G[0] !== 5 || s.C[0] !== 11 || s.yty[0] !== 25) throw new Error("stats");
 * ```
 */
export function regressionStatistics(
  X: Float64Array,
  Y: Float64Array,
  n: number,
  m: number,
  d: number,
  options: { center?: boolean } = {},
): RegressionStatistics {
  if (X.length !== n * m) {
    throw new SparsedynError(
      "INVALID_ARGUMENT",
      `X must hold n×m = ${n * m} values; got ${X.length}`,
      { argument: "X" },
    );
  }
  if (Y.length !== n * d) {
    throw new SparsedynError(
      "INVALID_ARGUMENT",
      `Y must hold n×d = ${n * d} values; got ${Y.length}`,
      { argument: "Y" },
    );
  }
  const meanX = new Float64Array(m), meanY = new Float64Array(d);
  if (options.center) {
    for (let t = 0; t < n; t++) {
      for (let j = 0; j < m; j++) meanX[j] += X[t * m + j] / n;
      for (let r = 0; r < d; r++) meanY[r] += Y[t * d + r] / n;
    }
  }
  const G = new Float64Array(m * m), C = new Float64Array(m * d), yty = new Float64Array(d);
  const x = new Float64Array(m), y = new Float64Array(d);
  for (let t = 0; t < n; t++) {
    for (let j = 0; j < m; j++) x[j] = X[t * m + j] - meanX[j];
    for (let r = 0; r < d; r++) y[r] = Y[t * d + r] - meanY[r];
    for (let a = 0; a < m; a++) {
      const xa = x[a];
      for (let b = a; b < m; b++) G[a * m + b] += xa * x[b];
      for (let r = 0; r < d; r++) C[a * d + r] += xa * y[r];
    }
    for (let r = 0; r < d; r++) yty[r] += y[r] * y[r];
  }
  for (let a = 0; a < m; a++) for (let b = a + 1; b < m; b++) G[b * m + a] = G[a * m + b];
  return { G, C, yty, n, m, d, meanX, meanY };
}
