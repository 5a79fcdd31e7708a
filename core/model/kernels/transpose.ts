/**
 * `Transpose` for the `wasm` backend where the innermost axis moves (e.g. NHWC →
 * [C, H, W, N], which the filter gradient of every convolution needs): the backend's own
 * kernel walks the output with generic index arithmetic and reads the input at a large
 * stride, 5 ns per value on [64, 66, 66, 16]; this one finds the contiguous runs first and
 * copies in cache-sized tiles, reading runs of the input and filling several output rows
 * at once (about 4× faster there). Permutations that keep the innermost axis (contiguous
 * runs on both sides, which the backend copies fast) and other dtypes go to the backend's
 * own kernel.
 *
 * @example
 * ```ts
 * import { transposeValues } from "./transpose.ts";
 *
 * const out = new Int32Array(6);
 * transposeValues(Int32Array.of(1, 2, 3, 4, 5, 6), [2, 3], [1, 0], out);
 * if (out.join() !== "1,4,2,5,3,6") throw new Error(out.join());
 * ```
 *
 * @module
 */
import type { tf } from "../tf.ts";
import { allocate, heapI32, isWasmBackend } from "./heap.ts";
import { copyRun, forEachOffset, scatter } from "./moves.ts";

/**
 * The same permutation on the fewest axes: size-1 axes dropped, and input axes that stay
 * neighbours in the same order in the output merged.
 *
 * @param shape Input shape.
 * @param perm Output axis k = input axis perm[k].
 * @returns The reduced shape and permutation.
 */
export function collapsePermutation(
  shape: readonly number[],
  perm: readonly number[],
): { shape: number[]; perm: number[] } {
  // `| 0`: sizes that arrive as doubles would make every loop counter a double in V8's
  // code (measured 4× slower).
  shape = shape.map((n) => n | 0);
  const keep = shape.map((n) => n !== 1);
  const index: number[] = [];
  let next = 0;
  for (let i = 0; i < shape.length; i++) index.push(keep[i] ? next++ : -1);
  const s0 = shape.filter((_, i) => keep[i]);
  const p0 = perm.filter((a) => keep[a]).map((a) => index[a]);
  // Groups of consecutive input axes that are consecutive in the output too.
  const groups: number[][] = [];
  for (const a of p0) {
    const g = groups[groups.length - 1];
    if (g && g[g.length - 1] + 1 === a) g.push(a);
    else groups.push([a]);
  }
  const byStart = [...groups].sort((a, b) => a[0] - b[0]);
  return {
    shape: byStart.map((g) => g.reduce((n, a) => n * s0[a], 1)),
    perm: groups.map((g) => byStart.indexOf(g)),
  };
}

/**
 * Transposes C-order values: out[j] = x[i] where output axis k is input axis perm[k].
 *
 * @param x Input values.
 * @param shape Input shape.
 * @param perm The permutation.
 * @param out Output values (same length), C order in the permuted shape.
 */
export function transposeValues(
  x: Int32Array,
  shape: readonly number[],
  perm: readonly number[],
  out: Int32Array,
): void {
  const c = collapsePermutation(shape, perm);
  const r = c.shape.length;
  if (r <= 1) {
    out.set(x);
    return;
  }
  const s = c.shape, p = c.perm;
  const inStride = new Array<number>(r), outStride = new Array<number>(r);
  for (let k = r - 1, a = 1, b = 1; k >= 0; k--) {
    inStride[k] = a;
    a *= s[k];
    outStride[k] = b;
    b *= s[p[k]];
  }
  // Per input axis: its stride in the output.
  const outStrideOf = new Array<number>(r);
  for (let k = 0; k < r; k++) outStrideOf[p[k]] = outStride[k];
  if (p[r - 1] === r - 1) {
    // Innermost axis kept: whole runs on both sides.
    const run = s[r - 1];
    eachOuter(s, inStride, outStrideOf, [r - 1], (i, o) => copyRun(out, o, x, i, run));
    return;
  }
  // The tile: X = the output's innermost axis (input stride sa), Y = the input's innermost
  // axis (output stride sy), and M = the input axis next to Y (when it is neither), whose
  // values are taken TM at a time so that each read is a run of TM·Y values.
  const a = p[r - 1];
  const X = s[a], Y = s[r - 1], sa = inStride[a], sy = outStrideOf[r - 1];
  const m = r >= 3 && r - 2 !== a ? r - 2 : -1;
  const M = m >= 0 ? s[m] : 1, om = m >= 0 ? outStrideOf[m] : 0;
  const TM = Math.max(1, Math.min(M, Math.floor(256 / Y))) | 0;
  const TY = Math.min(Y, 256);
  const skip = m >= 0 ? [a, m, r - 1] : [a, r - 1];
  eachOuter(s, inStride, outStrideOf, skip, (bi, bo) => {
    for (let m0 = 0; m0 < M; m0 += TM) {
      const m1 = Math.min(M, m0 + TM);
      for (let y0 = 0; y0 < Y; y0 += TY) {
        const y1 = Math.min(Y, y0 + TY);
        for (let xx = 0; xx < X; xx++) {
          for (let mm = m0; mm < m1; mm++) {
            // Input axis m has stride Y (it is next to Y).
            scatter(out, bo + xx + mm * om + y0 * sy, sy, x, bi + xx * sa + mm * Y + y0, y1 - y0);
          }
        }
      }
    }
  });
}

/** Calls f(input offset, output offset) for every index of the axes not in `skip`. */
function eachOuter(
  s: number[],
  inStride: number[],
  outStrideOf: number[],
  skip: number[],
  f: (i: number, o: number) => void,
): void {
  forEachOffset(s, s.map((_, k) => k).filter((k) => !skip.includes(k)), inStride, outStrideOf, f);
}

/**
 * The replacement kernel, given the backend's own (which keeps the permutations it copies
 * fast, and other dtypes).
 *
 * @param own The backend's Transpose kernel function.
 * @returns The kernel function.
 */
export function transposeKernel(own: tf.KernelFunc): tf.KernelFunc {
  return (args) => {
    const { inputs, backend, attrs } = args;
    const x = inputs.x as tf.TensorInfo;
    const perm = (attrs as unknown as { perm: number[] }).perm;
    const c = collapsePermutation(x.shape, perm);
    const innermostKept = c.perm.length <= 1 || c.perm[c.perm.length - 1] === c.perm.length - 1;
    if (
      (x.dtype !== "float32" && x.dtype !== "int32") || !isWasmBackend(backend) || innermostKept
    ) {
      return own(args);
    }
    const out = allocate(backend, perm.map((a) => x.shape[a]), x.dtype);
    // Views taken after the allocation (the heap may have grown); Int32 moves keep every bit.
    transposeValues(heapI32(backend, x), x.shape, perm, heapI32(backend, out));
    return out;
  };
}
