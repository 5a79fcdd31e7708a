/**
 * A sparse VAR(p) on any multivariate series (latents of a trained run, Suite2p traces,
 * a CSV of signals): order by an information criterion, λ per equation along the lasso
 * path by BIC, AIC, EBIC or time-series cross-validation, an optional relaxed refit, and
 * the things a reader wants from it — A_k, intercept, residual covariance, the directed
 * network, stability, and forecast errors next to baselines.
 *
 *     z_t = c + A_1 z_{t−1} + … + A_p z_{t−p} + ε_t
 *
 * How it is computed: one pass over the series builds the sufficient statistics of the
 * lagged design (G = XᵀX shared by all d equations, C = XᵀY, YᵀY; per block when
 * cross-validating), then one WASM call gives the lasso paths of all d equations
 * (`fitVarAsync`: the same model, bit for bit, with the paths and the cross-validation
 * folds on worker threads). Unless `standardize` is false, each series is divided by its
 * standard deviation first (the penalty is not scale-free); coefficients, intercept and Σ
 * are reported in the series' units, λ on the standardised scale (objective
 * (1/2n)‖y − Xβ‖² + λ‖β‖₁).
 *
 * With `select: "none"` (λ = 0, the end of the path) the fit is ordinary least squares with
 * an intercept: the same coefficients as statsmodels' `VAR(y).fit(p, trend="c")`, and then
 * `sigma` equals its `sigma_u`.
 *
 * @example Fixed order, λ by BIC (what a per-window fit uses)
 * ```ts
 * import { simulateVar } from "../data/synthetic_var.ts";
 * import { fitVar } from "./fit_var.ts";
 *
 * const sim = simulateVar({ d: 4, p: 1, T: 500, density: 0.2, seed: 7 });
 * const model = fitVar(sim.series, sim.T, sim.d, { lags: 1 });
 * if (model.A.length !== 16 || model.stability.spectralRadius >= 1) throw new Error("stable VAR(1)");
 * ```
 *
 * @example Order by BIC, λ by cross-validation, a held-out tail
 * ```ts
 * import { simulateVar } from "../data/synthetic_var.ts";
 * import { fitVar } from "./fit_var.ts";
 *
 * const sim = simulateVar({ d: 3, p: 2, T: 1500, density: 0.3, seed: 8 });
 * const m = fitVar(sim.series, sim.T, sim.d, { maxLags: 4, select: "cv", holdout: 0.2, horizon: 3 });
 * const [h1] = m.forecast!.scores;
 * if (m.order!.table.length !== 4 || !(h1.mse < h1.persistence)) throw new Error("beats persistence");
 * ```
 *
 * @module
 */
import { SparsedynError } from "../errors.ts";
import {
  centre,
  type CentredStats,
  type LaggedBlocks,
  laggedBlocks,
  sumBlocks,
} from "./_lagged_blocks.ts";
import { coefficientsAtLambdas } from "./_cv_stream.ts";
import { coefficientsAtLambdasParallel } from "./_cv_stream_parallel.ts";
import { leastSquares, residualCrossProducts } from "./_linalg.ts";
import { selectAlongPaths } from "./_path_select.ts";
import { selectAlongPathsParallel } from "./_path_select_parallel.ts";
import { standardised } from "./_standardise.ts";
import {
  crossValidateBlocks,
  crossValidateBlocksAsync,
  type CvOptions,
  foldBounds,
  type LambdaCv,
  type TimeSeriesFold,
  timeSeriesFolds,
} from "./cross_validate.ts";
import { evaluateForecasts, type ForecastScore, type VarCoefficients } from "./forecast.ts";
import type { LambdaCriterion } from "./lambda_criteria.ts";
import { type VarNetwork, varNetwork } from "./network.ts";
import {
  type DefaultMaxLags,
  defaultMaxLags,
  type OrderCriterion,
  type OrderFit,
  type OrderSelection,
  selectOrder,
} from "./order.ts";
import { checkSeries } from "./series_check.ts";
import { spectralRadiusEstimate } from "./stability.ts";

/** How λ is chosen per equation: an information criterion, cross-validation, or λ = 0. */
export type LambdaSelection = LambdaCriterion | "cv" | "none";

