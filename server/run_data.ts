/**
 * A run's data for its page and the API: the series (latents and the VAR's one-step
 * predictions, kept as float32), VAR coefficients, metrics, test.json and maps.json, read
 * once and kept until one of the files changes. Parts that are missing or malformed are
 * reported in `problems` (each shown as an error panel in its section); a run whose core
 * files cannot be read throws, and the page shows one error panel for the run.
 *
 * @example
 * ```ts
 * import { writeRun } from "../core/runs/run_folder.ts";
 * import { RunCache } from "./run_data.ts";
 *
 * const root = await Deno.makeTempDir();
 * await writeRun(`${root}/r`, {
 *   config: { mode: "ae" }, metrics: [{ epoch: 0, loss: 1 }], weights: {},
 *   latents: { data: Float64Array.of(1, 2, 4, 8), shape: [4, 1] },
 *   meanImage: { data: new Float64Array(4), shape: [2, 2] },
 *   var: { lags: 1, A: [[[0.5]]], intercept: [0], lambda: [0] },
 * });
 * const run = await new RunCache(root).get("r");
 * if (run.predictions![1] !== 0.5 || run.predictions![3] !== 2) throw new Error("ẑ_t = A z_{t−1}");
 * await Deno.remove(root, { recursive: true });
 * ```
 *
 * @module
 */
import { decodeNpy, parseNpyHeader } from "../core/data/npy.ts";
import { runStamps, stamp } from "./file_stamps.ts";
import { runDamage } from "./run_damage.ts";
import type { RunVar } from "../core/runs/run_folder.ts";
import { findMovie } from "../core/runs/run_movie.ts";
import {
  CHECKPOINT,
  checkVar,
  message,
  ownerEnded,
  parseMetrics,
  readJsonObject,
  type RunStatus,
} from "./run_index.ts";

/** What the run page and the API read. */
export interface RunData {
  /** Id (relative path). */
  name: string;
  /** The run folder. */
  dir: string;
  /** Status. */
  status: RunStatus;
  /** config.json (empty while running). */
  config: Record<string, unknown>;
  /** One record per epoch. */
  metrics: Record<string, number>[];
  /** Frames T of the latent series (0 while running). */
  T: number;
  /** Latent dimension d. */
  d: number;
  /** Latents, T × d, float32. */
  latents?: Float32Array;
  /** One-step VAR predictions, T × d (NaN for the first `lags` frames). */
  predictions?: Float32Array;
  /** The VAR. */
  var?: RunVar;
  /** test.json. */
  test?: Record<string, unknown>;
  /** evaluation.json (`sparsedyn evaluate`). */
  evaluation?: Record<string, unknown>;
  /** maps/maps.json. */
  maps?: Record<string, unknown>;
  /** Why reconstructions cannot be shown (no model, movie not found), or null when they can. */
  noFrames: string | null;
  /** Parts that could not be read: section → reason. */
  problems: Record<string, string>;
  /** Why a finished run is "damaged" (see run_damage.ts); empty when it is not. */
  damage: string[];
}

async function framesUnavailable(dir: string, config: Record<string, unknown>) {
  if (typeof config.cae !== "object" || config.cae === null) {
    return "config.json has no model architecture";
  }
  if (typeof config.movie !== "string") return "config.json records no movie";
  if (!(await findMovie(dir, config.movie))) {
    return `the run's movie "${config.movie}" is not on this machine`;
  }
  return null;
}

/**
 * One-step predictions ẑ_t = c + Σ_k A_k z_{t−k} (NaN where t < p).
 *
 * @param z Latents, T × d.
 * @param T Frames.
 * @param d Latents per frame.
 * @param v The VAR (A[k][i][j]: effect of j at lag k+1 on i).
 * @returns T × d predictions.
 */
