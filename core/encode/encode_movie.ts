/**
 * Encoding a whole recording with a run's model into `latents.npy` (float32, frames × d,
 * sparsedyn's latent order), streamed: the movie goes through the run's preprocessing in
 * chunks (normalisation "scale"/"zscore" first makes one pass for the movie's statistics),
 * each chunk through the encoder (onnxruntime by default) and onto disk, so memory stays
 * bounded whatever the movie's length. Resumable: a killed encode started again with the
 * same arguments continues after the last chunk on disk (see `ResumableNpy`); the key that
 * must match covers the run's config and weights, the movie (path, size, modification
 * time, selection), the engine, the device and the chunk size.
 *
 * @example
 * ```ts
 * import { encodeMovieToNpy } from "./encode_movie.ts";
 * import { trainRun } from "../train/train_run.ts";
 * import { writeSynthetic } from "../data/synthetic_write.ts";
 * import { useBackend } from "../model/backend.ts";
 * import { decodeNpy } from "../data/npy.ts";
 *
 * await useBackend("cpu");
 * const dir = await Deno.makeTempDir();
 * await writeSynthetic(`${dir}/s`, { height: 16, width: 16, frames: 40, cells: 2 });
 * await trainRun(`${dir}/s/movie.npy`, `${dir}/run`, { mode: "ae", epochs: 1, windowLength: 20 });
 * const r = await encodeMovieToNpy(`${dir}/run`, `${dir}/s/movie.npy`, `${dir}/latents.npy`);
 * const z = decodeNpy(await Deno.readFile(r.path), r.path);
 * if (z.shape.join() !== `40,${r.latentSize}`) throw new Error(String(z.shape));
 * await Deno.remove(dir, { recursive: true });
 * ```
 *
 * @module
 */
import { SparsedynError } from "../errors.ts";
import { type MovieOptions, openMovie } from "../data/movie.ts";
import { preprocessFrames, processedShape } from "../data/preprocess.ts";
import { parseMovieSegment } from "../data/movie_segment.ts";
import { VERSION } from "../version.ts";
import { readRunModel, type RunModel } from "../export/run_model.ts";
import { createEngine, type EngineOptions } from "./engine.ts";
import { ResumableNpy } from "./resumable_npy.ts";

/** Settings of {@link encodeMovieToNpy}. */
export interface EncodeOptions extends EngineOptions {
  /** Frames per chunk (preprocessing and encoder batch; default 256). */
  chunk?: number;
  /** Which frames the movie file yields (channel, plane, dataset, …). */
  movie?: MovieOptions;
  /** Least time between two records of progress in ms (default 1000; 0: every chunk). */
  checkpointMs?: number;
  /** Called after each chunk with (frames done, total). */
  onProgress?: (done: number, total: number) => void;
}

/** What was written. */
export interface EncodeResult {
  /** The latents file. */
  path: string;
  /** Frames encoded (rows). */
  frames: number;
  /** Latent dimension d (columns). */
  latentSize: number;
  /** Frames that were already on disk from an interrupted run (0 for a fresh one). */
  resumedFrom: number;
  /** The engine and device used. */
  engine: string;
  /** The device. */
  device: string;
  /** Seconds spent, from opening the movie to the finished file. */
  seconds: number;
}

async function sha256(parts: (string | Uint8Array)[]): Promise<string> {
  const enc = new TextEncoder();
  const chunks = parts.map((p) => typeof p === "string" ? enc.encode(p) : p);
  const all = new Uint8Array(chunks.reduce((a, c) => a + c.length + 1, 0));
  let o = 0;
  for (const c of chunks) {
    all.set(c, o);
    o += c.length + 1; // a zero byte between parts: "ab"+"c" ≠ "a"+"bc"
  }
  const h = new Uint8Array(await crypto.subtle.digest("SHA-256", all));
  return Array.from(h, (b) => b.toString(16).padStart(2, "0")).join("");
}

