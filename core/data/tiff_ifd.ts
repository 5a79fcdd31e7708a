/**
 * The structure of a TIFF file, read lazily: the header (classic or BigTIFF, either byte
 * order) and the chain of image file directories (IFDs), one per page. Only directory
 * bytes are read here; pixel data are read per page by the movie reader.
 *
 * @example Walk the pages of a file written by our own encoder
 * ```ts
 * import { readTiffPages } from "./tiff_ifd.ts";
 * import { encodeTiff } from "./tiff_write.ts";
 * import { FileReader } from "./_file_reader.ts";
 *
 * const dir = await Deno.makeTempDir();
 * await Deno.writeFile(`${dir}/a.tif`, encodeTiff(new Uint16Array(2 * 3 * 4), 2, 3, 4));
 * const file = await FileReader.open(`${dir}/a.tif`);
 * const { pages } = await readTiffPages(file);
 * if (pages.length !== 2 || pages[0].width !== 4 || pages[0].height !== 3) throw new Error("pages");
 * file.close();
 * await Deno.remove(dir, { recursive: true });
 * ```
 *
 * @module
 */
import { SparsedynError } from "../errors.ts";
import type { FileReader } from "./_file_reader.ts";
import { describeBytes } from "./file_kind.ts";

/** One page's layout: everything needed to decode its pixels. */
export interface TiffPage {
  width: number;
  height: number;
  bitsPerSample: number;
  /** 1 unsigned integer, 2 signed integer, 3 IEEE float. */
  sampleFormat: number;
  samplesPerPixel: number;
  /** 1 none, 5 LZW, 8 / 32946 Deflate, 32773 PackBits. */
  compression: number;
  predictor: number;
  /** Strips: rowsPerStrip; tiles: tileWidth/tileLength. */
  rowsPerStrip: number;
  tileWidth: number;
  tileLength: number;
  /** Offsets and byte counts of the strips or tiles. */
  offsets: number[];
  byteCounts: number[];
  /** ImageDescription (tag 270) and Software (305), when present. */
  description?: string;
  software?: string;
}

/** A parsed file: byte order, BigTIFF or not, and its pages. */
export interface TiffStructure {
  littleEndian: boolean;
  bigTiff: boolean;
  pages: TiffPage[];
}

const TYPE_SIZE: Record<number, number> = {
  1: 1,
  2: 1,
  3: 2,
  4: 4,
  5: 8,
  6: 1,
  7: 1,
  8: 2,
  9: 4,
  10: 8,
  11: 4,
  12: 8,
  16: 8,
  17: 8,
  18: 8,
};

