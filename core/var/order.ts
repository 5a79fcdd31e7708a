/**
 * The order p of a VAR by an information criterion, comparing p = 1 … pMax on the same
 * effective sample: the first pMax time points are dropped for every p (as statsmodels'
 * `VAR.select_order` does), so the criteria differ only by the model, not the data.
 *
 * For each p, with n = T − pMax rows, Σ̃_p the maximum-likelihood residual covariance
 * (EᵀE/n) and k_p the number of free parameters (Lütkepohl 2005, §4.3):
 *
 *     AIC(p)  = ln det Σ̃_p + 2·k_p / n
 *     BIC(p)  = ln det Σ̃_p + ln(n)·k_p / n
 *     HQIC(p) = ln det Σ̃_p + 2·ln(ln n)·k_p / n
 *     FPE(p)  = ((n + q_p) / (n − q_p))^d · det Σ̃_p,   q_p = p·d + 1 regressors per equation
 *
 * Fit "ols": least squares with an intercept, k_p = p·d² + d; the values equal
 * statsmodels' `select_order(pMax).ics` (trend "c") for p ≥ 1 (statsmodels also lists
 * p = 0; a VAR needs p ≥ 1). Fit "lasso": per equation the lasso path with λ by BIC,
 * k_p = (non-zero coefficients) + d, q_p = k_p / d — the only choice where least squares is
 * not defined (n ≤ pMax·d + d). "auto" takes "ols" when it is defined.
 *
 * An order is admissible only when its criteria are finite and each equation's p·d + 1
 * candidate parameters leave at least d residual degrees of freedom (n − p·d − 1 ≥ d, the
 * condition for least squares). Otherwise the residual covariance is singular or nearly
 * so: ln det Σ̃_p is −∞, or far below any honest fit because the lasso, choosing among
 * about as many candidates as rows, fits the noise while its df counts only the non-zeros
 * (seen: p = 6 of 24 series on 152 rows, BIC −1.8 against 2.8 at p = 3, spectral radius
 * 1.27, forecasts 8× worse than persistence). Inadmissible orders are listed but never
 * chosen, and not fitted: their rows hold NaN criteria and the p·d² + d parameters least
 * squares would need. When none is admissible, p = 1 is taken and `warning` says why.
 * {@link defaultMaxLags} bounds the orders compared by default to the admissible ones.
 *
 * @example
 * ```ts
 * import { simulateVar } from "../data/synthetic_var.ts";
 * import { selectOrder } from "./order.ts";
 *
 * const sim = simulateVar({ d: 3, p: 2, T: 2000, density: 0.3, seed: 4 });
 * const sel = selectOrder(sim.series, sim.T, sim.d, 5);
 * if (sel.table.length !== 5 || sel.fit !== "ols") throw new Error("p = 1 … 5 by OLS");
 * ```
 *
 * @module
 */
import { SparsedynError } from "../errors.ts";
import { centre, type CentredStats, laggedBlocks } from "./_lagged_blocks.ts";
import { leastSquares, logDetSymmetric, residualCrossProducts } from "./_linalg.ts";
import { selectAlongPaths } from "./_path_select.ts";
import type { LambdaCriterion } from "./lambda_criteria.ts";
import { checkSeries } from "./series_check.ts";
import { standardised } from "./_standardise.ts";

/** A criterion for the order. */
export type OrderCriterion = "aic" | "bic" | "hqic" | "fpe";

/** How each order is fitted for its criterion. */
export type OrderFit = "ols" | "lasso";

/** The criteria of one order. */
export interface OrderRow {
  /** The order. */
  p: number;
  /** Free parameters k_p. */
  freeParameters: number;
  /** ln det of the ML residual covariance (NaN for an order not fitted: not admissible). */
  logDet: number;
  /** Akaike's criterion. */
  aic: number;
  /** Schwarz's Bayesian criterion. */
  bic: number;
  /** Hannan–Quinn's criterion. */
  hqic: number;
  /** Akaike's final prediction error. */
  fpe: number;
  /** Finite ln det (standardised) and n − p·d − 1 ≥ d: the order may be chosen. */
  admissible: boolean;
}

