// One optimisation step of the training loop (train.ts) on the mean loss of a batch of
// windows, in its two forms: the fused step, one tape through the VAR layer's customGrad
// (the one the rest of the project, bench and tests, measures), and the asynchronous step
// for backends that read only asynchronously (webgpu), which sums each window's
// `asyncWindowGradients` (the same gradients) and applies their mean.
import type { Cae } from "../model/cae.ts";
import { type Scalar, type Tensor, type Tensor4D, tf } from "../model/tf.ts";
import { type ObjectiveOptions, windowLoss } from "./window_loss.ts";
import { asyncWindowGradients } from "./async_step.ts";
import type { Adam } from "./adam.ts";
import { predictedStepsSample } from "./predicted_steps.ts";

/** The loss terms of a batch, each summed over its windows. */
export interface StepParts {
  /** Frame reconstruction error. */
  reconstruction: number;
  /** One-step latent prediction error. */
  prediction: number;
  /** Reconstruction error of the frames decoded from predicted latents. */
  predictedFrames: number;
  /** Active-set size per equation of the VAR. */
  activeMean: number;
}

/** What a step reports. */
export interface BatchStep {
  /** The batch's mean total loss. */
  loss: number;
  /** Its terms, summed over the windows. */
  parts: StepParts;
}

/** The objective's settings of a training, all but the predicted steps of each window. */
type TrainingObjective = Omit<ObjectiveOptions, "predictedFramesSubset"> & {
  windowLength: number;
  seed: number;
};

/**
 * Each window's objective. End to end, each window decodes its own predicted steps, drawn
 * from (seed, epoch, start) only: the same for the fused and the async step, and for a
 * resumed run.
 *
 * @param options The training's settings.
 * @param steps Predicted steps decoded per window (`predictedFramesSteps`).
 * @param epoch The epoch.
 * @param batch The windows' starts.
 */
export function batchObjectives(
  options: TrainingObjective,
  steps: number,
  epoch: number,
  batch: number[],
): ObjectiveOptions[] {
  return batch.map((start): ObjectiveOptions =>
    options.mode === "end-to-end"
      ? {
        ...options,
        predictedFramesSubset: predictedStepsSample(
          options.windowLength - options.var.lags,
          steps,
          { seed: options.seed, epoch, start },
        ),
      }
      : options
  );
}

/** The fused step: one tape of the batch's mean loss, through the VAR layer. */
export function fusedStep(
  cae: Cae,
  optimizer: Adam,
  wins: Tensor4D[],
  objectives: ObjectiveOptions[],
): BatchStep {
  const parts = noParts();
  const loss = optimizer.step(() => {
    const totals = wins.map((win, i) => {
      const l = windowLoss(cae, win, objectives[i]);
      addParts(parts, l.parts);
      return l.total;
    });
    return tf.div(tf.addN(totals), wins.length) as Scalar;
  });
  return { loss, parts };
}

/**
 * The asynchronous step: each window's gradients with only asynchronous reads, summed, and
 * their mean applied.
 */
export async function asyncStep(
  cae: Cae,
  optimizer: Adam,
  wins: Tensor4D[],
  objectives: ObjectiveOptions[],
): Promise<BatchStep> {
  const parts = noParts();
  let loss = 0;
  let sum: Record<string, Tensor> | undefined;
  for (const [i, win] of wins.entries()) {
    const r = await asyncWindowGradients(cae, win, objectives[i]);
    loss += r.total / wins.length;
    addParts(parts, r.parts);
    if (!sum) sum = r.grads;
    else addGradients(sum, r.grads);
  }
  const mean = Object.fromEntries(
    Object.entries(sum!).map(([k, g]) => [k, tf.div(g, wins.length)]),
  );
  optimizer.applyGradients(mean);
  tf.dispose([...Object.values(sum!), ...Object.values(mean)]);
  return { loss, parts };
}

/** Adds `grads` into `sum`, in place, disposing both addends. */
function addGradients(sum: Record<string, Tensor>, grads: Record<string, Tensor>): void {
  for (const k of Object.keys(sum)) {
    const next = tf.add(sum[k], grads[k]);
    tf.dispose([sum[k], grads[k]]);
    sum[k] = next;
  }
}

/** Terms of no window yet. */
function noParts(): StepParts {
  return { reconstruction: 0, prediction: 0, predictedFrames: 0, activeMean: 0 };
}

/** Adds a window's terms into the batch's. */
function addParts(parts: StepParts, p: StepParts): void {
  for (const k of Object.keys(parts) as (keyof StepParts)[]) parts[k] += p[k];
}
