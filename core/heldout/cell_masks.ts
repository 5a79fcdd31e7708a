/**
 * Ground-truth cells in the formats labs keep them, read into one form: an H×W label
 * image (0 = no cell, k = cell k, 1-based; where cells overlap the first keeps the pixel).
 *
 * The format is told by the file's content, not its name:
 *
 * - **neurofinder** regions JSON, `[{"id": …, "coordinates": [[row, col], …]}, …]`: pixel
 *   lists in file order. The JSON holds no frame size, so `shape` is required.
 * - **NPY**, numeric: an H×W mask — distinct positive integers are distinct cells
 *   (renumbered 1…K in ascending order); a mask with one nonzero value (0/1, bool, 0/255)
 *   or non-integer weights is binary, its cells the 8-connected components of its nonzero
 *   pixels, numbered in raster order of their first pixel (as `scipy.ndimage.label`) — or a
 *   K×H×W stack with one mask per cell (nonzero = in cell k).
 * - **Suite2p** `stat.npy` (an object array of dicts with `ypix`, `xpix`), with the
 *   `iscell.npy` beside it when there is one: cells whose `iscell[k, 0]` is ≤ 0.5 are
 *   dropped unless `includeNonCells`. The frame size comes from `shape` or from the
 *   `ops.npy` beside it (`Ly`, `Lx`).
 * - **NWB** / HDF5: a `PlaneSegmentation` group (named by the `dataset` option, else the one
 *   group whose `neurodata_type` says so), with `image_mask` (K×H×W, > 0 = in the cell) or
 *   `pixel_mask` + `pixel_mask_index` (see {@link readCellMask} for which of x, y is the
 *   row). An `iscell` column, as Suite2p's NWB export writes, filters like `iscell.npy`.
 *
 * `cells` is the number of cells the file defines (after dropping non-cells); labels run
 * 1…cells, and a cell can end up covering no pixel (hidden under an earlier one).
 *
 * {@link maskToProcessed} brings a mask onto the frames of a preprocessed movie (crop,
 * then block downsampling).
 *
 * @example Read neurofinder regions
 * ```ts
 * import { readCellMask } from "./cell_masks.ts";
 *
 * const dir = await Deno.makeTempDir();
 * const regions = [{ id: 0, coordinates: [[0, 0], [0, 1]] }, { id: 1, coordinates: [[2, 2]] }];
 * await Deno.writeTextFile(`${dir}/regions.json`, JSON.stringify(regions));
 * const m = await readCellMask(`${dir}/regions.json`, { height: 3, width: 3 });
 * if (m.cells !== 2 || m.format !== "neurofinder" || m.labels.join("") !== "110000002") {
 *   throw new Error(m.labels.join(""));
 * }
 * await Deno.remove(dir, { recursive: true });
 * ```
 *
 * @module
 */
import { dirname, join } from "node:path";
import { ioError, SparsedynError } from "../errors.ts";
import { hdf5FileError, openHdf5 } from "../data/hdf5_open.ts";
import { decodeNpy, parseNpyHeader } from "../data/npy.ts";
import { type PickledObject, unpickle } from "../data/pickle.ts";
import { processedShape } from "../data/preprocess.ts";
import { readSuite2pOps } from "../data/suite2p_movie.ts";

/** Cells on a frame, as a label image. */
export interface CellMask {
  /** Frame height in pixels. */
  height: number;
  /** Frame width in pixels. */
  width: number;
  /** Number of cells; labels run 1…cells. */
  cells: number;
  /** H×W, row-major: 0 = no cell, k = cell k (where cells overlap, the first keeps the pixel). */
  labels: Int32Array;
  /** The format the cells were read from. */
  format: "neurofinder" | "npy" | "suite2p" | "nwb";
  /** The file they were read from. */
  path: string;
}

/** A frame size. */
export interface FrameShape {
  /** Rows. */
  height: number;
  /** Columns. */
  width: number;
}

/** Options of {@link readCellMask}. */
export interface CellMaskOptions {
  /** NWB: path of the PlaneSegmentation group (default: the one the file holds). */
  dataset?: string;
  /** Suite2p / NWB with an `iscell` column: keep the ROIs classified as non-cells too. */
  includeNonCells?: boolean;
}

