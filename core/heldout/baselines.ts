/**
 * Pixel-space baselines for held-out evaluation: what a trained model's reconstruction and
 * prediction errors on test frames are compared with. Every error is a mean squared error
 * over frames (or targets) and pixels, accumulated in float64, defined as follows (the
 * model's own measures use {@link coveringWindows} and {@link targetForecasts} so that they
 * are taken on exactly the same frames, targets and iteration).
 *
 * Reconstruction, over all Tte test frames:
 * - `windowMean`: the test frames are cut into consecutive windows [0, L), [L, 2L), … (the
 *   last one shorter when L does not divide Tte); each frame is replaced by its window's
 *   mean frame (what a model's skip connection can carry).
 * - `pca` (one per k): a PCA fitted on the training frames (mean = training mean frame μ,
 *   k×P components U), x̂ = μ + UᵀU(x − μ).
 * - `windowMeanPca` (one per k): the window's mean image m_w plus PCA-k of x − m_w, the
 *   PCA fitted on the training frames' departures from their own windows' means (windows
 *   cut the same way): the same information as a model whose skip connection carries the
 *   window's mean image and whose k latents carry the rest.
 *
 * Prediction at horizon h, on targets t ∈ [firstTarget, Tte) (the same for every h and
 * method), from the origin o = t − h:
 * - `persistence`: x̂_t = x_o.
 * - `trainMean`: x̂_t = μ.
 * - `recentMean`: x̂_t = the mean of the (up to) L frames that end at the origin,
 *   x_{max(0, o−L+1)} … x_o: what the skip connection of a model running along the
 *   recording carries when it predicts.
 * - `pcaVar` (one per k): a sparse VAR(p) fitted by `fitVarLasso` (lasso path, λ per
 *   equation by BIC) on the training frames' scores; the test scores y_t = U(x_t − μ);
 *   ŷ_t iterated h steps from the true y_{o−p+1} … y_o; x̂_t = μ + Uᵀŷ_t. Since U has
 *   orthonormal rows, ‖x_t − x̂_t‖² = ‖x_t − μ − Uᵀy_t‖² + ‖y_t − ŷ_t‖², which is how it
 *   is computed (the PCA residual once per frame, then k numbers per forecast).
 *   With k = 0 the forecast is μ (no VAR is fitted), i.e. `trainMean`.
 *
 * Targets must leave room for the longest forecast: firstTarget ≥ (p − 1) + max(h).
 *
 * @example
 * ```ts
 * import { baselineMeasures } from "./baselines.ts";
 *
 * // Two pixels; the test frames repeat [1, 2], [3, 4]: persistence at h = 2 is exact.
 * const train = Float32Array.of(0, 0, 2, 2, 1, 1, 3, 3, 0, 2);
 * const test = Float32Array.of(1, 2, 3, 4, 1, 2, 3, 4, 1, 2, 3, 4);
 * const m = baselineMeasures(train, 5, test, 6, 2, {
 *   windowLength: 2, components: [1], horizons: [2], lags: 1, firstTarget: 2,
 * });
 * if (m.prediction.persistence[0] !== 0) throw new Error("x_t = x_{t−2}");
 * if (m.reconstruction.windowMean !== 1) throw new Error("each frame is ±1 from its window's mean");
 * ```
 *
 * @module
 */
import { SparsedynError } from "../errors.ts";
import { fitVarLasso } from "../var/fit_var_lasso.ts";
import { forecast, type VarCoefficients } from "../var/forecast.ts";
import { fitFramePca, type FramePca, pcaScores } from "./frame_pca.ts";

export type { VarCoefficients };

/** What to measure. */
export interface BaselineOptions {
  /** Window length L of `windowMean` (frames), ≥ 1. */
  windowLength: number;
  /** PCA sizes k, each in [0, min(Ttr − 1, P)]. */
  components: number[];
  /** Forecast horizons h ≥ 1 (frames), e.g. [1, 2, 5]. */
  horizons: number[];
  /** VAR order p ≥ 1 of `pcaVar`, below Ttr. */
  lags: number;
  /** First target frame index in the test frames, ≥ (lags − 1) + max(horizons), < Tte. */
  firstTarget: number;
}

