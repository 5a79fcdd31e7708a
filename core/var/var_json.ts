/**
 * A fitted VAR as plain JSON (nested arrays instead of flat typed arrays), for
 * `sparsedyn fit --json`, files and the dashboard. `A[k][i][j]` is the effect of series j
 * at lag k+1 on series i (the layout of a run folder's var.json); `sigma[i][j]` the
 * residual covariance. The cross-validation keeps its folds and choices, not its curves.
 *
 * @example
 * ```ts
 * import { simulateVar } from "../data/synthetic_var.ts";
 * import { fitVar } from "./var_model.ts";
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
import type { LambdaSelection, VarModel, VarStability } from "./var_model.ts";

/** The JSON form of a {@link VarModel}. */
export interface VarModelJson {
  d: number;
  p: number;
  T: number;
  n: number;
  A: number[][][];
  intercept: number[];
  sigma: number[][];
  sigmaDenominator: number;
  select: LambdaSelection;
  relaxed: boolean;
  standardized: boolean;
  scale: number[];
  lambdas: number[];
  lambdaMax: number[];
  df: number[];
  order?: OrderSelection;
  cv?: { folds: { trainEnd: number; testEnd: number }[]; rule: string; lambda: number[] };
  network: VarNetwork;
  stability: VarStability;
  forecast?: { testStart: number; horizon: number; scores: ForecastScore[] };
  warnings: string[];
}

/**
 * Converts a model to JSON-ready objects.
 *
 * @param model A model from `fitVar`.
 * @returns The same content with nested arrays.
 */
export function varModelToJson(model: VarModel): VarModelJson {
  const { d, p } = model;
  const A = Array.from(
    { length: p },
    (_, k) =>
      Array.from(
        { length: d },
        (_, i) => Array.from(model.A.subarray((k * d + i) * d, (k * d + i + 1) * d)),
      ),
  );
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