/**
 * Reads ground-truth cells from a neurofinder JSON, NPY, Suite2p `stat.npy` or NWB file.
 *
 * NWB's `pixel_mask` holds (x, y, weight) rows; this reader takes **x as the row** (the
 * first spatial axis) and y as the column. The schema names the axes of `image_mask`
 * (num_roi, num_x, num_y) and of an imaging series' data (num_times, num_x, num_y), so x
 * is the first spatial axis there, and Suite2p's NWB export writes x = `ypix` (its row).
 * (pynwb's `pixel_to_image` helper reads x as the column; a file written to that
 * convention comes out transposed, and on a non-square frame usually fails the
 * out-of-frame check, whose message then says so.) Listed pixels with weight ≤ 0 are left
 * out, as `image_mask` values ≤ 0 are.
 *
 * The NWB file is opened with the HDF5 library on the calling thread: these are small
 * datasets, read once (a movie's reader runs it on a worker, with time limits).
 *
 * @param path The file.
 * @param shape The frame size: required for neurofinder JSON, for Suite2p without an
 *   `ops.npy` beside `stat.npy`, and for an NWB `pixel_mask` when the file holds no imaging
 *   series to take it from; where the file has its own, the two must agree.
 * @param options `dataset` (NWB) and `includeNonCells` (Suite2p, NWB `iscell`).
 * @returns The cells as a label image.
 * @throws {SparsedynError} `IO` when the file cannot be read; `BAD_FILE` naming the file
 *   and the reason when it is malformed, not a cell-mask format, or places a pixel outside
 *   the frame; `INVALID_ARGUMENT` (argument `shape`) when the shape is missing where
 *   required, not positive integers, or differs from the file's own.
 *
 * @example A binary NPY mask: its cells are its connected components
 * ```ts
 * import { readCellMask } from "./cell_masks.ts";
 * import { encodeNpy } from "../data/npy.ts";
 *
 * const dir = await Deno.makeTempDir();
 * await Deno.writeFile(`${dir}/mask.npy`, encodeNpy(Float64Array.of(1, 0, 1, 1, 0, 0), [2, 3]));
 * const m = await readCellMask(`${dir}/mask.npy`);
 * if (m.cells !== 2 || m.labels.join("") !== "102100") throw new Error(m.labels.join(""));
 * await Deno.remove(dir, { recursive: true });
 * ```
 */
export async function readCellMask(
  path: string,
  shape?: FrameShape,
  options: CellMaskOptions = {},
): Promise<CellMask> {
  if (shape !== undefined) {
    for (const k of ["height", "width"] as const) {
      if (!Number.isSafeInteger(shape[k]) || shape[k] < 1) {
        throw new SparsedynError(
          "INVALID_ARGUMENT",
          `shape.${k} must be an integer ≥ 1; got ${shape[k]}`,
          { argument: "shape" },
        );
      }
    }
  }
  let head: Uint8Array;
  try {
    const info = await Deno.stat(path);
    if (info.isDirectory) {
      throw new SparsedynError("BAD_FILE", `${path}: is a directory, not a cell-mask file`, {
        file: path,
      });
    }
    const fh = await Deno.open(path);
    try {
      head = new Uint8Array(8);
      head = head.subarray(0, (await fh.read(head)) ?? 0);
    } finally {
      fh.close();
    }
  } catch (err) {
    if (err instanceof SparsedynError) throw err;
    throw ioError("read", path, err);
  }
  const HDF5 = [0x89, 0x48, 0x44, 0x46, 0x0d, 0x0a, 0x1a, 0x0a];
  if (head.length === 8 && HDF5.every((b, i) => head[i] === b)) {
    return await readNwbCells(path, shape, options);
  }
  let bytes: Uint8Array;
  try {
    bytes = await Deno.readFile(path);
  } catch (err) {
    throw ioError("read", path, err);
  }
  const NPY = [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59];
  if (NPY.every((b, i) => bytes[i] === b)) {
    return npyDescr(bytes, path).descr === "|O"
      ? await readSuite2pCells(path, bytes, shape, options)
      : readNpyCells(path, bytes, shape);
  }
  return readNeurofinder(path, bytes, shape);
}

function badFile(path: string, why: string): SparsedynError {
  return new SparsedynError("BAD_FILE", `${path}: ${why}`, { file: path });
}

/** The given shape, checked against the file's own (either may be absent). */
function frameShape(
  path: string,
  own: FrameShape | undefined,
  given: FrameShape | undefined,
  ownFrom: string,
  needWhy: string,
): FrameShape {
  if (own && given && (own.height !== given.height || own.width !== given.width)) {
    throw new SparsedynError(
      "INVALID_ARGUMENT",
      `${path}: the cells lie on ${own.height}×${own.width} frames (${ownFrom}) but shape is ${given.height}×${given.width}`,
      { argument: "shape", file: path },
    );
  }
  const s = given ?? own;
  if (!s) {
    throw new SparsedynError(
      "INVALID_ARGUMENT",
      `${path}: ${needWhy}: give shape (the frame's height and width)`,
      { argument: "shape", file: path },
    );
  }
  return s;
}

/** Gives pixel p to cell k unless an earlier cell holds it. */
function paint(labels: Int32Array, p: number, k: number) {
  if (labels[p] === 0) labels[p] = k;
}

// --- neurofinder -----------------------------------------------------------------------

