/**
 * One TIFF image file directory (IFD): its entries, read from the file in one piece, and the
 * values of a tag, read on demand (inline in the entry, or at the offset it gives). The page
 * walker (`tiff_ifd.ts`) asks a directory for the tags a movie needs.
 *
 * @module
 */
import type { SparsedynError } from "../errors.ts";
import type { FileReader } from "./_file_reader.ts";

/** Bytes per value, by TIFF field type; a type not listed is unknown and its tag is skipped. */
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
export class BlockCache {
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

/** What reading directories needs: the cached file, its byte order and kind, and the reader's error. */
export interface IfdContext {
  cache: BlockCache;
  /** Little-endian ("II"). */
  le: boolean;
  /** BigTIFF: 8-byte counts and offsets. */
  big: boolean;
  /** The reader's `BAD_FILE` error, naming the file. */
  bad: (why: string) => SparsedynError;
}

/** One entry: the field type, the number of values, and where they are. */
interface TagEntry {
  type: number;
  count: number;
  /** File offset of the values (when not inline). */
  at: number;
  /** The values' bytes, when they fit in the entry itself. */
  inline: Uint8Array | null;
}

/** Reads value `o` (a byte offset) of a field type; rationals are numerator / denominator. */
const READ_VALUE: Record<number, (v: DataView, o: number, le: boolean) => number> = {
  1: (v, o) => v.getUint8(o),
  7: (v, o) => v.getUint8(o),
  6: (v, o) => v.getInt8(o),
  3: (v, o, le) => v.getUint16(o, le),
  8: (v, o, le) => v.getInt16(o, le),
  4: (v, o, le) => v.getUint32(o, le),
  9: (v, o, le) => v.getInt32(o, le),
  11: (v, o, le) => v.getFloat32(o, le),
  12: (v, o, le) => v.getFloat64(o, le),
  16: (v, o, le) => Number(v.getBigUint64(o, le)),
  18: (v, o, le) => Number(v.getBigUint64(o, le)),
  17: (v, o, le) => Number(v.getBigInt64(o, le)),
  5: (v, o, le) => v.getUint32(o, le) / (v.getUint32(o + 4, le) || 1),
  10: (v, o, le) => v.getInt32(o, le) / (v.getInt32(o + 4, le) || 1),
};

/** The entries of one directory, and the values of its tags on demand. */
export class TiffDirectory {
  constructor(private ctx: IfdContext, private tags: Map<number, TagEntry>) {}

  /** A tag's values as numbers, or undefined when the tag is absent. */
  async values(tag: number): Promise<number[] | undefined> {
    const t = this.tags.get(tag);
    if (!t) return undefined;
    if (t.count > 1 << 24) throw this.ctx.bad(`tag ${tag} has ${t.count} values`);
    const size = TYPE_SIZE[t.type];
    const bytes = t.inline ?? await this.ctx.cache.read(t.at, size * t.count, `tag ${tag}`);
    const v = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    const read = READ_VALUE[t.type] ?? ((v: DataView, o: number) => v.getUint8(o));
    const out: number[] = [];
    for (let i = 0; i < t.count; i++) out.push(read(v, i * size, this.ctx.le));
    return out;
  }

  /** A tag's first value, or `fallback` when the tag is absent or empty. */
  async one(tag: number, fallback?: number): Promise<number | undefined> {
    return (await this.values(tag))?.[0] ?? fallback;
  }

  /** An ASCII tag's text (trailing NULs removed), or undefined when absent or not ASCII. */
  async text(tag: number): Promise<string | undefined> {
    const t = this.tags.get(tag);
    if (!t || t.type !== 2 || t.count > 1 << 24) return undefined;
    const bytes = t.inline ?? await this.ctx.cache.read(t.at, t.count, `tag ${tag}`);
    return new TextDecoder("latin1").decode(bytes).replace(/\0+$/, "");
  }
}

/**
 * Reads the directory at byte `offset`: its entries, and the offset of the next directory
 * (0 at the end of the chain).
 */
export async function readDirectory(
  ctx: IfdContext,
  offset: number,
): Promise<{ directory: TiffDirectory; next: number }> {
  const { cache, le, big, bad } = ctx;
  const countBytes = await cache.read(offset, big ? 8 : 2, "directory");
  const cv = new DataView(countBytes.buffer, countBytes.byteOffset, countBytes.byteLength);
  const n = big ? Number(cv.getBigUint64(0, le)) : cv.getUint16(0, le);
  if (n === 0 || n > 4096) throw bad(`directory at byte ${offset} claims ${n} entries`);
  const entrySize = big ? 20 : 12;
  const base = offset + (big ? 8 : 2);
  const dirBytes = await cache.read(base, n * entrySize + (big ? 8 : 4), "directory");
  const dv = new DataView(dirBytes.buffer, dirBytes.byteOffset, dirBytes.byteLength);
  const tags = new Map<number, TagEntry>();
  for (let e = 0; e < n; e++) {
    const o = e * entrySize;
    const tag = dv.getUint16(o, le), type = dv.getUint16(o + 2, le);
    const count = big ? Number(dv.getBigUint64(o + 4, le)) : dv.getUint32(o + 4, le);
    const size = (TYPE_SIZE[type] ?? 0) * count;
    const slot = big ? 8 : 4;
    const valueAt = o + (big ? 12 : 8);
    if (!TYPE_SIZE[type]) continue; // unknown type: skip the tag, as readers must
    const inline = size <= slot ? dirBytes.slice(valueAt, valueAt + size) : null;
    const at = inline ? 0 : big ? Number(dv.getBigUint64(valueAt, le)) : dv.getUint32(valueAt, le);
    tags.set(tag, { type, count, at, inline });
  }
  const next = big ? Number(dv.getBigUint64(n * entrySize, le)) : dv.getUint32(n * entrySize, le);
  return { directory: new TiffDirectory(ctx, tags), next };
}
