/**
 * Decoding one TIFF page into a float32 frame (`tiff_movie.ts` reads the bytes): where its
 * strips or tiles lie in the file, and each block decompressed, un-predicted and placed in
 * the frame.
 *
 * @module
 */
import type { SparsedynError } from "../errors.ts";
import { unDeflate, undoPredictor, unLzw, unpackBits } from "./tiff_codecs.ts";
import type { TiffPage } from "./tiff_ifd.ts";

/** What decoding a page of a movie needs: the frame size, the samples, and the errors. */
export interface TiffFrameLayout {
  /** The file, for the codecs' errors. */
  path: string;
  /** Frame height and width (every page has page 0's). */
  H: number;
  W: number;
  /** Bytes per sample. */
  bytes: number;
  /** Little-endian samples. */
  le: boolean;
  /** The reader's `BAD_FILE` error, naming the file. */
  bad: (why: string) => SparsedynError;
}

/** Returns `n` bytes at file offset `o`, from what was read. */
export type Fetch = (o: number, n: number) => Uint8Array;

/** Strip/tile byte ranges of a page: [offset, length] each. */
export function stripRanges(
  layout: TiffFrameLayout,
  page: TiffPage,
  index: number,
): [number, number][] {
  const { H, W, bytes, bad } = layout;
  const blocks = page.tileWidth > 0
    ? Math.ceil(W / page.tileWidth) * Math.ceil(H / page.tileLength)
    : Math.ceil(H / page.rowsPerStrip);
  const out: [number, number][] = [];
  for (let b = 0; b < Math.min(blocks, page.offsets.length); b++) {
    const rows = page.tileWidth > 0
      ? page.tileLength
      : Math.min(page.rowsPerStrip, H - b * page.rowsPerStrip);
    const width = page.tileWidth > 0 ? page.tileWidth : W;
    out.push([page.offsets[b], page.byteCounts[b] ?? width * rows * bytes]);
    if (page.byteCounts[b] === undefined && page.compression !== 1) {
      throw bad(`page ${index} has no StripByteCounts`);
    }
  }
  return out;
}

/** The grid of a page's blocks: block width and height, blocks across and down. */
interface BlockGrid {
  w: number;
  h: number;
  across: number;
  down: number;
}

function blockGrid(layout: TiffFrameLayout, page: TiffPage): BlockGrid {
  const { H, W } = layout;
  return page.tileWidth > 0
    ? {
      w: page.tileWidth,
      h: page.tileLength,
      across: Math.ceil(W / page.tileWidth),
      down: Math.ceil(H / page.tileLength),
    }
    : { w: W, h: page.rowsPerStrip, across: 1, down: Math.ceil(H / page.rowsPerStrip) };
}

/**
 * Decodes page `index` into `out` (one frame), its blocks' bytes taken from `fetch`.
 *
 * @throws {SparsedynError} `BAD_FILE` for missing strips or byte counts, or truncated or
 *   corrupt compressed data.
 */
export function decodePage(
  layout: TiffFrameLayout,
  page: TiffPage,
  index: number,
  out: Float32Array,
  fetch: Fetch,
): void {
  const { H, bytes, bad } = layout;
  const blocks = blockGrid(layout, page);
  const expected = blocks.across * blocks.down;
  if (page.offsets.length < expected) {
    throw bad(`page ${index} lists ${page.offsets.length} strips/tiles, needs ${expected}`);
  }
  for (let b = 0; b < expected; b++) {
    const bx = b % blocks.across, by = Math.floor(b / blocks.across);
    const rows = page.tileWidth > 0 ? blocks.h : Math.min(blocks.h, H - by * blocks.h);
    const size = blocks.w * rows * bytes;
    let count = page.byteCounts[b];
    if (count === undefined) {
      if (page.compression !== 1) throw bad(`page ${index} has no StripByteCounts`);
      count = size;
    }
    const data = decompress(layout, page, index, fetch(page.offsets[b], count), size);
    if (page.predictor === 2) undoPredictor(data, blocks.w, rows, bytes, layout.le);
    placeBlock(layout, page, data, out, {
      x0: bx * blocks.w,
      y0: by * blocks.h,
      rows,
      w: blocks.w,
    });
  }
}

