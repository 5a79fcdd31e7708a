/**
 * A trained model back from its run folder, and movies run through it: the encoder,
 * static branch and decoder with their trained weights, the preprocessing the run used,
 * and the VAR fitted on its latents. Analysis (condition tests, contribution maps) starts
 * here.
 *
 * @example
 * ```ts
 * import { encodeMovie, loadModel } from "./load_model.ts";
 * import { trainRun } from "../train/train_run.ts";
 * import { writeSynthetic } from "../data/synthetic_write.ts";
 * import { useBackend } from "../model/backend.ts";
 *
 * await useBackend("cpu");
 * const dir = await Deno.makeTempDir();
 * await writeSynthetic(`${dir}/s`, { height: 16, width: 16, frames: 60, cells: 3 });
 * await trainRun(`${dir}/s/movie.npy`, `${dir}/run`, { mode: "ae", epochs: 1, windowLength: 20 });
 * const model = await loadModel(`${dir}/run`);
 * const { latents, T, d } = await encodeMovie(model, `${dir}/s/movie.npy`);
 * if (T !== 60 || latents.length !== T * d) throw new Error("T×d latents");
 * model.dispose();
 * await Deno.remove(dir, { recursive: true });
 * ```
 *
 * @module
 */
import { ioError, SparsedynError } from "../errors.ts";
import { type Movie, openMovie } from "../data/movie.ts";
import { decodeNpy } from "../data/npy.ts";
import type { PreprocessSpec } from "../data/preprocess.ts";
import { processedShape } from "../data/preprocess.ts";
import { preprocessToNpy } from "../data/preprocess_write.ts";
import { type Cae, type CaeConfig, checkCaeConfig, createCae } from "../model/cae.ts";
import { tf } from "../model/tf.ts";
import { encodeAll } from "./encode_all.ts";
import type { RunVar, Shaped } from "../runs/run_folder.ts";
import { readRunPreprocess } from "../runs/run_preprocess.ts";

/** A trained model and what it needs to process new movies. */
export interface LoadedModel {
  /** The run folder. */
  dir: string;
  /** The model, with the run's weights. */
  cae: Cae;
  /** Its architecture. */
  config: CaeConfig;
  /** The preprocessing the run applied to its movie (crop, downsampling, normalisation). */
  preprocess: PreprocessSpec;
  /** Training mode recorded in the run ("ae", "two-stage", "end-to-end"). */
  mode: string;
  /** The movie the run was trained on, as recorded (may no longer exist). */
  movie: string | null;
  /** VAR order of the run. */
  lags: number;
  /** Frames per training window (the run's `optimisation.windowLength`; 64 when absent). */
  windowLength: number;
  /** The mean image of the run's preprocessed movie (H × W). */
  meanImage: Shaped;
  /** The VAR fitted on the run's latents. */
  var: RunVar;
  /** Frees the model's tensors. */
  dispose(): void;
}

function badRun(dir: string, file: string, reason: string): never {
  throw new SparsedynError("BAD_FILE", `${dir}: ${reason}`, { file: `${dir}/${file}` });
}

async function readJson(dir: string, file: string): Promise<unknown> {
  let text: string;
  try {
    text = await Deno.readTextFile(`${dir}/${file}`);
  } catch (err) {
    if (err instanceof Deno.errors.NotFound) {
      badRun(dir, file, `not a run folder with a trained model: ${file} is missing`);
    }
    throw ioError("read", `${dir}/${file}`, err);
  }
  try {
    return JSON.parse(text);
  } catch (err) {
    badRun(dir, file, `${file} is not valid JSON (${err instanceof Error ? err.message : err})`);
  }
}

async function readNpy(dir: string, file: string): Promise<Shaped> {
  let bytes: Uint8Array;
  try {
    bytes = await Deno.readFile(`${dir}/${file}`);
  } catch (err) {
    if (err instanceof Deno.errors.NotFound) {
      badRun(dir, file, `not a run folder with a trained model: ${file} is missing`);
    }
    throw ioError("read", `${dir}/${file}`, err);
  }
  const a = decodeNpy(bytes, `${dir}/${file}`);
  return { data: a.data, shape: a.shape };
}

/**
 * Loads the model of a run folder written by `trainRun` / `sparsedyn train`.
 *
 * @param dir The run folder.
 * @returns The model with its weights; call `dispose()` when done.
 * @throws {SparsedynError} `BAD_FILE` naming the folder when it holds no trained model
 *   (config, weights or var.json missing or malformed, a weight of the wrong shape).
 */
