/**
 * Suite2p's registered movie, `data.bin`: int16 frames, frame-major, with the frame size
 * (`Ly`, `Lx`) and rate (`fs`) taken from the `ops.npy` beside it — a pickled dict, of
 * which only those keys are read, without running any code — or from the `height`,
 * `width` and `rate` options.
 *
 * @example
 * ```ts
 * import { openSuite2pMovie } from "./suite2p_movie.ts";
 *
 * const m = await openSuite2pMovie(new URL("../../fixtures/movies/suite2p/plane0/data.bin", import.meta.url).pathname);
 * if (m.height !== 8 || m.width !== 10 || m.rate !== 15.5 || m.frames !== 6) throw new Error("suite2p");
 * m.close();
 * ```
 *
 * @module
 */
import { ioError, SparsedynError } from "../errors.ts";
import { FileReader } from "./_file_reader.ts";
import { checkRange, type Movie, type MovieOptions } from "./movie.ts";
import { parseNpyHeader } from "./npy.ts";
import { findDict, unpickle } from "./pickle.ts";

/** Reads Ly, Lx and fs from a Suite2p `ops.npy`. */
export async function readSuite2pOps(
  path: string,
): Promise<{ Ly: number; Lx: number; fs?: number }> {
  const bad = (why: string) => new SparsedynError("BAD_FILE", `${path}: ${why}`, { file: path });
  let bytes: Uint8Array;
  try {
    bytes = await Deno.readFile(path);
  } catch (err) {
    throw ioError("read", path, err);
  }
  // np.save of a dict: an NPY header with descr '|O', then the pickle of a 0-d object array.
  let start = 0;
  if (bytes[0] === 0x93) {
    const magic = [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59];
    if (bytes.length < 12 || !magic.every((b, i) => bytes[i] === b)) {
      throw bad("not an NPY file (or truncated)");
    }
    const major = bytes[6];
    const len = major === 1
      ? new DataView(bytes.buffer).getUint16(8, true)
      : new DataView(bytes.buffer).getUint32(8, true);
    start = (major === 1 ? 10 : 12) + len;
    if (start > bytes.length) throw bad("truncated NPY header");
    const text = new TextDecoder("latin1").decode(bytes.subarray(0, start));
    if (!/'descr'\s*:\s*'\|O'/.test(text)) {
      // A numeric NPY is not an ops dict; parse the header to say what it is.
      const h = parseNpyHeader(bytes, path);
      throw bad(
        `holds a ${h.descr} array of shape (${h.shape.join(", ")}), not Suite2p's ops dict`,
      );
    }
  }
  const ops = findDict(unpickle(bytes.subarray(start), path), ["Ly", "Lx"]);
  if (!ops) throw bad("no dict with Ly and Lx (is this Suite2p's ops.npy?)");
  const Ly = Number(ops.Ly),
    Lx = Number(ops.Lx),
    fs = ops.fs === undefined ? undefined : Number(ops.fs);
  if (!Number.isInteger(Ly) || !Number.isInteger(Lx) || Ly <= 0 || Lx <= 0) {
    throw bad(`Ly = ${String(ops.Ly)}, Lx = ${String(ops.Lx)} are not frame sizes`);
  }
  return { Ly, Lx, fs: fs !== undefined && fs > 0 ? fs : undefined };
}

/**
 * Opens a Suite2p `data.bin` as a movie.
 *
 * @param path The binary file.
 * @param options `height`, `width`, `rate`, overriding `ops.npy` (needed when it is absent).
 * @returns The movie.
 * @throws {SparsedynError} `BAD_FILE` when the size does not fit whole frames or no frame
 *   size is known.
 */
export async function openSuite2pMovie(path: string, options: MovieOptions = {}): Promise<Movie> {
  const dir = path.includes("/") ? path.slice(0, path.lastIndexOf("/")) : ".";
  let Ly = options.height, Lx = options.width, fs = options.rate;
  if (Ly === undefined || Lx === undefined || fs === undefined) {
    const opsPath = `${dir}/ops.npy`;
    const exists = await Deno.stat(opsPath).then(() => true, () => false);
    if (exists) {
      const ops = await readSuite2pOps(opsPath);
      Ly ??= ops.Ly;
      Lx ??= ops.Lx;
      fs ??= ops.fs;
    } else if (Ly === undefined || Lx === undefined) {
      throw new SparsedynError("BAD_FILE", `${path}: no ops.npy beside it: give height and width`, {
        file: path,
      });
    }
  }
  const file = await FileReader.open(path);
  const frameBytes = Ly! * Lx! * 2;
  if (file.size === 0 || file.size % frameBytes !== 0) {
    file.close();
    throw new SparsedynError(
      "BAD_FILE",
      `${path}: ${file.size} bytes is not a whole number of ${Ly}×${Lx} int16 frames (${frameBytes} bytes each)`,
      { file: path },
    );
  }
  const movie: Movie = {
    path,
    format: "suite2p",
    frames: file.size / frameBytes,
    height: Ly!,
    width: Lx!,
    dtype: "int16",
    rate: fs,
    metadata: { ops: options.height === undefined ? `${dir}/ops.npy` : null },
    async read(start, count) {
      checkRange(movie, start, count);
      const bytes = await file.read(start * frameBytes, count * frameBytes, "frames");
      const v = new Int16Array(bytes.buffer, bytes.byteOffset, bytes.byteLength / 2);
      return Float32Array.from(v);
    },
    close: () => file.close(),
  };
  return movie;
}