/** Options of {@link fitVar}. */
export interface FitVarOptions {
  /** A fixed order p (no order selection). */
  lags?: number;
  /**
   * Largest order compared when `lags` is not given. Default min(8, ⌊T/10⌋, the data
   * bound), at least 1: the data bound is the largest p at which least squares leaves d
   * residual degrees of freedom per equation (see `defaultMaxLags`).
   */
  maxLags?: number;
  /** Criterion for the order. Default "bic". */
  orderCriterion?: OrderCriterion;
  /** How each order is fitted for its criterion (see `selectOrder`). Default "auto". */
  orderFit?: OrderFit | "auto";
  /** How λ is chosen per equation. Default "bic". */
  select?: LambdaSelection;
  /** EBIC's γ. Default 0.5. */
  ebicGamma?: number;
  /** Cross-validation settings (with `select: "cv"`). */
  cv?: CvOptions;
  /** Refit least squares on each equation's selected support. Default false. */
  relaxed?: boolean;
  /** Divide each series by its standard deviation before the lasso. Default true. */
  standardize?: boolean;
  /**
   * Fraction of the series, at its end, held out for scoring forecasts (0 ≤ h < 1).
   * Default 0. When > 0, everything else (order, λ, coefficients) comes from the first
   * part only, so the scores are honest.
   */
  holdout?: number;
  /** Largest forecast horizon scored on the held-out tail. Default 1. */
  horizon?: number;
  /**
   * Progress of the long stages: `stage` is "order" (orders compared so far of the
   * largest), "cv" (cross-validation folds done) or "paths" (equations whose λ is chosen,
   * of d). Called synchronously (`fitVar` only).
   */
  onProgress?: (stage: "order" | "cv" | "paths", done: number, total: number) => void;
}

/** Stability of the fitted VAR. */
export interface VarStability {
  /** Spectral radius of the companion matrix (estimate, relative error ≈ 1e-3). */
  spectralRadius: number;
  /** spectralRadius < 1. */
  stable: boolean;
  /** Present when not stable. */
  warning?: string;
}

/** A fitted VAR and its diagnostics. */
export interface VarModel extends VarCoefficients {
  /** Time points fitted on (the training part when there is a holdout). */
  T: number;
  /** Rows of the lagged design, T − p. */
  n: number;
  /**
   * Residual covariance EᵀE / (n − 1 − df̄), d×d, with df̄ the mean number of non-zero
   * coefficients per equation: at λ = 0 the denominator is n − (p·d + 1), statsmodels'
   * `sigma_u`. `sigmaDenominator` holds it (EᵀE / n is `sigma`·denominator / n).
   */
  sigma: Float64Array;
  /** The denominator of `sigma`. */
  sigmaDenominator: number;
  /** λ per equation (standardised scale when `standardized`; 0 for "none"). */
  lambdas: Float64Array;
  /** λ_max per equation (the smallest λ with an all-zero equation), same scale. */
  lambdaMax: Float64Array;
  /** Non-zero coefficients per equation. */
  df: Int32Array;
  /** How λ was chosen. */
  select: LambdaSelection;
  /** Whether coefficients are least squares on the selected support. */
  relaxed: boolean;
  /** Whether the series were standardised for the lasso. */
  standardized: boolean;
  /** The standard deviation each series was divided by (ones when not standardised). */
  scale: Float64Array;
  /** The order selection, when the order was chosen. */
  order?: OrderSelection;
  /** The cross-validation, with `select: "cv"`. */
  cv?: LambdaCv;
  /** Who drives whom. */
  network: VarNetwork;
  /** Spectral radius and a warning when ≥ 1. */
  stability: VarStability;
  /** Forecast scores on the held-out tail, when `holdout` > 0. */
  forecast?: { testStart: number; horizon: number; scores: ForecastScore[] };
  /** Things the reader should know (an unstable fit, a refit that could not be done). */
  warnings: string[];
}

function bad(argument: string, message: string): never {
  throw new SparsedynError("INVALID_ARGUMENT", message, { argument });
}

function intOption(v: number | undefined, name: string, min: number): number | undefined {
  if (v === undefined) return undefined;
  if (!Number.isInteger(v) || v < min) bad(name, `${name} must be an integer ≥ ${min}; got ${v}`);
  return v;
}

