/**
 * A small TIFF encoder for movies: one page per frame, uncompressed, 8/16-bit unsigned,
 * 16-bit signed or 32-bit float samples, classic TIFF, little-endian, one strip per page.
 * Used by the synthetic generator and by tests; the reader handles far more.
 *
 * @example
 * ```ts
 * import { encodeTiff } from "./tiff_write.ts";
 *
 * const bytes = encodeTiff(new Uint16Array(2 * 4 * 4), 2, 4, 4, "frames=2");
 * if (bytes[0] !== 0x49 || bytes[2] !== 42) throw new Error("II*");
 * ```
 *
 * @module
 */
import { SparsedynError } from "../errors.ts";

/** Sample arrays the TIFF encoder writes. */
export type TiffSamples = Uint8Array | Uint16Array | Int16Array | Float32Array;

/**
 * Encodes `frames` frames of `height`×`width` samples as a multi-page TIFF.
 *
 * @param data frames × height × width samples, frame-major.
 * @param frames Number of frames.
 * @param height Rows.
 * @param width Columns.
 * @param description ImageDescription of the first page (e.g. ImageJ metadata).
 * @returns The file's bytes.
 * @throws {SparsedynError} When the sizes disagree or the file would exceed 4 GiB.
 */
export function encodeTiff(
  data: TiffSamples,
  frames: number,
  height: number,
  width: number,
  description?: string,
): Uint8Array {
  const n = height * width;
  if (data.length !== frames * n) {
    throw new SparsedynError(
      "INVALID_ARGUMENT",
      `data holds ${data.length} samples, not ${frames}×${height}×${width}`,
      {
        argument: "data",
      },
    );
  }
  const bytesPer = data.BYTES_PER_ELEMENT;
  const format = data instanceof Float32Array ? 3 : data instanceof Int16Array ? 2 : 1;
  const desc = description ? new TextEncoder().encode(description + "\0") : undefined;
  // Tags in ascending order, as TIFF requires; ImageDescription only on the first page.
  const entriesOf = (f: number) => (desc && f === 0 ? 11 : 10);
  const descSize = desc ? desc.length + (desc.length & 1) : 0;
  let total = 8 + descSize;
  for (let f = 0; f < frames; f++) total += 2 + entriesOf(f) * 12 + 4 + n * bytesPer;
  if (total > 0xffffffff) {
    throw new SparsedynError("INVALID_ARGUMENT", "a classic TIFF holds at most 4 GiB", {
      argument: "data",
    });
  }
  const out = new Uint8Array(total);
  const v = new DataView(out.buffer);
  out.set([0x49, 0x49]);
  v.setUint16(2, 42, true);
  let pos = 8;
  const descAt = pos;
  if (desc) out.set(desc, pos);
  pos += descSize;
  v.setUint32(4, pos, true);
  const raw = new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
  for (let f = 0; f < frames; f++) {
    const count = entriesOf(f);
    const ifd = pos, dataAt = ifd + 2 + count * 12 + 4;
    let e = ifd + 2;
    const entry = (tag: number, type: number, cnt: number, value: number) => {
      v.setUint16(e, tag, true);
      v.setUint16(e + 2, type, true);
      v.setUint32(e + 4, cnt, true);
      if (type === 3 && cnt === 1) v.setUint16(e + 8, value, true);
      else v.setUint32(e + 8, value, true);
      e += 12;
    };
    v.setUint16(ifd, count, true);
    entry(256, 4, 1, width);
    entry(257, 4, 1, height);
    entry(258, 3, 1, bytesPer * 8);
    entry(259, 3, 1, 1);
    entry(262, 3, 1, 1);
    if (desc && f === 0) entry(270, 2, desc.length, descAt);
    entry(273, 4, 1, dataAt);
    entry(277, 3, 1, 1);
    entry(278, 4, 1, height);
    entry(279, 4, 1, n * bytesPer);
    entry(339, 3, 1, format);
    out.set(raw.subarray(f * n * bytesPer, (f + 1) * n * bytesPer), dataAt);
    pos = dataAt + n * bytesPer;
    v.setUint32(e, f + 1 < frames ? pos : 0, true);
  }
  return out.subarray(0, pos);
}
