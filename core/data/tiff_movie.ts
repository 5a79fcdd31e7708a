/**
 * Multi-page TIFF movies (classic and BigTIFF, either byte order): 8/16/32-bit unsigned
 * and signed integers and 32/64-bit floats, uncompressed / LZW / Deflate / PackBits, strips
 * or tiles, horizontal predictor. Pages are read lazily: opening walks the directories
 * only; `read` decodes just the pages asked for.
 *
 * Interleaved channels and planes (ScanImage, ImageJ hyperstacks; channel fastest, then
 * plane, then time) are taken from the metadata or the `channels`/`planes` options, and
 * one is selected with `channel`/`plane`. The frame rate comes from ScanImage
 * (`scanFrameRate`, `scanVolumeRate`, `state.acq.frameRate`) or ImageJ (`finterval`,
 * `fps`) metadata when present.
 *
 * @example
 * ```ts
 * import { openTiffMovie } from "./tiff_movie.ts";
 * import { encodeTiff } from "./tiff_write.ts";
 *
 * const dir = await Deno.makeTempDir();
 * const px = Uint16Array.from({ length: 4 * 2 * 3 }, (_, i) => i);
 * await Deno.writeFile(`${dir}/m.tif`, encodeTiff(px, 4, 2, 3, "ImageJ=1.54\nchannels=2\nframes=2\nfinterval=0.5\n"));
 * const m = await openTiffMovie(`${dir}/m.tif`, { channel: 1 });
 * const f = await m.read(0, 1); // page 1: the second channel of the first time point
 * if (m.frames !== 2 || m.rate !== 2 || f[0] !== 6) throw new Error("channel 1");
 * m.close();
 * await Deno.remove(dir, { recursive: true });
 * ```
 *
 * @module
 */
import { SparsedynError } from "../errors.ts";
import { FileReader } from "./_file_reader.ts";
import { checkRange, type Movie, type MovieOptions } from "./movie.ts";
import { decodePage, stripRanges, type TiffFrameLayout } from "./_tiff_decode.ts";
import { StripReader } from "./_tiff_strip_reads.ts";
import { readTiffPages, type TiffPage, type TiffStructure } from "./tiff_ifd.ts";

const COMPRESSION: Record<number, string> = {
  1: "none",
  5: "lzw",
  8: "deflate",
  32946: "deflate",
  32773: "packbits",
};

/** Channels, planes and rate from ScanImage or ImageJ metadata. */
export function tiffMetadata(
  description = "",
  software = "",
): { channels?: number; planes?: number; rate?: number; source?: string } {
  const text = `${description}\n${software}`;
  const num = (re: RegExp) => {
    const m = re.exec(text);
    return m ? Number(m[1]) : undefined;
  };
  if (/SI\.|state\.acq|scanimage/i.test(text)) {
    const save = /SI\.hChannels\.channelSave\s*=\s*\[?([\d;\s,]+)\]?/.exec(text)?.[1];
    const channels = save
      ? save.split(/[;,\s]+/).filter((s) => s !== "").length
      : num(/state\.acq\.numberOfChannelsSave\s*=\s*(\d+)/);
    const fastZ = /SI\.hFastZ\.enable\s*=\s*(true|1)/i.test(text);
    const slices = num(/SI\.hStackManager\.(?:actualNumSlices|numSlices)\s*=\s*(\d+)/);
    const planes = fastZ && slices && slices > 1 ? slices : undefined;
    const rate = planes
      ? num(/SI\.hRoiManager\.scanVolumeRate\s*=\s*([\d.eE+-]+)/)
      : num(/SI\.hRoiManager\.scanFrameRate\s*=\s*([\d.eE+-]+)/) ??
        num(/state\.acq\.frameRate\s*=\s*([\d.eE+-]+)/);
    return { channels, planes, rate, source: "scanimage" };
  }
  if (/ImageJ=/.test(text)) {
    const finterval = num(/finterval=([\d.eE+-]+)/), fps = num(/fps=([\d.eE+-]+)/);
    return {
      channels: num(/channels=(\d+)/),
      planes: num(/slices=(\d+)/),
      rate: finterval && finterval > 0 ? 1 / finterval : fps && fps > 0 ? fps : undefined,
      source: "imagej",
    };
  }
  return {};
}

/**
 * Opens a TIFF file as a movie.
 *
 * @param path The file.
 * @param options `channels`, `channel`, `planes`, `plane`, `rate`.
 * @returns The movie.
 * @throws {SparsedynError} `BAD_FILE` for a malformed or truncated file, pages of
 *   different sizes or types, an unsupported compression, bit depth or sample layout.
 */
export async function openTiffMovie(path: string, options: MovieOptions = {}): Promise<Movie> {
  const file = await FileReader.open(path);
  try {
    const structure = await readTiffPages(file);
    const bad = (why: string) => new SparsedynError("BAD_FILE", `${path}: ${why}`, { file: path });
    const { pages } = structure;
    checkPagesAlike(pages, bad);
    checkSamples(pages[0], bad);
    const selection = selectFrames(pages, options, bad);
    return tiffMovie(file, structure, selection, options, bad);
  } catch (err) {
    file.close();
    throw err;
  }
}

/** Throws unless every page has page 0's size and sample type. */
function checkPagesAlike(pages: TiffPage[], bad: (why: string) => SparsedynError): void {
  const p0 = pages[0];
  for (let i = 1; i < pages.length; i++) {
    const p = pages[i];
    if (p.width !== p0.width || p.height !== p0.height) {
      throw bad(
        `pages differ in size: page 0 is ${p0.width}×${p0.height}, page ${i} is ${p.width}×${p.height}`,
      );
    }
    if (p.bitsPerSample !== p0.bitsPerSample || p.sampleFormat !== p0.sampleFormat) {
      throw bad(
        `pages differ in sample type: page 0 has ${p0.bitsPerSample}-bit, page ${i} ${p.bitsPerSample}-bit`,
      );
    }
  }
}

