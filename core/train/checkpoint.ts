/**
 * A training's checkpoint folder: the state after an epoch (weights, Adam's moments, the
 * metrics so far), from which `resume` continues exactly. It becomes visible at one atomic
 * step and is verified before use:
 *
 *     tensors-<epoch>-<x>.f32   every tensor, raw float32, under a name never used before
 *     state.json                the manifest: the epoch, the tensors file with its size and
 *                               SHA-256, the training's settings key, the index of the
 *                               tensors, the metrics; written last, atomically — the commit
 *     metrics.jsonl             the same metrics as lines, for whoever watches (`tail -f`)
 *     owner.json                the process training into it (pid, host, start)
 *
 * A new checkpoint writes its tensors to a new file, then replaces `state.json` (one
 * rename), then removes the previous tensors file. A kill or a full disk at any step leaves
 * either the previous checkpoint or the new one, whole: `state.json` always names a file
 * that is complete. Reading checks the manifest, the file's size and hash, the settings and
 * every tensor's shape; a checkpoint that fails any check is refused with the reason and the
 * file named, never half-used.
 *
 * After the last epoch the final weights (the best ones, when stopped early) are written as
 * a `finished` checkpoint, before anything else happens: a failure after training (encoding,
 * the VAR's fit, a full disk) loses no training, and a resume goes straight to what is left.
 *
 * @example
 * ```ts
 * import { readCheckpoint, writeCheckpoint } from "./checkpoint.ts";
 *
 * const dir = await Deno.makeTempDir();
 * const tensors = (["w", "m", "v"] as const).map((kind) =>
 *   ({ name: "w", kind, shape: [2], data: Float32Array.of(1, 2) })
 * );
 * await writeCheckpoint(dir, { tensors, t: 3, history: [], settings: "k", finished: false });
 * const ck = await readCheckpoint(dir, "k", { w: [2] });
 * if (ck.weights.w.data.join() !== "1,2" || ck.t !== 3) throw new Error("round trip");
 * await Deno.remove(dir, { recursive: true });
 * ```
 *
 * @module
 */
import { ioError, SparsedynError } from "../errors.ts";
import { writeFileAtomic } from "../files/atomic_write.ts";
import { faultPoint } from "../files/fault_injection.ts";
import { currentOwner } from "../files/process_owner.ts";
import type { EpochMetrics } from "./train.ts";

/** The manifest's format. */
const VERSION = 2;

/** One tensor of the training state. */
export interface CheckpointTensor {
  /** The variable's name. */
  name: string;
  /**
   * "w": the weight; "m", "v": Adam's first and second moments; "b": the weight of the
   * best epoch so far (early stopping).
   */
  kind: "w" | "m" | "v" | "b";
  /** Its shape. */
  shape: number[];
  /** Its values. */
  data: Float32Array;
}

/** What {@link writeCheckpoint} writes. */
export interface CheckpointState {
  /** Every tensor, in a fixed order. */
  tensors: CheckpointTensor[];
  /** Adam's step count. */
  t: number;
  /** The metrics of the epochs done. */
  history: EpochMetrics[];
  /** A key of the settings that shape the training (a resume must use the same). */
  settings: string;
  /** True once training is over: the weights are the final ones. */
  finished: boolean;
  /** With `finished`: whether early stopping ended it. */
  stoppedEarly?: boolean;
  /** Early stopping's state: the best validation loss so far (null: none), epochs since. */
  early?: { best: number | null; since: number };
}

/** A checkpoint read back. */
export interface Checkpoint {
  /** Weights by name. */
  weights: Record<string, { data: Float32Array; shape: number[] }>;
  /** Adam's step count. */
  t: number;
  /** Adam's first moments. */
  m: Record<string, Float32Array>;
  /** Adam's second moments. */
  v: Record<string, Float32Array>;
  /** The metrics of the epochs done. */
  history: EpochMetrics[];
  /** True when training was over. */
  finished: boolean;
  /** Whether early stopping ended it. */
  stoppedEarly: boolean;
  /** Early stopping's state (best null and since 0 when none was recorded). */
  early: { best: number | null; since: number };
  /** The best epoch's weights by name (empty when none were recorded). */
  best: Record<string, { data: Float32Array; shape: number[] }>;
}

interface Manifest {
  version: number;
  epoch: number;
  finished: boolean;
  stoppedEarly?: boolean;
  early?: { best: number | null; since: number };
  settings: string;
  tensors: { file: string; bytes: number; sha256: string };
  parts: { name: string; kind: string; shape: number[]; offset: number; length: number }[];
  t: number;
  history: EpochMetrics[];
}

/**
 * Whether a folder holds a checkpoint (a manifest), valid or not.
 *
 * @param dir The folder.
 * @returns True when `state.json` exists.
 */