function readNeurofinder(path: string, bytes: Uint8Array, shape?: FrameShape): CellMask {
  let regions: unknown;
  try {
    regions = JSON.parse(new TextDecoder("utf-8", { fatal: true }).decode(bytes));
  } catch (err) {
    throw badFile(
      path,
      `not a cell-mask file: not NWB/HDF5, not NPY, and not neurofinder JSON (${
        err instanceof Error ? err.message : err
      })`,
    );
  }
  if (!Array.isArray(regions)) {
    throw badFile(
      path,
      `neurofinder regions must be a JSON list ([{"coordinates": [[row, col], …]}, …]); got ${
        regions === null ? "null" : typeof regions
      }`,
    );
  }
  const { height: H, width: W } = frameShape(
    path,
    undefined,
    shape,
    "",
    "neurofinder regions hold no frame size",
  );
  const labels = new Int32Array(H * W);
  regions.forEach((region, i) => {
    const id = (region as { id?: unknown })?.id;
    const name = `region ${i}${id === undefined ? "" : ` (id ${JSON.stringify(id)})`}`;
    const coords = (region as { coordinates?: unknown })?.coordinates;
    if (!Array.isArray(coords)) throw badFile(path, `${name} has no "coordinates" list`);
    for (const c of coords) {
      if (
        !Array.isArray(c) || c.length !== 2 || !Number.isInteger(c[0]) || !Number.isInteger(c[1])
      ) {
        throw badFile(path, `${name} has coordinate ${JSON.stringify(c)}, not [row, col] integers`);
      }
      const [r, col] = c as [number, number];
      if (r < 0 || r >= H || col < 0 || col >= W) {
        throw badFile(path, `${name} has coordinate [${r}, ${col}] outside the ${H}×${W} frame`);
      }
      paint(labels, r * W + col, i + 1);
    }
  });
  return { height: H, width: W, cells: regions.length, labels, format: "neurofinder", path };
}

// --- NPY -------------------------------------------------------------------------------

/** The descr of an NPY header and where its data start, without parsing the dtype. */
function npyDescr(bytes: Uint8Array, path: string): { descr: string; start: number } {
  if (bytes.length < 12) throw badFile(path, "not a readable NPY file: truncated header");
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const major = bytes[6];
  const start = (major === 1 ? 10 : 12) +
    (major === 1 ? view.getUint16(8, true) : view.getUint32(8, true));
  if (start > bytes.length) throw badFile(path, "not a readable NPY file: truncated header");
  const text = new TextDecoder("latin1").decode(bytes.subarray(0, start));
  const descr = /'descr'\s*:\s*'([^']+)'/.exec(text)?.[1];
  if (!descr) throw badFile(path, "not a readable NPY file: no descr in the header");
  return { descr, start };
}

// Masks come as bool, int64 (NumPy's default integer, scikit-image's labels) or uint64,
// which the movie reader's decodeNpy does not take. Their descr literals have the same
// length as "<f8", so the header is rewritten in place and the data widened to float64.
const WIDEN: Record<string, [number, (v: DataView, o: number) => number]> = {
  "|b1": [1, (v, o) => v.getUint8(o) === 0 ? 0 : 1],
  "<i8": [8, (v, o) => Number(v.getBigInt64(o, true))],
  "<u8": [8, (v, o) => Number(v.getBigUint64(o, true))],
};

function widenNpy(bytes: Uint8Array, path: string): Uint8Array {
  const { descr, start } = npyDescr(bytes, path);
  const w = WIDEN[descr];
  if (!w) return bytes;
  const header = bytes.slice(0, start);
  const text = new TextDecoder("latin1").decode(header);
  const at = text.indexOf(`'${descr}'`);
  header.set(new TextEncoder().encode("'<f8'"), at);
  const h = parseNpyHeader(header, path);
  const count = h.shape.reduce((a, b) => a * b, 1);
  const [size, get] = w;
  if (bytes.length - start < count * size) {
    throw badFile(
      path,
      `not a readable NPY file: data holds ${bytes.length - start} bytes, shape (${
        h.shape.join(", ")
      }) of ${descr} needs ${count * size}`,
    );
  }
  const out = new Uint8Array(start + count * 8);
  out.set(header);
  const src = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const dst = new DataView(out.buffer);
  for (let i = 0; i < count; i++) dst.setFloat64(start + 8 * i, get(src, start + size * i), true);
  return out;
}

