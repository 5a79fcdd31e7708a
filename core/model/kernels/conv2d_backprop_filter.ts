/**
 * `Conv2DBackpropFilter` for the `wasm` backend, which lacks it (the filter gradient of
 * conv2d, needed to train any convolution). Computed with kernels the backend has: the
 * forward padding applied to x, then a conv2d of x (transposed to [Cin, H, W, B], the
 * batch becoming channels) with dy (transposed to [OH, OW, B, Cout]) as the filter, at
 * stride 1 and dilation = the forward stride, cropped to the filter size and transposed
 * back to [KH, KW, Cin, Cout]:
 *
 *     dW[kh, kw, ci, co] = Σ_{b, oh, ow} x[b, oh·s + kh − top, ow·s + kw − left, ci] · dy[b, oh, ow, co]
 *
 * @example
 * ```ts
 * import { conv2dBackpropFilterConfig } from "./conv2d_backprop_filter.ts";
 *
 * if (conv2dBackpropFilterConfig.kernelName !== "Conv2DBackpropFilter") throw new Error("name");
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
  filterShape: [number, number, number, number];
};

/** The kernel's configuration, for `tf.registerKernel`. */
export const conv2dBackpropFilterConfig: tf.KernelConfig = {
  kernelName: tf.Conv2DBackpropFilter,
  backendName: "wasm",
  kernelFunc: ({ inputs, backend, attrs }) => {
    const { x, dy } = inputs as { x: tf.Tensor4D; dy: tf.Tensor4D };
    const a = attrs as unknown as Attrs;
    if (a.dataFormat === "NCHW") {
      throw new Error("Conv2DBackpropFilter (wasm): only NHWC is supported");
    }
    const info = tf.backend_util.computeConv2DInfo(
      x.shape as [number, number, number, number],
      a.filterShape,
      a.strides,
      1,
      a.pad,
      a.dimRoundingMode,
    );
    const [KH, KW] = [info.filterHeight, info.filterWidth];
    const r = tf.tidy(() => {
      const xt = borrow<tf.Tensor4D>(x, backend);
      const dyt = borrow<tf.Tensor4D>(dy, backend);
      const { top, bottom, left, right } = info.padInfo;
      const xp = tf.pad(xt, [[0, 0], [Math.max(top, 0), Math.max(bottom, 0)], [
        Math.max(left, 0),
        Math.max(right, 0),
      ], [0, 0]]);
      const input = tf.transpose(xp, [3, 1, 2, 0]); // [Cin, H', W', B]
      const filter = tf.transpose(dyt, [1, 2, 0, 3]); // [OH, OW, B, Cout]
      const full = tf.conv2d(input, filter, 1, "valid", "NHWC", [
        info.strideHeight,
        info.strideWidth,
      ]); // [Cin, ≥KH, ≥KW, Cout]
      const dW = tf.slice(full, [0, 0, 0, 0], [info.inChannels, KH, KW, info.outChannels]);
      return tf.transpose(dW, [1, 2, 0, 3]); // [KH, KW, Cin, Cout]
    });
    return handOver(r, backend);
  },
};
