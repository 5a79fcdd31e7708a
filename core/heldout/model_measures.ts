/**
 * A trained model's errors in pixel space on frames it did not train on, defined exactly as
 * the baselines' (`baselines.ts`), so that any two models and the baselines compare on the
 * same frames and targets:
 *
 * - **reconstruction**: mean squared error of decode(encode(x_t)) against x_t over every
 *   frame and pixel; the frames are cut into the baselines' windows (`coveringWindows`), and the
 *   skip connection gets each window's mean image, as in training;
 * - **prediction at horizon h**: for each target t ≥ `firstTarget`, the latents of the true
 *   frames up to t − h are run forward h steps by the run's VAR (fitted on the training
 *   latents), and the predicted latents are decoded and compared with x_t. The skip
 *   connection gets the training movie's mean image: nothing from frame t or later enters
 *   the prediction;
 * - **latent persistence at h**: the latents of frame t − h decoded as they are — what the
 *   VAR adds over "nothing changes" in the model's own latent space.
 *
 * A latent-space error cannot compare two models (a model lowers it by making its latents
 * trivially predictable); these errors are on the frames.
 *
 * @example
 * ```ts
 * import { modelMeasures } from "./model_measures.ts";
 * import { createCae, defaultCaeConfig } from "../model/cae.ts";
 * import { tf } from "../model/tf.ts";
 *
 * await tf.setBackend("cpu");
 * const cae = createCae(defaultCaeConfig(16, 16), 1);
 * const d = cae.latentSize, T = 12;
 * const frames = Float32Array.from({ length: T * 256 }, (_, i) => Math.sin(i * 0.37));
 * const A = new Float64Array(d * d).map((_, q) => (q % (d + 1) === 0 ? 0.5 : 0));
 * const m = await modelMeasures(cae, frames, T, {
 *   var: { A, intercept: new Float64Array(d), d, p: 1 },
 *   trainMean: new Float32Array(256),
 *   windowLength: 8,
 *   horizons: [1, 2],
 *   firstTarget: 2,
 * });
 * if (m.prediction.length !== 2 || !(m.reconstruction > 0)) throw new Error(JSON.stringify(m));
 * ```
 *
 * @module
 */
import { SparsedynError } from "../errors.ts";
import type { Cae } from "../model/cae.ts";
import { type Tensor4D, tf } from "../model/tf.ts";
import { encodeAll } from "../encode/encode_all.ts";
import type { VarCoefficients } from "../var/forecast.ts";
import { coveringWindows, RecentMean, targetForecasts } from "./baselines.ts";

/** Settings of {@link modelMeasures}. */
export interface ModelMeasureOptions {
  /** The run's VAR of the latents. */
  var: VarCoefficients;
  /** The training movie's mean image (H×W). */
  trainMean: Float32Array;
  /**
   * The skip connection's input for predictions: "recent" (default), the mean of the L
   * frames that end at the forecast's origin (what a model running along a recording has
   * seen; fewer at the start of the frames); "training", the training movie's mean image.
   */
  predictionStatic?: "recent" | "training";
  /** The windows' length (the run's). */
  windowLength: number;
  /** Horizons h, in frames. */
  horizons: number[];
  /** First target frame (≥ p − 1 + max h). */
  firstTarget: number;
  /** Frames per decoder batch (default 64). */
  batch?: number;
  /** Progress: frames done, total (over all passes). */
  onProgress?: (done: number, total: number) => void;
}

/** The model's errors (see the module's description). */
export interface ModelMeasures {
  /** Reconstruction MSE over all frames. */
  reconstruction: number;
  /** Prediction MSE per horizon. */
  prediction: number[];
  /** Latent persistence MSE per horizon. */
  latentPersistence: number[];
}

/** Σ (decode(latents) − targets)² over a batch. */
function squaredError(
  cae: Cae,
  latents: Float32Array,
  n: number,
  staticCode: Tensor4D | undefined,
  targets: Float32Array,
): Promise<number> {
  const [h, w, C] = cae.latentShape;
  const { height: H, width: W } = cae.config;
  const e = tf.tidy(() => {
    const decoded = cae.decode(tf.tensor4d(latents, [n, h, w, C]), staticCode);
    return tf.sum(tf.square(tf.sub(decoded, tf.tensor4d(targets, [n, H, W, 1]))));
  });
  return e.data().then((v) => {
    e.dispose();
    return v[0];
  });
}