export async function hasCheckpoint(dir: string): Promise<boolean> {
  return await Deno.lstat(`${dir}/state.json`).then(() => true, () => false);
}

/**
 * Writes a checkpoint; see the module documentation for the order that keeps it whole.
 *
 * @param dir The folder (created if needed).
 * @param state The training state.
 * @throws {SparsedynError} `IO` naming the file that could not be written (the previous
 *   checkpoint is then intact).
 */
export async function writeCheckpoint(dir: string, state: CheckpointState): Promise<void> {
  await Deno.mkdir(dir, { recursive: true }).catch((err) => {
    throw ioError("write", dir, err);
  });
  let length = 0;
  const parts: Manifest["parts"] = [];
  for (const t of state.tensors) {
    parts.push({
      name: t.name,
      kind: t.kind,
      shape: t.shape,
      offset: length,
      length: t.data.length,
    });
    length += t.data.length;
  }
  const all = new Float32Array(length);
  for (const [i, t] of state.tensors.entries()) all.set(t.data, parts[i].offset);
  const bytes = new Uint8Array(all.buffer);
  const epoch = state.history.length;
  const file = `tensors-${epoch}${state.finished ? "-final" : ""}-${
    crypto.randomUUID().slice(0, 8)
  }.f32`;
  await writeFileAtomic(`${dir}/${file}`, bytes);
  const manifest: Manifest = {
    version: VERSION,
    epoch,
    finished: state.finished,
    ...(state.finished ? { stoppedEarly: state.stoppedEarly ?? false } : {}),
    early: state.early ?? { best: null, since: 0 },
    settings: state.settings,
    tensors: { file, bytes: bytes.length, sha256: await sha256(bytes) },
    parts,
    t: state.t,
    history: state.history,
  };
  // The commit: from this rename on, the checkpoint is the new one.
  await writeFileAtomic(`${dir}/state.json`, new TextEncoder().encode(JSON.stringify(manifest)));
  await removeOtherTensors(dir, file);
  // Live metrics for whoever watches a long run; the run folder gets the same lines at the end.
  await writeFileAtomic(
    `${dir}/metrics.jsonl`,
    new TextEncoder().encode(state.history.map((m) => JSON.stringify(m) + "\n").join("")),
  );
}

/** Removes the tensors files the manifest no longer names (the previous checkpoint's). */
async function removeOtherTensors(dir: string, keep: string) {
  for await (const e of Deno.readDir(dir)) {
    if (e.name !== keep && /^tensors-.*\.f32$|^tensors\.f32$/.test(e.name)) {
      // A failure here costs only disk space: the next checkpoint removes the file.
      await faultPoint(`remove ${dir}/${e.name}`).then(() => Deno.remove(`${dir}/${e.name}`))
        .catch(() => {});
    }
  }
}

/**
 * Records which process trains into a checkpoint folder (`owner.json`: pid, host, start), so
 * that a viewer (the dashboard) can tell a training that is running from one whose process
 * ended (a crash, Ctrl-C) and left its checkpoint for `--resume`.
 *
 * @param dir The checkpoint folder (created if needed).
 * @throws {SparsedynError} `IO` naming the file when it cannot be written.
 */
export async function writeCheckpointOwner(dir: string): Promise<void> {
  await Deno.mkdir(dir, { recursive: true }).catch((err) => {
    throw ioError("write", dir, err);
  });
  await writeFileAtomic(
    `${dir}/owner.json`,
    new TextEncoder().encode(JSON.stringify(currentOwner()) + "\n"),
  );
}

/**
 * Reads and verifies a checkpoint.
 *
 * @param dir The folder.
 * @param settings The settings key of the training that resumes (must match).
 * @param shapes The model's variables and their shapes (each must be there, as shaped).
 * @returns The training state.
 * @throws {SparsedynError} `BAD_FILE` naming the file when the manifest is unreadable or of
 *   another format, the tensors file is missing, of the wrong size or hash, a tensor is
 *   missing or misshapen; `INVALID_ARGUMENT` when the settings differ.
 */
export async function readCheckpoint(
  dir: string,
  settings: string,
  shapes: Record<string, number[]>,
): Promise<Checkpoint> {
  const m = await readManifest(dir, settings);
  const all = await readTensorsFile(dir, m);
  return unpackCheckpoint(dir, m, all, shapes);
}

/**
 * The error that refuses a damaged checkpoint: the file, what is wrong with it, and how to
 * start again.
 */
function refusal(dir: string, file: string, why: string): SparsedynError {
  return new SparsedynError(
    "BAD_FILE",
    `${file}: ${why}; the checkpoint cannot be resumed: remove ${dir} to train from the start`,
    { file },
  );
}

/**
 * Reads the manifest and checks that it is one of this format, of a training with these
 * settings, naming a tensors file of this folder.
 */
