/**
 * One interface for every movie format: `openMovie(path)` picks the reader by file
 * extension and returns a {@link Movie} whose frames are read on demand, by index, as
 * float32 — a file larger than memory is processed in bounded memory.
 *
 * @example Read the first frames of an NPY movie
 * ```ts
 * import { openMovie } from "./movie.ts";
 * import { encodeNpy } from "./npy.ts";
 *
 * const dir = await Deno.makeTempDir();
 * await Deno.writeFile(`${dir}/m.npy`, encodeNpy(new Float64Array(3 * 4 * 5).map((_, i) => i), [3, 4, 5]));
 * const movie = await openMovie(`${dir}/m.npy`);
 * const two = await movie.read(1, 2); // frames 1 and 2, frame-major
 * if (movie.frames !== 3 || two.length !== 40 || two[0] !== 20) throw new Error("read");
 * movie.close();
 * await Deno.remove(dir, { recursive: true });
 * ```
 *
 * @module
 */
import { SparsedynError } from "../errors.ts";
import { describeBytes } from "./file_kind.ts";
import { movieInFolder } from "./movie_folder.ts";
import { isDirectory } from "../files/is_directory.ts";
import { movieSegment, parseMovieSegment } from "./movie_segment.ts";

/** A movie: frames × height × width, read by frame index. */
export interface Movie {
  /** The file it was opened from. */
  path: string;
  /** Its format. */
  format: "npy" | "tiff" | "nwb" | "hdf5" | "suite2p";
  /** Number of frames (after channel / plane selection). */
  frames: number;
  /** Frame height in pixels. */
  height: number;
  /** Frame width in pixels. */
  width: number;
  /** Stored element type, e.g. `uint16`, `int16`, `float32`. */
  dtype: string;
  /** Frame rate in Hz, when the file says. */
  rate?: number;
  /** Format-specific facts (dataset path, channels, compression, …). */
  metadata: Record<string, unknown>;
  /**
   * Reads frames [start, start + count) as float32, frame-major (count × height × width).
   *
   * @throws {SparsedynError} `INVALID_ARGUMENT` for a range outside the movie; `BAD_FILE`
   *   when the file turns out truncated or corrupt there.
   */
  read(start: number, count: number): Promise<Float32Array>;
  /** Releases the file. */
  close(): void;
}

/** Options that select what is read; each applies to the formats it names. */
export interface MovieOptions {
  /** NPY of shape (T, H·W): the frame height (and `width`). */
  height?: number;
  /** NPY of shape (T, H·W): the frame width. */
  width?: number;
  /** TIFF: number of interleaved channels (ScanImage); read from the metadata when absent. */
  channels?: number;
  /** TIFF: which channel to read, 0-based (default 0). */
  channel?: number;
  /** TIFF: number of interleaved planes (ScanImage); read from the metadata when absent. */
  planes?: number;
  /** TIFF: which plane to read, 0-based (default 0). */
  plane?: number;
  /** NWB / HDF5: the dataset to read (default: the first imaging series found). */
  dataset?: string;
  /** The frame rate in Hz, overriding (or supplying) the file's. */
  rate?: number;
  /** NWB / HDF5: time limit of one request to the HDF5 library, in ms (default 60 000). */
  hdf5TimeoutMs?: number;
}

type Opener = (path: string, options: MovieOptions) => Promise<Movie>;

const READERS: Record<string, () => Promise<Opener>> = {
  ".npy": async () => (await import("./npy_movie.ts")).openNpyMovie,
  ".tif": async () => (await import("./tiff_movie.ts")).openTiffMovie,
  ".tiff": async () => (await import("./tiff_movie.ts")).openTiffMovie,
  ".nwb": async () => (await import("./nwb_movie.ts")).openNwbMovie,
  ".h5": async () => (await import("./nwb_movie.ts")).openNwbMovie,
  ".hdf5": async () => (await import("./nwb_movie.ts")).openNwbMovie,
  ".bin": async () => (await import("./suite2p_movie.ts")).openSuite2pMovie,
};