export function oneStepPredictions(
  z: ArrayLike<number>,
  T: number,
  d: number,
  v: Pick<RunVar, "A" | "intercept">,
): Float32Array {
  const p = v.A.length;
  // The lasso leaves most coefficients at zero: keep each row's non-zero ones only, so a
  // 512-latent run costs its support, not p·d² per frame.
  const rows: { j: Int32Array; w: Float64Array; lag: number; i: number }[] = [];
  for (let k = 0; k < p; k++) {
    for (let i = 0; i < d; i++) {
      const js: number[] = [], ws: number[] = [];
      v.A[k][i].forEach((w, j) => {
        if (w !== 0) js.push(j), ws.push(w);
      });
      if (js.length) rows.push({ j: Int32Array.from(js), w: Float64Array.from(ws), lag: k, i });
    }
  }
  const out = new Float32Array(T * d).fill(NaN);
  const acc = new Float64Array(d);
  for (let t = p; t < T; t++) {
    for (let i = 0; i < d; i++) acc[i] = v.intercept[i];
    for (const r of rows) {
      const off = (t - r.lag - 1) * d;
      let s = 0;
      for (let n = 0; n < r.j.length; n++) s += r.w[n] * z[off + r.j[n]];
      acc[r.i] += s;
    }
    out.set(acc, t * d);
  }
  return out;
}

/**
 * Decodes latents.npy. Training writes little-endian float64 in C order; those bytes are
 * viewed as they are and converted to float32 in one pass (copying element by element
 * through a DataView, as the general decoder must, took most of a 512-latent run's first
 * load). Any other layout goes through the general decoder.
 */
function decodeLatents(bytes: Uint8Array): { data: Float32Array | Float64Array; shape: number[] } {
  const h = parseNpyHeader(bytes, "latents.npy");
  const n = h.shape.reduce((a, b) => a * b, 1);
  if (h.descr === "<f8" && !h.fortran && bytes.length - h.dataOffset >= 8 * n) {
    const start = bytes.byteOffset + h.dataOffset;
    const f64 = start % 8 === 0
      ? new Float64Array(bytes.buffer, start, n)
      : new Float64Array(bytes.slice(h.dataOffset, h.dataOffset + 8 * n).buffer);
    return { data: Float32Array.from(f64), shape: h.shape };
  }
  return decodeNpy(bytes, "latents.npy");
}

/** Reads runs under a root and keeps them while their files are unchanged. */
export class RunCache {
  #root: string;
  #cache = new Map<string, { key: string; data: Promise<RunData> }>();

  /** @param root The runs root (its realpath). */
  constructor(root: string) {
    this.#root = root;
  }

  /**
   * The run `name` (a safe relative path; the caller checks it).
   *
   * @param name The run's id.
   * @returns Its data.
   * @throws Error naming the file and the reason when the run cannot be read.
   */
  get(name: string): Promise<RunData> {
    const dir = `${this.#root}/${name}`;
    const key = `${runStamps(dir)}|${stamp(`${dir}${CHECKPOINT}/metrics.jsonl`)}`;
    const hit = this.#cache.get(name);
    // A training in progress (checkpoint only) is reread each time: whether its process is
    // still alive, which no file stamp shows, decides between running and stopped; its
    // metrics file is all there is to read.
    if (hit && hit.key === key && !key.startsWith("-|")) return hit.data;
    // Kept as a promise: concurrent requests for a run that changed share one read.
    const data = this.#load(name, dir);
    this.#cache.set(name, { key, data });
    data.catch(() => {
      if (this.#cache.get(name)?.data === data) this.#cache.delete(name);
    });
    return data;
  }

  async #load(name: string, dir: string): Promise<RunData> {
    const exists = await Deno.stat(dir).then((s) => s.isDirectory, () => false);
    if (!exists) return await checkpointRun(name, dir);
    const { data, z } = await readFinishedRun(name, dir);
    await readVar(data, z);
    await readOptionalPart(
      data,
      "test",
      `${dir}/test.json`,
      () => readJsonObject(`${dir}/test.json`, "test.json"),
    );
    await readOptionalPart(
      data,
      "evaluation",
      `${dir}/evaluation.json`,
      () => readJsonObject(`${dir}/evaluation.json`, "evaluation.json"),
    );
    await readOptionalPart(data, "maps", `${dir}/maps`, () => readMapsJson(dir));
    return data;
  }
}