async function readManifest(dir: string, settings: string): Promise<Manifest> {
  const statePath = `${dir}/state.json`;
  let m: Manifest;
  try {
    m = JSON.parse(await Deno.readTextFile(statePath));
  } catch (err) {
    throw refusal(dir, statePath, `unreadable (${err instanceof Error ? err.message : err})`);
  }
  if (m?.version !== VERSION || typeof m.tensors?.file !== "string") {
    throw refusal(
      dir,
      statePath,
      `not a checkpoint manifest of version ${VERSION} (written by an older sparsedyn, whose ` +
        `checkpoints cannot be verified)`,
    );
  }
  if (m.settings !== settings) {
    throw new SparsedynError(
      "INVALID_ARGUMENT",
      `${dir} was written by a training with other settings (architecture, data, window, ` +
        `seed, epochs or optimiser differ); resume it with the settings it was started with, ` +
        `or remove it to train from the start`,
      { file: statePath },
    );
  }
  if (!/^tensors-[\w-]+\.f32$/.test(m.tensors.file)) {
    throw refusal(dir, statePath, `names an unexpected tensors file "${m.tensors.file}"`);
  }
  return m;
}

/** Reads the tensors file the manifest names, checking its size and SHA-256. */
async function readTensorsFile(dir: string, m: Manifest): Promise<Float32Array> {
  const tensorsPath = `${dir}/${m.tensors.file}`;
  let bytes: Uint8Array;
  try {
    bytes = await Deno.readFile(tensorsPath);
  } catch (err) {
    throw refusal(
      dir,
      tensorsPath,
      `missing or unreadable (${err instanceof Error ? err.message : err})`,
    );
  }
  if (bytes.length !== m.tensors.bytes) {
    throw refusal(
      dir,
      tensorsPath,
      `holds ${bytes.length} bytes, the manifest says ${m.tensors.bytes}`,
    );
  }
  if ((await sha256(bytes)) !== m.tensors.sha256) {
    throw refusal(
      dir,
      tensorsPath,
      `its SHA-256 differs from the manifest's (the file is damaged)`,
    );
  }
  return new Float32Array(bytes.buffer, bytes.byteOffset, bytes.length / 4);
}

/**
 * The training state from the manifest and the tensors' values, each tensor checked against
 * the model's shapes and the file's bounds, and the state of every variable there.
 */
function unpackCheckpoint(
  dir: string,
  m: Manifest,
  all: Float32Array,
  shapes: Record<string, number[]>,
): Checkpoint {
  const statePath = `${dir}/state.json`;
  const ck: Checkpoint = {
    weights: {},
    t: m.t,
    m: {},
    v: {},
    history: m.history,
    finished: m.finished === true,
    stoppedEarly: m.stoppedEarly === true,
    early: { best: m.early?.best ?? null, since: m.early?.since ?? 0 },
    best: {},
  };
  for (const p of m.parts) {
    const want = shapes[p.name];
    const size = p.shape.reduce((a, b) => a * b, 1);
    if (!want || want.join() !== p.shape.join() || size !== p.length) {
      throw refusal(dir, statePath, `its tensor "${p.name}" does not fit the model`);
    }
    if (p.offset < 0 || p.offset + p.length > all.length) {
      throw refusal(dir, statePath, `its tensor "${p.name}" lies outside ${m.tensors.file}`);
    }
    const data = all.slice(p.offset, p.offset + p.length);
    if (p.kind === "w") ck.weights[p.name] = { data, shape: p.shape };
    else if (p.kind === "m") ck.m[p.name] = data;
    else if (p.kind === "v") ck.v[p.name] = data;
    else if (p.kind === "b") ck.best[p.name] = { data, shape: p.shape };
  }
  for (const name of Object.keys(shapes)) {
    if (!ck.weights[name] || !ck.m[name] || !ck.v[name]) {
      throw refusal(dir, statePath, `the state of "${name}" is missing`);
    }
  }
  const bests = Object.keys(ck.best).length;
  if (bests !== 0 && bests !== Object.keys(shapes).length) {
    throw refusal(dir, statePath, `it holds the best weights of only some variables`);
  }
  return ck;
}

/**
 * A key of the settings that decide a training's result, for {@link readCheckpoint}.
 *
 * @param settings Plain JSON values (functions are left out).
 * @returns Its SHA-256, hex.
 */
export async function settingsKey(settings: unknown): Promise<string> {
  return await sha256(new TextEncoder().encode(JSON.stringify(settings)));
}

async function sha256(bytes: Uint8Array): Promise<string> {
  const h = new Uint8Array(await crypto.subtle.digest("SHA-256", bytes as Uint8Array<ArrayBuffer>));
  return Array.from(h, (b) => b.toString(16).padStart(2, "0")).join("");
}