/** The baselines' mean squared errors (per pixel and frame). */
export interface BaselineMeasures {
  /** Errors of rebuilding every test frame. */
  reconstruction: {
    /** Each frame replaced by the mean of its window. */
    windowMean: number;
    /** PCA of the training frames, one entry per requested k, in the order asked. */
    pca: { k: number; mse: number }[];
    /**
     * Each frame's window mean plus PCA-k of its departure from it (the PCA fitted on the
     * training frames' departures from their windows' means): the information a model
     * with a skip connection has, the window's mean image and k numbers per frame.
     */
    windowMeanPca: { k: number; mse: number }[];
  };
  /** Errors of predicting the targets h frames ahead. */
  prediction: {
    /** The horizons, as asked; every array below is aligned with it. */
    horizons: number[];
    /** x̂_t = x_{t−h}. */
    persistence: number[];
    /** x̂_t = the training mean frame. */
    trainMean: number[];
    /** x̂_t = the mean of the (up to) L test frames ending at t − h. */
    recentMean: number[];
    /** Sparse VAR on k PCA scores; `lambdaMedian` is the median of the d chosen λ. */
    pcaVar: { k: number; mse: number[]; lambdaMedian?: number }[];
  };
}

/**
 * The starts of the consecutive windows [s, min(s + L, T)) that cut T frames: 0, L, 2L, …
 * (the last window is shorter when L does not divide T).
 *
 * @param T Frames, ≥ 0.
 * @param L Window length, ≥ 1.
 * @returns The starts, increasing (empty when T = 0).
 * @throws {SparsedynError} `INVALID_ARGUMENT` for a T or L that is not such an integer.
 *
 * @example
 * ```ts
 * import { coveringWindows } from "./baselines.ts";
 *
 * if (coveringWindows(10, 4).join() !== "0,4,8") throw new Error("windows [0,4), [4,8), [8,10)");
 * ```
 */
export function coveringWindows(T: number, L: number): number[] {
  checkInteger("T", T, 0);
  checkInteger("L", L, 1);
  const out: number[] = [];
  for (let s = 0; s < T; s += L) out.push(s);
  return out;
}

/**
 * The h-step forecasts of a VAR at targets t ∈ [firstTarget, T), for each horizon h: ŷ_t
 * iterated h steps (`forecast` of core/var/forecast.ts) from the true rows
 * y_{o−p+1} … y_o of the origin o = t − h. Each origin is iterated once, to the largest h.
 *
 * @param model VAR coefficients (d series, p lags).
 * @param series T×d row-major, the true values.
 * @param T Time points.
 * @param firstTarget First target, in [(p − 1) + max(h), T].
 * @param horizons Horizons h ≥ 1.
 * @returns One (T − firstTarget)×d array per horizon: row r is the forecast of
 *   t = firstTarget + r.
 * @throws {SparsedynError} `INVALID_ARGUMENT` for sizes, horizons or a firstTarget that
 *   do not fit.
 *
 * @example
 * ```ts
 * import { targetForecasts } from "./baselines.ts";
 *
 * // y_t = 2 y_{t−1}: from y_1 = 2, the 2-step forecast of t = 3 is 8.
 * const model = { A: Float64Array.of(2), intercept: Float64Array.of(0), d: 1, p: 1 };
 * const [h1, h2] = targetForecasts(model, Float64Array.of(1, 2, 4, 9), 4, 2, [1, 2]);
 * if (h1.join() !== "4,8" || h2.join() !== "4,8") throw new Error(`${h1} ${h2}`);
 * ```
 */
export function targetForecasts(
  model: VarCoefficients,
  series: Float64Array,
  T: number,
  firstTarget: number,
  horizons: readonly number[],
): Float64Array[] {
  const { d, p } = model;
  checkInteger("T", T, 0);
  if (!(series instanceof Float64Array) || series.length !== T * d) {
    throw new SparsedynError(
      "INVALID_ARGUMENT",
      `series must be a Float64Array of T×d = ${T * d} values; got ${series?.length}`,
      { argument: "series" },
    );
  }
  const maxH = checkHorizons(horizons);
  checkFirstTarget(firstTarget, p, maxH, T, true);
  const out = horizons.map(() => new Float64Array((T - firstTarget) * d));
  for (let o = firstTarget - maxH; o < T - 1; o++) {
    const steps = Math.min(maxH, T - 1 - o);
    const f = forecast(model, series.subarray((o - p + 1) * d, (o + 1) * d), steps);
    horizons.forEach((h, hi) => {
      const t = o + h;
      if (h > steps || t < firstTarget) return;
      out[hi].set(f.subarray((h - 1) * d, h * d), (t - firstTarget) * d);
    });
  }
  return out;
}

