/**
 * A training loop: Adam over windows of a movie (shuffled by a seeded generator), in the
 * modes "ae" and "end-to-end". Same seed, same backend, same data → identical losses.
 * It also holds out the last frames for validation (with early stopping), and with a
 * checkpoint folder saves the state after each epoch and resumes from it (the folder's
 * format and its checks are in `checkpoint.ts`); the run folder is written by
 * `train_run.ts`.
 *
 * @example
 * ```ts
 * import { trainCae } from "./train.ts";
 * import { defaultCaeConfig } from "../model/cae.ts";
 * import { type Tensor, tf } from "../model/tf.ts";
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
import { splitWindows, windowStarts } from "../data/windows.ts";
import { type FrameSource, frameSource } from "../data/frame_source.ts";
import {
  hasCheckpoint,
  readCheckpoint,
  settingsKey,
  writeCheckpoint,
  writeCheckpointOwner,
} from "./checkpoint.ts";
import { type Cae, type CaeConfig, createCae } from "../model/cae.ts";
import { type Tensor, tf } from "../model/tf.ts";
import type { ObjectiveOptions } from "./window_loss.ts";
import { windowLoss } from "./window_loss.ts";
import { asyncWindowGradients, asyncWindowLoss } from "./async_step.ts";
import { Adam } from "./adam.ts";
import {
  checkPredictedFramesSteps,
  DEFAULT_PREDICTED_FRAMES_STEPS,
  predictedStepsSample,
} from "./predicted_steps.ts";

/**
 * The learning rate of step `step` of `total` under a schedule.
 *
 * @param base The initial learning rate.
 * @param schedule "cosine": half a cosine from `base` down to `base / 100`; "constant".
 * @param step Steps taken so far (0 for the first).
 * @param total Steps in the whole run.
 * @returns The step size.
 *
 * @example
 * ```ts
 * import { learningRateAt } from "./train.ts";
 *
 * if (learningRateAt(1e-3, "cosine", 0, 100) !== 1e-3) throw new Error("starts at the base");
 * if (Math.abs(learningRateAt(1e-3, "cosine", 100, 100) - 1e-5) > 1e-12) throw new Error("ends at 1%");
 * ```
 */
export function learningRateAt(
  base: number,
  schedule: "cosine" | "constant",
  step: number,
  total: number,
): number {
  if (schedule === "constant" || total <= 1) return base;
  const floor = base / 100;
  return floor + 0.5 * (base - floor) * (1 + Math.cos((Math.PI * Math.min(step, total)) / total));
}

/** Settings of {@link trainCae}. */
export interface TrainOptions extends Omit<ObjectiveOptions, "predictedFramesSubset"> {
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
  /** Windows per optimisation step: the step follows their mean loss (default 1). */
  batchSize?: number;
  /**
   * Learning-rate schedule over all steps: "cosine" (default) decays from `learningRate` to
   * a hundredth of it along half a cosine, so that late epochs settle instead of jumping;
   * "constant" keeps it.
   */
  schedule?: "cosine" | "constant";
  /** Clip each step's gradient to this global norm (default: no clipping). */
  clipNorm?: number;
  /**
   * End to end: the predicted time steps decoded per window and step for the
   * predicted-frames term (default 8), drawn without replacement from (seed, epoch, window
   * start) — an unbiased estimate of the term and its gradient at about K/(L − p) of the
   * second decoder pass's cost. 0, or ≥ L − p, decodes every step (the exact term). The
   * validation loss always uses the exact term.
   */
  predictedFramesSteps?: number;
  /** Seed of the initial weights and of the window order. */
  seed: number;
  /** Called after each epoch. */
  onEpoch?: (e: EpochMetrics) => void;
  /**
   * Called before the first step (with the steps a resume skips) and after each step: steps
   * done and in the whole run, for progress within an epoch (an epoch can take minutes).
   */
  onStep?: (done: number, total: number) => void;
  /** Share of frames held out at the end for validation. */
  validationFraction?: number;
  /** Stop after this many epochs without a better validation loss (needs validationFraction). */
  patience?: number;
  /**
   * Folder for the training state after each epoch (see `checkpoint.ts`); after the last
   * epoch it holds the final weights. One that holds a checkpoint is never overwritten:
   * without `resume` the training refuses to start.
   */
  checkpoint?: string;
  /** Continue from the checkpoint, if there is one (verified; refused when damaged). */
  resume?: boolean;
  /** Asked after each epoch; true stops (after the checkpoint is written), e.g. on Ctrl-C. */
  shouldStop?: () => boolean;
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
  /**
   * Reconstruction error of the frames decoded from predicted latents (as trained: the
   * estimate from `predictedFramesSteps` steps per window).
   */
  predictedFrames: number;
  /** Mean active-set size per equation of the VAR (end-to-end). */
  activeMean: number;
  /** Frames processed per second. */
  framesPerSecond: number;
  /** Mean total loss on the validation windows (with validationFraction). */
  validation?: number;
}

