// `sparsedyn train <movie> --out DIR`: train the autoencoder (and the VAR) on a movie and
// write the run folder.
import { backendFlagsUsage, startBackend } from "./_backend_flag.ts";
import { readTrainConfig, type TrainConfig } from "../core/train/train_config.ts";
import { trainRun } from "../core/train/train_run.ts";
import type { EpochMetrics } from "../core/train/train.ts";
import { type Command, numberFlag, parseFlags, UsageError } from "./_flags.ts";
import { duration, etaSeconds, progress } from "./_progress.ts";
import { onInterrupt } from "../core/files/abort_cleanup.ts";

const usage = `Usage: sparsedyn train <movie>[start:end] --out DIR [options]

Preprocesses the movie (block-mean downsampling; by default the whole movie scaled to
mean 0 and variance 1 — one mean and sd for all pixels, recorded in the run and applied to
every movie it processes later), trains the convolutional autoencoder in the chosen mode,
encodes the whole movie, fits the VAR of the latents (lasso path, BIC per equation) and
writes the run folder DIR: config.json,
metrics.jsonl, weights/, latents.npy, mean_image.npy, var.json. DIR must not exist.

Options:
  --out DIR              run folder (required)
  --config FILE          JSON settings (architecture, loss weights, any option below;
                         docs/run-folder.md); flags given here override it
  --mode M               ae, two-stage or end-to-end (default end-to-end)
  --skip S               residual (default: a static code of the window's mean image into
                         the decoder, whose output is added to the mean image), mean (the
                         static code only) or none
${backendFlagsUsage(25)}
  --epochs N             passes over the windows (default 10)
  --latents D            latent dimensions (default: the most, up to the default
                         encoder's, whose VAR fits a window: p·D < L − p); the encoder's
                         depth gives exactly D, and without --window the window grows
                         to fit
  --window L             frames per window (default min(64, frames), or what
                         --latents needs)
  --stride S             step between windows (default L/2)
  --batch B              windows per optimisation step (default 1)
  --schedule S           learning rate over the run: cosine (default: decays to 1%) or
                         constant
  --clip-norm N          clip each step's gradient to global norm N (default: none)
  --lags P               VAR order (default 1)
  --lambda-fraction F    VAR λ as a fraction of λ_max during training (default 0.1)
  --bic                  instead: each window's λ per equation by BIC along its path
  --learning-rate R      Adam step size (default 0.001)
  --downsample K         K×K block mean first (default 1)
  --seed S               seed of weights and window order (default 1)
  --validation F         share of frames held out for validation (default 0)
  --patience N           stop after N epochs without a better validation loss
  --resume               continue from DIR.checkpoint (left by an interrupted run)
  --json                 print the summary as JSON; progress as JSON lines on stderr
  -h, --help             show this help`;

function schedule(v: string | undefined): "cosine" | "constant" | undefined {
  if (v === undefined || v === "cosine" || v === "constant") return v;
  throw new UsageError(`--schedule must be cosine or constant; got "${v}"`, "--schedule");
}