/**
 * A run whose folder is not written yet: a training in progress, or one that stopped before
 * writing it. Its checkpoint's metrics are all there is to show.
 */
async function checkpointRun(name: string, dir: string): Promise<RunData> {
  const text = await Deno.readTextFile(`${dir}${CHECKPOINT}/metrics.jsonl`).catch(() => null);
  if (text === null) throw new Error(`no run "${name}" under the root`);
  const ended = await ownerEnded(`${dir}${CHECKPOINT}`);
  return {
    name,
    dir,
    status: ended ? "stopped" : "running",
    config: {},
    metrics: parseMetrics(text, `${name}${CHECKPOINT}/metrics.jsonl`),
    T: 0,
    d: 0,
    noFrames: ended
      ? `the training stopped before the run was written: ${ended}`
      : "the run is training",
    problems: {},
    damage: [],
  };
}

/**
 * The files a finished run cannot be shown without (config.json, metrics.jsonl, latents.npy),
 * its damage and whether reconstructions can be shown; throws naming the file that cannot be
 * read. Also returns the latents as decoded (`z`, float32 or float64), which the VAR's
 * predictions are computed from.
 */
async function readFinishedRun(
  name: string,
  dir: string,
): Promise<{ data: RunData; z: Float32Array | Float64Array }> {
  const config = await readJsonObject(`${dir}/config.json`, "config.json");
  const metrics = parseMetrics(
    await Deno.readTextFile(`${dir}/metrics.jsonl`).catch(() => {
      throw new Error("metrics.jsonl is missing");
    }),
    "metrics.jsonl",
  );
  const bytes = await Deno.readFile(`${dir}/latents.npy`).catch(() => {
    throw new Error("latents.npy is missing");
  });
  const lat = decodeLatents(bytes);
  if (lat.shape.length !== 2) {
    throw new Error(`latents.npy has shape (${lat.shape}); expected T × d`);
  }
  const [T, d] = lat.shape;
  const damage = await runDamage(dir);
  const data: RunData = {
    name,
    dir,
    status: damage.length ? "damaged" : "finished",
    damage,
    config,
    metrics,
    T,
    d,
    latents: lat.data instanceof Float32Array ? lat.data : Float32Array.from(lat.data),
    noFrames: await framesUnavailable(dir, config),
    problems: {},
  };
  return { data, z: lat.data };
}

/**
 * Reads var.json into `data.var` and computes the one-step predictions from `z`; a var.json
 * that cannot be read or used becomes `data.problems.var`.
 */
async function readVar(data: RunData, z: Float32Array | Float64Array): Promise<void> {
  try {
    const v = await readJsonObject(`${data.dir}/var.json`, "var.json");
    checkVar(v, data.d);
    data.var = v as unknown as RunVar;
    data.predictions = oneStepPredictions(z, data.T, data.d, data.var);
  } catch (err) {
    data.problems.var = message(err);
  }
}

/**
 * Reads an optional part of a run into `data[part]` when `marker` exists (no marker: the part
 * was never made, which is not a problem). A part that cannot be read becomes
 * `data.problems[part]`, shown as an error panel in its section.
 */
async function readOptionalPart(
  data: RunData,
  part: "test" | "evaluation" | "maps",
  marker: string,
  read: () => Promise<Record<string, unknown>>,
): Promise<void> {
  if (!(await Deno.stat(marker).then(() => true, () => false))) return;
  try {
    data[part] = await read();
  } catch (err) {
    data.problems[part] = message(err);
  }
}

/** maps/maps.json, which must list its maps. */
async function readMapsJson(dir: string): Promise<Record<string, unknown>> {
  const m = await readJsonObject(`${dir}/maps/maps.json`, "maps/maps.json");
  if (!Array.isArray(m.maps)) throw new Error("maps/maps.json lists no maps");
  return m;
}
