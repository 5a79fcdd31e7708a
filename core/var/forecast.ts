/**
 * Forecasts of a VAR(p) and their errors on held-out data.
 *
 * An h-step forecast is iterated: ẑ_{t+1} = c + Σ_k A_k z_{t+1−k}, then ẑ_{t+2} uses ẑ_{t+1}
 * in place of the unknown z_{t+1}, and so on (the conditional mean under the model).
 * Errors are judged against two baselines that need no model: persistence
 * (ẑ_{t+h} = z_t) and the mean (ẑ_{t+h} = the training mean of each series).
 *
 * @example
 * ```ts
 * import { forecast } from "./forecast.ts";
 *
 * // z_t = 0.5 z_{t−1}: from z = 8, the next three are 4, 2, 1.
 * const model = { A: Float64Array.of(0.5), intercept: Float64Array.of(0), d: 1, p: 1 };
 * const f = forecast(model, Float64Array.of(8), 3);
 * if (f.join() !== "4,2,1") throw new Error(f.join());
 * ```
 *
 * @module
 */
import { SparsedynError } from "../errors.ts";
import { columnMoments } from "./_standardise.ts";

/** What forecasting needs of a VAR. */
export interface VarCoefficients {
  /** p×d×d, `A[(k * d + i) * d + j]` = effect of series j at lag k+1 on series i. */
  A: Float64Array;
  /** Intercept per series. */
  intercept: Float64Array;
  /** Series. */
  d: number;
  /** Lags. */
  p: number;
}

/**
 * Iterated forecasts of the next `steps` time points after `history`.
 *
 * @param model Coefficients and intercept.
 * @param history The last ≥ p time points, rows × d row-major, oldest first.
 * @param steps How many steps ahead.
 * @returns steps×d: row h−1 is the h-step forecast.
 * @throws {SparsedynError} When history is shorter than p rows or not a whole number of rows.
 */
export function forecast(
  model: VarCoefficients,
  history: Float64Array,
  steps: number,
): Float64Array {
  const { d, p } = model;
  const rows = history.length / d;
  if (!Number.isInteger(rows) || rows < p) {
    throw new SparsedynError(
      "INVALID_ARGUMENT",
      `history must hold at least p = ${p} rows of d = ${d} values; got ${history.length} values`,
      { argument: "history" },
    );
  }
  if (!Number.isInteger(steps) || steps < 0) {
    throw new SparsedynError("INVALID_ARGUMENT", `steps must be an integer ≥ 0; got ${steps}`, {
      argument: "steps",
    });
  }
  // A rolling window of the last p rows, then the forecasts appended.
  const buf = new Float64Array((p + steps) * d);
  buf.set(history.subarray((rows - p) * d));
  const out = new Float64Array(steps * d);
  for (let h = 0; h < steps; h++) {
    step(model, buf, p + h, buf);
    out.set(buf.subarray((p + h) * d, (p + h + 1) * d), h * d);
  }
  return out;
}

/** Writes the one-step prediction of row t of `z` (from rows t−1 … t−p) into row t of `out`. */
function step(model: VarCoefficients, z: Float64Array, t: number, out: Float64Array) {
  const { A, intercept, d, p } = model;
  for (let i = 0; i < d; i++) {
    let s = intercept[i];
    for (let k = 0; k < p; k++) {
      const row = (k * d + i) * d, prev = (t - k - 1) * d;
      for (let j = 0; j < d; j++) s += A[row + j] * z[prev + j];
    }
    out[t * d + i] = s;
  }
}

/** Errors at one horizon. */
export interface ForecastScore {
  /** Steps ahead. */
  horizon: number;
  /** Forecasts scored (origins × series are pooled). */
  count: number;
  /** MSE of the VAR's iterated forecast. */
  mse: number;
  /** MSE of persistence, ẑ_{t+h} = z_t. */
  persistence: number;
  /** MSE of the training mean. */
  mean: number;
  /**
   * The same three on standardised series (each divided by its training standard deviation,
   * so that every series weighs the same whatever its scale): `mse`, `persistence`, `mean`.
   */
  standardised: { mse: number; persistence: number; mean: number };
}

