/**
 * A fitted VAR as plain JSON (nested arrays instead of flat typed arrays), for
 * `sparsedyn fit --json`, files and the dashboard. `A[k][i][j]` is the effect of series j
 * at lag k+1 on series i (the layout of a run folder's var.json); `sigma[i][j]` the
 * residual covariance. The cross-validation keeps its folds and choices, not its curves.
 *
 * @example
 * ```ts
 * import { simulateVar } from "../data/synthetic_var.ts";
 * import { fitVar } from "./fit_var.ts";
 * import { varModelToJson } from "./var_json.ts";
 *
 * const sim = simulateVar({ d: 2, p: 1, T: 200, seed: 1 });
 * const json = varModelToJson(fitVar(sim.series, sim.T, sim.d, { lags: 1 }));
 * if (json.A.length !== 1 || json.A[0].length !== 2) throw new Error("A[k][i][j]");
 * JSON.stringify(json);
 * ```
 *
 * @module
 */
import type { ForecastScore } from "./forecast.ts";
import type { VarNetwork } from "./network.ts";
import type { OrderSelection } from "./order.ts";
import type { LambdaSelection, VarModel, VarStability } from "./fit_var.ts";

/** The JSON form of a {@link VarModel}. */
export interface VarModelJson {
  /** Series. */
  d: number;
  /** Lags. */
  p: number;
  /** Time points fitted on. */
  T: number;
  /** Rows of the lagged design, T − p. */
  n: number;
  /** A[k][i][j]: effect of series j at lag k+1 on series i. */
  A: number[][][];
  /** Intercept per series. */
  intercept: number[];
  /** Residual covariance. */
  sigma: number[][];
  /** The denominator of `sigma`. */
  sigmaDenominator: number;
  /** How λ was chosen. */
  select: LambdaSelection;
  /** Whether coefficients are least squares on the selected support. */
  relaxed: boolean;
  /** Whether the series were standardised for the lasso. */
  standardized: boolean;
  /** The standard deviation each series was divided by. */
  scale: number[];
  /** λ per equation. */
  lambdas: number[];
  /** λ_max per equation. */
  lambdaMax: number[];
  /** Non-zero coefficients per equation. */
  df: number[];
  /** The order selection, when the order was chosen. */
  order?: OrderSelection;
  /** The cross-validation's folds, rule and chosen λ, with `select: "cv"`. */
  cv?: { folds: { trainEnd: number; testEnd: number }[]; rule: string; lambda: number[] };
  /** Who drives whom. */
  network: VarNetwork;
  /** Spectral radius and a warning when ≥ 1. */
  stability: VarStability;
  /** Forecast scores on the held-out tail. */
  forecast?: { testStart: number; horizon: number; scores: ForecastScore[] };
  /** Things the reader should know. */
  warnings: string[];
}

/**
 * A VAR's coefficients as nested arrays, `A[k][i][j]` (lag k + 1, target i, source j), from
 * the flat lag-major layout the fits return (`A[(k·d + i)·d + j]`): the form run folders and
 * JSON files hold.
 *
 * @example
 * ```ts
 * import { lagMatrices } from "./var_json.ts";
 *
 * const A = lagMatrices(new Float64Array([1, 2, 3, 4, 5, 6, 7, 8]), 2, 2);
 * if (A[1][0][1] !== 6) throw new Error("lag 2, target 0, source 1");
 * ```
 *
 * @param A The coefficients, p·d·d values.
 * @param p The lag order.
 * @param d The number of series.
 * @returns p matrices of d rows of d values.
 */
export function lagMatrices(A: ArrayLike<number>, p: number, d: number): number[][][] {
  return Array.from(
    { length: p },
    (_, k) =>
      Array.from(
        { length: d },
        (_, i) => Array.from({ length: d }, (_, j) => A[(k * d + i) * d + j]),
      ),
  );
}

/**
 * Converts a model to JSON-ready objects.
 *
 * @param model A model from `fitVar`.
 * @returns The same content with nested arrays.
 */
export function varModelToJson(model: VarModel): VarModelJson {
  const { d, p } = model;
  const A = lagMatrices(model.A, p, d);
  const sigma = Array.from(
    { length: d },
    (_, i) => Array.from(model.sigma.subarray(i * d, (i + 1) * d)),
  );
  return {
    d,
    p,
    T: model.T,
    n: model.n,
    A,
    intercept: Array.from(model.intercept),
    sigma,
    sigmaDenominator: model.sigmaDenominator,
    select: model.select,
    relaxed: model.relaxed,
    standardized: model.standardized,
    scale: Array.from(model.scale),
    lambdas: Array.from(model.lambdas),
    lambdaMax: Array.from(model.lambdaMax),
    df: Array.from(model.df),
    ...(model.order ? { order: model.order } : {}),
    ...(model.cv
      ? {
        cv: {
          folds: model.cv.folds,
          rule: model.cv.rule,
          lambda: Array.from(model.cv.lambda),
        },
      }
      : {}),
    network: model.network,
    stability: model.stability,
    ...(model.forecast ? { forecast: model.forecast } : {}),
    warnings: model.warnings,
  };
}
