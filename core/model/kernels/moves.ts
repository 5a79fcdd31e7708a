/**
 * The innermost loops of the JavaScript kernels (copies with a stride on one side), as
 * small functions called once per run, their integers forced to int32 (`| 0`: a size that
 * arrives as a double makes V8 keep every loop counter a double, 4× slower). V8 optimises a function called thousands of times
 * as a whole; a loop nest that runs once per kernel call is only compiled on-stack and
 * deoptimised at every exit from its inner loop (measured in a training step: 2–4× slower
 * than the same loops here).
 *
 * @example
 * ```ts
 * import { gather, scatter } from "./moves.ts";
 *
 * const out = new Int32Array(6);
 * scatter(out, 0, 2, Int32Array.of(1, 2, 3), 0, 3); // out[0], out[2], out[4]
 * const back = new Int32Array(3);
 * gather(back, 0, out, 0, 2, 3);
 * if (back.join() !== "1,2,3") throw new Error(back.join());
 * ```
 *
 * @module
 */

/**
 * out[o + k·stride + c] = src[i + k·run + c] for k < count, c < run: values (run 1) or
 * contiguous runs spread at a stride, in one call (a call per run cost more than the copy
 * for runs of 1–16).
 *
 * @param out Destination.
 * @param o First destination index.
 * @param stride Destination stride.
 * @param src Source (runs back to back).
 * @param i First source index.
 * @param count Values (runs).
 * @param run Values per run (default 1).
 */
export function scatter(
  out: Int32Array,
  o: number,
  stride: number,
  src: Int32Array,
  i: number,
  count: number,
  run = 1,
): void {
  o |= 0, stride |= 0, i |= 0, count |= 0, run |= 0;
  if (run === 1) {
    for (let k = 0; k < count; k++, o += stride) out[o] = src[i + k];
    return;
  }
  for (let k = 0; k < count; k++, o += stride, i += run) {
    for (let c = 0; c < run; c++) out[o + c] = src[i + c];
  }
}

/**
 * out[o + k] = src[i + k·stride] for k < count.
 *
 * @param out Destination.
 * @param o First destination index.
 * @param src Source.
 * @param i First source index.
 * @param stride Source stride.
 * @param count Values.
 */
export function gather(
  out: Int32Array,
  o: number,
  src: Int32Array,
  i: number,
  stride: number,
  count: number,
): void {
  o |= 0, stride |= 0, i |= 0, count |= 0;
  for (let k = 0; k < count; k++, i += stride) out[o + k] = src[i];
}

/**
 * out[o + k] = src[i + k] for k < count (short runs: no subarray object).
 *
 * @param out Destination.
 * @param o First destination index.
 * @param src Source.
 * @param i First source index.
 * @param count Values.
 */
export function copyRun(
  out: Int32Array,
  o: number,
  src: Int32Array,
  i: number,
  count: number,
): void {
  o |= 0, i |= 0, count |= 0;
  if (count >= 128) out.set(src.subarray(i, i + count), o);
  else for (let k = 0; k < count; k++) out[o + k] = src[i + k];
}

/**
 * Calls f(input offset, output offset) for every index of the given axes (in C order, the
 * last axis fastest), the offsets moving by each axis's stride on either side: the walk
 * over the axes that a kernel's innermost run does not cover.
 *
 * @param shape Sizes, per axis.
 * @param axes The axes walked, outer to inner.
 * @param inStride Input stride per axis.
 * @param outStride Output stride per axis.
 * @param f Called once per index.
 * @param i0 Input offset of the first index (default 0).
 * @param o0 Output offset of the first index (default 0).
 */
export function forEachOffset(
  shape: readonly number[],
  axes: readonly number[],
  inStride: readonly number[],
  outStride: readonly number[],
  f: (i: number, o: number) => void,
  i0 = 0,
  o0 = 0,
): void {
  const idx = new Array<number>(axes.length).fill(0);
  let i = i0, o = o0;
  for (;;) {
    f(i, o);
    let k = axes.length - 1;
    for (; k >= 0; k--) {
      const ax = axes[k];
      if (++idx[k] < shape[ax]) {
        i += inStride[ax];
        o += outStride[ax];
        break;
      }
      i -= (shape[ax] - 1) * inStride[ax];
      o -= (shape[ax] - 1) * outStride[ax];
      idx[k] = 0;
    }
    if (k < 0) return;
  }
}