export const train: Command = {
  summary: "train the autoencoder and its VAR on a movie; write a run folder",
  usage,
  async run(argv) {
    const { values, positionals } = parseFlags(argv, {
      out: { type: "string" },
      config: { type: "string" },
      mode: { type: "string" },
      skip: { type: "string" },
      backend: { type: "string" },
      device: { type: "string" },
      epochs: { type: "string" },
      latents: { type: "string" },
      window: { type: "string" },
      stride: { type: "string" },
      batch: { type: "string" },
      schedule: { type: "string" },
      "clip-norm": { type: "string" },
      lags: { type: "string" },
      "lambda-fraction": { type: "string" },
      bic: { type: "boolean" },
      "learning-rate": { type: "string" },
      downsample: { type: "string" },
      seed: { type: "string" },
      validation: { type: "string" },
      patience: { type: "string" },
      resume: { type: "boolean" },
      json: { type: "boolean" },
      help: { type: "boolean", short: "h" },
    });
    if (values.help) {
      console.log(usage);
      return 0;
    }
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
    const int = (v: string | undefined, f: string, min: number) =>
      numberFlag(v, f, { integer: true, min });
    const fraction = numberFlag(values["lambda-fraction"], "--lambda-fraction", {
      min: 0,
      exclusiveMin: true,
    });
    if (fraction !== undefined && fraction > 1) {
      throw new UsageError(
        `--lambda-fraction must be in (0, 1]; got ${fraction}`,
        "--lambda-fraction",
      );
    }
    const backend = await startBackend(values, values.json ?? false);
    const epochs = int(values.epochs, "--epochs", 1) ?? file.epochs ?? 10;
    // Ctrl-C: finish the epoch, keep its checkpoint, exit cleanly. A second Ctrl-C (or
    // SIGTERM) ends the process at once, removing its temporary files and its lock.
    let interrupted = false;
    const stopListening = onInterrupt(() => {
      if (interrupted) return false;
      interrupted = true;
      console.error("sparsedyn train: stopping after this epoch (Ctrl-C again to abort)");
      return true;
    });
    const json = values.json ?? false;
    // Per step: a bar with the epoch, the last epoch's loss and the ETA (JSON lines with
    // --json); per epoch: a JSON line with its metrics, or a plain line when stderr is not a
    // terminal (a log file), so that a long run is never silent.
    const report = progress("train", json);
    const tty = (() => {
      try {
        return Deno.stderr.isTerminal();
      } catch {
        return false;
      }
    })();
    let lastLoss: number | undefined, epochsDone = 0, trainStart = 0, stepsAtStart = -1;
    let stepsDone = 0, stepsTotal = 0;
    const onStep = (done: number, total: number) => {
      if (stepsAtStart < 0) {
        stepsAtStart = done;
        trainStart = performance.now();
      }
      stepsDone = done;
      stepsTotal = total;
      report(done, total, {
        epoch: `${Math.max(1, Math.ceil((done * epochs) / Math.max(1, total)))}/${epochs}`,
        ...(lastLoss === undefined ? {} : { loss: lastLoss }),
      });
    };
    const onEpoch = (m: EpochMetrics) => {
      lastLoss = m.loss;
      epochsDone = m.epoch + 1;
      const left = etaSeconds(trainStart, stepsDone - stepsAtStart, stepsTotal - stepsAtStart);
      if (json) {
        // The progress schema, with the epoch's metrics (epoch counted from 0, as in
        // metrics.jsonl).
        console.error(JSON.stringify({
          progress: "epoch",
          done: epochsDone,
          total: epochs,
          ...(left === undefined ? {} : { eta_s: Math.round(left) }),
          metrics: m,
        }));
      } else if (!tty) {
        console.error(
          `sparsedyn train: epoch ${epochsDone}/${epochs}: loss ${m.loss.toFixed(4)}` +
            (m.validation === undefined ? "" : `, validation ${m.validation.toFixed(4)}`) +
            `, ${m.framesPerSecond.toFixed(0)} frames/s` +
            (left === undefined ? "" : `, ETA ${duration(left)}`),
        );
      }
    };
    let r;
    try {
      // The file first, then every flag that was given.
      r = await trainRun(positionals[0], values.out, {
        ...file,
        mode: mode as "ae" | "two-stage" | "end-to-end",
        skip,
        epochs,
        ...definedOnly({
          windowLength: int(values.window, "--window", 2),
          latents: int(values.latents, "--latents", 1),
          stride: int(values.stride, "--stride", 1),
          batchSize: int(values.batch, "--batch", 1),
          schedule: schedule(values.schedule),
          clipNorm: numberFlag(values["clip-norm"], "--clip-norm", { min: 0, exclusiveMin: true }),
          lags: int(values.lags, "--lags", 1),
          lambdaFraction: fraction,
          bic: values.bic,
          learningRate: numberFlag(values["learning-rate"], "--learning-rate", {
            min: 0,
            exclusiveMin: true,
          }),
          downsample: int(values.downsample, "--downsample", 1),
          seed: numberFlag(values.seed, "--seed", { integer: true }),
          validationFraction: numberFlag(values.validation, "--validation", { min: 0 }),
          patience: int(values.patience, "--patience", 1),
        }),
        resume: values.resume ?? false,
        onEpoch,
        onStep,
        onPreprocess: progress("preprocess", json),
        onEncode: progress("encode", json),
        onFitVar: progress("VAR fit", json),
        onNote: (message) =>
          console.error(
            json ? JSON.stringify({ note: message }) : `sparsedyn train: note: ${message}`,
          ),
        onStage: (stage) =>
          console.error(
            json ? JSON.stringify({ stage }) : `sparsedyn train: ${stage}`,
          ),
        shouldStop: () => interrupted,
      });
    } finally {
      stopListening();
    }
    if (r.interrupted) {
      console.error(
        `sparsedyn train: interrupted after epoch ${r.history.length}; continue with --resume (state in ${values.out}.checkpoint)`,
      );
      return 130;
    }
    const last = r.history[r.history.length - 1];
    const summary = {
      out: r.dir,
      mode,
      backend,
      frames: r.frames,
      height: r.height,
      width: r.width,
      latentSize: r.latentSize,
      final: last,
    };
    if (values.json) console.log(JSON.stringify(summary));
    else {
      console.log(`sparsedyn train: wrote ${r.dir}`);
      console.log(
        `  ${mode} on ${r.frames} frames of ${r.height}×${r.width}; ${r.latentSize} latent dimensions; backend ${backend}`,
      );
      console.log(
        `  final epoch: loss ${last.loss.toFixed(4)} (reconstruction ${
          last.reconstruction.toFixed(4)
        }` +
          (mode === "end-to-end"
            ? `, prediction ${last.prediction.toFixed(4)}, predicted frames ${
              last.predictedFrames.toFixed(4)
            }`
            : "") +
          `), ${last.framesPerSecond.toFixed(0)} frames/s`,
      );
    }
    return 0;
  },
};

/** The entries whose value is not undefined, so that an absent flag keeps the file's value. */
function definedOnly<T extends Record<string, unknown>>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}