/** The outcome of {@link selectOrder}. */
export interface OrderSelection {
  /** The criterion that chose. */
  criterion: OrderCriterion;
  /** The chosen order. */
  p: number;
  /** The largest order compared. */
  maxLags: number;
  /** Rows used for every order (T − maxLags). */
  nobs: number;
  /** How each order was fitted. */
  fit: OrderFit;
  /** The criteria, p = 1 … maxLags. */
  table: OrderRow[];
  /** Why the choice is weak, when no order was admissible. */
  warning?: string;
  /** What bounded `maxLags`, when it was the default (set by `fitVar`). */
  maxLagsReason?: string;
}

/** The default largest order of {@link defaultMaxLags}, and what bounded it. */
export interface DefaultMaxLags {
  /** The largest order to compare (≥ 1). */
  maxLags: number;
  /** The bound the data set: the largest p with T − p ≥ p·d + d + 1 (0 when even p = 1 fails). */
  dataBound: number;
  /** A sentence for the reader: which bound applied. */
  reason: string;
}

/**
 * The default largest order compared: min(8, ⌊T/10⌋, the data bound), at least 1. The data
 * bound is the largest p for which least squares is defined at every order 1 … p on the
 * common sample (T − p rows ≥ p·d + 1 regressors + d residual degrees of freedom), so every
 * order's criteria are finite and no order has more parameters than rows.
 *
 * @param T Time points.
 * @param d Series.
 * @returns The bound and the reason.
 *
 * @example 128 series of 400 time points allow orders up to 2
 * ```ts
 * import { defaultMaxLags } from "./order.ts";
 *
 * if (defaultMaxLags(400, 128).maxLags !== 2) throw new Error("(400 − 2) − 2·128 − 1 ≥ 128; p = 3 fails");
 * if (defaultMaxLags(1000, 3).maxLags !== 8) throw new Error("the fixed cap of 8");
 * ```
 */
export function defaultMaxLags(T: number, d: number): DefaultMaxLags {
  let dataBound = 0;
  while (T - (dataBound + 1) - (dataBound + 1) * d - 1 >= d) dataBound++;
  const byLength = Math.max(1, Math.floor(T / 10));
  const maxLags = Math.max(1, Math.min(8, byLength, dataBound));
  const reason = dataBound < 1
    ? `T = ${T} time points are too few for least squares at p = 1 with d = ${d} series ` +
      `(needs T − 1 ≥ 2d + 1 = ${2 * d + 1}); only p = 1 is fitted, by the lasso`
    : maxLags === dataBound && dataBound < Math.min(8, byLength)
    ? `bounded by the data: p = ${dataBound + 1} would leave fewer than d = ${d} residual ` +
      `degrees of freedom per equation (T − p < p·d + d + 1)`
    : maxLags === byLength && byLength < 8
    ? `⌊T/10⌋ = ${byLength}`
    : "the default cap of 8";
  return { maxLags, dataBound, reason };
}

/** Options of {@link selectOrder}. */
export interface OrderOptions {
  /** Default "bic". */
  criterion?: OrderCriterion;
  /** Default "auto": "ols" when defined at every order, else "lasso". */
  fit?: OrderFit | "auto";
  /** λ criterion of the lasso fit. Default "bic". */
  lambdaCriterion?: LambdaCriterion;
  /** Called after each order with (orders done, maxLags). */
  onProgress?: (done: number, total: number) => void;
}

/**
 * Chooses the VAR order by an information criterion.
 *
 * @param series T×d row-major.
 * @param T Time points.
 * @param d Series.
 * @param maxLags Largest order compared, ≥ 1.
 * @param options Criterion and fit.
 * @returns The chosen order and the table.
 * @throws {SparsedynError} On bad input (non-finite, constant column, too short) or an
 *   invalid option.
 */
