// The settings of `sparsedyn train`: the --config file's first, then every flag that was
// given, checked; and trainRun's options with the reporters that print its progress.
import { readTrainConfig, type TrainConfig } from "../core/train/train_config.ts";
import type { TrainRunOptions } from "../core/train/train_run.ts";
import { UsageError } from "./_flags.ts";
import type { Flags } from "./_command.ts";
import { progress } from "./_progress.ts";
import type { TRAIN_FLAGS } from "./_train_flags.ts";
import type { trainReporters } from "./_train_report.ts";

/** The flags of `sparsedyn train` (its backend flags are checked elsewhere). */
type TrainFlags = Flags<typeof TRAIN_FLAGS>;

/** The config file's settings and the mode, skip and epochs the flags and the file give. */
export interface TrainSettings {
  file: TrainConfig;
  mode: "ae" | "two-stage" | "end-to-end";
  skip: "mean" | "none" | "residual";
  epochs: number;
}

/**
 * Reads --config (if given) and resolves the mode, the skip connection and the epochs: a
 * flag over the file over the default.
 *
 * @throws {UsageError} For a mode, skip or --lambda-fraction out of range.
 */
export async function trainSettings(values: TrainFlags): Promise<TrainSettings> {
  const file: TrainConfig = values.config ? await readTrainConfig(values.config) : {};
  const mode = values.mode ?? file.mode ?? "end-to-end";
  if (!["ae", "two-stage", "end-to-end"].includes(mode)) {
    throw new UsageError(`--mode must be ae, two-stage or end-to-end; got "${mode}"`, "--mode");
  }
  const skip = values.skip ?? file.skip ?? "residual";
  if (skip !== "mean" && skip !== "none" && skip !== "residual") {
    throw new UsageError(`--skip must be mean, residual or none; got "${skip}"`, "--skip");
  }
  const fraction = values["lambda-fraction"];
  if (fraction !== undefined && fraction > 1) {
    throw new UsageError(
      `--lambda-fraction must be in (0, 1]; got ${fraction}`,
      "--lambda-fraction",
    );
  }
  const epochs = values.epochs ?? file.epochs ?? 10;
  return { file, mode: mode as TrainSettings["mode"], skip, epochs };
}

/** trainRun's options: the file first, then every flag that was given; progress on stderr. */
export function trainOptions(
  values: TrainFlags,
  { file, mode, skip, epochs }: TrainSettings,
  reporters: ReturnType<typeof trainReporters>,
  json: boolean,
): TrainRunOptions {
  return {
    ...file,
    mode,
    skip,
    epochs,
    ...definedOnly({
      windowLength: values.window,
      latents: values.latents,
      stride: values.stride,
      batchSize: values.batch,
      schedule: values.schedule as "cosine" | "constant" | undefined,
      clipNorm: values["clip-norm"],
      lags: values.lags,
      lambdaFraction: values["lambda-fraction"],
      bic: values.bic,
      learningRate: values["learning-rate"],
      downsample: values.downsample,
      seed: values.seed,
      validationFraction: values.validation,
      patience: values.patience,
    }),
    resume: values.resume ?? false,
    onEpoch: reporters.onEpoch,
    onStep: reporters.onStep,
    onPreprocess: progress("preprocess", json),
    onEncode: progress("encode", json),
    onFitVar: progress("VAR fit", json),
    onNote: (message) =>
      console.error(
        json ? JSON.stringify({ note: message }) : `sparsedyn train: note: ${message}`,
      ),
    onStage: (stage) =>
      console.error(json ? JSON.stringify({ stage }) : `sparsedyn train: ${stage}`),
    shouldStop: reporters.interrupted,
  };
}

/** The entries whose value is not undefined, so that an absent flag keeps the file's value. */
function definedOnly<T extends Record<string, unknown>>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}