/**
 * Fits a sparse VAR to a series.
 *
 * @param series T×d row-major (`series[t * d + i]`).
 * @param T Time points.
 * @param d Series.
 * @param options Order, λ selection, refit, holdout.
 * @returns The model and its diagnostics.
 * @throws {SparsedynError} `NON_FINITE` for a NaN/infinity (row and column named);
 *   `INVALID_ARGUMENT` for a constant column (named), a series too short for the lags,
 *   the folds or the holdout, or a bad option; `NOT_POSITIVE_DEFINITE` for least squares
 *   (`select: "none"`) on a singular design.
 */
export function fitVar(
  series: Float64Array,
  T: number,
  d: number,
  options: FitVarOptions = {},
): VarModel {
  const ctx = prepareFit(series, T, d, options);
  const { select, full, lb, folds, lambdaMax, n, m } = ctx;
  let B: Float64Array; // m×d, standardised units
  const lambdas = new Float64Array(d);
  let cv: LambdaCv | undefined;
  if (select === "none") {
    B = leastSquares(full.G, full.C, m, d, "series");
  } else if (select === "cv") {
    cv = crossValidateBlocks(lb, folds!, lambdaMax, {
      ...options.cv,
      onProgress: options.onProgress && ((k, total) => options.onProgress!("cv", k, total)),
    });
    // Each equation's β at its λ, read along the full-sample paths in chunks of equations
    // (the whole paths outgrow memory at real sizes: 1.5 GB at 512 series × 600 frames).
    const lambdaMin = cvPathEnd(cv, lambdaMax);
    B = coefficientsAtLambdas({ G: full.G, C: full.C, n, m, d, lambda: cv.lambda, lambdaMin });
    lambdas.set(cv.lambda);
  } else {
    // λ per equation along the paths as the core produces them, in chunks of equations:
    // only the chosen breakpoints are kept (the whole paths of d equations × p·d
    // coefficients outgrow memory at real sizes).
    const sel = selectAlongPaths(full.G, full.C, n, m, d, {
      method: "lasso",
      criterion: select as LambdaCriterion,
      gamma: options.ebicGamma,
      yty: full.yty,
      onProgress: options.onProgress && ((k, total) => options.onProgress!("paths", k, total)),
    });
    B = sel.B;
    lambdas.set(sel.lambdas);
  }
  return finishFit(ctx, B, lambdas, cv);
}

/** Options of {@link fitVarAsync}: those of {@link FitVarOptions} plus the pool size. */
export interface FitVarAsyncOptions extends FitVarOptions {
  /** Worker threads for the lasso paths and the folds; default the machine's cores. */
  workers?: number;
}

/**
 * {@link fitVar} with the lasso paths — and, with `select: "cv"`, the folds' paths and
 * validation errors — computed on worker threads (the pool of `lassoPathBatchParallel`;
 * `closeLassoWorkers` ends it). The model is identical, bit for bit, to fitVar's: each
 * equation goes through the same code on the same statistics; only where it runs differs.
 * Worth it for large d·p (tens of equations and more) on a machine with free cores.
 *
 * @param series T×d row-major (`series[t * d + i]`).
 * @param T Time points.
 * @param d Series.
 * @param options Those of {@link fitVar}, plus `workers`.
 * @returns The model and its diagnostics.
 * @throws {SparsedynError} As {@link fitVar} (rejected promise).
 *
 * @example
 * ```ts
 * import { simulateVar } from "../data/synthetic_var.ts";
 * import { fitVar, fitVarAsync } from "./fit_var.ts";
 * import { closeLassoWorkers } from "./lasso_parallel.ts";
 *
 * const sim = simulateVar({ d: 4, p: 1, T: 400, density: 0.3, seed: 5 });
 * const par = await fitVarAsync(sim.series, sim.T, sim.d, { lags: 1, select: "cv", workers: 2 });
 * const seq = fitVar(sim.series, sim.T, sim.d, { lags: 1, select: "cv" });
 * if (par.A.join() !== seq.A.join()) throw new Error("same coefficients");
 * await closeLassoWorkers();
 * ```
 */