export function selectOrder(
  series: Float64Array,
  T: number,
  d: number,
  maxLags: number,
  options: OrderOptions = {},
): OrderSelection {
  const { criterion, fit, n } = checkOrderInputs(series, T, d, maxLags, options);
  // Standardise (a copy): the lasso needs comparable scales; ln det shifts by a constant,
  // added back so the table is in the series' units.
  const { z, logScale } = standardised(series, T, d);
  const lb = laggedBlocks(z, T, d, maxLags, maxLags, [0, n]);
  const sample: CommonSample = {
    all: centre(lb, lb.blocks[0]),
    n,
    d,
    M: lb.m,
    logScale,
    fit,
    lambdaCriterion: options.lambdaCriterion ?? "bic",
  };
  const table: OrderRow[] = [], logFpe: number[] = [];
  for (let p = 1; p <= maxLags; p++) {
    // Never chosen, so not fitted: a lasso path on about as many candidates as rows is
    // the slowest fit of all (minutes at 128 series × 8 lags) and its criteria mislead.
    const scored = n - p * d - 1 < d ? notFitted(p, d) : scoreOrder(sample, p);
    table.push(scored.row);
    logFpe.push(scored.logFpe);
    options.onProgress?.(p, maxLags);
  }
  const best = bestOrder(table, logFpe, criterion);
  if (!best) {
    return {
      criterion,
      p: 1,
      maxLags,
      nobs: n,
      fit,
      table,
      warning: `no order in 1 … ${maxLags} has finite criteria and leaves d = ${d} ` +
        `residual degrees of freedom per equation on ${n} rows (n − p·d − 1 ≥ d); p = 1 was ` +
        `taken: the series is too short for its ${d} dimensions (reduce d or give more ` +
        `time points)`,
    };
  }
  return { criterion, p: best.p, maxLags, nobs: n, fit, table };
}

/**
 * Checks {@link selectOrder}'s inputs; returns the criterion, the fit ("auto" resolved) and
 * the rows n = T − maxLags of the common sample.
 */
function checkOrderInputs(
  series: Float64Array,
  T: number,
  d: number,
  maxLags: number,
  options: OrderOptions,
): { criterion: OrderCriterion; fit: OrderFit; n: number } {
  if (!Number.isInteger(maxLags) || maxLags < 1) {
    throw new SparsedynError(
      "INVALID_ARGUMENT",
      `maxLags must be an integer ≥ 1; got ${maxLags}`,
      { argument: "maxLags" },
    );
  }
  checkSeries(series, T, d, {
    minLength: maxLags + 3,
    minLengthReason: `comparing orders up to ${maxLags} needs T ≥ maxLags + 3 = ${maxLags + 3}`,
  });
  const criterion = options.criterion ?? "bic";
  if (!["aic", "bic", "hqic", "fpe"].includes(criterion)) {
    throw new SparsedynError(
      "INVALID_ARGUMENT",
      `order criterion must be "aic", "bic", "hqic" or "fpe"; got "${criterion}"`,
      { argument: "criterion" },
    );
  }
  const n = T - maxLags;
  const olsDefined = n - maxLags * d - 1 >= d;
  const want = options.fit ?? "auto";
  if (want !== "auto" && want !== "ols" && want !== "lasso") {
    throw new SparsedynError(
      "INVALID_ARGUMENT",
      `order fit must be "auto", "ols" or "lasso"; got "${want}"`,
      { argument: "fit" },
    );
  }
  if (want === "ols" && !olsDefined) {
    throw new SparsedynError(
      "INVALID_ARGUMENT",
      `least squares at order ${maxLags} needs T − maxLags ≥ maxLags·d + d + 1 = ${
        maxLags * d + d + 1
      } rows; got ${n}: use fewer lags or fit "lasso"`,
      { argument: "maxLags" },
    );
  }
  const fit: OrderFit = want === "auto" ? (olsDefined ? "ols" : "lasso") : want;
  return { criterion, fit, n };
}

