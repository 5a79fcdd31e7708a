/**
 * sparsedyn/model — the convolutional autoencoder, its VAR layer, the backends, and training.
 *
 * Concepts:
 * - Backends: {@link useBackend} picks tfjs cpu, wasm, webgpu or torch; {@link wasmThreads}.
 * - The model: {@link createCae} from a {@link CaeConfig} ({@link defaultCaeConfig},
 *   {@link checkCaeConfig}); the lasso VAR on its latents: {@link varLayer}, {@link varLoss}.
 * - The objective of one window: {@link windowLoss}, {@link asyncWindowGradients}.
 * - Training: {@link trainCae} (frames in memory), {@link trainRun} (a movie to a run folder),
 *   configured by {@link parseTrainConfig} / {@link readTrainConfig}.
 * - Judging a trained model on synthetic data with a known truth: {@link evaluateModel},
 *   {@link runExperiment}, {@link resultsMarkdown}.
 *
 * To load a trained run and encode movies with it, see `./runs`.
 *
 * @example Build a small autoencoder on the cpu backend
 * ```ts
 * import { createCae, defaultCaeConfig, SparsedynError, useBackend } from "./model.ts";
 *
 * await useBackend("cpu");
 * const cae = createCae(defaultCaeConfig(32, 32), 1);
 * if (!(cae.latentSize > 0)) throw new Error("a latent code");
 * try {
 *   createCae({ ...defaultCaeConfig(32, 32), height: 0 });
 *   throw new Error("a zero height is refused");
 * } catch (e) {
 *   if (!(e instanceof SparsedynError)) throw e;
 * }
 * ```
 *
 * @module
 */
export { SparsedynError } from "./core/errors.ts";
export type { SparsedynErrorCode, SparsedynErrorOptions } from "./core/errors.ts";
export {
  MAX_WASM_THREADS,
  useBackend,
  WASM_THREADS_ENV,
  wasmThreads,
} from "./core/model/backend.ts";
export type { BackendName, BackendOptions } from "./core/model/backend.ts";
export type { TorchDevice } from "./core/model/torch/libtorch.ts";
export { checkCaeConfig, createCae, defaultCaeConfig } from "./core/model/cae.ts";
export type { Activation, Cae, CaeConfig } from "./core/model/cae.ts";
export { varLayer, varLoss } from "./core/model/var_layer.ts";
export type { VarLayerOptions, VarLayerOutput, VarLossOutput } from "./core/model/var_layer.ts";
export { windowLoss } from "./core/train/window_loss.ts";
export type { LossWeights, ObjectiveOptions, WindowLoss } from "./core/train/window_loss.ts";
export { asyncWindowGradients, asyncWindowLoss } from "./core/train/async_step.ts";
export type { AsyncWindowGradients, AsyncWindowLoss } from "./core/train/async_step.ts";
export {
  cellTransition,
  evaluateModel,
  latentSnrDb,
  rankInfluences,
  representationMeasures,
  supportF1,
  windowMeasures,
} from "./core/train/evaluate.ts";
export type {
  EvaluationTruth,
  ModelEvaluation,
  RepresentationMeasures,
  WindowMeasures,
} from "./core/train/evaluate.ts";
export {
  meanSd,
  pairedDifferences,
  resultsMarkdown,
  runExperiment,
} from "./core/train/experiment.ts";
export type {
  ExperimentArm,
  ExperimentOptions,
  ExperimentResult,
  ExperimentRun,
} from "./core/train/experiment.ts";
export {
  DEFAULT_PREDICTED_FRAMES_STEPS,
  predictedStepsSample,
} from "./core/train/predicted_steps.ts";
export type { PredictedStepsKey } from "./core/train/predicted_steps.ts";
export { trainCae } from "./core/train/train.ts";
export type { EpochMetrics, TrainOptions } from "./core/train/train.ts";
export { trainRun } from "./core/train/train_run.ts";
export type { TrainRunOptions, TrainRunResult } from "./core/train/train_run.ts";
export { parseTrainConfig, readTrainConfig } from "./core/train/train_config.ts";
export type { TrainConfig } from "./core/train/train_config.ts";
export { wasmBinariesUrl } from "./core/model/tf.ts";
export type { Scalar, Tensor, Tensor2D, Tensor4D, Variable } from "./core/model/tf.ts";
