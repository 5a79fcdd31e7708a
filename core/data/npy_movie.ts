/**
 * NPY movies, read by offset without loading the file: versions 1–3, dtypes
 * `|u1 |i1 <u2 <i2 <u4 <i4 <f4 <f8`, C or Fortran order, shape (T, H, W) or (T, H·W)
 * with the `height`/`width` options.
 *
 * @example
 * ```ts
 * import { openNpyMovie } from "./npy_movie.ts";
 * import { encodeNpy } from "./npy.ts";
 *
 * const dir = await Deno.makeTempDir();
 * await Deno.writeFile(`${dir}/flat.npy`, encodeNpy(new Float64Array(2 * 6), [2, 6]));
 * const m = await openNpyMovie(`${dir}/flat.npy`, { height: 2, width: 3 });
 * if (m.height !== 2 || m.width !== 3 || m.frames !== 2) throw new Error("(T, H·W)");
 * m.close();
 * await Deno.remove(dir, { recursive: true });
 * ```
 *
 * @module
 */
import { SparsedynError } from "../errors.ts";
import { FileReader } from "./_file_reader.ts";
import { checkRange, type Movie, type MovieOptions } from "./movie.ts";
import { npyElements, type NpyHeader, parseNpyHeader } from "./npy.ts";

const DTYPE_NAMES: Record<string, string> = {
  "|u1": "uint8",
  "|i1": "int8",
  "<u2": "uint16",
  "<i2": "int16",
  "<u4": "uint32",
  "<i4": "int32",
  "<f4": "float32",
  "<f8": "float64",
};

/**
 * Opens an NPY file as a movie.
 *
 * @param path The file.
 * @param options `height` and `width` for a (T, H·W) array.
 * @returns The movie.
 * @throws {SparsedynError} `BAD_FILE` for a malformed, truncated or wrongly shaped file.
 */
export async function openNpyMovie(path: string, options: MovieOptions = {}): Promise<Movie> {
  const file = await FileReader.open(path);
  try {
    const h = await readHeader(file);
    const bad = (why: string) => new SparsedynError("BAD_FILE", `${path}: ${why}`, { file: path });
    const [T, H, W] = movieShape(h, options, bad);
    const total = T * H * W * h.itemSize;
    if (h.dataOffset + total > file.size) {
      throw bad(
        `truncated: shape (${
          h.shape.join(", ")
        }) of ${h.descr} needs ${total} bytes of data, the file holds ${file.size - h.dataOffset}`,
      );
    }
    const movie: Movie = {
      path,
      format: "npy",
      frames: T,
      height: H,
      width: W,
      dtype: DTYPE_NAMES[h.descr] ?? h.descr,
      rate: options.rate,
      metadata: { descr: h.descr, fortranOrder: h.fortran, shape: h.shape },
      async read(start, count) {
        checkRange(movie, start, count);
        const out = new Float32Array(count * H * W);
        if (count === 0) return out;
        if (!h.fortran) await readCOrder(file, h, H * W, start, count, out);
        else await readFortranOrder(file, h, [T, H, W], start, count, out);
        return out;
      },
      close: () => file.close(),
    };
    return movie;
  } catch (err) {
    file.close();
    throw err;
  }
}

/** The header, read in one piece once its length is known from the first 12 bytes. */
async function readHeader(file: FileReader): Promise<NpyHeader> {
  const head = await file.readUpTo(0, 12, "header");
  let needed = 12;
  if (head.length >= 10 && head[6] === 1) {
    needed = 10 + new DataView(head.buffer).getUint16(8, true);
  } else if (head.length >= 12 && (head[6] === 2 || head[6] === 3)) {
    needed = 12 + new DataView(head.buffer).getUint32(8, true);
  }
  return parseNpyHeader(await file.readUpTo(0, Math.min(needed, 1 << 21), "header"), file.path);
}

/** The movie's frames, height and width: (T, H, W), or (T, H·W) with the frame size given. */
function movieShape(
  h: NpyHeader,
  options: MovieOptions,
  bad: (why: string) => SparsedynError,
): [number, number, number] {
  let T: number, H: number, W: number;
  if (h.shape.length === 3) {
    [T, H, W] = h.shape;
    if (options.height !== undefined && options.height !== H) {
      throw bad(`height ${options.height} given, but the array is (${h.shape.join(", ")})`);
    }
  } else if (h.shape.length === 2) {
    const [t, hw] = h.shape;
    if (options.height === undefined || options.width === undefined) {
      throw bad(`shape (${t}, ${hw}) is (frames, pixels): give height and width`);
    }
    if (options.height * options.width !== hw) {
      throw bad(
        `height × width = ${options.height * options.width} does not match ${hw} pixels per frame`,
      );
    }
    [T, H, W] = [t, options.height, options.width];
  } else throw bad(`expected shape (T, H, W) or (T, H·W); got (${h.shape.join(", ")})`);
  if (T === 0) throw bad("the movie has no frames");
  if (H === 0 || W === 0) throw bad(`frames of ${H}×${W} pixels`);
  return [T, H, W];
}

/** C order: frames [start, start + count) are one contiguous run of bytes. */
async function readCOrder(
  file: FileReader,
  h: NpyHeader,
  frameSize: number,
  start: number,
  count: number,
  out: Float32Array,
): Promise<void> {
  const bytes = await file.read(
    h.dataOffset + start * frameSize * h.itemSize,
    count * frameSize * h.itemSize,
    "frames",
  );
  npyElements(h.descr, new DataView(bytes.buffer), 0, count * frameSize, out);
}

/** Fortran order: time varies fastest, so each pixel's frames are contiguous; one read per pixel. */
async function readFortranOrder(
  file: FileReader,
  h: NpyHeader,
  [T, H, W]: [number, number, number],
  start: number,
  count: number,
  out: Float32Array,
): Promise<void> {
  const frameSize = H * W;
  const run = new Float32Array(count);
  for (let p = 0; p < frameSize; p++) {
    // (T, H, W) in Fortran order: element (t, y, x) at t + T·(y + H·x); (T, H·W): t + T·p.
    const y = p % H, x = Math.floor(p / H);
    const pixel = h.shape.length === 3 ? y + H * x : p;
    const bytes = await file.read(
      h.dataOffset + (pixel * T + start) * h.itemSize,
      count * h.itemSize,
      "frames",
    );
    npyElements(h.descr, new DataView(bytes.buffer), 0, count, run);
    const target = h.shape.length === 3 ? y * W + x : p;
    for (let f = 0; f < count; f++) out[f * frameSize + target] = run[f];
  }
}