/** A block's bytes, decompressed to `size` bytes (uncompressed: checked to hold them). */
function decompress(
  layout: TiffFrameLayout,
  page: TiffPage,
  index: number,
  raw: Uint8Array,
  size: number,
): Uint8Array {
  const { path, bad } = layout;
  switch (page.compression) {
    case 1:
      if (raw.length < size) {
        throw bad(`truncated: page ${index} holds ${raw.length} of ${size} bytes`);
      }
      return raw;
    case 5:
      return unLzw(raw, size, path);
    case 8:
    case 32946:
      return unDeflate(raw, size, path);
    default:
      return unpackBits(raw, size, path);
  }
}

/** Copies a decoded block (`rows` rows of `w` samples, at x0, y0) into the frame, clipped to it. */
function placeBlock(
  layout: TiffFrameLayout,
  page: TiffPage,
  data: Uint8Array,
  out: Float32Array,
  block: { x0: number; y0: number; rows: number; w: number },
): void {
  const { H, W, bytes, le } = layout;
  const { x0, y0, rows, w } = block;
  const n = Math.min(w, W - x0);
  // Fast path: little-endian samples (every platform Deno runs on is little-endian)
  // viewed as a typed array; the DataView path handles big-endian files.
  const typed = le ? typedView(data, page) : undefined;
  if (typed) {
    // TypedArray.set converts natively, about 3× faster than an element loop.
    const t = typed as Uint8Array;
    const useRows = Math.min(rows, H - y0);
    if (n === w && x0 === 0) out.set(t.subarray(0, useRows * n), y0 * W);
    else {
      for (let r = 0; r < useRows; r++) {
        out.set(t.subarray(r * w, r * w + n), (y0 + r) * W + x0);
      }
    }
  } else {
    const v = new DataView(data.buffer, data.byteOffset, data.byteLength);
    const get = sampleGetter(page, le);
    for (let r = 0; r < rows && y0 + r < H; r++) {
      const target = (y0 + r) * W + x0;
      const src = r * w * bytes;
      for (let x = 0; x < n; x++) out[target + x] = get(v, src + x * bytes);
    }
  }
}

/** The decoded bytes as a typed array of the page's samples (copied if misaligned). */
function typedView(data: Uint8Array, page: TiffPage): ArrayLike<number> | undefined {
  const { bitsPerSample: bits, sampleFormat: fmt } = page;
  const C = fmt === 3
    ? (bits === 32 ? Float32Array : bits === 64 ? Float64Array : undefined)
    : fmt === 2
    ? (bits === 8 ? Int8Array : bits === 16 ? Int16Array : bits === 32 ? Int32Array : undefined)
    : (bits === 8 ? Uint8Array : bits === 16 ? Uint16Array : bits === 32 ? Uint32Array : undefined);
  if (!C) return undefined;
  const aligned = data.byteOffset % C.BYTES_PER_ELEMENT === 0 ? data : data.slice();
  return new C(
    aligned.buffer as ArrayBuffer,
    aligned.byteOffset,
    Math.floor(aligned.byteLength / C.BYTES_PER_ELEMENT),
  );
}

function sampleGetter(page: TiffPage, le: boolean): (v: DataView, o: number) => number {
  const { bitsPerSample: bits, sampleFormat: fmt } = page;
  if (fmt === 3) return bits === 32 ? (v, o) => v.getFloat32(o, le) : (v, o) => v.getFloat64(o, le);
  if (fmt === 2) {
    return bits === 8
      ? (v, o) => v.getInt8(o)
      : bits === 16
      ? (v, o) => v.getInt16(o, le)
      : (v, o) => v.getInt32(o, le);
  }
  return bits === 8
    ? (v, o) => v.getUint8(o)
    : bits === 16
    ? (v, o) => v.getUint16(o, le)
    : (v, o) => v.getUint32(o, le);
}
