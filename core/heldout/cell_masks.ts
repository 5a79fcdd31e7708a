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
import { ioError, SparsedynError } from "../errors.ts";
import { processedShape } from "../data/preprocess.ts";
import {
  type CellMask,
  type CellMaskOptions,
  type FrameShape,
  npyDescr,
} from "./_cell_mask_common.ts";
import { readNeurofinder } from "./_neurofinder_cells.ts";
import { readNpyCells } from "./_npy_cells.ts";
import { readNwbCells } from "./_nwb_cells.ts";
import { readSuite2pCells } from "./_suite2p_cells.ts";

export type { CellMask, CellMaskOptions, FrameShape };

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
