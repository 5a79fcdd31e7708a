// The training loop's side of its checkpoint (train.ts): what of a training goes into the
// checkpoint folder after an epoch, and how a resume puts it back. The folder's format, its
// atomic writes and its checks are in checkpoint.ts.
import { SparsedynError } from "../errors.ts";
import {
  type CheckpointState,
  type CheckpointTensor,
  hasCheckpoint,
  readCheckpoint,
  writeCheckpoint,
} from "./checkpoint.ts";
import type { Cae } from "../model/cae.ts";
import { type Tensor, tf } from "../model/tf.ts";
import type { Adam } from "./adam.ts";
import type { EarlyStopping } from "./_early_stopping.ts";

/** What a checkpoint keeps of a training. */
export interface CheckpointedTraining {
  /** The model. */
  cae: Cae;
  /** Its optimiser (Adam's step count and moments). */
  optimizer: Adam;
  /** The model's variable names, sorted: the order of the checkpoint's tensors. */
  names: string[];
  /** The key of the settings that decide the result (see `settingsKey`). */
  settings: string;
  /** The metrics of the epochs done. */
  history: CheckpointState["history"];
  /** Early stopping's state. */
  early: EarlyStopping;
}

/** Where a training starts: from the beginning, or where its checkpoint left it. */
export interface ResumePoint {
  /** The first epoch to train (the epochs before it are done). */
  first: number;
  /** Whether the checkpoint holds a finished training (nothing is left to train). */
  finished: boolean;
  /** With `finished`: whether early stopping ended it. */
  stoppedEarly: boolean;
}

/**
 * Restores a training from the checkpoint in `dir`, if there is one: the weights, Adam's
 * state, the metrics so far and early stopping's state (its best weights too).
 *
 * @param dir The checkpoint folder (none: start from the beginning).
 * @param resume Whether the caller asked to continue from it.
 * @param t The freshly made training, changed in place.
 * @returns Where the training goes on.
 * @throws {SparsedynError} `INVALID_ARGUMENT` when `dir` holds a checkpoint and `resume` is
 *   not set, or it was written with other settings; `BAD_FILE` when it is damaged.
 */
export async function resumeTraining(
  dir: string | undefined,
  resume: boolean | undefined,
  t: CheckpointedTraining,
): Promise<ResumePoint> {
  if (!dir || !(await hasCheckpoint(dir))) {
    return { first: 0, finished: false, stoppedEarly: false };
  }
  if (!resume) {
    throw new SparsedynError(
      "INVALID_ARGUMENT",
      `${dir} holds the state of an earlier training; continue it with ` +
        `resume (--resume), or remove it to train from the start`,
      { file: dir },
    );
  }
  const { cae, names } = t;
  const ck = await readCheckpoint(
    dir,
    t.settings,
    Object.fromEntries(names.map((k) => [k, cae.variables[k].shape])),
  );
  for (const name of names) {
    // assign copies the values: the temporary tensor is ours to free (one per variable).
    const w = tf.tensor(ck.weights[name].data, ck.weights[name].shape);
    cae.variables[name].assign(w);
    w.dispose();
  }
  t.optimizer.restore(ck.t, ck.m, ck.v);
  t.history = ck.history;
  t.early.best = ck.early.best ?? Infinity;
  t.early.since = ck.early.since;
  if (Object.keys(ck.best).length) {
    t.early.bestWeights = Object.fromEntries(
      names.map((k) => [k, tf.tensor(ck.best[k].data, ck.best[k].shape)]),
    );
  }
  return { first: t.history.length, finished: ck.finished, stoppedEarly: ck.stoppedEarly };
}

/**
 * Writes the training's state to the checkpoint in `dir`.
 *
 * @param done True after the last epoch (or an early stop): the weights are the final ones,
 *   and the best epoch's copy is left out.
 * @param stoppedEarly With `done`: whether early stopping ended the training.
 */
export async function saveTraining(
  dir: string,
  t: CheckpointedTraining,
  done: boolean,
  stoppedEarly = false,
): Promise<void> {
  const st = t.optimizer.state();
  const tensors: CheckpointTensor[] = [];
  for (const name of t.names) tensors.push(await tensorOf(name, "w", t.cae.variables[name]));
  for (const name of Object.keys(st.m).sort()) {
    tensors.push(await tensorOf(name, "m", st.m[name]));
    tensors.push(await tensorOf(name, "v", st.v[name]));
  }
  const bestWeights = t.early.bestWeights;
  if (bestWeights && !done) {
    for (const name of t.names) tensors.push(await tensorOf(name, "b", bestWeights[name]));
  }
  const { best, since } = t.early;
  await writeCheckpoint(dir, {
    tensors,
    t: st.t,
    history: t.history,
    settings: t.settings,
    finished: done,
    stoppedEarly,
    early: { best: Number.isFinite(best) ? best : null, since },
  });
}

/** One tensor of the checkpoint, its values read. */
async function tensorOf(
  name: string,
  kind: CheckpointTensor["kind"],
  tensor: Tensor,
): Promise<CheckpointTensor> {
  return { name, kind, shape: tensor.shape, data: (await tensor.data()) as Float32Array };
}