/**
 * Opens a movie file by its extension. `FILE[start:end]` opens frames start ≤ t < end of
 * it (Python's slice; either end may be left out): see `movie_segment.ts`. A folder holding
 * Suite2p's output (`plane0/data.bin`) opens that movie.
 *
 * @param path The file, or `FILE[start:end]`.
 * @param options Selection options (see {@link MovieOptions}).
 * @returns The movie; call `close()` when done.
 * @throws {SparsedynError} `IO` for a missing or unreadable path; `BAD_FILE` for another
 *   folder (listing the movie files in it), an unknown format, or a file whose content is not a readable movie (the
 *   message names the file and the reason).
 */
export async function openMovie(path: string, options: MovieOptions = {}): Promise<Movie> {
  const segment = parseMovieSegment(path);
  if (segment.start !== undefined || segment.end !== undefined) {
    const whole = await openMovie(segment.path, options);
    // The whole movie's reads already scan for non-finite values.
    return guarded(movieSegment(whole, segment, path), false);
  }
  if (await isDirectory(path)) {
    // A Suite2p output folder is its data.bin; any other folder is refused, saying so.
    return openMovie(await movieInFolder(path), options);
  }
  const lower = path.toLowerCase();
  const ext = Object.keys(READERS).find((e) => lower.endsWith(e));
  if (!ext) {
    const known = Object.keys(READERS).join(", ");
    const what = await firstBytes(path).then(describeBytes, () => undefined);
    throw new SparsedynError(
      "BAD_FILE",
      `${path}: unknown movie format (readable: ${known})${what ? `; it is ${what}` : ""}`,
      { file: path },
    );
  }
  const movie = await (await READERS[ext]())(path, options);
  return guarded(movie);
}

async function firstBytes(path: string): Promise<Uint8Array> {
  using f = await Deno.open(path, { read: true });
  const buf = new Uint8Array(256);
  return buf.subarray(0, (await f.read(buf)) ?? 0);
}

/** Largest frame accepted (pixels): a corrupt header must not make us allocate terabytes. */
export const MAX_FRAME_PIXELS = 1 << 28;
/** Largest single read (float32 values): callers stream longer movies in chunks. */
export const MAX_READ_VALUES = 1 << 29;

/** Checks sizes once and every frame read: no NaN or infinite pixels reach the caller. */
function guarded(movie: Movie, scan = true): Movie {
  const px = movie.height * movie.width;
  if (px > MAX_FRAME_PIXELS) {
    movie.close();
    throw new SparsedynError(
      "BAD_FILE",
      `${movie.path}: frames of ${movie.height}×${movie.width} pixels are implausibly large`,
      {
        file: movie.path,
      },
    );
  }
  const read = movie.read.bind(movie);
  movie.read = async (start, count) => {
    checkRange(movie, start, count);
    if (count * px > MAX_READ_VALUES) {
      throw new SparsedynError(
        "INVALID_ARGUMENT",
        `${movie.path}: ${count} frames at once exceed ${MAX_READ_VALUES} values; read in chunks`,
        {
          argument: "count",
          file: movie.path,
        },
      );
    }
    const out = await read(start, count);
    // Integer samples cannot be NaN or infinite: only float movies need the scan.
    if (!scan || !movie.dtype.startsWith("float")) return out;
    for (let i = 0; i < out.length; i++) {
      if (!Number.isFinite(out[i])) {
        const f = start + Math.floor(i / px);
        throw new SparsedynError(
          "BAD_FILE",
          `${movie.path}: frame ${f} holds a non-finite value (${out[i]}) at pixel ${i % px}`,
          {
            file: movie.path,
          },
        );
      }
    }
    return out;
  };
  return movie;
}

/** Checks a read range against a movie's length (shared by the readers). */
export function checkRange(
  movie: { path: string; frames: number },
  start: number,
  count: number,
): void {
  if (
    !Number.isInteger(start) || !Number.isInteger(count) || start < 0 || count < 0 ||
    start + count > movie.frames
  ) {
    throw new SparsedynError(
      "INVALID_ARGUMENT",
      `${movie.path}: frames [${start}, ${
        start + count
      }) are outside the movie's ${movie.frames} frames`,
      { argument: "start", file: movie.path },
    );
  }
}
