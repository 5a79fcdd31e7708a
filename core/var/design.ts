/**
 * The lagged design of a VAR(p) and its sufficient statistics: for a series z (T×d),
 * rows t = p … T−1 give X_t = [z_{t−1}, …, z_{t−p}] (m = p·d columns, lag-major) and
 * Y_t = z_t. All d equations share G = XᵀX; C = XᵀY holds one column per equation.
 * Coefficient β[(k−1)·d + j, i] is the effect of series j at lag k on series i.
 *
 * The one place these statistics are built:
 * - {@link varStatistics}: a whole series' VAR statistics, without forming X, from the
 *   lagged products of `_lagged_blocks.ts` — the same sums {@link fitVar}, cross-validation
 *   and order selection use, so every VAR fit of one series sees the same G and C.
 * - {@link laggedDesign} and {@link regressionStatistics}: an explicit design and its
 *   statistics, for a caller that needs X itself (the model's VAR layer differentiates
 *   through it) or has a design that is not lagged.
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
import { centre, laggedBlocks } from "./_lagged_blocks.ts";
import { columnMeans, crossProduct } from "./_dense_products.ts";

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
  const n = T - p, m = p * d;
  if (options.center ?? true) {
    const lb = laggedBlocks(series, T, d, p, p, [0, n]);
    const { G, C, yty, meanX, meanY } = centre(lb, lb.blocks[0]);
    return { G, C, yty, n, m, d, p, meanX, meanY };
  }
  // Uncentred: the raw sums (reference 0).
  const lb = laggedBlocks(series, T, d, p, p, [0, n], new Float64Array(d));
  const { Sxx, Sxy, Syy } = lb.blocks[0];
  const yty = new Float64Array(d).map((_, i) => Syy[i * d + i]);
  return {
    G: Sxx,
    C: Sxy,
    yty,
    n,
    m,
    d,
    p,
    meanX: new Float64Array(m),
    meanY: new Float64Array(d),
  };
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
 * @param options `center` (default false); `inPlace` (default false): centre X and Y in
 *   place rather than in copies, for a caller that keeps the centred design (the VAR layer
 *   differentiates through it) and would otherwise copy it twice.
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
  options: { center?: boolean; inPlace?: boolean } = {},
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
  let Xc = X, Yc = Y;
  let meanX: Float64Array = new Float64Array(m), meanY: Float64Array = new Float64Array(d);
  if (options.center) {
    meanX = columnMeans(X, n, m);
    meanY = columnMeans(Y, n, d);
    if (!options.inPlace) [Xc, Yc] = [X.slice(), Y.slice()];
    for (let i = 0; i < n * m; i++) Xc[i] -= meanX[i % m];
    for (let i = 0; i < n * d; i++) Yc[i] -= meanY[i % d];
  }
  const yty = new Float64Array(d);
  for (let i = 0; i < n * d; i++) yty[i % d] += Yc[i] * Yc[i];
  const G = crossProduct(Xc, Xc, n, m, m), C = crossProduct(Xc, Yc, n, m, d);
  return { G, C, yty, n, m, d, meanX, meanY };
}

/**
 * The explicit lagged design of a series: X (n×m, row r = [z_{r+p−1}, …, z_r]) and
 * Y (n×d, row r = z_{r+p}), n = T − p, m = p·d, in float64.
 *
 * @param z T×d row-major (float32 or float64 values).
 * @param T Number of time points.
 * @param d Number of series.
 * @param p Number of lags, 1 ≤ p < T.
 * @returns X and Y, uncentred.
 *
 * @example
 * ```ts
 * import { laggedDesign } from "./design.ts";
 *
 * const { X, Y } = laggedDesign([1, 2, 4, 8], 4, 1, 2); // rows t = 2, 3
 * if (X.join() !== "2,1,4,2" || Y.join() !== "4,8") throw new Error("design");
 * ```
 */
export function laggedDesign(
  z: ArrayLike<number>,
  T: number,
  d: number,
  p: number,
): { X: Float64Array; Y: Float64Array } {
  const n = T - p, m = p * d;
  const X = new Float64Array(n * m), Y = new Float64Array(n * d);
  for (let t = 0; t < n; t++) {
    for (let k = 1; k <= p; k++) {
      for (let j = 0; j < d; j++) X[t * m + (k - 1) * d + j] = z[(t + p - k) * d + j];
    }
    for (let j = 0; j < d; j++) Y[t * d + j] = z[(t + p) * d + j];
  }
  return { X, Y };
}
