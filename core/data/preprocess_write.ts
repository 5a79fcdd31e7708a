/**
 * Preprocessing a movie into an NPY file (float32, frames × height × width), streamed:
 * memory stays bounded however long the movie. The mean image of the processed frames is
 * written beside it. Both files appear complete or not at all.
 *
 * @example
 * ```ts
 * import { preprocessToNpy } from "./preprocess_write.ts";
 * import { openMovie } from "./movie.ts";
 * import { encodeNpy } from "./npy.ts";
 *
 * const dir = await Deno.makeTempDir();
 * await Deno.writeFile(`${dir}/m.npy`, encodeNpy(new Float64Array(6 * 4 * 4).fill(3), [6, 4, 4]));
 * const m = await openMovie(`${dir}/m.npy`);
 * const r = await preprocessToNpy(m, { downsample: 2, bin: 2 }, `${dir}/out.npy`);
 * if (r.frames !== 3 || r.height !== 2 || r.meanImage[0] !== 3) throw new Error(JSON.stringify(r));
 * m.close();
 * await Deno.remove(dir, { recursive: true });
 * ```
 *
 * @module
 */
import { encodeNpy } from "./npy.ts";
import { NpyWriter } from "./npy_writer.ts";
import type { Movie } from "./movie.ts";
import { preprocessFrames, type PreprocessSpec, processedShape } from "./preprocess.ts";
import { writeFileAtomic } from "../files/atomic_write.ts";

/** What was written. */
export interface PreprocessResult {
  /** Frames written. */
  frames: number;
  /** Frame height. */
  height: number;
  /** Frame width. */
  width: number;
  /** Temporal mean of the processed frames (height × width). */
  meanImage: Float32Array;
  /** The output file. */
  path: string;
  /** The mean image's file. */
  meanPath: string;
}

/**
 * Runs the steps of `spec` over `movie` and writes the frames to `path` (NPY, float32) and
 * their mean image to `path` with `.mean.npy` in place of `.npy`.
 *
 * @param movie The source.
 * @param spec The steps.
 * @param path Output NPY file.
 * @param onProgress Called with (frames done, total) after each chunk.
 * @returns Shape, mean image and paths.
 */
export async function preprocessToNpy(
  movie: Movie,
  spec: PreprocessSpec,
  path: string,
  onProgress?: (done: number, total: number) => void,
): Promise<PreprocessResult> {
  const shape = processedShape(movie, spec);
  const px = shape.height * shape.width;
  const writer = await NpyWriter.create(path, [shape.frames, shape.height, shape.width], "<f4");
  const sum = new Float64Array(px);
  let done = 0;
  try {
    for await (const c of preprocessFrames(movie, spec)) {
      await writer.write(c.frames);
      for (let f = 0; f < c.count; f++) for (let q = 0; q < px; q++) sum[q] += c.frames[f * px + q];
      done += c.count;
      onProgress?.(done, shape.frames);
    }
    await writer.close();
  } catch (err) {
    await writer.abort();
    throw err;
  }
  const meanImage = Float32Array.from(sum, (v) => v / shape.frames);
  const meanPath = path.replace(/\.npy$/i, "") + ".mean.npy";
  await writeFileAtomic(
    meanPath,
    encodeNpy(Float64Array.from(meanImage), [shape.height, shape.width]),
  );
  return { ...shape, meanImage, path, meanPath };
}
