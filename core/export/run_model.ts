/**
 * A run folder's model as plain arrays — architecture, weights, preprocessing, mean image —
 * read without TensorFlow.js, for the ONNX export and the onnxruntime encoder (which need no
 * tfjs backend). The same files and the same checks as `loadModel`.
 *
 * @example
 * ```ts
 * import { readRunModel } from "./run_model.ts";
 * import { trainRun } from "../train/train_run.ts";
 * import { writeSynthetic } from "../data/synthetic_write.ts";
 * import { useBackend } from "../model/backend.ts";
 *
 * await useBackend("cpu");
 * const dir = await Deno.makeTempDir();
 * await writeSynthetic(`${dir}/s`, { height: 16, width: 16, frames: 40, cells: 2 });
 * await trainRun(`${dir}/s/movie.npy`, `${dir}/run`, { mode: "ae", epochs: 1, windowLength: 20 });
 * const m = await readRunModel(`${dir}/run`);
 * if (!m.weights["encoder.conv0.w"] || m.config.height !== 16) throw new Error("weights");
 * await Deno.remove(dir, { recursive: true });
 * ```
 *
 * @module
 */
import { ioError, SparsedynError } from "../errors.ts";
import { decodeNpy } from "../data/npy.ts";
import type { PreprocessSpec } from "../data/preprocess.ts";
import { readRunPreprocess } from "../runs/run_preprocess.ts";
import { type CaeConfig, checkCaeConfig } from "../model/cae.ts";
import type { WeightArray } from "./onnx.ts";

/** What a run folder holds about its model. */
export interface RunModel {
  /** The run folder (no trailing slash). */
  dir: string;
  /** The architecture. */
  config: CaeConfig;
  /** Every weight, by variable name, float32. */
  weights: Record<string, WeightArray>;
  /** The preprocessing the run applied. */
  preprocess: PreprocessSpec;
  /** Training mode recorded in the run. */
  mode: string;
  /** VAR order of the run (null when the run does not record it). */
  lags: number | null;
  /** The run's mean image (height × width). */
  meanImage: Float32Array;
}

function badRun(dir: string, file: string, reason: string): never {
  throw new SparsedynError("BAD_FILE", `${dir}: ${reason}`, { file: `${dir}/${file}` });
}

async function read(dir: string, file: string): Promise<Uint8Array> {
  try {
    return await Deno.readFile(`${dir}/${file}`);
  } catch (err) {
    if (err instanceof Deno.errors.NotFound) {
      badRun(dir, file, `not a run folder with a trained model: ${file} is missing`);
    }
    throw ioError("read", `${dir}/${file}`, err);
  }
}

async function json(dir: string, file: string): Promise<unknown> {
  const text = new TextDecoder().decode(await read(dir, file));
  try {
    return JSON.parse(text);
  } catch (err) {
    badRun(dir, file, `${file} is not valid JSON (${err instanceof Error ? err.message : err})`);
  }
}

/**
 * Reads the model of a run folder written by `trainRun` / `sparsedyn train`.
 *
 * @param dir The run folder.
 * @returns Config, weights, preprocessing, mean image.
 * @throws {SparsedynError} `BAD_FILE` naming the file that is missing or malformed.
 */
export async function readRunModel(dir: string): Promise<RunModel> {
  const root = dir.replace(/\/+$/, "") || "/";
  const doc = await json(root, "config.json") as Record<string, unknown> | null;
  if (typeof doc !== "object" || doc === null || typeof doc.cae !== "object") {
    badRun(root, "config.json", "config.json has no model architecture (key 'cae')");
  }
  let config: CaeConfig;
  try {
    config = checkCaeConfig(doc.cae as CaeConfig);
  } catch (err) {
    badRun(root, "config.json", `config.json: ${err instanceof Error ? err.message : err}`);
  }
  const index = await json(root, "weights/weights.json") as
    | Record<
      string,
      { file?: unknown; shape?: unknown }
    >
    | null;
  if (typeof index !== "object" || index === null) {
    badRun(root, "weights/weights.json", "weights/weights.json is not an object of weights");
  }
  const weights: Record<string, WeightArray> = {};
  for (const [name, entry] of Object.entries(index)) {
    if (typeof entry?.file !== "string") {
      badRun(root, "weights/weights.json", `weights/weights.json: '${name}' names no file`);
    }
    const file = `weights/${entry.file}`;
    const a = decodeNpy(await read(root, file), `${root}/${file}`);
    weights[name] = { data: Float32Array.from(a.data), shape: a.shape };
  }
  const mean = decodeNpy(await read(root, "mean_image.npy"), `${root}/mean_image.npy`);
  if (mean.shape.join() !== `${config.height},${config.width}`) {
    badRun(
      root,
      "mean_image.npy",
      `mean_image.npy is ${mean.shape.join("×")}, the model takes ${config.height}×${config.width}`,
    );
  }
  const objective = (doc.objective ?? {}) as { lags?: unknown };
  return {
    dir: root,
    config,
    weights,
    preprocess: await readRunPreprocess(root, doc.preprocess, config.height, config.width),
    mode: typeof doc.mode === "string" ? doc.mode : "unknown",
    lags: typeof objective.lags === "number" ? objective.lags : null,
    meanImage: Float32Array.from(mean.data),
  };
}
