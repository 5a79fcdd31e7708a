/**
 * `Conv2DBackpropInput` for the `wasm` backend, replacing the backend's own: that one is a
 * plain scalar loop and took about half of a training step (it is both the decoder's
 * transposed convolution and the input gradient of every convolution). This one runs on
 * the backend's XNNPACK conv2d: dy is dilated by the stride (zeros inserted), padded so
 * that a stride-1 "valid" convolution yields the input's size, and convolved with the
 * filter flipped in space and with its channel axes swapped:
 *
 *     dx[b, y, x, ci] = Σ_{kh, kw, co} dy[b, oh, ow, co] · W[kh, kw, ci, co],
 *                       where y = oh·s + kh − top and x = ow·s + kw − left.
 *
 * @example
 * ```ts
 * import { conv2dBackpropInputConfig } from "./conv2d_backprop_input.ts";
 *
 * if (conv2dBackpropInputConfig.kernelName !== "Conv2DBackpropInput") throw new Error("name");
 * ```
 *
 * @module
 */
import { tf } from "../tf.ts";
import { borrow, handOver } from "./borrow.ts";

type Attrs = {
  strides: number | [number, number];
  pad: "valid" | "same" | number | tf.backend_util.ExplicitPadding;
  dataFormat: "NHWC" | "NCHW";
  dimRoundingMode?: "floor" | "round" | "ceil";
  inputShape: [number, number, number, number];
};

/** Inserts s − 1 zeros between neighbours along axis 1 and 2: [B, H, W, C] → [B, (H−1)s+1, …]. */
function dilate(t: tf.Tensor4D, sh: number, sw: number): tf.Tensor4D {
  if (sh === 1 && sw === 1) return t;
  const [B, H, W, C] = t.shape;
  const spread = tf.pad(tf.reshape(t, [B, H, 1, W, 1, C]), [
    [0, 0],
    [0, 0],
    [0, sh - 1],
    [0, 0],
    [0, sw - 1],
    [0, 0],
  ]);
  const flat = tf.reshape(spread, [B, H * sh, W * sw, C]) as tf.Tensor4D;
  return tf.slice(flat, [0, 0, 0, 0], [B, (H - 1) * sh + 1, (W - 1) * sw + 1, C]);
}

/** Pads (positive) or crops (negative) axis 1 and 2 by the given amounts. */
function padOrCrop(t: tf.Tensor4D, top: number, bottom: number, left: number, right: number) {
  const padded = tf.pad(t, [
    [0, 0],
    [Math.max(top, 0), Math.max(bottom, 0)],
    [Math.max(left, 0), Math.max(right, 0)],
    [0, 0],
  ]) as tf.Tensor4D;
  if (top >= 0 && bottom >= 0 && left >= 0 && right >= 0) return padded;
  const [B, H, W, C] = padded.shape;
  const t0 = Math.max(-top, 0), l0 = Math.max(-left, 0);
  return tf.slice(padded, [0, t0, l0, 0], [
    B,
    H - t0 - Math.max(-bottom, 0),
    W - l0 - Math.max(-right, 0),
    C,
  ]);
}

/** The kernel's configuration, for `tf.registerKernel`. */
export const conv2dBackpropInputConfig: tf.KernelConfig = {
  kernelName: tf.Conv2DBackpropInput,
  backendName: "wasm",
  kernelFunc: ({ inputs, backend, attrs }) => {
    const { dy, filter } = inputs as { dy: tf.Tensor4D; filter: tf.Tensor4D };
    const a = attrs as unknown as Attrs;
    if (a.dataFormat === "NCHW") {
      throw new Error("Conv2DBackpropInput (wasm): only NHWC is supported");
    }
    const info = tf.backend_util.computeConv2DInfo(
      a.inputShape,
      filter.shape as [number, number, number, number],
      a.strides,
      1,
      a.pad,
      a.dimRoundingMode,
    );
    const KH = info.filterHeight, KW = info.filterWidth;
    const H = info.inHeight, W = info.inWidth;
    const r = tf.tidy(() => {
      const dyt = borrow<tf.Tensor4D>(dy, backend);
      const wt = borrow<tf.Tensor4D>(filter, backend);
      const d = dilate(dyt, info.strideHeight, info.strideWidth);
      // After padding, row j of the padded map holds dilated row j − (KH − 1 − top); a
      // valid convolution then needs H + KH − 1 rows (likewise for columns).
      const top = KH - 1 - info.padInfo.top, left = KW - 1 - info.padInfo.left;
      const p = padOrCrop(
        d,
        top,
        H + KH - 1 - d.shape[1] - top,
        left,
        W + KW - 1 - d.shape[2] - left,
      );
      const flipped = tf.transpose(tf.reverse(wt, [0, 1]), [0, 1, 3, 2]) as tf.Tensor4D;
      return tf.conv2d(p, flipped, 1, "valid");
    });
    return handOver(r, backend);
  },
};
