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
import {
  BlockCache,
  type IfdContext,
  readDirectory,
  type TiffDirectory,
} from "./_tiff_directory.ts";

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
  const { le, big, first } = await readHeader(file, bad);
  const ctx: IfdContext = { cache: new BlockCache(file), le, big, bad };
  const pages: TiffPage[] = [];
  const seen = new Set<number>();
  let next = first;
  while (next !== 0 && pages.length < maxPages) {
    if (seen.has(next)) throw bad(`directory chain loops back to byte ${next}`);
    seen.add(next);
    if (next < 8 || next >= file.size) {
      throw bad(`directory offset ${next} is outside the file (truncated?)`);
    }
    const dir = await readDirectory(ctx, next);
    next = dir.next;
    pages.push(await pageOf(dir.directory, pages.length, bad));
  }
  if (pages.length === 0) throw bad("no pages");
  return { littleEndian: le, bigTiff: big, pages };
}

/** The header: byte order, classic or BigTIFF, and the offset of the first directory. */
async function readHeader(
  file: FileReader,
  bad: (why: string) => SparsedynError,
): Promise<{ le: boolean; big: boolean; first: number }> {
  const head = await file.readUpTo(0, 16, "header");
  if (head.length < 8) {
    if (head.length < 4 || !/^(II|MM)$/.test(String.fromCharCode(head[0], head[1]))) {
      throw await notTiff(file);
    }
    throw bad(`the file is only ${head.length} bytes, too short for a TIFF header`);
  }
  const order = String.fromCharCode(head[0], head[1]);
  if (order !== "II" && order !== "MM") throw await notTiff(file);
  const le = order === "II";
  const hv = new DataView(head.buffer, head.byteOffset, head.byteLength);
  const magic = hv.getUint16(2, le);
  if (magic === 42) return { le, big: false, first: hv.getUint32(4, le) };
  if (magic === 43) {
    if (head.length < 16 || hv.getUint16(4, le) !== 8) throw bad("malformed BigTIFF header");
    return { le, big: true, first: Number(hv.getBigUint64(8, le)) };
  }
  throw await notTiff(file);
}

/** A file that does not start like a TIFF is some other kind of file: the error says which. */
async function notTiff(file: FileReader): Promise<SparsedynError> {
  const path = file.path;
  const what = describeBytes(await file.readUpTo(0, 256, "header"));
  return new SparsedynError(
    "BAD_FILE",
    `${path} is not a TIFF file: it is ${what} (a TIFF starts with "II*" or "MM*")`,
    { file: path },
  );
}

/**
 * The page a directory describes, checked: its size, sample layout and the strips or tiles
 * of its pixels. Only the first page's description and software are read (the metadata).
 */
async function pageOf(
  dir: TiffDirectory,
  index: number,
  bad: (why: string) => SparsedynError,
): Promise<TiffPage> {
  const width = await dir.one(256), height = await dir.one(257);
  if (width === undefined || height === undefined) {
    throw bad(`page ${index} has no ImageWidth/ImageLength`);
  }
  if (width <= 0 || height <= 0 || width > 1 << 20 || height > 1 << 20) {
    throw bad(`page ${index} is ${width}×${height}`);
  }
  const bps = await dir.values(258) ?? [1];
  const spp = (await dir.one(277, 1))!;
  if (bps.some((b) => b !== bps[0])) {
    throw bad(`page ${index} mixes bit depths ${bps.join("/")}`);
  }
  const tileWidth = (await dir.one(322, 0))!, tileLength = (await dir.one(323, 0))!;
  const tiled = tileWidth > 0 && tileLength > 0;
  const offsets = await dir.values(tiled ? 324 : 273);
  const byteCounts = await dir.values(tiled ? 325 : 279);
  if (!offsets || offsets.length === 0) {
    throw bad(`page ${index} has no ${tiled ? "TileOffsets" : "StripOffsets"}`);
  }
  const page: TiffPage = {
    width,
    height,
    bitsPerSample: bps[0],
    sampleFormat: (await dir.one(339, 1))!,
    samplesPerPixel: spp,
    compression: (await dir.one(259, 1))!,
    predictor: (await dir.one(317, 1))!,
    rowsPerStrip: Math.min((await dir.one(278, height))!, height),
    tileWidth,
    tileLength,
    offsets,
    byteCounts: byteCounts ?? [],
    description: index === 0 ? await dir.text(270) : undefined,
    software: index === 0 ? await dir.text(305) : undefined,
  };
  if (page.rowsPerStrip <= 0) {
    throw bad(`page ${index} has RowsPerStrip ${page.rowsPerStrip}`);
  }
  return page;
}
