/**
 * The Suite2p reader of `cell_masks.ts`: `stat.npy` (a pickled object array of dicts with
 * `ypix`, `xpix`), filtered by the `iscell.npy` beside it, on the frames of the `ops.npy`
 * beside it; with the unpickling of the NumPy arrays inside it.
 *
 * @module
 */
import { dirname, join } from "node:path";
import { ioError, SparsedynError } from "../errors.ts";
import { decodeNpy } from "../data/npy.ts";
import { type PickledObject, unpickle } from "../data/pickle.ts";
import { readSuite2pOps } from "../data/suite2p_movie.ts";
import {
  badFile,
  type CellMask,
  type CellMaskOptions,
  type FrameShape,
  frameShape,
  npyDescr,
  paint,
} from "./_cell_mask_common.ts";

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

/** Whether `path` is a file (false when it is missing or cannot be looked at). */
async function exists(path: string): Promise<boolean> {
  try {
    return (await Deno.stat(path)).isFile;
  } catch {
    return false;
  }
}

/**
 * The cells of a Suite2p `stat.npy`: those `iscell.npy` keeps (unless `includeNonCells`), on
 * the frames of `ops.npy` or `shape`.
 */
export async function readSuite2pCells(
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
