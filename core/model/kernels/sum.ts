/**
 * `Sum` for the `wasm` backend over leading axes (a bias's gradient: a sum over batch, rows
 * and columns of an NHWC map): the backend's own kernel first transposes the summed axes
 * to the end, a slow copy of the whole map; this one adds rows of the kept axes in place,
 * in float64, then rounds once. Sums over other axes, and other dtypes, go to the backend's
 * own kernel.
 *
 * @example
 * ```ts
 * import { sumLeadingRows } from "./sum.ts";
 *
 * const out = new Float32Array(2);
 * sumLeadingRows(Float32Array.of(1, 2, 3, 4, 5, 6), 3, 2, out);
 * if (out.join() !== "9,12") throw new Error(out.join());
 * ```
 *
 * @module
 */
import { tf } from "../tf.ts";
import { allocate, heapF32, isWasmBackend } from "./heap.ts";

/**
 * out[j] = Σ_i x[i·n + j] for a rows × n matrix x.
 *
 * @param x Values, rows × n, C order.
 * @param rows Rows summed.
 * @param n Row length.
 * @param out n sums.
 */
export function sumLeadingRows(x: Float32Array, rows: number, n: number, out: Float32Array): void {
  // `| 0`: a count that arrives as a double would make the loop counters doubles in V8's
  // code (measured 4× slower).
  rows |= 0;
  n |= 0;
  const acc = new Float64Array(n);
  let i = 0, o = 0;
  // Four rows per pass over acc (in float64, as JavaScript adds): 1.6× fewer loads of acc.
  for (; i + 4 <= rows; i += 4, o += 4 * n) addFourRows(acc, x, o, n);
  for (; i < rows; i++, o += n) for (let j = 0; j < n; j++) acc[j] += x[o + j];
  out.set(acc);
}

// A function of its own, called per block of rows, so that V8 optimises it as a function
// (a loop nest run once per call is only compiled on-stack and deoptimised at every exit
// from its inner loop).
function addFourRows(acc: Float64Array, x: Float32Array, o: number, n: number): void {
  o |= 0;
  n |= 0;
  for (let j = 0; j < n; j++) {
    acc[j] += (x[o + j] + x[o + n + j]) + (x[o + 2 * n + j] + x[o + 3 * n + j]);
  }
}

/**
 * The replacement kernel, given the backend's own.
 *
 * @param own The backend's Sum kernel function.
 * @returns The kernel function.
 */
export function sumKernel(own: tf.KernelFunc): tf.KernelFunc {
  return (args) => {
    const { inputs, backend, attrs } = args;
    const x = inputs.x as tf.TensorInfo;
    const { axis, keepDims } = attrs as unknown as {
      axis: number | number[] | null;
      keepDims: boolean;
    };
    const r = x.shape.length;
    // null or undefined: every axis (as the backend's own reads it).
    const axes = [...new Set(tf.util.parseAxisParam(axis ?? x.shape.map((_, k) => k), x.shape))]
      .sort((a, b) => a - b);
    // Only a leading prefix of axes, with something left to keep.
    const leading = axes.length > 0 && axes.length < r && axes.every((a, k) => a === k);
    if (x.dtype !== "float32" || !isWasmBackend(backend) || !leading) return own(args);
    const kept = x.shape.slice(axes.length);
    const n = kept.reduce((a, b) => a * b, 1);
    const rows = x.shape.slice(0, axes.length).reduce((a, b) => a * b, 1);
    const shape = keepDims ? [...axes.map(() => 1), ...kept] : kept;
    const out = allocate(backend, shape, "float32");
    sumLeadingRows(heapF32(backend, x), rows, n, heapF32(backend, out));
    return out;
  };
}
