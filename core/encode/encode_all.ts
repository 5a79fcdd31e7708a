/**
 * A model's latents for a whole movie, computed a chunk of frames at a time so a long
 * movie never sits in memory as one tensor. Training, run loading, the maps and the tests
 * all encode this way; it lives here, with encoding, so none of them reaches into another.
 *
 * @example
 * ```ts
 * import { encodeAll } from "./encode_all.ts";
 * import { createCae, defaultCaeConfig } from "../model/cae.ts";
 * import { tf } from "../model/tf.ts";
 *
 * await tf.setBackend("cpu");
 * const cae = createCae(defaultCaeConfig(16, 16), 1);
 * const z = await encodeAll(cae, new Float32Array(70 * 256), 70);
 * if (z.length !== 70 * cae.latentSize) throw new Error("T×d");
 * ```
 *
 * @module
 */
import type { Cae } from "../model/cae.ts";
import { tf } from "../model/tf.ts";
import { type FrameSource, frameSource } from "../data/frame_source.ts";

/**
 * Encodes frames in chunks: the latents, T×d, float64.
 *
 * @param cae The model.
 * @param frames T×H×W, or a source that reads them on demand.
 * @param T Frames.
 * @param onProgress Called after each chunk of frames: frames done, T.
 * @returns T×d.
 *
 * @example
 * ```ts
 * import { encodeAll } from "./encode_all.ts";
 * import { createCae, defaultCaeConfig } from "../model/cae.ts";
 * import { tf } from "../model/tf.ts";
 *
 * await tf.setBackend("cpu");
 * const cae = createCae(defaultCaeConfig(16, 16), 1);
 * const z = await encodeAll(cae, new Float32Array(70 * 256), 70);
 * if (z.length !== 70 * cae.latentSize) throw new Error("T×d");
 * ```
 */
export async function encodeAll(
  cae: Cae,
  frames: Float32Array | FrameSource,
  T: number,
  onProgress?: (done: number, total: number) => void,
): Promise<Float64Array> {
  const { height: H, width: W } = cae.config;
  const d = cae.latentSize;
  const out = new Float64Array(T * d);
  const source = frameSource(frames, H * W);
  for (let t = 0; t < T; t += 64) {
    const n = Math.min(64, T - t);
    const chunk = await source.read(t, n);
    const z = tf.tidy(() => cae.encode(tf.tensor4d(chunk, [n, H, W, 1])));
    // Read asynchronously: the webgpu backend cannot read synchronously.
    out.set(await z.data(), t * d);
    z.dispose();
    onProgress?.(t + n, T);
  }
  return out;
}