export async function fitVarAsync(
  series: Float64Array,
  T: number,
  d: number,
  options: FitVarAsyncOptions = {},
): Promise<VarModel> {
  const ctx = prepareFit(series, T, d, options);
  const { select, full, lb, folds, lambdaMax, n, m } = ctx;
  const workers = options.workers;
  let B: Float64Array;
  const lambdas = new Float64Array(d);
  let cv: LambdaCv | undefined;
  if (select === "none") {
    B = leastSquares(full.G, full.C, m, d, "series");
  } else if (select === "cv") {
    cv = await crossValidateBlocksAsync(lb, folds!, lambdaMax, { ...options.cv, workers });
    const lambdaMin = cvPathEnd(cv, lambdaMax);
    const job = { G: full.G, C: full.C, n, m, d, lambda: cv.lambda, lambdaMin };
    B = await coefficientsAtLambdasParallel(job, workers);
    lambdas.set(cv.lambda);
  } else {
    // Each worker chooses λ along the paths of its block of equations (as fitVar does, in
    // chunks): only the chosen coefficients come back.
    const sel = await selectAlongPathsParallel(full.G, full.C, n, m, d, {
      method: "lasso",
      criterion: select as LambdaCriterion,
      gamma: options.ebicGamma,
      yty: full.yty,
    }, workers);
    B = sel.B;
    lambdas.set(sel.lambdas);
  }
  return finishFit(ctx, B, lambdas, cv);
}

/** What {@link fitVar} has computed before choosing λ. */
interface FitContext {
  series: Float64Array;
  T: number;
  d: number;
  options: FitVarOptions;
  select: LambdaSelection;
  holdout: number;
  horizon: number;
  standardize: boolean;
  testRows: number;
  Tfit: number;
  warnings: string[];
  order: OrderSelection | undefined;
  p: number;
  scale: Float64Array;
  n: number;
  m: number;
  folds: TimeSeriesFold[] | undefined;
  lb: LaggedBlocks;
  full: CentredStats;
  lambdaMax: Float64Array;
}

/**
 * Everything {@link fitVar} and {@link fitVarAsync} do before choosing λ: the checks, the
 * training part, the order, and the lasso's statistics.
 */
function prepareFit(
  series: Float64Array,
  T: number,
  d: number,
  options: FitVarOptions,
): FitContext {
  const checked = checkFitOptions(options);
  const { select, holdout, horizon, standardize } = checked;
  const { testRows, Tfit, train, maxLags, byDefault } = trainingPart(series, T, d, checked);
  const warnings: string[] = [];
  const order = checked.lags === undefined
    ? chooseOrder(train, Tfit, d, maxLags, byDefault, options, warnings)
    : undefined;
  const p = order ? order.p : maxLags;
  const stats = lassoStatistics(train, Tfit, d, p, checked, options.cv?.folds);
  return {
    series,
    T,
    d,
    options,
    select,
    holdout,
    horizon,
    standardize,
    testRows,
    Tfit,
    warnings,
    order,
    p,
    ...stats,
  };
}

/** {@link FitVarOptions} checked, with their defaults. */
interface CheckedOptions {
  lags: number | undefined;
  maxLags: number | undefined;
  select: LambdaSelection;
  holdout: number;
  horizon: number;
  standardize: boolean;
}

/** Checks the options that do not depend on the series. */
function checkFitOptions(options: FitVarOptions): CheckedOptions {
  const lags = intOption(options.lags, "lags", 1);
  const maxLags = intOption(options.maxLags, "maxLags", 1);
  if (lags !== undefined && maxLags !== undefined) {
    bad("maxLags", "give lags (a fixed order) or maxLags (order selection), not both");
  }
  const select = options.select ?? "bic";
  if (!["bic", "aic", "ebic", "cv", "none"].includes(select)) {
    bad("select", `select must be "bic", "aic", "ebic", "cv" or "none"; got "${select}"`);
  }
  const holdout = options.holdout ?? 0;
  if (!(holdout >= 0 && holdout < 1)) bad("holdout", `holdout must lie in [0, 1); got ${holdout}`);
  const horizon = intOption(options.horizon, "horizon", 1) ?? 1;
  const standardize = options.standardize ?? true;
  const gamma = options.ebicGamma;
  if (gamma !== undefined && !(gamma >= 0 && gamma <= 1)) {
    bad("ebicGamma", `ebicGamma must lie in [0, 1]; got ${gamma}`);
  }
  return { lags, maxLags, select, holdout, horizon, standardize };
}

