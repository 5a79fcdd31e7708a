/**
 * The NWB reader of `cell_masks.ts`: the cells of a `PlaneSegmentation` group, from its
 * `image_mask` (K×H×W) or its `pixel_mask` + `pixel_mask_index` (x read as the row), kept by
 * an `iscell` column; finding that group, and the frame size from the imaging series.
 *
 * @module
 */
import { SparsedynError } from "../errors.ts";
import { hdf5FileError, openHdf5 } from "../data/hdf5_open.ts";
import {
  badFile,
  type CellMask,
  type CellMaskOptions,
  type FrameShape,
  frameShape,
  paint,
} from "./_cell_mask_common.ts";

// deno-lint-ignore no-explicit-any
type H5 = any;

const SERIES = new Set(["TwoPhotonSeries", "OnePhotonSeries", "ImageSeries"]);

/** The cells of an NWB / HDF5 file's PlaneSegmentation; library failures as `IO` / `BAD_FILE`. */
export async function readNwbCells(
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
        t ? `${/^[AEIOU]/.test(t) ? "an" : "a"} ${t}` : "a group without image_mask or pixel_mask"
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