/** The key that a resumed encode must share with the interrupted one. */
async function resumeKey(
  model: RunModel,
  moviePath: string,
  options: EncodeOptions,
  chunk: number,
): Promise<string> {
  // A FILE[start:end] segment: the file's identity, and the range.
  const segment = parseMovieSegment(moviePath);
  const info = await Deno.stat(segment.path);
  const weights = Object.keys(model.weights).sort().flatMap((k) => [
    k,
    new Uint8Array(model.weights[k].data.buffer),
  ]);
  return await sha256([
    JSON.stringify({
      sparsedyn: VERSION,
      config: model.config,
      preprocess: model.preprocess,
      movie: await Deno.realPath(segment.path),
      segment: [segment.start ?? null, segment.end ?? null],
      size: info.size,
      mtime: info.mtime?.getTime() ?? null,
      selection: options.movie ?? {},
      engine: options.engine ?? "ort",
      device: options.device ?? "cpu",
      backend: options.backend ?? null,
      chunk,
    }),
    ...weights,
  ]);
}

/**
 * Encodes a movie with a run's model into an NPY file of latents, resumably.
 *
 * @param run The run folder, or its model from `readRunModel`.
 * @param moviePath Any movie `openMovie` reads, giving the model's frame size after the
 *   run's preprocessing.
 * @param out The latents file to create (float32, frames × d); must not exist. While it is
 *   written, `<out>.partial` and `<out>.partial.json` hold the progress.
 * @param options Engine, device, chunk size, movie selection, progress.
 * @returns What was written.
 * @throws {SparsedynError} `BAD_FILE` for a run without a model or a movie of the wrong
 *   size; `INVALID_ARGUMENT` for a partial output of different arguments, or an engine /
 *   device that cannot run; `IO` when `out` exists.
 */
export async function encodeMovieToNpy(
  run: string | RunModel,
  moviePath: string,
  out: string,
  options: EncodeOptions = {},
): Promise<EncodeResult> {
  const t0 = performance.now();
  const model = typeof run === "string" ? await readRunModel(run) : run;
  const chunk = options.chunk ?? 256;
  if (!Number.isInteger(chunk) || chunk < 1) {
    throw new SparsedynError("INVALID_ARGUMENT", `chunk must be an integer ≥ 1; got ${chunk}`, {
      argument: "chunk",
    });
  }
  const movie = await openMovie(moviePath, options.movie);
  let output: ResumableNpy | undefined;
  let engine: Awaited<ReturnType<typeof createEngine>> | undefined;
  try {
    const shape = processedShape(movie, model.preprocess);
    const { height: H, width: W } = model.config;
    if (shape.height !== H || shape.width !== W) {
      throw new SparsedynError(
        "BAD_FILE",
        `${moviePath}: after the run's preprocessing its frames are ${shape.height}×${shape.width}, ` +
          `but the model of ${model.dir} takes ${H}×${W}`,
        { file: moviePath },
      );
    }
    engine = await createEngine(model, options);
    const d = engine.latentSize;
    output = await ResumableNpy.open(
      out,
      shape.frames,
      d,
      await resumeKey(model, moviePath, options, chunk),
      options.checkpointMs ?? 1000,
    );
    const resumedFrom = output.rowsDone;
    const px = H * W;
    let done = resumedFrom;
    options.onProgress?.(done, shape.frames);
    if (done < shape.frames) {
      // Chunks before the resume point are preprocessed (the normalisation and ΔF/F baselines
      // need the frames in order) but not encoded again.
      for await (const c of preprocessFrames(movie, { ...model.preprocess, chunk })) {
        const end = c.start + c.count;
        if (end <= done) continue;
        const skip = done - c.start; // > 0 only in the chunk the resume point falls into
        const n = c.count - Math.max(skip, 0);
        const frames = skip > 0 ? c.frames.slice(skip * px) : c.frames;
        const z = await engine.encode(frames, n);
        await output.append(z, n);
        done += n;
        options.onProgress?.(done, shape.frames);
      }
    }
    await output.finish();
    return {
      path: out,
      frames: shape.frames,
      latentSize: d,
      resumedFrom,
      engine: engine.name,
      device: engine.device,
      seconds: (performance.now() - t0) / 1000,
    };
  } catch (err) {
    output?.abandon();
    throw err;
  } finally {
    movie.close();
    await engine?.close();
  }
}