/** The common sample every order is fitted on, and how. */
interface CommonSample {
  /** Centred statistics of the VAR(maxLags) design, standardised series. */
  all: CentredStats;
  /** Rows, T − maxLags. */
  n: number;
  d: number;
  /** Columns of the VAR(maxLags) design, maxLags·d. */
  M: number;
  /** ln det of the standardisation, added back to each ln det. */
  logScale: number;
  fit: OrderFit;
  lambdaCriterion: LambdaCriterion;
}

/** One order's row of the table, and its FPE in logs (compared in logs: see scoreOrder). */
interface ScoredOrder {
  row: OrderRow;
  logFpe: number;
}

/** The row of an order that is not admissible: NaN criteria and least squares' k_p. */
function notFitted(p: number, d: number): ScoredOrder {
  return {
    row: {
      p,
      freeParameters: p * d * d + d,
      logDet: NaN,
      aic: NaN,
      bic: NaN,
      hqic: NaN,
      fpe: NaN,
      admissible: false,
    },
    logFpe: NaN,
  };
}

/** Fits order p on the common sample (its leading p·d columns) and computes its criteria. */
function scoreOrder(sample: CommonSample, p: number): ScoredOrder {
  const { all, n, d, logScale } = sample;
  const m = p * d;
  const { G, C } = leadingStatistics(sample, m);
  const { B, k } = fitOrder(sample, G, C, p);
  const E = residualCrossProducts(G, C, all.YY, B, m, d);
  for (let q = 0; q < E.length; q++) E[q] /= n;
  const ld = logDetSymmetric(E, d) + logScale;
  // Parameters per equation, the intercept included (FPE's q_p).
  const q = k / d;
  const row = {
    p,
    freeParameters: k,
    logDet: ld,
    aic: ld + (2 / n) * k,
    bic: ld + (Math.log(n) / n) * k,
    hqic: ld + ((2 * Math.log(Math.log(n))) / n) * k,
    fpe: n > q ? ((n + q) / (n - q)) ** d * Math.exp(ld) : Infinity,
    admissible: false,
  };
  // ln det of the standardised residuals decides (in the series' units it, and FPE,
  // may leave float64's range at extreme scales: FPE is compared in logs below).
  row.admissible = n - m - 1 >= d && Number.isFinite(ld - logScale);
  return { row, logFpe: n > q ? d * Math.log((n + q) / (n - q)) + ld : Infinity };
}

/** G and C of the design's first m columns (the lags 1 … m/d of a smaller order). */
function leadingStatistics(sample: CommonSample, m: number) {
  const { all, d, M } = sample;
  const G = new Float64Array(m * m), C = new Float64Array(m * d);
  for (let a = 0; a < m; a++) {
    for (let b = 0; b < m; b++) G[a * m + b] = all.G[a * M + b];
    for (let i = 0; i < d; i++) C[a * d + i] = all.C[a * d + i];
  }
  return { G, C };
}

/** The coefficients of order p (least squares or the lasso by its λ criterion) and k_p. */
function fitOrder(
  sample: CommonSample,
  G: Float64Array,
  C: Float64Array,
  p: number,
): { B: Float64Array; k: number } {
  const { all, n, d } = sample;
  const m = p * d;
  if (sample.fit === "ols") return { B: leastSquares(G, C, m, d, `VAR(${p})`), k: p * d * d + d };
  // Only the chosen breakpoint of each path is needed: select along the paths.
  const B = selectAlongPaths(G, C, n, m, d, {
    method: "lasso",
    criterion: sample.lambdaCriterion,
    yty: all.yty,
  }).B;
  let k = d;
  for (let a = 0; a < B.length; a++) if (B[a] !== 0) k++;
  return { B, k };
}

/** The admissible order with the smallest criterion (the first on ties); undefined if none. */
function bestOrder(
  table: OrderRow[],
  logFpe: number[],
  criterion: OrderCriterion,
): OrderRow | undefined {
  const key = (r: OrderRow) => criterion === "fpe" ? logFpe[r.p - 1] : r[criterion];
  let best: OrderRow | undefined;
  for (const row of table) {
    if (row.admissible && (!best || key(row) < key(best))) best = row;
  }
  return best;
}