/**
 * The baselines' reconstruction and prediction errors on test frames (see the module
 * documentation for the exact definitions).
 *
 * @param train Ttr×P training frames, frame-major.
 * @param Ttr Training frames, ≥ 1 (and > lags, > every k).
 * @param test Tte×P test frames, frame-major.
 * @param Tte Test frames, ≥ 1.
 * @param P Pixels per frame, ≥ 1.
 * @param options Window length, PCA sizes, horizons, VAR order and first target.
 * @returns The errors.
 * @throws {SparsedynError} `INVALID_ARGUMENT` for sizes or options that do not fit (the
 *   argument or option is named), `NON_FINITE` for a NaN or infinite pixel.
 */
export function baselineMeasures(
  train: Float32Array,
  Ttr: number,
  test: Float32Array,
  Tte: number,
  P: number,
  options: BaselineOptions,
): BaselineMeasures {
  const f: Frames = { train, Ttr, test, Tte, P };
  const needVar = checkBaselineArguments(f, options);
  const { components, horizons } = options;
  const kMax = Math.max(0, ...components);
  const pca = fitFramePca(train, Ttr, P, kMax);
  const ks = [...new Set(components)].sort((a, b) => a - b);
  const Y = pcaScores(pca, test, Tte);
  const fit: PcaFit = { pca, kMax, ks, Y, residual: pcaResiduals(pca, test, Tte, Y, ks) };
  const reconstruction = reconstructionErrors(f, fit, options);
  const persistence = persistenceErrors(f, options);
  const trainMean = trainMeanErrors(f, pca.mean, options);
  const recentMean = recentMeanErrors(f, options);
  const pcaVar = pcaVarErrors(f, fit, options, needVar);
  return {
    reconstruction,
    prediction: { horizons: [...horizons], persistence, trainMean, recentMean, pcaVar },
  };
}

/** The frames every baseline reads: Ttr×P training and Tte×P test frames, frame-major. */
interface Frames {
  train: Float32Array;
  Ttr: number;
  test: Float32Array;
  Tte: number;
  P: number;
}

/** The PCA of the training frames and what it gives on the test frames. */
interface PcaFit {
  /** Fitted with the largest k asked. */
  pca: FramePca;
  /** The largest k asked (0 for none). */
  kMax: number;
  /** The distinct k asked, ascending. */
  ks: number[];
  /** Tte×kMax test scores. */
  Y: Float64Array;
  /** Per k, each test frame's squared PCA-k residual. */
  residual: Map<number, Float64Array>;
}

/**
 * Checks the sizes, frames and options of {@link baselineMeasures}.
 *
 * @returns Whether a VAR is to be fitted (some horizon and some k > 0).
 * @throws {SparsedynError} `INVALID_ARGUMENT` naming what does not fit, `NON_FINITE`.
 */
function checkBaselineArguments(f: Frames, options: BaselineOptions): boolean {
  const { train, Ttr, test, Tte, P } = f;
  checkInteger("P", P, 1);
  checkInteger("Ttr", Ttr, 1);
  checkInteger("Tte", Tte, 1);
  checkFrames("train", train, Ttr, P);
  checkFrames("test", test, Tte, P);
  const { windowLength: L, components, horizons, lags: p, firstTarget } = options;
  checkInteger("windowLength", L, 1);
  checkInteger("lags", p, 1);
  const kLimit = Math.min(Ttr - 1, P);
  if (
    !Array.isArray(components) ||
    components.some((k) => !(Number.isInteger(k) && k >= 0 && k <= kLimit))
  ) {
    throw new SparsedynError(
      "INVALID_ARGUMENT",
      `components must be integers in [0, min(Ttr − 1, P)] = [0, ${kLimit}]; got [${components}]`,
      { argument: "components" },
    );
  }
  const maxH = checkHorizons(horizons);
  checkFirstTarget(firstTarget, p, maxH, Tte, false);
  const needVar = horizons.length > 0 && components.some((k) => k > 0);
  if (needVar && p >= Ttr) {
    throw new SparsedynError(
      "INVALID_ARGUMENT",
      `lags must be below the training frames (Ttr = ${Ttr}) to fit a VAR; got ${p}`,
      { argument: "lags" },
    );
  }
  return needVar;
}

