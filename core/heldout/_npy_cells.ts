/**
 * The NPY mask reader of `cell_masks.ts`: an H×W label or binary mask (a binary one's cells
 * are its 8-connected components) or a K×H×W stack of one mask per cell.
 *
 * @module
 */
import { decodeNpy, parseNpyHeader } from "../data/npy.ts";
import {
  badFile,
  type CellMask,
  type FrameShape,
  frameShape,
  npyDescr,
  paint,
} from "./_cell_mask_common.ts";

// Masks come as bool, int64 (NumPy's default integer, scikit-image's labels) or uint64,
// which the movie reader's decodeNpy does not take. Their descr literals have the same
// length as "<f8", so the header is rewritten in place and the data widened to float64.
const WIDEN: Record<string, [number, (v: DataView, o: number) => number]> = {
  "|b1": [1, (v, o) => v.getUint8(o) === 0 ? 0 : 1],
  "<i8": [8, (v, o) => Number(v.getBigInt64(o, true))],
  "<u8": [8, (v, o) => Number(v.getBigUint64(o, true))],
};

/** The NPY bytes with a bool, int64 or uint64 array widened to float64 (others as they are). */
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

/** The cells of a numeric NPY mask: a label image, a binary mask or a K×H×W stack. */
export function readNpyCells(path: string, bytes: Uint8Array, shape?: FrameShape): CellMask {
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
