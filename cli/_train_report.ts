// How `sparsedyn train` reports: a bar per step, a line per epoch (JSON with --json, or
// plain when stderr is a log file), Ctrl-C that finishes the epoch, and the final summary.
import type { EpochMetrics } from "../core/train/train.ts";
import type { trainRun } from "../core/train/train_run.ts";
import { onInterrupt } from "../core/files/abort_cleanup.ts";
import { duration, etaSeconds, progress } from "./_progress.ts";

/** The step and epoch callbacks of a run of `epochs` epochs, and its Ctrl-C handling. */
export function trainReporters(epochs: number, json: boolean) {
  // Ctrl-C: finish the epoch, keep its checkpoint, exit cleanly. A second Ctrl-C (or
  // SIGTERM) ends the process at once, removing its temporary files and its lock.
  let interrupted = false;
  const stopListening = onInterrupt(() => {
    if (interrupted) return false;
    interrupted = true;
    console.error("sparsedyn train: stopping after this epoch (Ctrl-C again to abort)");
    return true;
  });
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
  return { onStep, onEpoch, interrupted: () => interrupted, stopListening };
}

/** The summary of a finished run: JSON, or three lines. */
export function printTrainSummary(
  r: Awaited<ReturnType<typeof trainRun>>,
  mode: string,
  backend: string,
  json: boolean,
): void {
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
  if (json) console.log(JSON.stringify(summary));
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
}