/** The part of the series fitted on (all but the held-out tail) and the largest order fitted. */
interface TrainingPart {
  /** Held-out time points at the end. */
  testRows: number;
  /** Time points fitted on. */
  Tfit: number;
  /** The first Tfit time points of the series. */
  train: Float64Array;
  /** The fixed order, or the largest order compared. */
  maxLags: number;
  /** The default largest order and its reason, when neither lags nor maxLags was given. */
  byDefault: DefaultMaxLags | undefined;
}

/** Checks the series, whole and without its held-out tail, against the orders asked for. */
function trainingPart(
  series: Float64Array,
  T: number,
  d: number,
  checked: CheckedOptions,
): TrainingPart {
  const { lags, holdout } = checked;
  checkSeries(series, T, d, {
    minLength: (lags ?? checked.maxLags ?? 1) + 3,
    minLengthReason: `a VAR(${lags ?? checked.maxLags ?? 1}) needs at least p + 3 = ${
      (lags ?? checked.maxLags ?? 1) + 3
    } time points`,
  });
  const testRows = Math.round(holdout * T);
  if (holdout > 0 && testRows < 1) {
    bad("holdout", `holdout ${holdout} of T = ${T} leaves no time point to score forecasts on`);
  }
  const Tfit = T - testRows;
  const train = testRows ? series.subarray(0, Tfit * d) : series;
  const byDefault = lags === undefined && checked.maxLags === undefined
    ? defaultMaxLags(Tfit, d)
    : undefined;
  const maxLags = lags ?? checked.maxLags ?? byDefault!.maxLags;
  checkSeries(train, Tfit, d, {
    name: testRows ? "series (training part)" : "series",
    minLength: maxLags + 3,
    minLengthReason: `a VAR(${maxLags}) needs at least p + 3 = ${maxLags + 3} time points${
      testRows ? ` before the held-out ${testRows}` : ""
    }`,
  });
  return { testRows, Tfit, train, maxLags, byDefault };
}

/** The order by {@link selectOrder} on the training part; its warning joins `warnings`. */
function chooseOrder(
  train: Float64Array,
  Tfit: number,
  d: number,
  maxLags: number,
  byDefault: DefaultMaxLags | undefined,
  options: FitVarOptions,
  warnings: string[],
): OrderSelection {
  const order = selectOrder(train, Tfit, d, maxLags, {
    criterion: options.orderCriterion,
    fit: options.orderFit,
    onProgress: options.onProgress && ((k, total) => options.onProgress!("order", k, total)),
  });
  if (byDefault) order.maxLagsReason = byDefault.reason;
  if (order.warning) warnings.push(order.warning);
  return order;
}

/** The lasso's inputs at order p: the statistics of the (standardised) design, folds, λ_max. */
type LassoStatistics = Pick<
  FitContext,
  "scale" | "n" | "m" | "folds" | "lb" | "full" | "lambdaMax"
>;

/**
 * Standardises the training part (unless told not to) and builds the block statistics of its
 * VAR(p) design: one block, or one per cross-validation fold.
 */
function lassoStatistics(
  train: Float64Array,
  Tfit: number,
  d: number,
  p: number,
  checked: CheckedOptions,
  cvFolds: number | undefined,
): LassoStatistics {
  const { z, scale } = checked.standardize
    ? standardised(train, Tfit, d)
    : { z: train, scale: new Float64Array(d).fill(1) };
  const n = Tfit - p, m = p * d;
  let folds: TimeSeriesFold[] | undefined;
  if (checked.select === "cv") folds = timeSeriesFolds(n, cvFolds ?? 5);
  const lb = laggedBlocks(z, Tfit, d, p, p, folds ? foldBounds(folds) : [0, n]);
  const full = centre(lb, sumBlocks(lb, 0, lb.blocks.length));
  return { scale, n, m, folds, lb, full, lambdaMax: lambdaMaxes(full.C, n, m, d) };
}