/**
 * The model's held-out errors in pixel space.
 *
 * @param cae The trained model.
 * @param frames T×H×W, preprocessed with the run's statistics.
 * @param T Frames.
 * @param options VAR, training mean image, windows, horizons, targets.
 * @returns Reconstruction, prediction and latent-persistence MSEs.
 * @throws {SparsedynError} `INVALID_ARGUMENT` when no target is left or `firstTarget` is
 *   too early for the VAR's order and the longest horizon.
 */
export async function modelMeasures(
  cae: Cae,
  frames: Float32Array,
  T: number,
  options: ModelMeasureOptions,
): Promise<ModelMeasures> {
  checkMeasureArguments(cae, T, options);
  const { height: H, width: W } = cae.config;
  const P = H * W;
  const targets = T - options.firstTarget;
  const total = T + T + 2 * options.horizons.length * targets;
  let done = 0;
  const pass: Pass = {
    cae,
    frames,
    T,
    H,
    W,
    P,
    batch: options.batch ?? 64,
    tick: (n) => options.onProgress?.(done += n, total),
  };
  const reconstruction = await reconstructionError(pass, options.windowLength);
  const { prediction, latentPersistence } = await predictionErrors(pass, options);
  return { reconstruction: reconstruction / (T * P), prediction, latentPersistence };
}

/** A model's passes over the frames: the model, the frames, their sizes and the progress. */
interface Pass {
  cae: Cae;
  /** T×H×W. */
  frames: Float32Array;
  T: number;
  H: number;
  W: number;
  /** Pixels per frame, H·W. */
  P: number;
  /** Frames per decoder batch. */
  batch: number;
  /** Counts n more frames done. */
  tick: (n: number) => void;
}

/**
 * Checks that the targets leave room for the VAR's order and the longest horizon, and that
 * the VAR has one series per latent.
 *
 * @throws {SparsedynError} `INVALID_ARGUMENT` naming `firstTarget` or `var`.
 */
function checkMeasureArguments(cae: Cae, T: number, options: ModelMeasureOptions): void {
  const d = cae.latentSize;
  const { horizons, firstTarget } = options;
  const hMax = Math.max(...horizons);
  const p = options.var.p;
  if (!Number.isInteger(firstTarget) || firstTarget < p - 1 + hMax || firstTarget >= T) {
    throw new SparsedynError(
      "INVALID_ARGUMENT",
      `firstTarget must be an integer in [${p - 1 + hMax}, ${T}) (VAR order ${p}, horizon ` +
        `${hMax}, ${T} frames); got ${firstTarget}`,
      { argument: "firstTarget" },
    );
  }
  if (options.var.d !== d) {
    throw new SparsedynError(
      "INVALID_ARGUMENT",
      `the VAR has ${options.var.d} series; the model has ${d} latents`,
      { argument: "var" },
    );
  }
}

/** Σ of the squared reconstruction errors over every frame and pixel. */
async function reconstructionError(pass: Pass, windowLength: number): Promise<number> {
  const { cae, frames, T, H, W, P, batch } = pass;
  // Reconstruction, window by window: the skip connection sees the window's mean image.
  let reconstruction = 0;
  for (const s of coveringWindows(T, windowLength)) {
    const e = Math.min(T, s + windowLength), n = e - s;
    const x = frames.subarray(s * P, e * P);
    const staticCode = cae.encodeStatic
      ? tf.tidy(() => cae.encodeStatic!(tf.mean(tf.tensor4d(x, [n, H, W, 1]), 0, true) as Tensor4D))
      : undefined;
    try {
      for (let b = 0; b < n; b += batch) {
        const m = Math.min(batch, n - b);
        const chunk = x.subarray(b * P, (b + m) * P);
        const z = tf.tidy(() => cae.encode(tf.tensor4d(chunk, [m, H, W, 1])));
        const zs = await z.data() as Float32Array;
        z.dispose();
        reconstruction += await squaredError(cae, zs, m, staticCode, chunk);
        pass.tick(m);
      }
    } finally {
      staticCode?.dispose();
    }
  }
  return reconstruction;
}

