/**
 * Frames read on demand. Training, encoding and the maps all walk a movie a chunk at a
 * time; this is the one shape they share, so it lives with the data, below all of them.
 *
 * @example
 * ```ts
 * import { frameSource } from "./frame_source.ts";
 *
 * const src = frameSource(new Float32Array([1, 2, 3, 4, 5, 6]), 2);
 * const f = await src.read(1, 2);
 * if (f.join() !== "3,4,5,6") throw new Error("frames 1 and 2");
 * ```
 *
 * @module
 */

/**
 * Frames read on demand (a `Movie` is one): training then holds a batch of windows in
 * memory, not the movie.
 */
export interface FrameSource {
  /** Frames [start, start + count), frame-major. */
  read(start: number, count: number): Promise<Float32Array>;
}

/**
 * An array as a source, or the source itself.
 *
 * @param frames Frames, frame-major, or a source already.
 * @param px Pixels per frame.
 * @returns A source reading `frames`.
 */
export function frameSource(frames: Float32Array | FrameSource, px: number): FrameSource {
  if (!(frames instanceof Float32Array)) return frames;
  return { read: (s, n) => Promise.resolve(frames.subarray(s * px, (s + n) * px)) };
}