/** The reconstruction baselines: window mean, PCA-k, and window mean + PCA-k. */
function reconstructionErrors(
  { train, Ttr, test, Tte, P }: Frames,
  { kMax, ks, residual }: PcaFit,
  { windowLength: L, components }: BaselineOptions,
): BaselineMeasures["reconstruction"] {
  // The same information as a model with a skip connection: each window's mean image, and
  // k numbers per frame for its departure from it (PCA of the training frames' departures
  // from their own windows' means).
  const trainDev = departures(train, Ttr, P, L).out;
  // windowMean's error is the departures' sum of squares (in float64, as they are formed).
  const { out: testDev, sse: sseWindow } = departures(test, Tte, P, L);
  const devPca = fitFramePca(trainDev, Ttr, P, kMax);
  const devResidual = pcaResiduals(devPca, testDev, Tte, pcaScores(devPca, testDev, Tte), ks);
  const total = Tte * P;
  return {
    windowMean: sseWindow / total,
    pca: components.map((k) => ({ k, mse: sum(residual.get(k)!) / total })),
    windowMeanPca: components.map((k) => ({ k, mse: sum(devResidual.get(k)!) / total })),
  };
}

/** Persistence, x̂_t = x_{t−h}: its error at each horizon. */
function persistenceErrors(
  { test, Tte, P }: Frames,
  { horizons, firstTarget }: BaselineOptions,
): number[] {
  const targets = (Tte - firstTarget) * P;
  return horizons.map((h) => {
    let s = 0;
    for (let t = firstTarget; t < Tte; t++) {
      for (let q = 0; q < P; q++) s += (test[t * P + q] - test[(t - h) * P + q]) ** 2;
    }
    return s / targets;
  });
}

/** The training mean frame as the forecast: one error, repeated for every horizon. */
function trainMeanErrors(
  { test, Tte, P }: Frames,
  mean: Float64Array,
  { horizons, firstTarget }: BaselineOptions,
): number[] {
  const targets = (Tte - firstTarget) * P;
  let sseMean = 0;
  for (let t = firstTarget; t < Tte; t++) {
    for (let q = 0; q < P; q++) sseMean += (test[t * P + q] - mean[q]) ** 2;
  }
  return horizons.map(() => sseMean / targets);
}

/** The mean of the (up to) L frames that end at the origin as the forecast, per horizon. */
function recentMeanErrors(
  { test, Tte, P }: Frames,
  { windowLength: L, horizons, firstTarget }: BaselineOptions,
): number[] {
  const targets = (Tte - firstTarget) * P;
  return horizons.map((h) => {
    const recent = new RecentMean(test, P, L), m = new Float64Array(P);
    let s = 0;
    for (let t = firstTarget; t < Tte; t++) {
      recent.at(t - h, m);
      for (let q = 0; q < P; q++) s += (test[t * P + q] - m[q]) ** 2;
    }
    return s / targets;
  });
}

/**
 * PCA-k + sparse VAR, per k asked: the PCA residual of the targets plus the VAR's squared
 * forecast error on the k scores (see the module documentation for why that is the error).
 */
