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
 * Opens a movie file by its extension.
 *
 * @param path The file.
 * @param options Selection options (see {@link MovieOptions}).
 * @returns The movie; call `close()` when done.
 * @throws {SparsedynError} `IO` for a missing or unreadable path; `BAD_FILE` for a
 *   directory, an unknown format, or a file whose content is not a readable movie (the
 *   message names the file and the reason).
 */
export async function openMovie(path: string, options: MovieOptions = {}): Promise<Movie> {
  const lower = path.toLowerCase();
  const ext = Object.keys(READERS).find((e) => lower.endsWith(e));
  if (!ext) {
    const known = Object.keys(READERS).join(", ");
    throw new SparsedynError("BAD_FILE", `${path}: unknown movie format (readable: ${known})`, {
      file: path,
    });
  }
  return (await READERS[ext]())(path, options);
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
