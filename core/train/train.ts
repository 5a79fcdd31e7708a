/**
 * A training loop: Adam over windows of a movie (shuffled by a seeded generator), in the
 * modes "ae" and "end-to-end". Same seed, same backend, same data → identical losses.
 * (Checkpoints, resume, validation and the run folder come with the rest of the model work.)
 *
 * @example
 * ```ts
 * import { trainCae } from "./train.ts";
 * import { defaultCaeConfig } from "../model/cae.ts";
 * import { tf } from "../model/tf.ts";
 *
 * await tf.setBackend("cpu");
 * const frames = new Float32Array(30 * 16 * 16).map((_, i) => Math.sin(i / 7));
 * const r = await trainCae(frames, [30, 16, 16], {
 *   cae: defaultCaeConfig(16, 16), mode: "ae", var: { lags: 1, lambdaFraction: 0.2 },
 *   windowLength: 10, stride: 10, epochs: 2, learningRate: 1e-3, seed: 1,
 * });
 * if (r.history.length !== 2) throw new Error("two epochs");
 * ```
 *
 * @module
 */
import { SparsedynError } from "../errors.ts";
import { uniform } from "../data/random.ts";
import { windowStarts } from "../data/windows.ts";
import { type Cae, type CaeConfig, createCae } from "../model/cae.ts";
import { tf } from "../model/tf.ts";
import type { ObjectiveOptions } from "./window_loss.ts";
import { windowLoss } from "./window_loss.ts";

/** Settings of {@link trainCae}. */
export interface TrainOptions extends ObjectiveOptions {
  /** The architecture. */
  cae: CaeConfig;
  /** Frames per window. */
  windowLength: number;
  /** Step between window starts. */
  stride: number;
  /** Passes over the windows. */
  epochs: number;
  /** Adam step size. */
  learningRate: number;
  /** Seed of the initial weights and of the window order. */
  seed: number;
  /** Called after each epoch. */
  onEpoch?: (e: EpochMetrics) => void;
}

/** Mean losses of one epoch. */
export interface EpochMetrics {
  /** Epoch index, from 0. */
  epoch: number;
  /** Mean total loss. */
  loss: number;
  /** Frame reconstruction error (mean squared). */
  reconstruction: number;
  /** One-step latent prediction error (standardised latents). */
  prediction: number;
  /** Reconstruction error of the frames decoded from predicted latents. */
  predictedFrames: number;
  /** Mean active-set size per equation of the VAR (end-to-end). */
  activeMean: number;
  /** Frames processed per second. */
  framesPerSecond: number;
}

/**
 * Trains an autoencoder (and, end to end, through the VAR) on a movie held in memory.
 *
 * @param frames T×H×W, frame-major (e.g. a preprocessed movie).
 * @param shape [T, H, W].
 * @param options Architecture, objective and optimisation.
 * @returns The trained model and the per-epoch metrics.
 * @throws {SparsedynError} When the movie does not fit the config or holds no window.
 */
export async function trainCae(
  frames: Float32Array,
  shape: [number, number, number],
  options: TrainOptions,
): Promise<{ cae: Cae; history: EpochMetrics[] }> {
  const [T, H, W] = shape;
  if (H !== options.cae.height || W !== options.cae.width) {
    throw new SparsedynError(
      "INVALID_ARGUMENT",
      `frames of ${H}×${W} do not fit a model for ${options.cae.height}×${options.cae.width}`,
      {
        argument: "cae",
      },
    );
  }
  const starts = windowStarts(T, options.windowLength, options.stride);
  if (starts.length === 0) {
    throw new SparsedynError(
      "INVALID_ARGUMENT",
      `no window of ${options.windowLength} frames in ${T}`,
      { argument: "windowLength" },
    );
  }
  const cae = createCae(options.cae, options.seed);
  const optimizer = tf.train.adam(options.learningRate);
  const u = uniform(options.seed + 1);
  const history: EpochMetrics[] = [];
  const px = H * W;
  for (let epoch = 0; epoch < options.epochs; epoch++) {
    const order = [...starts];
    for (let i = order.length - 1; i > 0; i--) {
      const j = Math.floor(u() * (i + 1));
      [order[i], order[j]] = [order[j], order[i]];
    }
    const sums = { loss: 0, reconstruction: 0, prediction: 0, predictedFrames: 0, activeMean: 0 };
    const t0 = performance.now();
    for (const s of order) {
      let parts = { reconstruction: 0, prediction: 0, predictedFrames: 0, activeMean: 0 };
      const loss = tf.tidy(() => {
        const win = tf.tensor4d(frames.subarray(s * px, (s + options.windowLength) * px), [
          options.windowLength,
          H,
          W,
          1,
        ]);
        const cost = optimizer.minimize(
          () => {
            const l = windowLoss(cae, win, options);
            parts = l.parts;
            return l.total;
          },
          true,
          Object.values(cae.variables),
        );
        return cost!.dataSync()[0];
      });
      sums.loss += loss;
      for (const k of ["reconstruction", "prediction", "predictedFrames", "activeMean"] as const) {
        sums[k] += parts[k];
      }
      await Promise.resolve(); // let progress and signals through between steps
    }
    const seconds = (performance.now() - t0) / 1000;
    const n = order.length;
    const m: EpochMetrics = {
      epoch,
      loss: sums.loss / n,
      reconstruction: sums.reconstruction / n,
      prediction: sums.prediction / n,
      predictedFrames: sums.predictedFrames / n,
      activeMean: sums.activeMean / n,
      framesPerSecond: (n * options.windowLength) / seconds,
    };
    history.push(m);
    options.onEpoch?.(m);
  }
  optimizer.dispose();
  return { cae, history };
}
