/**
 * The training objective of one window: frame reconstruction, and — end to end — the
 * one-step latent prediction error of the embedded VAR (on standardised latents, so it
 * cannot be lowered by shrinking them) and the reconstruction of the predicted frames
 * D(ẑ, static code). Weights come from the config. The predicted frames may be decoded at
 * a subset of the predicted steps only (`predictedFramesSubset`): training draws K of them
 * per window (`core/train/predicted_steps.ts`), an unbiased estimate at a fraction of the
 * second decoder pass's cost; without a subset the term is exact.
 *
 * @example
 * ```ts
 * import { windowLoss } from "./window_loss.ts";
 * import { createCae, defaultCaeConfig } from "../model/cae.ts";
 * import { tf } from "../model/tf.ts";
 *
 * await tf.setBackend("cpu");
 * const cae = createCae(defaultCaeConfig(16, 16), 1);
 * const frames = tf.randomNormal([12, 16, 16, 1], 0, 1, "float32", 2) as tf.Tensor4D;
 * const parts = tf.tidy(() => windowLoss(cae, frames, { mode: "end-to-end", var: { lags: 1, lambdaFraction: 0.2 } }).parts);
 * if (!(parts.prediction > 0 && parts.predictedFrames > 0)) throw new Error(JSON.stringify(parts));
 * ```
 *
 * @module
 */
import type { Cae } from "../model/cae.ts";
import { SparsedynError } from "../errors.ts";
import { type Scalar, type Tensor2D, type Tensor4D, tf } from "../model/tf.ts";
import { type VarLayerOptions, varLoss } from "../model/var_layer.ts";
import type { LassoFit } from "../var/lasso_at.ts";

/** Relative weights of the three terms. */
export interface LossWeights {
  /** Frame reconstruction error (mean squared). */
  reconstruction: number;
  /** One-step latent prediction error (standardised latents). */
  prediction: number;
  /** Reconstruction error of the frames decoded from predicted latents (0: not computed). */
  predictedFrames: number;
}

/** What to optimise. */
export interface ObjectiveOptions {
  /** "ae": reconstruction only; "end-to-end": all three terms through the VAR layer. */
  mode: "ae" | "end-to-end";
  /** The VAR layer's order and λ rule. */
  var: VarLayerOptions;
  /** Default { reconstruction: 1, prediction: 1, predictedFrames: 1 }. */
  weights?: LossWeights;
  /**
   * The predicted steps at which the predicted frames are decoded: distinct indices into
   * the window's L − p predicted steps (0 is frame p). The term is then the mean squared
   * error over those steps' pixels, an unbiased estimate of the whole term (and of its
   * gradient) when the subset is drawn uniformly without replacement, as
   * `predictedStepsSample` draws it. Default: every step (the exact term), as validation
   * and evaluation use it.
   */
  predictedFramesSubset?: readonly number[];
}

/** The total loss (differentiable) and its parts (numbers, for the metrics). */
export interface WindowLoss {
  /** The weighted total, differentiable. */
  total: Scalar;
  /** The terms as numbers, for the metrics. */
  parts: {
    reconstruction: number;
    prediction: number;
    predictedFrames: number;
    activeMean: number;
  };
}

/**
 * The loss of one window of frames.
 *
 * @param cae The autoencoder.
 * @param frames The window, [L, H, W, 1].
 * @param options Mode, VAR settings, weights.
 * @returns Total and parts.
 */
export function windowLoss(cae: Cae, frames: Tensor4D, options: ObjectiveOptions): WindowLoss {
  const mean = tf.mean(frames, 0, true) as Tensor4D;
  const staticCode = cae.encodeStatic?.(mean);
  let fit: LassoFit | undefined;
  const t = windowTerms(cae, frames, cae.encode(frames), staticCode, options, (z) => {
    const out = varLoss(z, options.var);
    fit = out.layer.fit;
    return out;
  });
  const read = (s?: Scalar) => s ? s.dataSync()[0] : 0;
  return {
    total: t.total,
    parts: {
      reconstruction: read(t.reconstruction),
      prediction: read(t.prediction),
      predictedFrames: read(t.predictedFrames),
      activeMean: fit ? fit.active.length / fit.d : 0,
    },
  };
}

/** The objective's terms as tensors (prediction terms only end to end). */
export interface WindowTerms {
  /** The weighted total. */
  total: Scalar;
  /** Frame reconstruction error. */
  reconstruction: Scalar;
  /** One-step latent prediction error (standardised latents). */
  prediction?: Scalar;
  /** Reconstruction error of the frames decoded from predicted latents. */
  predictedFrames?: Scalar;
}