/**
 * Scores forecasts of horizons 1 … H on the tail of a series: every origin t (the last
 * observed time point, t ≥ testStart − 1, with t ≥ p − 1) forecasts t+1 … t+H from the
 * observed z up to t, and each target inside [testStart, T) is scored. The mean baseline
 * is the mean of rows [0, testStart).
 *
 * @param model Coefficients (fitted on rows before testStart).
 * @param series T×d row-major.
 * @param T Time points.
 * @param testStart First held-out time point (≥ 1).
 * @param horizon Largest horizon H ≥ 1.
 * @returns One score per horizon (count 0 and NaN errors where the tail is too short).
 * @throws {SparsedynError} On sizes that do not fit.
 *
 * @example
 * ```ts
 * import { evaluateForecasts } from "./forecast.ts";
 *
 * // A perfect AR(1) z_t = 0.5 z_{t−1}: the model's error is 0, persistence's is not.
 * const z = Float64Array.from({ length: 20 }, (_, t) => 0.5 ** t);
 * const model = { A: Float64Array.of(0.5), intercept: Float64Array.of(0), d: 1, p: 1 };
 * const [h1] = evaluateForecasts(model, z, 20, 10, 1);
 * if (h1.mse !== 0 || !(h1.persistence > 0) || h1.count !== 10) throw new Error();
 * ```
 */
export function evaluateForecasts(
  model: VarCoefficients,
  series: Float64Array,
  T: number,
  testStart: number,
  horizon: number,
): ForecastScore[] {
  const { d, p } = model;
  if (series.length !== T * d) {
    throw new SparsedynError(
      "INVALID_ARGUMENT",
      `series must hold T×d = ${T * d} values; got ${series.length}`,
      { argument: "series" },
    );
  }
  if (!Number.isInteger(testStart) || testStart < 1 || testStart > T) {
    throw new SparsedynError(
      "INVALID_ARGUMENT",
      `testStart must be an integer in [1, T]; got ${testStart}`,
      { argument: "testStart" },
    );
  }
  if (!Number.isInteger(horizon) || horizon < 1) {
    throw new SparsedynError("INVALID_ARGUMENT", `horizon must be an integer ≥ 1; got ${horizon}`, {
      argument: "horizon",
    });
  }
  const mean = new Float64Array(d);
  for (let t = 0; t < testStart; t++) for (let j = 0; j < d; j++) mean[j] += series[t * d + j];
  for (let j = 0; j < d; j++) mean[j] /= testStart;
  // 1 / training sd per series (a constant series keeps its raw scale), with the
  // population denominator; errors are divided by it before squaring, so that the
  // standardised scores hold at any scale of the data (squares of 1e160 overflow).
  const inv = columnMoments(series.subarray(0, testStart * d), testStart, d).sd;
  for (let j = 0; j < d; j++) {
    const sdPop = inv[j] * Math.sqrt(Math.max(testStart - 1, 1) / testStart);
    inv[j] = sdPop > 0 ? 1 / sdPop : 1;
  }
  const sse = new Float64Array(horizon), ssp = new Float64Array(horizon);
  const ssm = new Float64Array(horizon), count = new Float64Array(horizon);
  const zse = new Float64Array(horizon), zsp = new Float64Array(horizon);
  const zsm = new Float64Array(horizon);
  const buf = new Float64Array((p + horizon) * d);
  for (let o = Math.max(testStart - 1, p - 1); o < T - 1; o++) {
    buf.set(series.subarray((o - p + 1) * d, (o + 1) * d));
    const H = Math.min(horizon, T - 1 - o);
    for (let h = 1; h <= H; h++) {
      step(model, buf, p + h - 1, buf);
      const target = (o + h) * d, pred = (p + h - 1) * d;
      for (let j = 0; j < d; j++) {
        const y = series[target + j];
        const e = buf[pred + j] - y, ep = series[o * d + j] - y, em = mean[j] - y;
        sse[h - 1] += e * e;
        ssp[h - 1] += ep * ep;
        ssm[h - 1] += em * em;
        zse[h - 1] += (e * inv[j]) ** 2;
        zsp[h - 1] += (ep * inv[j]) ** 2;
        zsm[h - 1] += (em * inv[j]) ** 2;
      }
      count[h - 1] += d;
    }
  }
  return Array.from({ length: horizon }, (_, h) => ({
    horizon: h + 1,
    count: count[h],
    mse: sse[h] / count[h],
    persistence: ssp[h] / count[h],
    mean: ssm[h] / count[h],
    standardised: {
      mse: zse[h] / count[h],
      persistence: zsp[h] / count[h],
      mean: zsm[h] / count[h],
    },
  }));
}