/**
 * Trains an autoencoder (and, end to end, through the VAR) on a movie held in memory.
 *
 * With `validationFraction`, the last frames are held out (no validation window shares a
 * frame with a training window), each epoch reports `validation`, and with `patience` the
 * loop stops after that many epochs without improvement and keeps the best weights. With
 * `checkpoint`, the state after every epoch (weights, Adam's moments, metrics) is written
 * there atomically; `resume` continues from it exactly — the same losses as a run never
 * interrupted, since the window order is replayed from the seed. On the webgpu backend, which
 * reads only asynchronously, each step is {@link asyncWindowGradients} (the same gradients).
 *
 * @param frames T×H×W, frame-major (e.g. a preprocessed movie), or a source that reads
 *   them on demand (e.g. the preprocessed movie opened with `openMovie`).
 * @param shape [T, H, W].
 * @param options Architecture, objective and optimisation.
 * @returns The trained model and the per-epoch metrics.
 * @throws {SparsedynError} When the movie does not fit the config or holds no window;
 *   `INVALID_ARGUMENT` when `checkpoint` holds a checkpoint and `resume` is not set, or it was
 *   written with other settings; `BAD_FILE` naming the file when the checkpoint is damaged.
 */
export async function trainCae(
  frames: Float32Array | FrameSource,
  shape: [number, number, number],
  options: TrainOptions,
): Promise<{ cae: Cae; history: EpochMetrics[]; stoppedEarly: boolean }> {
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
  const B = options.batchSize ?? 1;
  if (!Number.isInteger(B) || B < 1) {
    throw new SparsedynError("INVALID_ARGUMENT", `batchSize must be an integer ≥ 1; got ${B}`, {
      argument: "batchSize",
    });
  }
  if (options.clipNorm !== undefined && !(options.clipNorm > 0)) {
    throw new SparsedynError(
      "INVALID_ARGUMENT",
      `clipNorm must be a positive number; got ${options.clipNorm}`,
      { argument: "clipNorm" },
    );
  }
  const K = options.predictedFramesSteps ?? DEFAULT_PREDICTED_FRAMES_STEPS;
  checkPredictedFramesSteps(K);
  if (!["cosine", "constant"].includes(options.schedule ?? "cosine")) {
    throw new SparsedynError(
      "INVALID_ARGUMENT",
      `schedule must be "cosine" or "constant"; got "${options.schedule}"`,
      { argument: "schedule" },
    );
  }
  const split = options.validationFraction
    ? splitWindows(T, options.windowLength, options.stride, options.validationFraction)
    : { train: windowStarts(T, options.windowLength, options.stride), validation: [] as number[] };
  const starts = split.train;
  const stepsPerEpoch = Math.ceil(starts.length / B);
  if (starts.length === 0) {
    throw new SparsedynError(
      "INVALID_ARGUMENT",
      `no window of ${options.windowLength} frames in ${T}`,
      { argument: "windowLength" },
    );
  }
  // webgpu reads only asynchronously: its step splits the tape at the VAR's fit (one more
  // encoder forward). The other backends keep the fused step through the VAR layer's
  // customGrad, the one the rest of the project (bench, tests) measures.
  const readsAsync = tf.getBackend() === "webgpu";
  const cae = createCae(options.cae, options.seed);
  const optimizer = new Adam(options.learningRate, cae.variables);
  optimizer.clipNorm = options.clipNorm;
  const u = uniform(options.seed + 1);
  let history: EpochMetrics[] = [];
  const px = H * W;
  const names = Object.keys(cae.variables).sort();
  let first = 0;
  // Everything that decides the result, so that a resume continues the same training.
  const settings = options.checkpoint
    ? await settingsKey({
      ...options,
      shape,
      checkpoint: undefined,
      resume: undefined,
    })
    : "";
  let finished = false, resumedStoppedEarly = false;
  // Early stopping's state: in the checkpoint too, so that a resume stops where a whole run does.
  let best = Infinity,
    bestWeights: Record<string, tf.Tensor> | undefined,
    since = 0,
    stoppedEarly = false;
  if (options.checkpoint && (await hasCheckpoint(options.checkpoint))) {
    if (!options.resume) {
      throw new SparsedynError(
        "INVALID_ARGUMENT",
        `${options.checkpoint} holds the state of an earlier training; continue it with ` +
          `resume (--resume), or remove it to train from the start`,
        { file: options.checkpoint },
      );
    }
    const ck = await readCheckpoint(
      options.checkpoint,
      settings,
      Object.fromEntries(names.map((k) => [k, cae.variables[k].shape])),
    );
    for (const name of names) {
      cae.variables[name].assign(tf.tensor(ck.weights[name].data, ck.weights[name].shape));
    }
    optimizer.restore(ck.t, ck.m, ck.v);
    history = ck.history;
    first = history.length;
    finished = ck.finished;
    resumedStoppedEarly = ck.stoppedEarly;
    best = ck.early.best ?? Infinity;
    since = ck.early.since;
    if (Object.keys(ck.best).length) {
      bestWeights = Object.fromEntries(
        names.map((k) => [k, tf.tensor(ck.best[k].data, ck.best[k].shape)]),
      );
    }
  }
  if (options.checkpoint) await writeCheckpointOwner(options.checkpoint);
  const save = async (done: boolean, early = false) => {
    const st = optimizer.state();
    const tensors = [];
    for (const name of names) {
      tensors.push({
        name,
        kind: "w" as const,
        shape: cae.variables[name].shape,
        data: (await cae.variables[name].data()) as Float32Array,
      });
    }
    for (const name of Object.keys(st.m).sort()) {
      tensors.push({
        name,
        kind: "m" as const,
        shape: st.m[name].shape,
        data: (await st.m[name].data()) as Float32Array,
      });
      tensors.push({
        name,
        kind: "v" as const,
        shape: st.v[name].shape,
        data: (await st.v[name].data()) as Float32Array,
      });
    }
    if (bestWeights && !done) {
      for (const name of names) {
        tensors.push({
          name,
          kind: "b" as const,
          shape: bestWeights[name].shape,
          data: (await bestWeights[name].data()) as Float32Array,
        });
      }
    }
    await writeCheckpoint(options.checkpoint!, {
      tensors,
      t: st.t,
      history,
      settings,
      finished: done,
      stoppedEarly: early,
      early: { best: Number.isFinite(best) ? best : null, since },
    });
  };
  const source = frameSource(frames, px);
  const window = async (s: number) =>
    tf.tensor4d(await source.read(s, options.windowLength), [options.windowLength, H, W, 1]);
  options.onStep?.(first * stepsPerEpoch, options.epochs * stepsPerEpoch);
  for (let epoch = 0; epoch < options.epochs && !finished; epoch++) {
    const order = [...starts];
    for (let i = order.length - 1; i > 0; i--) {
      const j = Math.floor(u() * (i + 1));
      [order[i], order[j]] = [order[j], order[i]];
    }
    if (epoch < first) continue; // replayed: the order of finished epochs, from the seed
    const sums = { loss: 0, reconstruction: 0, prediction: 0, predictedFrames: 0, activeMean: 0 };
    const t0 = performance.now();
    for (let b = 0; b < order.length; b += B) {
      optimizer.learningRate = learningRateAt(
        options.learningRate,
        options.schedule ?? "cosine",
        epoch * stepsPerEpoch + b / B,
        options.epochs * stepsPerEpoch,
      );
      // One step on the mean loss of a batch of windows (the last batch may be smaller).
      const batch = order.slice(b, b + B);
      const wins = await Promise.all(batch.map(window));
      // Each window's own predicted steps, from (seed, epoch, start) only: the same for the
      // fused and the async step, and for a resumed run.
      const objectives = batch.map((start): ObjectiveOptions =>
        options.mode === "end-to-end"
          ? {
            ...options,
            predictedFramesSubset: predictedStepsSample(
              options.windowLength - options.var.lags,
              K,
              { seed: options.seed, epoch, start },
            ),
          }
          : options
      );
      const parts = { reconstruction: 0, prediction: 0, predictedFrames: 0, activeMean: 0 };
      const addParts = (p: typeof parts) => {
        for (const k of Object.keys(parts) as (keyof typeof parts)[]) parts[k] += p[k];
      };
      let loss = 0;
      if (readsAsync) {
        let sum: Record<string, Tensor> | undefined;
        for (const [i, win] of wins.entries()) {
          const r = await asyncWindowGradients(cae, win, objectives[i]);
          loss += r.total / wins.length;
          addParts(r.parts);
          if (!sum) sum = r.grads;
          else {
            for (const k of Object.keys(sum)) {
              const next = tf.add(sum[k], r.grads[k]);
              tf.dispose([sum[k], r.grads[k]]);
              sum[k] = next;
            }
          }
        }
        const mean = Object.fromEntries(
          Object.entries(sum!).map(([k, g]) => [k, tf.div(g, wins.length)]),
        );
        optimizer.applyGradients(mean);
        tf.dispose([...Object.values(sum!), ...Object.values(mean)]);
      } else {
        loss = optimizer.step(() => {
          const totals = wins.map((win, i) => {
            const l = windowLoss(cae, win, objectives[i]);
            addParts(l.parts);
            return l.total;
          });
          return tf.div(tf.addN(totals), wins.length) as tf.Scalar;
        });
      }
      tf.dispose(wins);
      sums.loss += loss * wins.length;
      for (const k of ["reconstruction", "prediction", "predictedFrames", "activeMean"] as const) {
        sums[k] += parts[k];
      }
      options.onStep?.(epoch * stepsPerEpoch + b / B + 1, options.epochs * stepsPerEpoch);
      await Promise.resolve(); // let progress and signals through between steps
    }
    const seconds = (performance.now() - t0) / 1000;
    const n = order.length;
    let validation: number | undefined;
    if (split.validation.length) {
      validation = 0;
      for (const s of split.validation) {
        const win = await window(s);
        // The exact term (no subset): comparable across epochs and settings.
        validation += (await asyncWindowLoss(cae, win, options)).total;
        win.dispose();
      }
      validation /= split.validation.length;
    }
    const m: EpochMetrics = {
      epoch,
      loss: sums.loss / n,
      reconstruction: sums.reconstruction / n,
      prediction: sums.prediction / n,
      predictedFrames: sums.predictedFrames / n,
      activeMean: sums.activeMean / n,
      framesPerSecond: (n * options.windowLength) / seconds,
      ...(validation === undefined ? {} : { validation }),
    };
    history.push(m);
    options.onEpoch?.(m);
    if (validation !== undefined && options.patience !== undefined) {
      if (validation < best) {
        best = validation;
        since = 0;
        if (bestWeights) tf.dispose(Object.values(bestWeights));
        bestWeights = Object.fromEntries(names.map((k) => [k, tf.clone(cae.variables[k])]));
      } else if (++since >= options.patience) {
        stoppedEarly = true;
        break; // the final checkpoint, with the best weights, is written below
      }
    }
    // The last epoch's checkpoint is the final one.
    if (options.checkpoint) await save(history.length >= options.epochs);
    if (options.shouldStop?.()) break;
  }
  if (stoppedEarly && bestWeights) {
    for (const k of names) {
      cae.variables[k].assign(bestWeights[k]);
    }
  }
  if (bestWeights) tf.dispose(Object.values(bestWeights));
  // The final weights on disk before the caller does anything with them: whatever fails
  // later (encoding, the VAR's fit, writing the run) loses no training.
  if (finished) stoppedEarly = resumedStoppedEarly;
  else if (options.checkpoint && stoppedEarly) await save(true, true);
  optimizer.dispose();
  return { cae, history, stoppedEarly };
}
