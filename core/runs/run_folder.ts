/**
 * A run folder: what training leaves behind, for analysis and the dashboard.
 *
 *     config.json     the settings (architecture, objective, optimisation, data)
 *     metrics.jsonl   one JSON line per epoch
 *     weights/        one NPY per variable, and weights.json listing name → file, shape
 *     latents.npy     the latent series of the whole movie, T × d (float64)
 *     mean_image.npy  the movie's mean image (the skip connection's input)
 *     var.json        the VAR on the latents: A per lag (d×d), intercept, λ, support size
 *
 * The folder is written under a temporary name and renamed when complete: it exists
 * complete or not at all, and an existing folder is never touched.
 *
 * @example
 * ```ts
 * import { loadRun, writeRun } from "./run_folder.ts";
 *
 * const dir = await Deno.makeTempDir();
 * await writeRun(`${dir}/run`, {
 *   config: { mode: "ae" }, metrics: [{ epoch: 0, loss: 1 }], weights: {},
 *   latents: { data: new Float64Array(6), shape: [3, 2] }, meanImage: { data: new Float64Array(4), shape: [2, 2] },
 *   var: { lags: 1, A: [[[0, 0], [0, 0]]], intercept: [0, 0], lambda: [0, 0] },
 * });
 * const run = await loadRun(`${dir}/run`);
 * if (run.latents.shape.join() !== "3,2" || run.metrics.length !== 1) throw new Error("round trip");
 * await Deno.remove(dir, { recursive: true });
 * ```
 *
 * @module
 */
import { ioError, SparsedynError } from "../errors.ts";
import { decodeNpy, encodeNpy } from "../data/npy.ts";
import { writeNewFolder } from "../files/new_folder.ts";

/** An array with its shape. */
export interface Shaped {
  /** Values, row-major. */
  data: Float64Array;
  /** The array's shape. */
  shape: number[];
}

/** The VAR fitted on a run's latents. */
export interface RunVar {
  /** VAR order p. */
  lags: number;
  /** A[k][i][j]: effect of latent j at lag k+1 on latent i. */
  A: number[][][];
  /** Intercept per latent. */
  intercept: number[];
  /** λ chosen per equation. */
  lambda: number[];
}

/** Everything a run folder holds. */
export interface RunContents {
  /** The settings. */
  config: Record<string, unknown>;
  /** One record per epoch. */
  metrics: Record<string, unknown>[];
  /** Weights of the loss terms. */
  weights: Record<string, Shaped>;
  /** Latent series, T × d. */
  latents: Shaped;
  /** The movie's mean image. */
  meanImage: Shaped;
  /** The VAR fitted on the latents. */
  var: RunVar;
  /** "zscore" runs: the training movie's per-pixel mean and sd, 2 × H × W. */
  pixelStats?: Shaped;
}

/**
 * Writes a run folder.
 *
 * @param dir The folder; must not exist.
 * @param run Its contents.
 * @throws {SparsedynError} `IO` when `dir` exists or cannot be written.
 */
export async function writeRun(dir: string, run: RunContents): Promise<void> {
  const out = dir.replace(/\/+$/, "");
  try {
    await writeNewFolder(out, (tmp) => fillRun(tmp, run));
  } catch (err) {
    if (err instanceof SparsedynError) throw err;
    throw ioError("write", out, err);
  }
}

async function fillRun(tmp: string, run: RunContents): Promise<void> {
  await Deno.mkdir(`${tmp}/weights`, { recursive: true });
  await Deno.writeTextFile(`${tmp}/config.json`, JSON.stringify(run.config, null, 1) + "\n");
  await Deno.writeTextFile(
    `${tmp}/metrics.jsonl`,
    run.metrics.map((m) => JSON.stringify(m)).join("\n") + "\n",
  );
  const index: Record<string, { file: string; shape: number[] }> = {};
  let i = 0;
  for (const [name, w] of Object.entries(run.weights)) {
    const file = `w${i++}.npy`;
    await Deno.writeFile(`${tmp}/weights/${file}`, encodeNpy(w.data, w.shape));
    index[name] = { file, shape: w.shape };
  }
  await Deno.writeTextFile(`${tmp}/weights/weights.json`, JSON.stringify(index, null, 1) + "\n");
  await Deno.writeFile(`${tmp}/latents.npy`, encodeNpy(run.latents.data, run.latents.shape));
  await Deno.writeFile(
    `${tmp}/mean_image.npy`,
    encodeNpy(run.meanImage.data, run.meanImage.shape),
  );
  await Deno.writeTextFile(`${tmp}/var.json`, JSON.stringify(run.var) + "\n");
  if (run.pixelStats) {
    await Deno.writeFile(
      `${tmp}/pixel_stats.npy`,
      encodeNpy(run.pixelStats.data, run.pixelStats.shape),
    );
  }
}

/**
 * Reads a run folder back.
 *
 * @param dir The folder.
 * @returns Its contents.
 * @throws {SparsedynError} `IO` when a file is missing; `BAD_FILE` when one is malformed
 *   (the message names it).
 */
export async function loadRun(dir: string): Promise<RunContents> {
  const read = async (f: string) => {
    try {
      return await Deno.readFile(`${dir}/${f}`);
    } catch (err) {
      throw ioError("read", `${dir}/${f}`, err);
    }
  };
  const json = async (f: string) => {
    const text = new TextDecoder().decode(await read(f));
    try {
      return JSON.parse(text);
    } catch (err) {
      throw new SparsedynError(
        "BAD_FILE",
        `${dir}/${f}: not valid JSON (${err instanceof Error ? err.message : err})`,
        {
          file: `${dir}/${f}`,
        },
      );
    }
  };
  const npy = async (f: string): Promise<Shaped> => {
    const a = decodeNpy(await read(f), `${dir}/${f}`);
    return { data: a.data, shape: a.shape };
  };
  const metricsText = new TextDecoder().decode(await read("metrics.jsonl"));
  const metrics = metricsText.split("\n").filter((l) => l.trim() !== "").map((l, i) => {
    try {
      return JSON.parse(l);
    } catch {
      throw new SparsedynError("BAD_FILE", `${dir}/metrics.jsonl:${i + 1}: not valid JSON`, {
        file: `${dir}/metrics.jsonl`,
      });
    }
  });
  const index = await json("weights/weights.json") as Record<string, { file: string }>;
  const weights: Record<string, Shaped> = {};
  for (const [name, { file }] of Object.entries(index)) {
    weights[name] = await npy(`weights/${file}`);
  }
  return {
    config: await json("config.json"),
    metrics,
    weights,
    latents: await npy("latents.npy"),
    meanImage: await npy("mean_image.npy"),
    var: await json("var.json"),
  };
}
