// Early stopping for the training loop (train.ts): after each epoch the validation loss is
// compared with the best so far; after `patience` epochs without a better one the loop stops
// and the best epoch's weights go back into the model. Its state is part of the checkpoint
// (_train_checkpoint.ts), so that a resumed run stops where a whole run does.
import { type Tensor, tf, type Variable } from "../model/tf.ts";

/** Early stopping's state. */
export interface EarlyStopping {
  /** The best validation loss so far (Infinity: none yet). */
  best: number;
  /** The weights of the best epoch, by variable name (none before the first). */
  bestWeights?: Record<string, Tensor>;
  /** Epochs since the best one. */
  since: number;
  /** Whether it stopped the training. */
  stoppedEarly: boolean;
}

/** The state before the first epoch: no best loss, no best weights. */
export function freshEarlyStopping(): EarlyStopping {
  return { best: Infinity, bestWeights: undefined, since: 0, stoppedEarly: false };
}

/**
 * Records an epoch's validation loss: a better one keeps a copy of the weights, and the
 * `patience`-th epoch in a row without one stops the training. Without a validation loss or
 * a patience it does nothing.
 *
 * @returns True when the training stops here (the caller then writes no checkpoint for the
 *   epoch: the final one, with the best weights, follows the loop).
 */
export function shouldStopEarly(
  early: EarlyStopping,
  validation: number | undefined,
  patience: number | undefined,
  variables: Record<string, Variable>,
  names: string[],
): boolean {
  if (validation === undefined || patience === undefined) return false;
  if (validation < early.best) {
    early.best = validation;
    early.since = 0;
    if (early.bestWeights) tf.dispose(Object.values(early.bestWeights));
    early.bestWeights = Object.fromEntries(names.map((k) => [k, tf.clone(variables[k])]));
  } else if (++early.since >= patience) {
    early.stoppedEarly = true;
    return true;
  }
  return false;
}

/**
 * After the loop: puts the best epoch's weights back into the model when early stopping
 * ended the training, and disposes the copy either way.
 */
export function restoreBestWeights(
  early: EarlyStopping,
  variables: Record<string, Variable>,
  names: string[],
): void {
  if (early.stoppedEarly && early.bestWeights) {
    for (const k of names) {
      variables[k].assign(early.bestWeights[k]);
    }
  }
  if (early.bestWeights) tf.dispose(Object.values(early.bestWeights));
}