/** λ_max of each equation, max_a |C[a, i]| / n: the smallest λ with an all-zero equation. */
function lambdaMaxes(C: Float64Array, n: number, m: number, d: number): Float64Array {
  const lambdaMax = new Float64Array(d);
  for (let i = 0; i < d; i++) {
    let mx = 0;
    for (let a = 0; a < m; a++) mx = Math.max(mx, Math.abs(C[a * d + i]));
    lambdaMax[i] = mx / n;
  }
  return lambdaMax;
}

/** The full-sample path stops just below the smallest chosen λ (λ·n/n may round a hair above it). */
function cvPathEnd(cv: LambdaCv, lambdaMax: Float64Array): number {
  let lowest = Infinity;
  for (let i = 0; i < lambdaMax.length; i++) {
    if (lambdaMax[i] > 0) lowest = Math.min(lowest, cv.lambda[i]);
  }
  return Number.isFinite(lowest) ? lowest * (1 - 1e-9) : 0;
}

/**
 * The model from its standardised coefficients: the relaxed refit when asked, Σ, everything
 * back in the series' units, stability, the network, and the held-out forecast scores.
 */
function finishFit(
  ctx: FitContext,
  B: Float64Array,
  lambdas: Float64Array,
  cv: LambdaCv | undefined,
): VarModel {
  const { d, options, select, standardize, Tfit, warnings, order, p, scale, n, m, full } = ctx;
  const relaxed = options.relaxed ?? false;
  if (relaxed && select !== "none") relaxedRefit(full.G, full.C, B, m, d, warnings);

  const df = nonZeros(B, m, d);
  const E = residualCrossProducts(full.G, full.C, full.YY, B, m, d);
  const dfMean = df.reduce((s, v) => s + v, 0) / d;
  const sigmaDenominator = Math.max(n - 1 - dfMean, 1);
  const { A, intercept } = seriesCoefficients(B, full, scale, d, m);
  const sigma = seriesCovariance(E, sigmaDenominator, scale, d);
  const range = covarianceRangeWarning(sigma, scale);
  if (range) warnings.push(range);
  const stability = stabilityOf(A, d, p);
  if (stability.warning) warnings.push(stability.warning);
  const model: VarModel = {
    A,
    intercept,
    d,
    p,
    T: Tfit,
    n,
    sigma,
    sigmaDenominator,
    lambdas,
    lambdaMax: ctx.lambdaMax,
    df,
    select,
    relaxed,
    standardized: standardize,
    scale,
    order,
    cv,
    network: varNetwork(A, d, p),
    stability,
    warnings,
  };
  if (ctx.testRows) model.forecast = scoreHoldout(model, ctx);
  return model;
}

/** Non-zero coefficients of each equation (column) of B (m×d). */
function nonZeros(B: Float64Array, m: number, d: number): Int32Array {
  const df = new Int32Array(d);
  for (let i = 0; i < d; i++) for (let a = 0; a < m; a++) if (B[a * d + i] !== 0) df[i]++;
  return df;
}

/**
 * A_k and the intercept in the series' units from the standardised B (m×d):
 * A_k[i, j] = s_i/s_j · Ã_k[i, j], c_i = s_i · c̃_i, with c̃ = ȳ − B̃ᵀx̄ (the intercept that
 * the centring left out).
 */
function seriesCoefficients(
  B: Float64Array,
  full: CentredStats,
  scale: Float64Array,
  d: number,
  m: number,
): { A: Float64Array; intercept: Float64Array } {
  const A = new Float64Array(m * d), intercept = new Float64Array(d);
  for (let i = 0; i < d; i++) {
    let c = full.meanY[i];
    for (let a = 0; a < m; a++) {
      const b = B[a * d + i];
      if (b === 0) continue;
      c -= b * full.meanX[a];
      const k = Math.floor(a / d), j = a % d;
      A[(k * d + i) * d + j] = b * scale[i] / scale[j];
    }
    intercept[i] = c * scale[i];
  }
  return { A, intercept };
}

/** Σ = S (EᵀE / denominator) S in the series' units (S = diag(scale)). */
function seriesCovariance(
  E: Float64Array,
  denominator: number,
  scale: Float64Array,
  d: number,
): Float64Array {
  const sigma = new Float64Array(d * d);
  for (let i = 0; i < d; i++) {
    for (let j = 0; j < d; j++) {
      sigma[i * d + j] = E[i * d + j] / denominator * scale[i] * scale[j];
    }
  }
  return sigma;
}