function readNpyCells(path: string, bytes: Uint8Array, shape?: FrameShape): CellMask {
  const arr = decodeNpy(widenNpy(bytes, path), path);
  const dims = arr.shape;
  if (dims.length !== 2 && dims.length !== 3) {
    throw badFile(
      path,
      `holds an array of shape (${
        dims.join(", ")
      }); expected H×W (a label or binary mask) or K×H×W (one mask per cell)`,
    );
  }
  const [H, W] = dims.slice(-2);
  if (H === 0 || W === 0) throw badFile(path, `holds an empty ${H}×${W} frame`);
  frameShape(path, { height: H, width: W }, shape, "the NPY array's shape", "");
  const P = H * W, data = arr.data;
  for (let i = 0; i < data.length; i++) {
    if (!Number.isFinite(data[i])) {
      throw badFile(path, `holds ${data[i]} at element ${i}; a mask holds finite values`);
    }
  }
  const labels = new Int32Array(P);
  if (dims.length === 3) {
    const K = dims[0];
    for (let k = 0; k < K; k++) {
      for (let p = 0; p < P; p++) if (data[k * P + p] !== 0) paint(labels, p, k + 1);
    }
    return { height: H, width: W, cells: K, labels, format: "npy", path };
  }
  const distinct = new Set<number>();
  let integers = true;
  for (let p = 0; p < P; p++) {
    const v = data[p];
    if (v < 0) {
      throw badFile(
        path,
        `holds ${v} at (${Math.floor(p / W)}, ${p % W}); a mask holds 0 and positive values`,
      );
    }
    if (v !== 0) {
      distinct.add(v);
      if (!Number.isInteger(v)) integers = false;
    }
  }
  if (integers && distinct.size >= 2) {
    const order = [...distinct].sort((a, b) => a - b);
    const rank = new Map(order.map((v, i) => [v, i + 1]));
    for (let p = 0; p < P; p++) labels[p] = data[p] === 0 ? 0 : rank.get(data[p])!;
    return { height: H, width: W, cells: order.length, labels, format: "npy", path };
  }
  const cells = components(data, H, W, labels);
  return { height: H, width: W, cells, labels, format: "npy", path };
}

/** Labels the 8-connected components of the nonzero pixels in raster order; returns their count. */
function components(data: ArrayLike<number>, H: number, W: number, labels: Int32Array): number {
  let n = 0;
  const stack: number[] = [];
  for (let s = 0; s < H * W; s++) {
    if (data[s] === 0 || labels[s] !== 0) continue;
    labels[s] = ++n;
    stack.push(s);
    while (stack.length > 0) {
      const p = stack.pop()!, y = Math.floor(p / W), x = p % W;
      for (let dy = -1; dy <= 1; dy++) {
        const yy = y + dy;
        if (yy < 0 || yy >= H) continue;
        for (let dx = -1; dx <= 1; dx++) {
          const xx = x + dx;
          if (xx < 0 || xx >= W) continue;
          const q = yy * W + xx;
          if (data[q] !== 0 && labels[q] === 0) {
            labels[q] = n;
            stack.push(q);
          }
        }
      }
    }
  }
  return n;
}

// --- Suite2p ---------------------------------------------------------------------------

const NUMPY_CODES: Record<string, [number, (v: DataView, o: number, le: boolean) => number]> = {
  b1: [1, (v, o) => v.getUint8(o)],
  i1: [1, (v, o) => v.getInt8(o)],
  u1: [1, (v, o) => v.getUint8(o)],
  i2: [2, (v, o, le) => v.getInt16(o, le)],
  u2: [2, (v, o, le) => v.getUint16(o, le)],
  i4: [4, (v, o, le) => v.getInt32(o, le)],
  u4: [4, (v, o, le) => v.getUint32(o, le)],
  i8: [8, (v, o, le) => Number(v.getBigInt64(o, le))],
  u8: [8, (v, o, le) => Number(v.getBigUint64(o, le))],
  f4: [4, (v, o, le) => v.getFloat32(o, le)],
  f8: [8, (v, o, le) => v.getFloat64(o, le)],
};

/** Raw bytes as the pickle gave them: bytes, or (protocol 2) a latin-1 string. */
function rawBytes(raw: unknown): Uint8Array | undefined {
  if (raw instanceof Uint8Array) return raw;
  const enc = raw as PickledObject;
  const s = typeof raw === "string"
    ? raw
    : enc?.$class === "_codecs.encode" && typeof enc.args?.[0] === "string"
    ? enc.args[0] as string
    : undefined;
  return s === undefined ? undefined : Uint8Array.from(s, (c) => c.charCodeAt(0));
}

/**
 * The elements of a pickled NumPy array, flat in storage order: numbers for a numeric
 * array, the objects for an object array. `np.save` pickles an array as
 * `_reconstruct` + state (version, shape, dtype, fortran, data); protocol 5 as
 * `_frombuffer(data, dtype, shape, order)`. A plain list is taken as it is.
 */
function numpyElements(v: unknown): unknown[] | undefined {
  if (Array.isArray(v)) return v;
  const o = v as PickledObject;
  if (typeof o?.$class !== "string") return undefined;
  let dtype: unknown, raw: unknown;
  if (/multiarray\._reconstruct$/.test(o.$class) && Array.isArray(o.state)) {
    const st = o.state as unknown[];
    [dtype, raw] = st.length >= 5 ? [st[2], st[4]] : [st[1], st[3]];
  } else if (/numeric\._frombuffer$/.test(o.$class) && Array.isArray(o.args)) {
    [raw, dtype] = o.args;
  } else return undefined;
  if (Array.isArray(raw)) return raw; // an object array: its items
  const d = dtype as PickledObject;
  const code = String(d?.args?.[0] ?? "");
  const order = Array.isArray(d?.state) ? String(d.state[1]) : "<";
  const reader = NUMPY_CODES[code];
  const b = rawBytes(raw);
  if (!reader || !b) return undefined;
  const [size, get] = reader;
  const view = new DataView(b.buffer, b.byteOffset, b.byteLength);
  const le = order !== ">";
  return Array.from({ length: Math.floor(b.length / size) }, (_, i) => get(view, i * size, le));
}

