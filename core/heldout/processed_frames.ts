/**
 * A movie (or a `FILE[start:end]` segment of one) through a run's preprocessing, held in
 * memory as float32: the frames held-out evaluation compares models and baselines on.
 *
 * @example
 * ```ts
 * import { readProcessedFrames } from "./processed_frames.ts";
 * import { encodeNpy } from "../data/npy.ts";
 *
 * const dir = await Deno.makeTempDir();
 * await Deno.writeFile(`${dir}/m.npy`, encodeNpy(new Float64Array(10 * 4 * 4).map((_, i) => i % 7), [10, 4, 4]));
 * const f = await readProcessedFrames(`${dir}/m.npy[6:]`, { downsample: 2 });
 * if (f.T !== 4 || f.height !== 2 || f.sourceHeight !== 4 || f.frames.length !== 16) throw new Error("4 frames of 2×2");
 * await Deno.remove(dir, { recursive: true });
 * ```
 *
 * @module
 */
import { openMovie } from "../data/movie.ts";
import { preprocessFrames, type PreprocessSpec, processedShape } from "../data/preprocess.ts";

/** Processed frames and the source's frame size. */
export interface ProcessedFrames {
  /** T × height × width, frame-major. */
  frames: Float32Array;
  /** Frames. */
  T: number;
  /** Height after preprocessing. */
  height: number;
  /** Width after preprocessing. */
  width: number;
  /** The source movie's frame height (where cell masks are drawn). */
  sourceHeight: number;
  /** The source movie's frame width. */
  sourceWidth: number;
}

/**
 * Reads a movie through a preprocessing spec into memory.
 *
 * @param path Any movie `openMovie` reads, or `FILE[start:end]`.
 * @param spec The preprocessing (a run's, with its normalisation statistics).
 * @param onProgress Frames done, total.
 * @returns The frames.
 * @throws {SparsedynError} From `openMovie` and `processedShape`, naming the file or setting.
 */
export async function readProcessedFrames(
  path: string,
  spec: PreprocessSpec,
  onProgress?: (done: number, total: number) => void,
): Promise<ProcessedFrames> {
  const movie = await openMovie(path);
  try {
    const shape = processedShape(movie, spec);
    const P = shape.height * shape.width;
    const frames = new Float32Array(shape.frames * P);
    for await (const c of preprocessFrames(movie, spec)) {
      frames.set(c.frames, c.start * P);
      onProgress?.(c.start + c.count, shape.frames);
    }
    return {
      frames,
      T: shape.frames,
      height: shape.height,
      width: shape.width,
      sourceHeight: movie.height,
      sourceWidth: movie.width,
    };
  } finally {
    movie.close();
  }
}