/**
 * The objective from given latent maps and static code, so that a caller may hold them
 * (and the VAR's prediction) as leaves of its own tape.
 *
 * @param cae The autoencoder (its decoder is used).
 * @param frames The window, [L, H, W, 1].
 * @param maps The window's latent maps, [L, h, w, C].
 * @param staticCode The static code (skip = "mean").
 * @param options Mode, VAR settings, weights.
 * @param latentLoss End to end: the latents z (L×d) → the prediction loss and the predicted
 *   latents z_p … z_{L−1} (n×d), as {@link varLoss} gives them.
 * @returns The terms.
 */
export function windowTerms(
  cae: Cae,
  frames: Tensor4D,
  maps: Tensor4D,
  staticCode: Tensor4D | undefined,
  options: ObjectiveOptions,
  latentLoss: (z: Tensor2D) => { loss: Scalar; prediction: Tensor2D },
): WindowTerms {
  const w = options.weights ?? { reconstruction: 1, prediction: 1, predictedFrames: 1 };
  const L = frames.shape[0];
  const squaredError = (decoded: Tensor4D, target: Tensor4D) =>
    tf.mean(tf.square(tf.sub(decoded, target))) as Scalar;
  if (options.mode === "ae") {
    const rec = squaredError(cae.decode(maps, staticCode), frames);
    return { total: tf.mul(rec, w.reconstruction) as Scalar, reconstruction: rec };
  }
  const [h, wd, C] = cae.latentShape;
  const z = tf.reshape(maps, [L, h * wd * C]) as Tensor2D;
  const p = options.var.lags;
  const { loss: pred, prediction } = latentLoss(z);
  const predW = tf.mul(pred, w.prediction);
  // Without the predicted frames' term, only the window's own frames are decoded.
  if (w.predictedFrames === 0) {
    const rec = squaredError(cae.decode(maps, staticCode), frames);
    const total = tf.add(tf.mul(rec, w.reconstruction), predW) as Scalar;
    return { total, reconstruction: rec, prediction: pred };
  }
  const n = L - p;
  const subset = options.predictedFramesSubset;
  let predicted = prediction, target: Tensor4D;
  if (subset === undefined) target = tf.slice(frames, [p, 0, 0, 0], [-1, -1, -1, -1]);
  else {
    checkSubset(subset, n);
    // A one-hot K×n selection matrix, not tf.gather: gather's gradient needs
    // UnsortedSegmentSum, which the wasm backend lacks, and a product with exact zeros and
    // ones copies the rows bit for bit. The frames are data: gather suffices for them.
    const select = new Float32Array(subset.length * n);
    subset.forEach((s, k) => select[k * n + s] = 1);
    predicted = tf.matMul(tf.tensor2d(select, [subset.length, n]), prediction);
    target = tf.gather(frames, tf.tensor1d(subset.map((s) => s + p), "int32"));
  }
  const K = predicted.shape[0];
  const predictedMaps = tf.reshape(predicted, [K, h, wd, C]) as Tensor4D;
  // The window's maps and the predicted ones through the decoder in one batch: frames are
  // decoded independently, so each comes out as it would alone, and one pass of L + K
  // frames costs far less than a second pass of K (each pass has a fixed cost of its own).
  const decoded = cae.decode(tf.concat([maps, predictedMaps], 0) as Tensor4D, staticCode);
  const rec = squaredError(tf.slice(decoded, [0, 0, 0, 0], [L, -1, -1, -1]), frames);
  const predFrames = squaredError(tf.slice(decoded, [L, 0, 0, 0], [K, -1, -1, -1]), target);
  const total = tf.addN([
    tf.mul(rec, w.reconstruction),
    predW,
    tf.mul(predFrames, w.predictedFrames),
  ]) as Scalar;
  return { total, reconstruction: rec, prediction: pred, predictedFrames: predFrames };
}

function checkSubset(subset: readonly number[], n: number) {
  const seen = new Set<number>();
  for (const s of subset) {
    if (!Number.isInteger(s) || s < 0 || s >= n || seen.has(s)) {
      throw new SparsedynError(
        "INVALID_ARGUMENT",
        `predictedFramesSubset must hold distinct integers in [0, ${n}) (the window's predicted steps); got ${
          JSON.stringify(subset)
        }`,
        { argument: "predictedFramesSubset" },
      );
    }
    seen.add(s);
  }
  if (subset.length === 0) {
    throw new SparsedynError(
      "INVALID_ARGUMENT",
      "predictedFramesSubset must hold at least one step (leave it out for all of them)",
      { argument: "predictedFramesSubset" },
    );
  }
}
