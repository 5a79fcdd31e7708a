// `sparsedyn train <movie> --out DIR`: train the autoencoder (and the VAR) on a movie and
// write the run folder.
import { BACKEND_TABLE, startBackend } from "./_backend_flag.ts";
import { readTrainConfig, type TrainConfig } from "../core/train/train_config.ts";
import { trainRun } from "../core/train/train_run.ts";
import { UsageError } from "./_flags.ts";
import { defineCommand } from "./_command.ts";
import { progress } from "./_progress.ts";
import { TRAIN_DESCRIPTION, TRAIN_FLAGS } from "./_train_flags.ts";
import { printTrainSummary, trainReporters } from "./_train_report.ts";

export const train = defineCommand("train", {
  summary: "train the autoencoder and its VAR on a movie; write a run folder",
  synopsis: "<movie>[start:end] --out DIR [options]",
  description: TRAIN_DESCRIPTION,
  flags: { ...TRAIN_FLAGS, ...BACKEND_TABLE },
  async run(values, positionals) {
    if (positionals.length !== 1) throw new UsageError("give one movie");
    if (!values.out) throw new UsageError("--out DIR is required", "--out");
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
    const json = values.json ?? false;
    const backend = await startBackend(values, json);
    const epochs = values.epochs ?? file.epochs ?? 10;
    const reporters = trainReporters(epochs, json);
    let r;
    try {
      // The file first, then every flag that was given.
      r = await trainRun(positionals[0], values.out, {
        ...file,
        mode: mode as "ae" | "two-stage" | "end-to-end",
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
          lambdaFraction: fraction,
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
      });
    } finally {
      reporters.stopListening();
    }
    if (r.interrupted) {
      console.error(
        `sparsedyn train: interrupted after epoch ${r.history.length}; continue with --resume (state in ${values.out}.checkpoint)`,
      );
      return 130;
    }
    printTrainSummary(r, mode, backend, json);
    return 0;
  },
});

/** The entries whose value is not undefined, so that an absent flag keeps the file's value. */
function definedOnly<T extends Record<string, unknown>>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}
