/**
 * PNG files of 8-bit RGB images, compressed by the runtime's own zlib (`CompressionStream`)
 * instead of a JavaScript deflate: `maps` writes hundreds of PNGs (641 at 128 latents), and
 * native compression takes about a quarter of the time per image.
 *
 * The file is the PNG signature, IHDR (8-bit truecolour, no interlace), one IDAT with the
 * zlib stream of the rows (filter byte 0 before each) and IEND; each chunk ends with its
 * CRC-32.
 *
 * @example
 * ```ts
 * import { encodeRgbPng } from "./png_encode.ts";
 * import { decode } from "npm:fast-png@8.0.0";
 *
 * const rgb = Uint8Array.of(255, 0, 0, 0, 255, 0, 0, 0, 255, 9, 9, 9); // 2×2
 * const png = decode(await encodeRgbPng(rgb, 2, 2));
 * if (png.width !== 2 || Array.from(png.data).join() !== Array.from(rgb).join()) throw new Error("round trip");
 * ```
 *
 * @module
 */
import { SparsedynError } from "../errors.ts";

const CRC_TABLE = (() => {
  const t = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    t[n] = c >>> 0;
  }
  return t;
})();

function crc32(bytes: Uint8Array): number {
  let c = 0xffffffff;
  for (let i = 0; i < bytes.length; i++) c = CRC_TABLE[(c ^ bytes[i]) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

function chunk(type: string, data: Uint8Array): Uint8Array {
  const out = new Uint8Array(12 + data.length);
  const view = new DataView(out.buffer);
  view.setUint32(0, data.length);
  for (let i = 0; i < 4; i++) out[4 + i] = type.charCodeAt(i);
  out.set(data, 8);
  view.setUint32(8 + data.length, crc32(out.subarray(4, 8 + data.length)));
  return out;
}

/**
 * Encodes an 8-bit RGB image as a PNG file.
 *
 * @param rgb height×width×3 bytes, row-major.
 * @param width Pixels per row.
 * @param height Rows.
 * @returns The file's bytes.
 * @throws {SparsedynError} `INVALID_ARGUMENT` when `rgb` does not hold width×height×3 bytes.
 */
export async function encodeRgbPng(
  rgb: Uint8Array,
  width: number,
  height: number,
): Promise<Uint8Array> {
  if (
    !Number.isInteger(width) || !Number.isInteger(height) || width < 1 || height < 1 ||
    rgb.length !== width * height * 3
  ) {
    throw new SparsedynError(
      "INVALID_ARGUMENT",
      `rgb must hold width×height×3 = ${width}×${height}×3 bytes; got ${rgb.length}`,
      { argument: "rgb" },
    );
  }
  const stride = width * 3;
  const raw = new Uint8Array(height * (stride + 1)); // filter byte 0 (none) per row
  for (let y = 0; y < height; y++) {
    raw.set(rgb.subarray(y * stride, (y + 1) * stride), y * (stride + 1) + 1);
  }
  const zlib = new Uint8Array(
    await new Response(new Blob([raw]).stream().pipeThrough(new CompressionStream("deflate")))
      .arrayBuffer(),
  );
  const ihdr = new Uint8Array(13);
  const v = new DataView(ihdr.buffer);
  v.setUint32(0, width);
  v.setUint32(4, height);
  ihdr.set([8, 2, 0, 0, 0], 8); // 8 bits, truecolour, deflate, adaptive filtering, no interlace
  const parts = [
    Uint8Array.of(0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a),
    chunk("IHDR", ihdr),
    chunk("IDAT", zlib),
    chunk("IEND", new Uint8Array(0)),
  ];
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}
