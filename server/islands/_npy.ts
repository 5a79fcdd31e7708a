/**
 * The browser side of the binary arrays: parses a float32 NPY (version 1–3, C order) as the
 * server sends it, without copying the data.
 *
 * @example
 * ```ts
 * import { encodeNpyF32 } from "../npy_f32.ts";
 * import { parseNpyF32 } from "./_npy.ts";
 *
 * const bytes = encodeNpyF32(Float32Array.of(1, 2, 3, 4), [2, 2]);
 * const a = parseNpyF32(bytes.buffer);
 * if (a.shape.join() !== "2,2" || a.data[3] !== 4) throw new Error("parse");
 * ```
 *
 * @module
 */

/** A parsed array. */
export interface F32Array {
  /** Its shape. */
  shape: number[];
  /** Values, row-major. */
  data: Float32Array;
}

/**
 * Parses a float32 (or float64, converted) NPY file.
 *
 * @param buf The file.
 * @returns Shape and data.
 * @throws Error when it is not a little-endian float32 C-order NPY.
 */
export function parseNpyF32(buf: ArrayBuffer): F32Array {
  const bytes = new Uint8Array(buf);
  if (bytes[0] !== 0x93 || String.fromCharCode(...bytes.subarray(1, 6)) !== "NUMPY") {
    throw new Error("not an NPY file");
  }
  const view = new DataView(buf);
  const v1 = bytes[6] === 1;
  const len = v1 ? view.getUint16(8, true) : view.getUint32(8, true);
  const start = v1 ? 10 : 12;
  const header = new TextDecoder().decode(bytes.subarray(start, start + len));
  const f8 = /'descr':\s*'<f8'/.test(header);
  if ((!f8 && !/'descr':\s*'<f4'/.test(header)) || /'fortran_order':\s*True/.test(header)) {
    throw new Error(`unexpected NPY header ${header.trim()}`);
  }
  const shape = (/'shape':\s*\(([^)]*)\)/.exec(header)?.[1] ?? "").split(",").map((s) => s.trim())
    .filter((s) => s !== "").map(Number);
  const n = shape.reduce((a, b) => a * b, 1);
  // float64 files (a run's mean image) are read as float32: enough for drawing.
  if (f8) return { shape, data: Float32Array.from(new Float64Array(buf.slice(start + len), 0, n)) };
  return { shape, data: new Float32Array(buf, start + len, n) };
}

/**
 * Fetches an NPY from the server; a failed request's JSON `error` becomes the message.
 *
 * @param url The URL.
 * @returns The array.
 * @throws Error with the server's reason.
 */
export async function fetchNpy(url: string): Promise<F32Array> {
  const res = await fetch(url);
  if (!res.ok) {
    const body = await res.json().catch(() => null) as { error?: string } | null;
    throw new Error(body?.error ?? `${res.status} ${res.statusText}`);
  }
  return parseNpyF32(await res.arrayBuffer());
}