export async function loadModel(dir: string): Promise<LoadedModel> {
  const root = dir.replace(/\/+$/, "") || "/";
  const config = await readJson(root, "config.json") as Record<string, unknown>;
  if (typeof config !== "object" || config === null || typeof config.cae !== "object") {
    badRun(root, "config.json", "config.json has no model architecture (key 'cae')");
  }
  let cae: CaeConfig;
  try {
    cae = checkCaeConfig(config.cae as CaeConfig);
  } catch (err) {
    badRun(root, "config.json", `config.json: ${err instanceof Error ? err.message : err}`);
  }
  const index = await readJson(root, "weights/weights.json") as Record<
    string,
    { file: string; shape: number[] }
  >;
  const runVar = await readJson(root, "var.json") as RunVar;
  if (!Array.isArray(runVar?.A) || !Array.isArray(runVar?.intercept)) {
    badRun(root, "var.json", "var.json has no coefficients (keys 'A', 'intercept')");
  }
  const meanImage = await readNpy(root, "mean_image.npy");
  const model = createCae(cae, 1);
  const dispose = () => {
    for (const v of Object.values(model.variables)) v.dispose();
  };
  try {
    for (const [name, v] of Object.entries(model.variables)) {
      const entry = index[name];
      if (!entry || typeof entry.file !== "string") {
        badRun(root, "weights/weights.json", `weights/weights.json lists no weight '${name}'`);
      }
      const w = await readNpy(root, `weights/${entry.file}`);
      if (w.shape.join() !== v.shape.join()) {
        badRun(
          root,
          `weights/${entry.file}`,
          `weight '${name}' has shape (${w.shape}) but the architecture needs (${v.shape})`,
        );
      }
      v.assign(tf.tensor(Float32Array.from(w.data), v.shape));
    }
  } catch (err) {
    dispose();
    throw err;
  }
  const objective = (config.objective ?? {}) as { lags?: number };
  const optimisation = (config.optimisation ?? {}) as { windowLength?: unknown };
  let preprocess: PreprocessSpec;
  try {
    preprocess = await readRunPreprocess(root, config.preprocess, cae.height, cae.width);
  } catch (err) {
    dispose();
    throw err;
  }
  return {
    dir: root,
    cae: model,
    config: cae,
    preprocess,
    mode: typeof config.mode === "string" ? config.mode : "unknown",
    movie: typeof config.movie === "string" ? config.movie : null,
    lags: objective.lags ?? runVar.A.length,
    windowLength: typeof optimisation.windowLength === "number" ? optimisation.windowLength : 64,
    meanImage,
    var: runVar,
    dispose,
  };
}

/** Shape of a preprocessed movie. */
export interface FramesShape {
  /** Frames. */
  frames: number;
  /** Height. */
  height: number;
  /** Width. */
  width: number;
}

/**
 * Applies the run's preprocessing to a movie (into a temporary NPY file beside the system's
 * temp folder, removed afterwards) and hands the processed frames to `fn`. The movie must
 * give frames of the model's size after the run's crop and downsampling.
 *
 * Normalisation statistics ("scale", "zscore") are the run's, recorded from its training
 * movie: every movie is put on the training scale, so that the training movie encodes to the
 * run's own latents and a brightness change between conditions survives. (Runs written
 * before the statistics were recorded fall back to each movie's own.)
 *
 * @param model A loaded model.
 * @param moviePath Any movie `openMovie` reads.
 * @param fn Works on the processed frames.
 * @param onProgress Preprocessing progress (frames done, total).
 * @returns What `fn` returns.
 * @throws {SparsedynError} `BAD_FILE` naming the movie when its processed frames do not
 *   match the model's frame size.
 */
export async function withPreprocessedMovie<R>(
  model: LoadedModel,
  moviePath: string,
  fn: (frames: Movie, shape: FramesShape, meanImage: Float32Array) => Promise<R>,
  onProgress?: (done: number, total: number) => void,
): Promise<R> {
  const movie = await openMovie(moviePath);
  let shape: FramesShape;
  try {
    shape = processedShape(movie, model.preprocess);
  } catch (err) {
    movie.close();
    throw err;
  }
  if (shape.height !== model.config.height || shape.width !== model.config.width) {
    movie.close();
    throw new SparsedynError(
      "BAD_FILE",
      `${moviePath}: after the run's preprocessing its frames are ${shape.height}×${shape.width}, ` +
        `but the model of ${model.dir} takes ${model.config.height}×${model.config.width}`,
      { file: moviePath },
    );
  }
  const tmp = await Deno.makeTempDir({ prefix: "sparsedyn-frames-" });
  let frames: Movie | undefined;
  try {
    let meanImage: Float32Array;
    try {
      meanImage = (await preprocessToNpy(movie, model.preprocess, `${tmp}/frames.npy`, onProgress))
        .meanImage;
    } finally {
      movie.close();
    }
    frames = await openMovie(`${tmp}/frames.npy`);
    return await fn(frames, shape, meanImage);
  } finally {
    frames?.close();
    await Deno.remove(tmp, { recursive: true }).catch(() => {});
  }
}

/**
 * Encodes a whole movie with a run's model: its latent series.
 *
 * @param model A loaded model.
 * @param moviePath Any movie `openMovie` reads, of the run's frame size.
 * @param onProgress Preprocessing progress (frames done, total).
 * @returns The latents (T × d, row-major, float64).
 */
export function encodeMovie(
  model: LoadedModel,
  moviePath: string,
  onProgress?: (done: number, total: number) => void,
): Promise<{ latents: Float64Array; T: number; d: number }> {
  return withPreprocessedMovie(model, moviePath, async (frames, shape) => {
    const latents = await encodeAll(model.cae, frames, shape.frames);
    return { latents, T: shape.frames, d: model.cae.latentSize };
  }, onProgress);
}