function pcaVarErrors(
  { train, Ttr, Tte, P }: Frames,
  { pca, kMax, Y, residual }: PcaFit,
  { components, horizons, lags: p, firstTarget }: BaselineOptions,
  needVar: boolean,
): BaselineMeasures["prediction"]["pcaVar"] {
  const targets = (Tte - firstTarget) * P;
  const trainScores = needVar ? pcaScores(pca, train, Ttr) : new Float64Array(0);
  return components.map((k) => {
    const res = residual.get(k)!;
    let base = 0;
    for (let t = firstTarget; t < Tte; t++) base += res[t];
    if (k === 0 || horizons.length === 0) {
      return { k, mse: horizons.map(() => base / targets) };
    }
    const fit = fitVarLasso(leading(trainScores, Ttr, kMax, k), Ttr, k, p);
    const y = leading(Y, Tte, kMax, k);
    const forecasts = targetForecasts(fit, y, Tte, firstTarget, horizons);
    const mse = forecasts.map((f) => {
      let s = base;
      for (let t = firstTarget; t < Tte; t++) {
        const row = (t - firstTarget) * k;
        for (let c = 0; c < k; c++) s += (y[t * k + c] - f[row + c]) ** 2;
      }
      return s / targets;
    });
    return { k, mse, lambdaMedian: median(fit.lambdas) };
  });
}

/** The first k of K columns of a T×K matrix, as T×k. */
function leading(X: Float64Array, T: number, K: number, k: number): Float64Array {
  if (k === K) return X;
  const out = new Float64Array(T * k);
  for (let t = 0; t < T; t++) out.set(X.subarray(t * K, t * K + k), t * k);
  return out;
}

function sum(v: Float64Array): number {
  let s = 0;
  for (let i = 0; i < v.length; i++) s += v[i];
  return s;
}