/** Serves small reads from 64 KiB blocks: directories sit between the pages' data. */
class BlockCache {
  #blocks = new Map<number, Uint8Array>();
  constructor(private file: FileReader) {}
  async read(offset: number, length: number, what: string): Promise<Uint8Array> {
    const B = 65536;
    if (offset < 0 || offset + length > this.file.size) return this.file.read(offset, length, what);
    const first = Math.floor(offset / B), lastBlock = Math.floor((offset + length - 1) / B);
    if (first !== lastBlock || length === 0) return this.file.read(offset, length, what);
    let block = this.#blocks.get(first);
    if (!block) {
      if (this.#blocks.size > 64) this.#blocks.clear(); // bounded memory
      block = await this.file.readUpTo(first * B, B, what);
      this.#blocks.set(first, block);
    }
    return block.subarray(offset - first * B, offset - first * B + length);
  }
}

/**
 * Reads the header and every IFD of a TIFF file.
 *
 * @param file The open file.
 * @param maxPages Stop after this many pages (default: all).
 * @returns The structure.
 * @throws {SparsedynError} `BAD_FILE` for a wrong magic, a truncated or looping chain, a
 *   page without the tags a movie needs, or values out of range.
 */
export async function readTiffPages(file: FileReader, maxPages = Infinity): Promise<TiffStructure> {
  const path = file.path;
  const bad = (why: string) =>
    new SparsedynError("BAD_FILE", `${path}: not a readable TIFF: ${why}`, { file: path });
  const head = await file.readUpTo(0, 16, "header");
  // A file that does not start like a TIFF is some other kind of file: say which.
  const notTiff = async () => {
    const what = describeBytes(await file.readUpTo(0, 256, "header"));
    return new SparsedynError(
      "BAD_FILE",
      `${path} is not a TIFF file: it is ${what} (a TIFF starts with "II*" or "MM*")`,
      { file: path },
    );
  };
  if (head.length < 8) {
    if (head.length < 4 || !/^(II|MM)$/.test(String.fromCharCode(head[0], head[1]))) {
      throw await notTiff();
    }
    throw bad(`the file is only ${head.length} bytes, too short for a TIFF header`);
  }
  const order = String.fromCharCode(head[0], head[1]);
  if (order !== "II" && order !== "MM") throw await notTiff();
  const le = order === "II";
  const hv = new DataView(head.buffer, head.byteOffset, head.byteLength);
  const magic = hv.getUint16(2, le);
  let big: boolean, next: number;
  if (magic === 42) {
    big = false;
    next = hv.getUint32(4, le);
  } else if (magic === 43) {
    if (head.length < 16 || hv.getUint16(4, le) !== 8) throw bad("malformed BigTIFF header");
    big = true;
    next = Number(hv.getBigUint64(8, le));
  } else throw await notTiff();

  const cache = new BlockCache(file);
  const pages: TiffPage[] = [];
  const seen = new Set<number>();
  while (next !== 0 && pages.length < maxPages) {
    if (seen.has(next)) throw bad(`directory chain loops back to byte ${next}`);
    seen.add(next);
    if (next < 8 || next >= file.size) {
      throw bad(`directory offset ${next} is outside the file (truncated?)`);
    }
    const countBytes = await cache.read(next, big ? 8 : 2, "directory");
    const cv = new DataView(countBytes.buffer, countBytes.byteOffset, countBytes.byteLength);
    const n = big ? Number(cv.getBigUint64(0, le)) : cv.getUint16(0, le);
    if (n === 0 || n > 4096) throw bad(`directory at byte ${next} claims ${n} entries`);
    const entrySize = big ? 20 : 12;
    const base = next + (big ? 8 : 2);
    const dirBytes = await cache.read(base, n * entrySize + (big ? 8 : 4), "directory");
    const dv = new DataView(dirBytes.buffer, dirBytes.byteOffset, dirBytes.byteLength);
    const tags = new Map<
      number,
      { type: number; count: number; at: number; inline: Uint8Array | null }
    >();
    for (let e = 0; e < n; e++) {
      const o = e * entrySize;
      const tag = dv.getUint16(o, le), type = dv.getUint16(o + 2, le);
      const count = big ? Number(dv.getBigUint64(o + 4, le)) : dv.getUint32(o + 4, le);
      const size = (TYPE_SIZE[type] ?? 0) * count;
      const slot = big ? 8 : 4;
      const valueAt = o + (big ? 12 : 8);
      if (!TYPE_SIZE[type]) continue; // unknown type: skip the tag, as readers must
      const inline = size <= slot ? dirBytes.slice(valueAt, valueAt + size) : null;
      const at = inline
        ? 0
        : big
        ? Number(dv.getBigUint64(valueAt, le))
        : dv.getUint32(valueAt, le);
      tags.set(tag, { type, count, at, inline });
    }
    next = big ? Number(dv.getBigUint64(n * entrySize, le)) : dv.getUint32(n * entrySize, le);

    const values = async (tag: number): Promise<number[] | undefined> => {
      const t = tags.get(tag);
      if (!t) return undefined;
      if (t.count > 1 << 24) throw bad(`tag ${tag} has ${t.count} values`);
      const size = TYPE_SIZE[t.type];
      const bytes = t.inline ?? await cache.read(t.at, size * t.count, `tag ${tag}`);
      const v = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
      const out: number[] = [];
      for (let i = 0; i < t.count; i++) {
        const o = i * size;
        switch (t.type) {
          case 1:
          case 7:
            out.push(v.getUint8(o));
            break;
          case 6:
            out.push(v.getInt8(o));
            break;
          case 3:
            out.push(v.getUint16(o, le));
            break;
          case 8:
            out.push(v.getInt16(o, le));
            break;
          case 4:
            out.push(v.getUint32(o, le));
            break;
          case 9:
            out.push(v.getInt32(o, le));
            break;
          case 11:
            out.push(v.getFloat32(o, le));
            break;
          case 12:
            out.push(v.getFloat64(o, le));
            break;
          case 16:
          case 18:
            out.push(Number(v.getBigUint64(o, le)));
            break;
          case 17:
            out.push(Number(v.getBigInt64(o, le)));
            break;
          case 5:
            out.push(v.getUint32(o, le) / (v.getUint32(o + 4, le) || 1));
            break;
          case 10:
            out.push(v.getInt32(o, le) / (v.getInt32(o + 4, le) || 1));
            break;
          default:
            out.push(v.getUint8(o));
        }
      }
      return out;
    };
    const text = async (tag: number): Promise<string | undefined> => {
      const t = tags.get(tag);
      if (!t || t.type !== 2 || t.count > 1 << 24) return undefined;
      const bytes = t.inline ?? await cache.read(t.at, t.count, `tag ${tag}`);
      return new TextDecoder("latin1").decode(bytes).replace(/\0+$/, "");
    };
    const one = async (tag: number, fallback?: number) => (await values(tag))?.[0] ?? fallback;
    const width = await one(256), height = await one(257);
    if (width === undefined || height === undefined) {
      throw bad(`page ${pages.length} has no ImageWidth/ImageLength`);
    }
    if (width <= 0 || height <= 0 || width > 1 << 20 || height > 1 << 20) {
      throw bad(`page ${pages.length} is ${width}×${height}`);
    }
    const bps = await values(258) ?? [1];
    const spp = (await one(277, 1))!;
    if (bps.some((b) => b !== bps[0])) {
      throw bad(`page ${pages.length} mixes bit depths ${bps.join("/")}`);
    }
    const tileWidth = (await one(322, 0))!, tileLength = (await one(323, 0))!;
    const tiled = tileWidth > 0 && tileLength > 0;
    const offsets = await values(tiled ? 324 : 273), byteCounts = await values(tiled ? 325 : 279);
    if (!offsets || offsets.length === 0) {
      throw bad(`page ${pages.length} has no ${tiled ? "TileOffsets" : "StripOffsets"}`);
    }
    const page: TiffPage = {
      width,
      height,
      bitsPerSample: bps[0],
      sampleFormat: (await one(339, 1))!,
      samplesPerPixel: spp,
      compression: (await one(259, 1))!,
      predictor: (await one(317, 1))!,
      rowsPerStrip: Math.min((await one(278, height))!, height),
      tileWidth,
      tileLength,
      offsets,
      byteCounts: byteCounts ?? [],
      description: pages.length === 0 ? await text(270) : undefined,
      software: pages.length === 0 ? await text(305) : undefined,
    };
    if (page.rowsPerStrip <= 0) {
      throw bad(`page ${pages.length} has RowsPerStrip ${page.rowsPerStrip}`);
    }
    pages.push(page);
  }
  if (pages.length === 0) throw bad("no pages");
  return { littleEndian: le, bigTiff: big, pages };
}
