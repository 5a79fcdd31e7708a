/**
 * TensorFlow's "same" padding made explicit, as ONNX needs it. tfjs pads a convolution of
 * an n-long input with stride s and kernel k by total = max((⌈n/s⌉ − 1)·s + k − n, 0),
 * ⌊total/2⌋ before and the rest after: for stride 2 the extra pixel goes at the bottom /
 * right. A transposed convolution ("same", output size m) is the adjoint of the forward
 * convolution of an m-long input: the same pads, plus an output padding for the rows the
 * forward convolution never reads (kernels smaller than the stride).
 *
 * @example
 * ```ts
 * import { samePads, sameTransposePads } from "./same_padding.ts";
 *
 * // 64 pixels, stride 2, kernel 3: one pixel of padding, at the end.
 * const p = samePads(64, 2, 3);
 * if (p.before !== 0 || p.after !== 1) throw new Error(JSON.stringify(p));
 * // Its transpose maps 32 back to 64 with the same pads and no output padding.
 * const t = sameTransposePads(64, 2, 3);
 * if (t.before !== 0 || t.after !== 1 || t.outputPadding !== 0) throw new Error(JSON.stringify(t));
 * ```
 *
 * @module
 */

/** Padding of one spatial axis. */
export interface AxisPads {
  /** Pixels added before the first (top / left). */
  before: number;
  /** Pixels added after the last (bottom / right). */
  after: number;
}

/**
 * The pads of a "same" convolution along one axis, as tfjs computes them.
 *
 * @param n Input length.
 * @param stride Stride.
 * @param kernel Kernel length.
 * @returns Pads before and after.
 */
export function samePads(n: number, stride: number, kernel: number): AxisPads {
  const out = Math.ceil(n / stride);
  const total = Math.max((out - 1) * stride + kernel - n, 0);
  const before = Math.floor(total / 2);
  return { before, after: total - before };
}

/**
 * The pads and output padding of a "same" transposed convolution whose output is `m` long
 * (its input ⌈m/stride⌉): ONNX ConvTranspose then gives
 * stride·(in − 1) + kernel − before − after + outputPadding = m.
 *
 * @param m Output length.
 * @param stride Stride.
 * @param kernel Kernel length.
 * @returns Pads and the output padding (0 ≤ outputPadding < stride).
 */
export function sameTransposePads(
  m: number,
  stride: number,
  kernel: number,
): AxisPads & { outputPadding: number } {
  const p = samePads(m, stride, kernel);
  const n = Math.ceil(m / stride);
  const outputPadding = m - (stride * (n - 1) + kernel - p.before - p.after);
  return { ...p, outputPadding };
}