/** The median (the mean of the two middle values for an even count). */
function median(v: Float64Array): number {
  const s = Float64Array.from(v).sort();
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

function checkInteger(name: string, v: number, min: number) {
  if (!Number.isInteger(v) || v < min) {
    throw new SparsedynError("INVALID_ARGUMENT", `${name} must be an integer ≥ ${min}; got ${v}`, {
      argument: name,
    });
  }
}

/** Checks the horizons; returns the largest (0 when there are none). */
function checkHorizons(horizons: readonly number[]): number {
  if (!Array.isArray(horizons) || horizons.some((h) => !(Number.isInteger(h) && h >= 1))) {
    throw new SparsedynError(
      "INVALID_ARGUMENT",
      `horizons must be integers ≥ 1; got [${horizons}]`,
      { argument: "horizons" },
    );
  }
  return Math.max(0, ...horizons);
}

/**
 * firstTarget ≥ (p − 1) + max(h) so that every origin has p true rows; below T (at least
 * one target) when there are horizons, unless `allowEmpty`.
 */
function checkFirstTarget(f: number, p: number, maxH: number, T: number, allowEmpty: boolean) {
  const lo = maxH > 0 ? p - 1 + maxH : 0, hi = maxH > 0 && !allowEmpty ? T - 1 : T;
  if (!Number.isInteger(f) || f < lo || f > hi) {
    throw new SparsedynError(
      "INVALID_ARGUMENT",
      `firstTarget must be an integer in [${lo}, ${hi}] ((lags − 1) + max(horizons) = ${lo}, ` +
        `and ${maxH > 0 && !allowEmpty ? "below" : "at most"} the ${T} test frames); got ${f}`,
      { argument: "firstTarget" },
    );
  }
}

function checkFrames(name: string, frames: Float32Array, T: number, P: number) {
  if (!(frames instanceof Float32Array) || frames.length !== T * P) {
    throw new SparsedynError(
      "INVALID_ARGUMENT",
      `${name} must be a Float32Array of ${T}×${P} = ${T * P} values; got ${frames?.length}`,
      { argument: name },
    );
  }
  for (let q = 0; q < frames.length; q++) {
    if (!Number.isFinite(frames[q])) {
      throw new SparsedynError(
        "NON_FINITE",
        `${name} frame ${Math.floor(q / P)} has ${frames[q]} at pixel ${q % P}`,
        { argument: name },
      );
    }
  }
}

/**
 * Each frame minus its window's mean frame (windows of `coveringWindows`), and the sum of
 * their squares in float64.
 */
function departures(
  frames: Float32Array,
  T: number,
  P: number,
  L: number,
): { out: Float32Array; sse: number } {
  const out = new Float32Array(T * P);
  const m = new Float64Array(P);
  let sse = 0;
  for (const s of coveringWindows(T, L)) {
    const e = Math.min(s + L, T);
    m.fill(0);
    for (let t = s; t < e; t++) for (let q = 0; q < P; q++) m[q] += frames[t * P + q];
    for (let q = 0; q < P; q++) m[q] /= e - s;
    for (let t = s; t < e; t++) {
      for (let q = 0; q < P; q++) {
        const v = frames[t * P + q] - m[q];
        out[t * P + q] = v;
        sse += v * v;
      }
    }
  }
  return { out, sse };
}

/**
 * The mean of the (up to) L frames that end at an origin o, x_{max(0, o−L+1)} … x_o, kept as
 * a running sum: origins asked in increasing order cost one frame in and one out each.
 * The recent-mean baseline and a model's skip connection, when it predicts, use it alike.
 *
 * @example
 * ```ts
 * import { RecentMean } from "./baselines.ts";
 *
 * const r = new RecentMean(Float32Array.of(1, 2, 3, 4), 1, 2);
 * const first = new Float64Array(1), later = new Float64Array(1);
 * r.at(0, first); // one frame so far
 * r.at(3, later); // frames 2 and 3
 * if (first[0] !== 1 || later[0] !== 3.5) throw new Error(`${first} ${later}`);
 * ```
 */
export class RecentMean {
  #frames: Float32Array;
  #P: number;
  #L: number;
  #sum: Float64Array;
  #lo = 0;
  #hi = -1; // frames [lo, hi] are in the sum

  /**
   * @param frames T×P, frame-major.
   * @param P Pixels per frame.
   * @param L Frames averaged, ≥ 1.
   */
  constructor(frames: Float32Array, P: number, L: number) {
    checkInteger("L", L, 1);
    this.#frames = frames;
    this.#P = P;
    this.#L = L;
    this.#sum = new Float64Array(P);
  }

  /**
   * Writes the mean of the frames that end at `o` into `out` (P values).
   *
   * @param o The origin, ≥ every origin asked before, inside the frames.
   * @param out Where the mean goes.
   * @throws {SparsedynError} `INVALID_ARGUMENT` for an origin before the last one asked.
   */
  at(o: number, out: Float64Array | Float32Array): void {
    const P = this.#P, f = this.#frames, sum = this.#sum;
    if (!Number.isInteger(o) || o < this.#hi || (o + 1) * P > f.length) {
      throw new SparsedynError(
        "INVALID_ARGUMENT",
        `origins must be frames of the movie, in increasing order; got ${o} after ${this.#hi}`,
        { argument: "o" },
      );
    }
    for (; this.#hi < o; this.#hi++) {
      const r = (this.#hi + 1) * P;
      for (let q = 0; q < P; q++) sum[q] += f[r + q];
    }
    for (; this.#lo < o - this.#L + 1; this.#lo++) {
      const r = this.#lo * P;
      for (let q = 0; q < P; q++) sum[q] -= f[r + q];
    }
    const inv = 1 / (this.#hi - this.#lo + 1);
    for (let q = 0; q < P; q++) out[q] = sum[q] * inv;
  }
}

/**
 * ‖x_t − μ − Σ_{c<k} y_tc u_c‖² of every frame, for every k asked, peeling one component at
 * a time off the centred frame.
 */
function pcaResiduals(
  pca: FramePca,
  frames: Float32Array,
  T: number,
  Y: Float64Array,
  ks: number[],
): Map<number, Float64Array> {
  const { P, mean, components: U } = pca;
  const kMax = pca.k;
  const residual = new Map<number, Float64Array>(ks.map((k) => [k, new Float64Array(T)]));
  const r = new Float64Array(P);
  for (let t = 0; t < T; t++) {
    for (let q = 0; q < P; q++) r[q] = frames[t * P + q] - mean[q];
    let next = 0;
    for (let c = 0; c <= kMax; c++) {
      if (ks[next] === c) {
        let s = 0;
        for (let q = 0; q < P; q++) s += r[q] * r[q];
        residual.get(c)![t] = s;
        next++;
      }
      if (c === kMax) break;
      const y = Y[t * kMax + c], u = c * P;
      for (let q = 0; q < P; q++) r[q] -= y * U[u + q];
    }
  }
  return residual;
}
