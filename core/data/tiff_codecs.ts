/**
 * TIFF strip/tile decoders: LZW (TIFF 6.0 §13, MSB-first codes, "early change"),
 * PackBits (§9), Deflate (Adobe 8 and the old 32946, zlib streams) and horizontal
 * differencing (predictor 2). Each takes the compressed bytes and the expected size, and
 * fails with a typed error instead of returning a short or overlong buffer.
 *
 * @example PackBits
 * ```ts
 * import { unpackBits } from "./tiff_codecs.ts";
 *
 * // A literal run of 2 bytes, then 3 repeats of 7.
 * const out = unpackBits(Uint8Array.of(1, 5, 6, 254, 7), 5, "x.tif");
 * if (out.join() !== "5,6,7,7,7") throw new Error("packbits");
 * ```
 *
 * @module
 */
import { inflateSync } from "node:zlib";
import { SparsedynError } from "../errors.ts";

function corrupt(file: string, what: string): SparsedynError {
  return new SparsedynError("BAD_FILE", `${file}: corrupt ${what} data`, { file });
}

/**
 * Decodes PackBits.
 *
 * @param src Compressed bytes.
 * @param size Expected decoded size.
 * @param file For messages.
 * @returns Exactly `size` bytes.
 * @throws {SparsedynError} `BAD_FILE` when the data run short.
 */
export function unpackBits(src: Uint8Array, size: number, file: string): Uint8Array {
  const out = new Uint8Array(size);
  let i = 0, o = 0;
  while (o < size && i < src.length) {
    const n = (src[i++] << 24) >> 24; // signed byte
    if (n >= 0) {
      if (i + n + 1 > src.length) throw corrupt(file, "PackBits");
      const len = Math.min(n + 1, size - o);
      out.set(src.subarray(i, i + len), o);
      i += n + 1;
      o += len;
    } else if (n !== -128) {
      if (i >= src.length) throw corrupt(file, "PackBits");
      const len = Math.min(1 - n, size - o);
      out.fill(src[i++], o, o + len);
      o += len;
    }
  }
  if (o < size) throw corrupt(file, "PackBits");
  return out;
}

/**
 * Decodes TIFF LZW.
 *
 * @param src Compressed bytes.
 * @param size Expected decoded size.
 * @param file For messages.
 * @returns Exactly `size` bytes.
 * @throws {SparsedynError} `BAD_FILE` on an invalid code or short data.
 */
export function unLzw(src: Uint8Array, size: number, file: string): Uint8Array {
  const out = new Uint8Array(size);
  // The string table as (prefix code, last byte, length); entries 0–255 are single bytes.
  const prefix = new Int32Array(4096), last = new Uint8Array(4096), length = new Int32Array(4096);
  for (let c = 0; c < 256; c++) {
    prefix[c] = -1;
    last[c] = c;
    length[c] = 1;
  }
  let next = 258, width = 9, bitPos = 0, o = 0, old = -1;
  const total = src.length * 8;
  const write = (code: number) => {
    const len = length[code];
    if (o + len > size) throw corrupt(file, "LZW");
    let c = code;
    for (let k = len - 1; k >= 0; k--) {
      out[o + k] = last[c];
      c = prefix[c];
    }
    o += len;
  };
  const firstByte = (code: number) => {
    let c = code;
    while (prefix[c] >= 0) c = prefix[c];
    return last[c];
  };
  while (bitPos + width <= total) {
    // Read `width` bits, most significant first.
    let code = 0;
    for (let b = 0; b < width; b++, bitPos++) {
      code = (code << 1) | ((src[bitPos >> 3] >> (7 - (bitPos & 7))) & 1);
    }
    if (code === 257) break; // end of information
    if (code === 256) { // clear
      next = 258;
      width = 9;
      old = -1;
      continue;
    }
    if (old < 0) {
      if (code > 255) throw corrupt(file, "LZW");
      write(code);
      old = code;
      continue;
    }
    if (next >= 4096) throw corrupt(file, "LZW");
    if (code < next) {
      write(code);
      prefix[next] = old;
      last[next] = firstByte(code);
    } else if (code === next) {
      prefix[next] = old;
      last[next] = firstByte(old);
      length[next] = length[old] + 1;
      write(next);
    } else throw corrupt(file, "LZW");
    length[next] = length[old] + 1;
    next++;
    old = code;
    // "Early change": the width grows one code before the table fills it.
    if (next + 1 >= 1 << width && width < 12) width++;
    if (o >= size) break;
  }
  if (o < size) throw corrupt(file, "LZW");
  return out;
}

/**
 * Decodes a zlib (Deflate) stream.
 *
 * @param src Compressed bytes.
 * @param size Expected decoded size.
 * @param file For messages.
 * @returns Exactly `size` bytes.
 * @throws {SparsedynError} `BAD_FILE` when the stream is invalid or too short.
 */
export function unDeflate(src: Uint8Array, size: number, file: string): Uint8Array {
  let raw: Uint8Array;
  try {
    raw = new Uint8Array(inflateSync(src, { maxOutputLength: Math.max(size, 1) + 1024 }));
  } catch {
    throw corrupt(file, "Deflate");
  }
  if (raw.length < size) throw corrupt(file, "Deflate");
  return raw.subarray(0, size);
}

/**
 * Undoes horizontal differencing (predictor 2) in place, row by row.
 *
 * @param data Decoded bytes of `rows` rows of `width` samples of `bytesPerSample` each.
 * @param width Samples per row.
 * @param rows Rows.
 * @param bytesPerSample 1, 2 or 4.
 * @param littleEndian Byte order of the file.
 */
export function undoPredictor(
  data: Uint8Array,
  width: number,
  rows: number,
  bytesPerSample: number,
  littleEndian: boolean,
): void {
  const view = new DataView(data.buffer, data.byteOffset, data.byteLength);
  for (let r = 0; r < rows; r++) {
    const base = r * width * bytesPerSample;
    for (let x = 1; x < width; x++) {
      const o = base + x * bytesPerSample, p = o - bytesPerSample;
      if (bytesPerSample === 1) data[o] = (data[o] + data[p]) & 0xff;
      else if (bytesPerSample === 2) {
        view.setUint16(
          o,
          (view.getUint16(o, littleEndian) + view.getUint16(p, littleEndian)) & 0xffff,
          littleEndian,
        );
      } else {view.setUint32(
          o,
          (view.getUint32(o, littleEndian) + view.getUint32(p, littleEndian)) >>> 0,
          littleEndian,
        );}
    }
  }
}