/** A warning when Σ in the series' units overflowed or became subnormal; else undefined. */
function covarianceRangeWarning(sigma: Float64Array, scale: Float64Array): string | undefined {
  if (
    !sigma.some((v) => !Number.isFinite(v) || (v !== 0 && Math.abs(v) < 2.2250738585072014e-308))
  ) return undefined;
  return `the series' scale (sd from ${Math.min(...scale).toExponential(2)} to ` +
    `${Math.max(...scale).toExponential(2)}) puts their covariance outside float64's ` +
    `range: sigma and the raw-scale forecast errors are ${
      sigma.some((v) => !Number.isFinite(v)) ? "infinite" : "imprecise (subnormal)"
    }; the coefficients and the standardised errors hold — rescale the series to ` +
    `read the others`;
}

/** The spectral radius of the companion matrix, and a warning when it is ≥ 1. */
function stabilityOf(A: Float64Array, d: number, p: number): VarStability {
  const radius = spectralRadiusEstimate(A, d, p);
  const stability: VarStability = { spectralRadius: radius, stable: radius < 1 };
  if (!stability.stable) {
    stability.warning = `the fitted VAR is not stable: the spectral radius of its companion ` +
      `matrix is ${radius.toFixed(3)} ≥ 1 (explosive or unit-root dynamics; long forecasts ` +
      `diverge; consider differencing or detrending the series)`;
  }
  return stability;
}

/**
 * The model's forecast scores on the held-out tail; warns (in `ctx.warnings`) when its
 * one-step forecasts lose to persistence.
 */
function scoreHoldout(model: VarModel, ctx: FitContext): NonNullable<VarModel["forecast"]> {
  const { series, T, Tfit, horizon, warnings } = ctx;
  const forecast = {
    testStart: Tfit,
    horizon,
    scores: evaluateForecasts(model, series, T, Tfit, horizon),
  };
  // Standardised errors: every series weighs the same, and they hold at any scale.
  const one = forecast.scores[0]?.standardised;
  if (one && one.mse > one.persistence) {
    warnings.push(
      `the fitted VAR forecasts the held-out tail worse than persistence (1 step ahead, ` +
        `standardised MSE ${one.mse.toPrecision(3)} vs ${one.persistence.toPrecision(3)}, ` +
        `${(one.mse / one.persistence).toFixed(2)}×): its coefficients describe the ` +
        `training part, not dynamics that carry over`,
    );
  }
  return forecast;
}

/**
 * Least squares on each equation's support S (G[S,S] β_S = C[S,i]) in place of the lasso
 * coefficients: the relaxed lasso with full relaxation, which removes the shrinkage of
 * the selected coefficients. Where G[S,S] is singular (|S| ≥ n, or collinear columns) the
 * equation keeps its lasso coefficients and a warning says so.
 */
export function relaxedRefit(
  G: Float64Array,
  C: Float64Array,
  B: Float64Array,
  m: number,
  d: number,
  warnings: string[] = [],
): void {
  for (let i = 0; i < d; i++) {
    const S: number[] = [];
    for (let a = 0; a < m; a++) if (B[a * d + i] !== 0) S.push(a);
    if (!S.length) continue;
    const k = S.length;
    const Gs = new Float64Array(k * k), cs = new Float64Array(k);
    for (let u = 0; u < k; u++) {
      for (let v = 0; v < k; v++) Gs[u * k + v] = G[S[u] * m + S[v]];
      cs[u] = C[S[u] * d + i];
    }
    try {
      const beta = leastSquares(Gs, cs, k, 1, `equation ${i}`);
      S.forEach((a, u) => (B[a * d + i] = beta[u]));
    } catch (err) {
      if (!(err instanceof SparsedynError) || err.code !== "NOT_POSITIVE_DEFINITE") throw err;
      warnings.push(
        `relaxed refit of equation ${i} skipped: its ${k} selected coefficients are collinear ` +
          `(or outnumber the samples); it keeps its lasso values`,
      );
    }
  }
}