/** Throws unless the page's compression, sample type, layout and predictor are readable. */
function checkSamples(p: TiffPage, bad: (why: string) => SparsedynError): void {
  if (!COMPRESSION[p.compression]) {
    throw bad(
      `unsupported compression ${p.compression} (readable: none, LZW, Deflate, PackBits)`,
    );
  }
  if (![8, 16, 32, 64].includes(p.bitsPerSample)) {
    throw bad(`unsupported bit depth ${p.bitsPerSample}`);
  }
  if (p.bitsPerSample === 64 && p.sampleFormat !== 3) {
    throw bad("64-bit integer samples are not supported");
  }
  if (![1, 2, 3].includes(p.sampleFormat)) {
    throw bad(`unsupported SampleFormat ${p.sampleFormat}`);
  }
  if (p.sampleFormat === 3 && p.bitsPerSample < 32) {
    throw bad(`${p.bitsPerSample}-bit floats are not supported`);
  }
  if (p.samplesPerPixel !== 1) {
    throw bad(`${p.samplesPerPixel} samples per pixel (RGB?): expected grayscale`);
  }
  if (p.predictor !== 1 && p.predictor !== 2) throw bad(`unsupported predictor ${p.predictor}`);
}

/** Which pages make the movie: the interleaving of channels and planes, and the one chosen. */
interface FrameSelection {
  /** Channels and planes per time point (interleaved, channel fastest). */
  channels: number;
  planes: number;
  /** The channel and plane read. */
  channel: number;
  plane: number;
  /** Pages per time point. */
  stride: number;
  /** Whole time points. */
  frames: number;
  /** What the metadata says (channels, planes, rate, source). */
  meta: ReturnType<typeof tiffMetadata>;
}

/** The channels and planes (options first, then the metadata) and the frames they leave. */
function selectFrames(
  pages: TiffPage[],
  options: MovieOptions,
  bad: (why: string) => SparsedynError,
): FrameSelection {
  const p0 = pages[0];
  const meta = tiffMetadata(p0.description, p0.software);
  const channels = options.channels ?? meta.channels ?? 1;
  const planes = options.planes ?? meta.planes ?? 1;
  const channel = options.channel ?? 0, plane = options.plane ?? 0;
  for (
    const [name, v, max] of [["channels", channels, pages.length], [
      "planes",
      planes,
      pages.length,
    ]] as const
  ) {
    if (!Number.isInteger(v) || v < 1 || v > max) {
      throw bad(`${name} = ${v} does not fit ${pages.length} pages`);
    }
  }
  if (!Number.isInteger(channel) || channel < 0 || channel >= channels) {
    throw bad(`channel ${channel} is not one of ${channels}`);
  }
  if (!Number.isInteger(plane) || plane < 0 || plane >= planes) {
    throw bad(`plane ${plane} is not one of ${planes}`);
  }
  const stride = channels * planes;
  const frames = Math.floor(pages.length / stride);
  if (frames === 0) {
    throw bad(
      `${pages.length} pages hold no full time point of ${channels} channels × ${planes} planes`,
    );
  }
  return { channels, planes, channel, plane, stride, frames, meta };
}

/** The movie over the selected pages; `read` decodes just the pages asked for. */
function tiffMovie(
  file: FileReader,
  { littleEndian: le, bigTiff, pages }: TiffStructure,
  selection: FrameSelection,
  options: MovieOptions,
  bad: (why: string) => SparsedynError,
): Movie {
  const { channels, planes, channel, plane, stride, frames, meta } = selection;
  const p0 = pages[0];
  const H = p0.height, W = p0.width;
  const layout: TiffFrameLayout = { path: file.path, H, W, bytes: p0.bitsPerSample / 8, le, bad };
  const dtype = (p0.sampleFormat === 3 ? "float" : p0.sampleFormat === 2 ? "int" : "uint") +
    p0.bitsPerSample;
  const strips = new StripReader(file, bad);
  const readFrames = async (start: number, count: number): Promise<Float32Array> => {
    checkRange(movie, start, count);
    const out = new Float32Array(count * H * W);
    const indices = Array.from(
      { length: count },
      (_, f) => (start + f) * stride + plane * channels + channel,
    );
    const ranges = indices.flatMap((i) => stripRanges(layout, pages[i], i))
      .sort((a, b) => a[0] - b[0]);
    const fetch = await strips.read(ranges, `pages ${indices[0]}–${indices[indices.length - 1]}`);
    for (let f = 0; f < count; f++) {
      const frame = out.subarray(f * H * W, (f + 1) * H * W);
      decodePage(layout, pages[indices[f]], indices[f], frame, fetch);
    }
    return out;
  };
  let lock: Promise<unknown> = Promise.resolve();
  const movie: Movie = {
    path: file.path,
    format: "tiff",
    frames,
    height: H,
    width: W,
    dtype,
    rate: options.rate ?? meta.rate,
    metadata: {
      pages: pages.length,
      bigTiff,
      byteOrder: le ? "little" : "big",
      compression: COMPRESSION[p0.compression],
      layout: p0.tileWidth > 0 ? "tiles" : "strips",
      channels,
      planes,
      channel,
      plane,
      source: meta.source ?? "plain",
    },
    read(start, count) {
      // One read at a time: reads share the strip reader's scratch buffer.
      const run = lock.then(() => readFrames(start, count));
      lock = run.catch(() => {});
      return run;
    },
    close: () => file.close(),
  };
  return movie;
}
