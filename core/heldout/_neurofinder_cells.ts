/**
 * The neurofinder regions reader of `cell_masks.ts`: a JSON list of pixel lists, one per
 * cell, in file order; the frame size comes from the caller.
 *
 * @module
 */
import { badFile, type CellMask, type FrameShape, frameShape, paint } from "./_cell_mask_common.ts";

/** The cells of a neurofinder regions JSON (a file neither NPY nor HDF5 is tried as one). */
export function readNeurofinder(path: string, bytes: Uint8Array, shape?: FrameShape): CellMask {
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
