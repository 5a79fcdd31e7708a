/**
 * What the cell-mask readers (`cell_masks.ts` and the `_*_cells.ts` files) share: the mask
 * and shape types, the `BAD_FILE` error, the frame-size check, painting a pixel (the first
 * cell keeps it) and the descr of an NPY header (which tells a Suite2p `stat.npy` from a mask).
 *
 * @module
 */
import { SparsedynError } from "../errors.ts";

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

/** The readers' error for a malformed file: `BAD_FILE`, naming the file and `why`. */
export function badFile(path: string, why: string): SparsedynError {
  return new SparsedynError("BAD_FILE", `${path}: ${why}`, { file: path });
}

/** The given shape, checked against the file's own (either may be absent). */
export function frameShape(
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
export function paint(labels: Int32Array, p: number, k: number) {
  if (labels[p] === 0) labels[p] = k;
}

/** The descr of an NPY header and where its data start, without parsing the dtype. */
export function npyDescr(bytes: Uint8Array, path: string): { descr: string; start: number } {
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
