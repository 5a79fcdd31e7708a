/**
 * Heavy arrays for the browser: float32 NPY (version 1, C order), which the islands parse
 * with a few lines (`islands/_npy.ts`) and numpy opens as is.
 *
 * @example
 * ```ts
 * import { decodeNpy } from "../core/data/npy.ts";
 * import { encodeNpyF32 } from "./npy_f32.ts";
 *
 * const a = decodeNpy(encodeNpyF32(Float32Array.of(1, 2, 3, 4, 5, 6), [2, 3]), "a.npy");
 * if (a.dtype !== "<f4" || a.data[5] !== 6) throw new Error("round trip");
 * ```
 *
 * @module
 */
import { npyHeader } from "../core/data/npy_writer.ts";

/**
 * Encodes float32 values as an NPY file.
 *
 * @param data Values, row-major.
 * @param shape Their shape (product = `data.length`).
 * @returns The file's bytes; the data start at a multiple of 16 bytes.
 */
export function encodeNpyF32(data: Float32Array, shape: number[]): Uint8Array<ArrayBuffer> {
  const header = npyHeader("<f4", shape);
  const out = new Uint8Array(header.length + 4 * data.length);
  out.set(header);
  // Little-endian hosts (all we run on) copy bytes as they are.
  out.set(new Uint8Array(data.buffer, data.byteOffset, data.byteLength), header.length);
  return out;
}
