/**
 * The training objective of one window: frame reconstruction, and — end to end — the
 * one-step latent prediction error of the embedded VAR (on standardised latents, so it
 * cannot be lowered by shrinking them) and the reconstruction of the predicted frames
 * D(ẑ, static code). Weights come from the config.
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
import { type Scalar, type Tensor2D, type Tensor4D, tf } from "../model/tf.ts";
import { type VarLayerOptions, varLoss } from "../model/var_layer.ts";

/** Relative weights of the three terms. */
export interface LossWeights {
  /** Frame reconstruction error (mean squared). */
  reconstruction: number;
  /** One-step latent prediction error (standardised latents). */
  prediction: number;
  /** Reconstruction error of the frames decoded from predicted latents. */
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
  const w = options.weights ?? { reconstruction: 1, prediction: 1, predictedFrames: 1 };
  const L = frames.shape[0];
  const mean = tf.mean(frames, 0, true) as Tensor4D;
  const staticCode = cae.encodeStatic?.(mean);
  const maps = cae.encode(frames);
  const rec = tf.mean(tf.square(tf.sub(cae.decode(maps, staticCode), frames))) as Scalar;
  if (options.mode === "ae") {
    return {
      total: tf.mul(rec, w.reconstruction) as Scalar,
      parts: {
        reconstruction: rec.dataSync()[0],
        prediction: 0,
        predictedFrames: 0,
        activeMean: 0,
      },
    };
  }
  const [h, wd, C] = cae.latentShape;
  const z = tf.reshape(maps, [L, h * wd * C]) as Tensor2D;
  const p = options.var.lags;
  const { loss: pred, prediction, layer } = varLoss(z, options.var);
  const predictedMaps = tf.reshape(prediction, [L - p, h, wd, C]) as Tensor4D;
  const target = tf.slice(frames, [p, 0, 0, 0], [-1, -1, -1, -1]);
  const predFrames = tf.mean(
    tf.square(tf.sub(cae.decode(predictedMaps, staticCode), target)),
  ) as Scalar;
  const total = tf.addN([
    tf.mul(rec, w.reconstruction),
    tf.mul(pred, w.prediction),
    tf.mul(predFrames, w.predictedFrames),
  ]) as Scalar;
  const d = layer.fit.d;
  return {
    total,
    parts: {
      reconstruction: rec.dataSync()[0],
      prediction: pred.dataSync()[0],
      predictedFrames: predFrames.dataSync()[0],
      activeMean: layer.fit.active.length / d,
    },
  };
}