/** The prediction and latent-persistence MSEs at each horizon. */
async function predictionErrors(
  pass: Pass,
  options: ModelMeasureOptions,
): Promise<{ prediction: number[]; latentPersistence: number[] }> {
  const { cae, frames, T, H, W, P } = pass;
  const { horizons, firstTarget } = options;
  const targets = T - firstTarget;
  // Predictions: every origin's forecasts at every horizon from the latents of true frames.
  const Z = await encodeAll(cae, frames, T);
  pass.tick(T);
  const trainCode = cae.encodeStatic && options.predictionStatic === "training"
    ? tf.tidy(() => cae.encodeStatic!(tf.tensor4d(options.trainMean, [1, H, W, 1])))
    : undefined;
  const prediction: number[] = [], latentPersistence: number[] = [];
  // The baselines' forecasts and recent means, on the latents: the same origins and targets.
  const forecasts = targetForecasts(options.var, Z, T, firstTarget, horizons);
  try {
    for (const [hi, h] of horizons.entries()) {
      const recentMean = trainCode || !cae.encodeStatic
        ? undefined
        : new RecentMean(frames, P, options.windowLength);
      const horizon: Horizon = { h, forecasts: forecasts[hi], Z, firstTarget, recentMean };
      const { errPred, errPersist } = await horizonErrors(pass, horizon, trainCode);
      prediction.push(errPred / (targets * P));
      latentPersistence.push(errPersist / (targets * P));
    }
  } finally {
    trainCode?.dispose();
  }
  return { prediction, latentPersistence };
}

/** What the forecasts at one horizon read. */
interface Horizon {
  /** The horizon, in frames. */
  h: number;
  /** (T − firstTarget)×d: the VAR's forecast of each target. */
  forecasts: Float64Array;
  /** T×d: the latents of the true frames. */
  Z: Float64Array;
  /** The first target frame. */
  firstTarget: number;
  /** The recent mean of the frames, when it is the skip connection's input. */
  recentMean?: RecentMean;
}

/**
 * Σ of the squared errors at one horizon, over every target and pixel, of the forecast
 * latents (`errPred`) and of the origin's latents as they are (`errPersist`), both decoded
 * with the skip connection given the recent mean, or `trainCode` (the training mean's).
 */
async function horizonErrors(
  pass: Pass,
  { h, forecasts, Z, firstTarget, recentMean }: Horizon,
  trainCode: Tensor4D | undefined,
): Promise<{ errPred: number; errPersist: number }> {
  const { cae, frames, T, P, batch } = pass;
  const d = cae.latentSize;
  let errPred = 0, errPersist = 0;
  for (let t0 = firstTarget; t0 < T; t0 += batch) {
    const m = Math.min(batch, T - t0);
    const zPred = Float32Array.from(
      forecasts.subarray((t0 - firstTarget) * d, (t0 - firstTarget + m) * d),
    );
    const zPersist = Float32Array.from(Z.subarray((t0 - h) * d, (t0 - h + m) * d));
    const staticCode = recentMean ? recentCode(pass, recentMean, t0 - h, m) : trainCode;
    try {
      const truth = frames.subarray(t0 * P, (t0 + m) * P);
      errPred += await squaredError(cae, zPred, m, staticCode, truth);
      errPersist += await squaredError(cae, zPersist, m, staticCode, truth);
    } finally {
      if (recentMean) staticCode?.dispose();
    }
    pass.tick(2 * m);
  }
  return { errPred, errPersist };
}

/**
 * The skip connection's codes of the recent means at m consecutive origins from `o0` (the
 * caller disposes of them).
 */
function recentCode(pass: Pass, recentMean: RecentMean, o0: number, m: number): Tensor4D {
  const { cae, H, W, P } = pass;
  const recent = new Float32Array(m * P);
  for (let r = 0; r < m; r++) recentMean.at(o0 + r, recent.subarray(r * P, (r + 1) * P));
  return tf.tidy(() => cae.encodeStatic!(tf.tensor4d(recent, [m, H, W, 1])));
}