async function exists(path: string): Promise<boolean> {
  try {
    return (await Deno.stat(path)).isFile;
  } catch {
    return false;
  }
}

async function readSuite2pCells(
  path: string,
  bytes: Uint8Array,
  shape: FrameShape | undefined,
  options: CellMaskOptions,
): Promise<CellMask> {
  const { start } = npyDescr(bytes, path);
  const stat = numpyElements(unpickle(bytes.subarray(start), path));
  if (!stat || stat.some((s) => typeof s !== "object" || s === null || !("ypix" in s))) {
    throw badFile(path, "an object array, but not Suite2p's stat (dicts with ypix and xpix)");
  }
  const dir = dirname(path);
  const opsPath = join(dir, "ops.npy"), iscellPath = join(dir, "iscell.npy");
  let own: FrameShape | undefined;
  if (await exists(opsPath)) {
    const ops = await readSuite2pOps(opsPath);
    own = { height: ops.Ly, width: ops.Lx };
  }
  const { height: H, width: W } = frameShape(
    path,
    own,
    shape,
    `Ly, Lx of ${opsPath}`,
    "Suite2p's stat.npy holds no frame size and there is no ops.npy beside it",
  );
  let keep: boolean[] | undefined;
  if (!options.includeNonCells && await exists(iscellPath)) {
    let iscell;
    try {
      iscell = decodeNpy(await Deno.readFile(iscellPath), iscellPath);
    } catch (err) {
      throw err instanceof SparsedynError ? err : ioError("read", iscellPath, err);
    }
    const cols = iscell.shape.length === 2 ? iscell.shape[1] : 1;
    if (iscell.shape[0] !== stat.length || iscell.shape.length > 2 || cols < 1) {
      throw badFile(
        iscellPath,
        `has shape (${
          iscell.shape.join(", ")
        }) but ${path} holds ${stat.length} ROIs; expected (${stat.length}, 2)`,
      );
    }
    keep = Array.from({ length: stat.length }, (_, k) => iscell.data[k * cols] > 0.5);
  }
  const labels = new Int32Array(H * W);
  let n = 0;
  stat.forEach((s, k) => {
    if (keep && !keep[k]) return;
    n++;
    const d = s as Record<string, unknown>;
    const ys = numpyElements(d.ypix), xs = numpyElements(d.xpix);
    if (!ys || !xs || ys.length !== xs.length) {
      throw badFile(path, `ROI ${k}: ypix and xpix are not integer arrays of one length`);
    }
    for (let i = 0; i < ys.length; i++) {
      const y = ys[i] as number, x = xs[i] as number;
      if (!Number.isInteger(y) || !Number.isInteger(x)) {
        throw badFile(path, `ROI ${k}: pixel (${y}, ${x}) is not a pair of integers`);
      }
      if (y < 0 || y >= H || x < 0 || x >= W) {
        throw badFile(
          path,
          `ROI ${k} has pixel (y ${y}, x ${x}) outside the ${H}×${W} frame${
            shape ? "" : ` (frame size from ${opsPath})`
          }`,
        );
      }
      paint(labels, y * W + x, n);
    }
  });
  return { height: H, width: W, cells: n, labels, format: "suite2p", path };
}

// --- NWB -------------------------------------------------------------------------------

// deno-lint-ignore no-explicit-any
type H5 = any;

const SERIES = new Set(["TwoPhotonSeries", "OnePhotonSeries", "ImageSeries"]);

async function readNwbCells(
  path: string,
  shape: FrameShape | undefined,
  options: CellMaskOptions,
): Promise<CellMask> {
  const { h5wasm, file } = await openHdf5(path);
  // h5wasm does not throw when the library fails to open a file: it hands back an invalid
  // (negative) id, on which every later call fails with a less helpful message.
  if (file.file_id < 0) throw badFile(path, "HDF5 library could not open it (corrupt or not HDF5)");
  try {
    return readPlaneSegmentation(h5wasm, file, path, shape, options);
  } catch (err) {
    if (err instanceof SparsedynError) throw err;
    if (err instanceof Error && err.name === "NotCapable") {
      throw new SparsedynError(
        "IO",
        `${path}: the HDF5 library needs a permission: ${err.message}`,
        {
          file: path,
          cause: err,
        },
      );
    }
    throw hdf5FileError(path, err, "read");
  } finally {
    try {
      file.close();
    } catch { /* already closed */ }
  }
}

/** An open NWB file: the HDF5 library (for its classes), the file and its path. */
interface NwbFile {
  h5wasm: H5;
  file: H5;
  path: string;
}

/** The PlaneSegmentation group that holds the cells, where it is and what it holds. */
interface Segmentation {
  group: H5;
  /** Its path in the file. */
  at: string;
  /** The names of its members. */
  keys: string[];
}

