/**
 * A training loop: Adam over windows of a movie (shuffled by a seeded generator), in the
 * modes "ae" and "end-to-end". Same seed, same backend, same data → identical losses.
 * It also holds out the last frames for validation (with early stopping), and with a
 * checkpoint folder saves the state after each epoch and resumes from it; the run folder is
 * written by `train_run.ts`.
 *
 * `trainCae` reads as its steps: check the settings, split the windows, make the model,
 * resume, loop over the epochs (each: shuffle, a step per batch at the schedule's learning
 * rate, validation, early stopping, checkpoint), then keep the best weights. The pieces that
 * are concepts of their own live beside it: the step on a batch in its fused and
 * asynchronous forms (`_train_step.ts`), early stopping (`_early_stopping.ts`), what the
 * checkpoint saves and a resume restores (`_train_checkpoint.ts`; the folder's format and
 * its checks are in `checkpoint.ts`).
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
import { settingsKey, writeCheckpointOwner } from "./checkpoint.ts";
import { type Cae, type CaeConfig, createCae } from "../model/cae.ts";
import { type Tensor4D, tf } from "../model/tf.ts";
import type { ObjectiveOptions } from "./window_loss.ts";
import { asyncWindowLoss } from "./async_step.ts";
import { Adam } from "./adam.ts";
import { checkPredictedFramesSteps, DEFAULT_PREDICTED_FRAMES_STEPS } from "./predicted_steps.ts";
import { freshEarlyStopping, restoreBestWeights, shouldStopEarly } from "./_early_stopping.ts";
import {
  type CheckpointedTraining,
  type ResumePoint,
  resumeTraining,
  saveTraining,
} from "./_train_checkpoint.ts";
import {
  asyncStep,
  batchObjectives,
  type BatchStep,
  fusedStep,
  type StepParts,
} from "./_train_step.ts";

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
  const sizes = checkTrainOptions(shape, options);
  const split = trainingWindows(shape[0], options);
  const t = await newTraining(frames, shape, options, sizes, split);
  const from = await resumeTraining(options.checkpoint, options.resume, t);
  if (options.checkpoint) await writeCheckpointOwner(options.checkpoint);
  await trainEpochs(t, from);
  restoreBestWeights(t.early, t.cae.variables, t.names);
  const stoppedEarly = from.finished ? from.stoppedEarly : t.early.stoppedEarly;
  // The final weights on disk before the caller does anything with them: whatever fails
  // later (encoding, the VAR's fit, writing the run) loses no training.
  if (!from.finished && options.checkpoint && stoppedEarly) {
    await saveTraining(options.checkpoint, t, true, true);
  }
  t.optimizer.dispose();
  return { cae: t.cae, history: t.history, stoppedEarly };
}

/** One training while it runs: its settings, the model, the windows, and what a checkpoint keeps. */
interface Training extends CheckpointedTraining {
  /** The caller's settings. */
  options: TrainOptions;
  /** Frame height. */
  height: number;
  /** Frame width. */
  width: number;
  /** Where the frames are read from. */
  source: FrameSource;
  /** Window starts for training, and those held out for validation. */
  split: { train: number[]; validation: number[] };
  /** Windows per step. */
  batchSize: number;
  /** Predicted steps decoded per window and step (end to end). */
  predictedSteps: number;
  /** Steps per epoch (the last batch may be smaller). */
  stepsPerEpoch: number;
  /** Whether each step is the asynchronous one (webgpu). */
  readsAsync: boolean;
  /** The seeded generator of the window order. */
  draw: () => number;
}

/**
 * Checks the settings that the movie, the batches, the clipping, the predicted steps and the
 * schedule must fit.
 *
 * @returns The batch size and the predicted steps per window, with their defaults.
 * @throws {SparsedynError} `INVALID_ARGUMENT` naming the setting that does not fit.
 */
function checkTrainOptions(
  shape: [number, number, number],
  options: TrainOptions,
): { batchSize: number; predictedSteps: number } {
  const [, H, W] = shape;
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
  return { batchSize: B, predictedSteps: K };
}

/**
 * The starts of the training windows and, with `validationFraction`, of the validation
 * windows held out at the end of the movie.
 *
 * @throws {SparsedynError} `INVALID_ARGUMENT` when no training window fits.
 */
function trainingWindows(
  T: number,
  options: TrainOptions,
): { train: number[]; validation: number[] } {
  const split = options.validationFraction
    ? splitWindows(T, options.windowLength, options.stride, options.validationFraction)
    : { train: windowStarts(T, options.windowLength, options.stride), validation: [] as number[] };
  if (split.train.length === 0) {
    throw new SparsedynError(
      "INVALID_ARGUMENT",
      `no window of ${options.windowLength} frames in ${T}`,
      { argument: "windowLength" },
    );
  }
  return split;
}

/** A training before its first step: the seeded model and window order, a fresh Adam. */
async function newTraining(
  frames: Float32Array | FrameSource,
  shape: [number, number, number],
  options: TrainOptions,
  sizes: { batchSize: number; predictedSteps: number },
  split: { train: number[]; validation: number[] },
): Promise<Training> {
  const [, H, W] = shape;
  // webgpu reads only asynchronously: its step splits the tape at the VAR's fit (one more
  // encoder forward). The other backends keep the fused step through the VAR layer's
  // customGrad, the one the rest of the project (bench, tests) measures.
  const readsAsync = tf.getBackend() === "webgpu";
  const cae = createCae(options.cae, options.seed);
  const optimizer = new Adam(options.learningRate, cae.variables);
  optimizer.clipNorm = options.clipNorm;
  const draw = uniform(options.seed + 1);
  return {
    options,
    height: H,
    width: W,
    cae,
    optimizer,
    names: Object.keys(cae.variables).sort(),
    settings: await checkpointSettings(shape, options),
    history: [],
    early: freshEarlyStopping(),
    source: frameSource(frames, H * W),
    split,
    ...sizes,
    stepsPerEpoch: Math.ceil(split.train.length / sizes.batchSize),
    readsAsync,
    draw,
  };
}

