/**
 * A quick look at a movie without loading it: shape, type, rate, size on disk, the memory
 * a full float32 load would take, pixel statistics on evenly spaced sample frames, and
 * the mean of each sampled frame over time (for a sparkline).
 *
 * @example
 * ```ts
 * import { inspectMovie, sparkline } from "./inspect.ts";
 * import { openMovie } from "./movie.ts";
 * import { encodeNpy } from "./npy.ts";
 *
 * const dir = await Deno.makeTempDir();
 * await Deno.writeFile(`${dir}/m.npy`, encodeNpy(new Float64Array(10 * 4).map((_, i) => i), [10, 2, 2]));
 * const m = await openMovie(`${dir}/m.npy`);
 * const info = await inspectMovie(m);
 * if (info.max !== 39 || info.frameMeans.length !== 10 || sparkline(info.frameMeans, 5) !== "▁▃▅▆█") throw new Error(JSON.stringify(info));
 * m.close();
 * await Deno.remove(dir, { recursive: true });
 * ```
 *
 * @module
 */
import type { Movie } from "./movie.ts";

/** What {@link inspectMovie} reports. */
export interface MovieSummary {
  /** The file. */
  path: string;
  /** Its format. */
  format: string;
  /** Frames, height, width and stored type. */
  frames: number;
  /** Frame height. */
  height: number;
  /** Frame width. */
  width: number;
  /** Stored element type. */
  dtype: string;
  /** Frame rate in Hz, when known. */
  rate?: number;
  /** Duration in seconds, when the rate is known. */
  seconds?: number;
  /** Bytes on disk. */
  fileBytes: number;
  /** Bytes a full load as float32 would take. */
  loadBytes: number;
  /** Smallest pixel of the sample frames. */
  min: number;
  /** Mean pixel of the sample frames. */
  mean: number;
  /** Largest pixel of the sample frames. */
  max: number;
  /** Which frames were sampled. */
  sampled: number[];
  /** Mean of each sampled frame. */
  frameMeans: number[];
  /** The reader's metadata. */
  metadata: Record<string, unknown>;
}

/**
 * Summarises a movie from up to `samples` evenly spaced frames.
 *
 * @param movie An open movie.
 * @param samples How many frames to read at most (default 600).
 * @returns The summary.
 */
export async function inspectMovie(movie: Movie, samples = 600): Promise<MovieSummary> {
  const n = Math.min(movie.frames, Math.max(1, samples));
  const sampled = Array.from({ length: n }, (_, i) => Math.floor((i * movie.frames) / n));
  let min = Infinity, max = -Infinity, sum = 0, count = 0;
  const frameMeans: number[] = [];
  for (const t of sampled) {
    const f = await movie.read(t, 1);
    let s = 0;
    for (const v of f) {
      if (v < min) min = v;
      if (v > max) max = v;
      s += v;
    }
    sum += s;
    count += f.length;
    frameMeans.push(s / f.length);
  }
  const fileBytes = await Deno.stat(movie.path).then((i) => i.size, () => 0);
  return {
    path: movie.path,
    format: movie.format,
    frames: movie.frames,
    height: movie.height,
    width: movie.width,
    dtype: movie.dtype,
    rate: movie.rate,
    seconds: movie.rate ? movie.frames / movie.rate : undefined,
    fileBytes,
    loadBytes: movie.frames * movie.height * movie.width * 4,
    min,
    mean: sum / count,
    max,
    sampled,
    frameMeans,
    metadata: movie.metadata,
  };
}

/**
 * Draws values as a line of block characters, `width` wide (bins averaged).
 *
 * @param values The series.
 * @param width Characters.
 * @returns The sparkline.
 */
export function sparkline(values: number[], width = 60): string {
  if (values.length === 0) return "";
  const w = Math.min(width, values.length);
  const bins = Array.from({ length: w }, (_, b) => {
    const lo = Math.floor((b * values.length) / w),
      hi = Math.max(lo + 1, Math.floor(((b + 1) * values.length) / w));
    let s = 0;
    for (let i = lo; i < hi; i++) s += values[i];
    return s / (hi - lo);
  });
  const lo = Math.min(...bins), hi = Math.max(...bins);
  const ticks = "▁▂▃▄▅▆▇█";
  return bins.map((v) => ticks[hi > lo ? Math.round(((v - lo) / (hi - lo)) * 7) : 3]).join("");
}

/**
 * Bytes as a short human-readable size.
 *
 * @param n Bytes.
 * @returns E.g. "1.5 KiB".
 */
export function humanBytes(n: number): string {
  const units = ["B", "KiB", "MiB", "GiB", "TiB"];
  let u = 0;
  while (n >= 1024 && u < units.length - 1) {
    n /= 1024;
    u++;
  }
  return `${n.toFixed(u === 0 ? 0 : 1)} ${units[u]}`;
}