/** The cells of the file's PlaneSegmentation: from its `image_mask` or its `pixel_mask`. */
function readPlaneSegmentation(
  h5wasm: H5,
  file: H5,
  path: string,
  shape: FrameShape | undefined,
  options: CellMaskOptions,
): CellMask {
  const nwb: NwbFile = { h5wasm, file, path };
  const seg = options.dataset !== undefined
    ? namedPlaneSegmentation(nwb, options.dataset)
    : onlyPlaneSegmentation(nwb);
  if (seg.keys.includes("image_mask")) return imageMaskCells(nwb, seg, shape, options);
  if (!seg.keys.includes("pixel_mask")) {
    throw badFile(path, `${seg.at} has neither image_mask nor pixel_mask`);
  }
  if (!seg.keys.includes("pixel_mask_index")) {
    throw badFile(
      path,
      `${member(seg, "pixel_mask")} has no pixel_mask_index to split it into cells`,
    );
  }
  return pixelMaskCells(nwb, seg, shape, options);
}

/** The path of a member of the group. */
function member(seg: Segmentation, name: string): string {
  return `${seg.at.replace(/\/$/, "")}/${name}`;
}

/** An HDF5 object's `neurodata_type`, or undefined when it has none (or not a string). */
function neurodataType(x: H5): string | undefined {
  try {
    const v = x?.attrs?.neurodata_type?.value;
    return typeof v === "string" ? v : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Visits the groups under `g` (at path `at`), depth first, to 8 levels below; a group for
 * which `visit` returns true is not descended into.
 */
function walkGroups(
  h5wasm: H5,
  g: H5,
  at: string,
  depth: number,
  visit: (item: H5, p: string) => boolean,
): void {
  for (const k of g.keys()) {
    const item = g.get(k), p = `${at}/${k}`;
    if (item instanceof h5wasm.Group && !visit(item, p) && depth < 8) {
      walkGroups(h5wasm, item, p, depth + 1, visit);
    }
  }
}

/**
 * The group the `dataset` option names: a PlaneSegmentation, or an untyped group with an
 * `image_mask` or a `pixel_mask`.
 *
 * @throws {SparsedynError} `BAD_FILE` when there is no such group or it is something else.
 */
function namedPlaneSegmentation({ h5wasm, file, path }: NwbFile, at: string): Segmentation {
  const group = file.get(at);
  if (!group) throw badFile(path, `no group "${at}"`);
  if (!(group instanceof h5wasm.Group)) {
    throw badFile(path, `"${at}" is a dataset, not a PlaneSegmentation group`);
  }
  const t = neurodataType(group);
  const keys: string[] = group.keys();
  if (
    t !== "PlaneSegmentation" &&
    (t || !keys.some((k) => k === "image_mask" || k === "pixel_mask"))
  ) {
    throw badFile(
      path,
      `"${at}" is ${
        t ? `a ${t}` : "a group without image_mask or pixel_mask"
      }, not a PlaneSegmentation`,
    );
  }
  return { group, at, keys: group.keys() };
}

/**
 * The file's one PlaneSegmentation group.
 *
 * @throws {SparsedynError} `BAD_FILE` when it holds none, or several.
 */
function onlyPlaneSegmentation({ h5wasm, file, path }: NwbFile): Segmentation {
  const found: [H5, string][] = [];
  walkGroups(h5wasm, file, "", 0, (g, p) => {
    if (neurodataType(g) !== "PlaneSegmentation") return false;
    found.push([g, p]);
    return true;
  });
  if (found.length === 0) {
    throw badFile(
      path,
      "holds no PlaneSegmentation group (NWB keeps cells in one, e.g. /processing/ophys/ImageSegmentation/PlaneSegmentation)",
    );
  }
  if (found.length > 1) {
    throw badFile(
      path,
      `holds several PlaneSegmentation groups (${
        found.map((f) => f[1]).join(", ")
      }): choose one with the dataset option`,
    );
  }
  const [group, at] = found[0];
  return { group, at, keys: group.keys() };
}

/**
 * The frames of the file's imaging series, where there is one to go by (undefined when
 * there is none, or several that disagree).
 */
function seriesShape({ h5wasm, file }: NwbFile): FrameShape | undefined {
  const shapes: FrameShape[] = [];
  walkGroups(h5wasm, file, "", 0, (g) => {
    const t = neurodataType(g);
    if (!t || !SERIES.has(t)) return false;
    const data = g.keys().includes("data") ? g.get("data") : undefined;
    const s: number[] = data instanceof h5wasm.Dataset ? data.shape ?? [] : [];
    if (s.length === 3 && s[1] > 0 && s[2] > 0) shapes.push({ height: s[1], width: s[2] });
    return true;
  });
  const first = shapes[0];
  return first && shapes.every((s) => s.height === first.height && s.width === first.width)
    ? first
    : undefined;
}

/**
 * Which of the K ROIs are kept: by the group's `iscell` column (> 0.5 in its first column),
 * unless `includeNonCells` or there is none.
 *
 * @throws {SparsedynError} `BAD_FILE` when `iscell` does not hold one row per ROI.
 */
function keptRois(
  { h5wasm, path }: NwbFile,
  seg: Segmentation,
  K: number,
  options: CellMaskOptions,
): (k: number) => boolean {
  if (options.includeNonCells || !seg.keys.includes("iscell")) return () => true;
  const ds = seg.group.get("iscell");
  const s: number[] = ds instanceof h5wasm.Dataset ? ds.shape ?? [] : [];
  if (s[0] !== K || s.length > 2) {
    throw badFile(
      path,
      `${member(seg, "iscell")} has shape (${s.join(", ")}) but there are ${K} ROIs`,
    );
  }
  const cols = s.length === 2 ? s[1] : 1;
  const v = Array.from(ds.value as ArrayLike<number | bigint>, Number);
  return (k) => v[k * cols] > 0.5;
}

/**
 * The cells of an `image_mask` (K×H×W, > 0 = in the cell).
 *
 * @throws {SparsedynError} `BAD_FILE` for a mask that is not K×H×W with frames;
 *   `INVALID_ARGUMENT` for a `shape` that differs.
 */
function imageMaskCells(
  nwb: NwbFile,
  seg: Segmentation,
  shape: FrameShape | undefined,
  options: CellMaskOptions,
): CellMask {
  const { h5wasm, path } = nwb;
  const ds = seg.group.get("image_mask");
  const s: number[] = ds instanceof h5wasm.Dataset ? ds.shape ?? [] : [];
  if (s.length !== 3) {
    throw badFile(
      path,
      `${member(seg, "image_mask")} has shape (${s.join(", ")}); expected (cells, height, width)`,
    );
  }
  const [K, H, W] = s;
  if (H === 0 || W === 0) {
    throw badFile(path, `${member(seg, "image_mask")} has empty ${H}×${W} frames`);
  }
  frameShape(path, { height: H, width: W }, shape, `the shape of ${member(seg, "image_mask")}`, "");
  const kept = keptRois(nwb, seg, K, options);
  const labels = new Int32Array(H * W);
  let n = 0;
  for (let k = 0; k < K; k++) {
    if (!kept(k)) continue;
    n++;
    // One cell at a time: K full frames can be far larger than the label image.
    const m = ds.slice([[k, k + 1], [], []]) as ArrayLike<number | bigint>;
    for (let p = 0; p < H * W; p++) if (Number(m[p]) > 0) paint(labels, p, n);
  }
  return { height: H, width: W, cells: n, labels, format: "nwb", path };
}

/**
 * The cells of a `pixel_mask`, split by its `pixel_mask_index`; the frame size from `shape`
 * or the file's imaging series.
 *
 * @throws {SparsedynError} `BAD_FILE` for an index that does not fit or a pixel outside the
 *   frame; `INVALID_ARGUMENT` for a missing or differing `shape`.
 */
function pixelMaskCells(
  nwb: NwbFile,
  seg: Segmentation,
  shape: FrameShape | undefined,
  options: CellMaskOptions,
): CellMask {
  const path = nwb.path;
  const rows = pixelMaskRows(nwb, seg);
  const ends = pixelMaskEnds(nwb, seg, rows.length);
  const { height: H, width: W } = frameShape(
    path,
    seriesShape(nwb),
    shape,
    "the file's imaging series",
    `${
      member(seg, "pixel_mask")
    } holds no frame size and the file no imaging series to take it from`,
  );
  const kept = keptRois(nwb, seg, ends.length, options);
  const labels = new Int32Array(H * W);
  let n = 0;
  for (let k = 0; k < ends.length; k++) {
    if (!kept(k)) continue;
    n++;
    for (let i = k ? ends[k - 1] : 0; i < ends[k]; i++) {
      const [x, y, w] = rows[i];
      if (!Number.isInteger(x) || !Number.isInteger(y) || x < 0 || x >= H || y < 0 || y >= W) {
        throw outsideFrame(path, k, x, y, H, W);
      }
      if (w > 0) paint(labels, x * W + y, n);
    }
  }
  return { height: H, width: W, cells: n, labels, format: "nwb", path };
}

/** The error for a listed pixel outside the frame, saying when it fits transposed. */
function outsideFrame(
  path: string,
  k: number,
  x: number,
  y: number,
  H: number,
  W: number,
): SparsedynError {
  const swapped = Number.isInteger(x) && Number.isInteger(y) && y >= 0 && y < H && x >= 0 &&
    x < W;
  return badFile(
    path,
    `cell ${k} has pixel (x ${x}, y ${y}) outside the ${H}×${W} frame (x is read as the row)${
      swapped ? "; it fits with x as the column: was it written that way?" : ""
    }`,
  );
}

/**
 * The (x, y, weight) rows of a `pixel_mask`: a compound with fields x, y and (optionally)
 * weight, or an N×2 or N×3 numeric array (weight 1 when absent).
 *
 * @throws {SparsedynError} `BAD_FILE` for other fields or shapes.
 */
function pixelMaskRows({ path }: NwbFile, seg: Segmentation): number[][] {
  const pm = seg.group.get("pixel_mask");
  const members: string[] = (pm.metadata?.compound_type?.members ?? []).map(
    (m: { name: string }) => m.name,
  );
  if (members.length > 0) {
    const ix = members.indexOf("x"), iy = members.indexOf("y"), iw = members.indexOf("weight");
    if (ix < 0 || iy < 0) {
      throw badFile(
        path,
        `${member(seg, "pixel_mask")} has fields (${members.join(", ")}); expected x, y, weight`,
      );
    }
    return (pm.value as unknown[][]).map((r) => [
      Number(r[ix]),
      Number(r[iy]),
      iw < 0 ? 1 : Number(r[iw]),
    ]);
  }
  // Some writers store the rows as an N×3 numeric array.
  const s: number[] = pm.shape ?? [];
  if (s.length !== 2 || s[1] < 2) {
    throw badFile(
      path,
      `${member(seg, "pixel_mask")} has shape (${s.join(", ")}); expected (x, y, weight) rows`,
    );
  }
  const v = Array.from(pm.value as ArrayLike<number | bigint>, Number);
  return Array.from(
    { length: s[0] },
    (_, i) => [v[i * s[1]], v[i * s[1] + 1], s[1] > 2 ? v[i * s[1] + 2] : 1],
  );
}

/**
 * The `pixel_mask_index`: each cell's end offset into the rows.
 *
 * @throws {SparsedynError} `BAD_FILE` for an offset that is not an integer, decreases, or
 *   passes the last of the `count` rows.
 */
function pixelMaskEnds({ path }: NwbFile, seg: Segmentation, count: number): number[] {
  const index = seg.group.get("pixel_mask_index").value as ArrayLike<number | bigint>;
  const ends = Array.from(index, Number);
  for (let k = 0; k < ends.length; k++) {
    if (!Number.isInteger(ends[k]) || ends[k] < (k ? ends[k - 1] : 0) || ends[k] > count) {
      throw badFile(
        path,
        `${member(seg, "pixel_mask_index")}[${k}] = ${
          ends[k]
        } is not an end offset into the ${count} pixels`,
      );
    }
  }
  return ends;
}

// --- preprocessing ---------------------------------------------------------------------

/**
 * Brings a mask onto the frames of a preprocessed movie: the crop, then the block
 * downsampling of `core/data/preprocess.ts` (edges that do not fill a block dropped). A
 * downsampled pixel belongs to the cell that covers the majority (more than half) of its
 * block's pixels, else to none: a block counted as cell whenever any cell pixel fell in it
 * would swell every cell by up to a block at each edge, and so inflate the cell share.
 * Labels keep their numbers, and `cells` its value; a cell smaller than a block may vanish.
 *
 * @param mask The cells on the source frames.
 * @param spec `crop` (rectangle of the source frame) and `downsample` (block size), as for
 *   the movie.
 * @returns The cells on the processed frames.
 * @throws {SparsedynError} `INVALID_ARGUMENT` when the crop or downsample does not fit.
 *
 * @example
 * ```ts
 * import { maskToProcessed } from "./cell_masks.ts";
 *
 * // 2×4 frame; cell 1 fills the left block, covers 1 of 4 pixels of the right one.
 * const mask = { height: 2, width: 4, cells: 1, labels: Int32Array.of(1, 1, 1, 0, 1, 1, 0, 0), format: "npy" as const, path: "m.npy" };
 * const d = maskToProcessed(mask, { downsample: 2 });
 * if (d.width !== 2 || d.labels.join() !== "1,0") throw new Error(d.labels.join());
 * ```
 */
export function maskToProcessed(
  mask: CellMask,
  spec: {
    crop?: { top: number; left: number; height: number; width: number };
    downsample?: number;
  },
): CellMask {
  const { height: H, width: W } = processedShape(
    { frames: 1, height: mask.height, width: mask.width },
    { crop: spec.crop, downsample: spec.downsample },
  );
  const ds = spec.downsample ?? 1;
  const top = spec.crop?.top ?? 0, left = spec.crop?.left ?? 0;
  const labels = new Int32Array(H * W);
  const votes = new Map<number, number>();
  for (let y = 0; y < H; y++) {
    for (let x = 0; x < W; x++) {
      votes.clear();
      for (let dy = 0; dy < ds; dy++) {
        const row = (top + y * ds + dy) * mask.width + left + x * ds;
        for (let dx = 0; dx < ds; dx++) {
          const k = mask.labels[row + dx];
          if (k !== 0) votes.set(k, (votes.get(k) ?? 0) + 1);
        }
      }
      for (const [k, c] of votes) if (2 * c > ds * ds) labels[y * W + x] = k;
    }
  }
  return { ...mask, height: H, width: W, labels };
}