/** The checkpoint's settings key ("" without a checkpoint). */
async function checkpointSettings(
  shape: [number, number, number],
  options: TrainOptions,
): Promise<string> {
  // Everything that decides the result, so that a resume continues the same training.
  return options.checkpoint
    ? await settingsKey({
      ...options,
      shape,
      checkpoint: undefined,
      resume: undefined,
    })
    : "";
}

/**
 * The loop over the epochs: those a resume skips are replayed (only their window order is
 * drawn); each one trained is followed by early stopping's check, the checkpoint and
 * `shouldStop`.
 */
async function trainEpochs(t: Training, from: ResumePoint): Promise<void> {
  const { options } = t;
  options.onStep?.(from.first * t.stepsPerEpoch, options.epochs * t.stepsPerEpoch);
  for (let epoch = 0; epoch < options.epochs && !from.finished; epoch++) {
    const order = shuffledWindows(t.split.train, t.draw);
    if (epoch < from.first) continue; // replayed: the order of finished epochs, from the seed
    const m = await trainEpoch(t, epoch, order);
    t.history.push(m);
    options.onEpoch?.(m);
    if (shouldStopEarly(t.early, m.validation, options.patience, t.cae.variables, t.names)) {
      break; // the final checkpoint, with the best weights, is written after the loop
    }
    // The last epoch's checkpoint is the final one.
    if (options.checkpoint) {
      await saveTraining(options.checkpoint, t, t.history.length >= options.epochs);
    }
    if (options.shouldStop?.()) break;
  }
}

/** The window starts in a new order (Fisher–Yates, from the seeded generator). */
function shuffledWindows(starts: number[], draw: () => number): number[] {
  const order = [...starts];
  for (let i = order.length - 1; i > 0; i--) {
    const j = Math.floor(draw() * (i + 1));
    [order[i], order[j]] = [order[j], order[i]];
  }
  return order;
}

/** One epoch: a step on each batch of windows in `order`, then the validation loss. */
async function trainEpoch(t: Training, epoch: number, order: number[]): Promise<EpochMetrics> {
  const t0 = performance.now();
  const sums = await trainBatches(t, epoch, order);
  const seconds = (performance.now() - t0) / 1000;
  const n = order.length;
  const validation = await validationLoss(t);
  return {
    epoch,
    loss: sums.loss / n,
    reconstruction: sums.reconstruction / n,
    prediction: sums.prediction / n,
    predictedFrames: sums.predictedFrames / n,
    activeMean: sums.activeMean / n,
    framesPerSecond: (n * t.options.windowLength) / seconds,
    ...(validation === undefined ? {} : { validation }),
  };
}

/**
 * The steps of an epoch, each at the schedule's learning rate, reporting progress after each.
 *
 * @returns The losses summed over the windows.
 */
async function trainBatches(
  t: Training,
  epoch: number,
  order: number[],
): Promise<StepParts & { loss: number }> {
  const { options, batchSize: B } = t;
  const total = options.epochs * t.stepsPerEpoch;
  const sums = { loss: 0, reconstruction: 0, prediction: 0, predictedFrames: 0, activeMean: 0 };
  for (let b = 0; b < order.length; b += B) {
    const step = epoch * t.stepsPerEpoch + b / B;
    t.optimizer.learningRate = learningRateAt(
      options.learningRate,
      options.schedule ?? "cosine",
      step,
      total,
    );
    const batch = order.slice(b, b + B);
    const { loss, parts } = await stepBatch(t, epoch, batch);
    sums.loss += loss * batch.length;
    for (const k of ["reconstruction", "prediction", "predictedFrames", "activeMean"] as const) {
      sums[k] += parts[k];
    }
    options.onStep?.(step + 1, total);
    await Promise.resolve(); // let progress and signals through between steps
  }
  return sums;
}

/** One step on the mean loss of a batch of windows (the last batch may be smaller). */
async function stepBatch(t: Training, epoch: number, batch: number[]): Promise<BatchStep> {
  const wins = await Promise.all(batch.map((s) => readWindow(t, s)));
  const objectives = batchObjectives(t.options, t.predictedSteps, epoch, batch);
  const r = t.readsAsync
    ? await asyncStep(t.cae, t.optimizer, wins, objectives)
    : fusedStep(t.cae, t.optimizer, wins, objectives);
  tf.dispose(wins);
  return r;
}

/** The mean total loss of the validation windows (undefined when none are held out). */
async function validationLoss(t: Training): Promise<number | undefined> {
  if (!t.split.validation.length) return undefined;
  let validation = 0;
  for (const s of t.split.validation) {
    const win = await readWindow(t, s);
    // The exact term (no subset): comparable across epochs and settings.
    validation += (await asyncWindowLoss(t.cae, win, t.options)).total;
    win.dispose();
  }
  return validation / t.split.validation.length;
}

/** The window of `windowLength` frames from `start`, as an [L, H, W, 1] tensor. */
async function readWindow(t: Training, start: number): Promise<Tensor4D> {
  const L = t.options.windowLength;
  return tf.tensor4d(await t.source.read(start, L), [L, t.height, t.width, 1]);
}
