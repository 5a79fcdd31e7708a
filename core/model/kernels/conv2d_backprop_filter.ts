/**
 * `Conv2DBackpropFilter` for the `wasm` backend, which lacks it (the filter gradient of
 * conv2d, needed to train any convolution). Computed with kernels the backend has: the
 * forward padding applied to x, then a conv2d of x (transposed to [Cin, H, W, B], the
 * batch becoming channels, in one JavaScript pass with the padding) with dy (transposed to [OH, OW, B, Cout]) as the filter, at
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
import { allocate, heapI32 } from "./heap.ts";

/**
 * x [B, H, W, C] → [C, H + top + bottom, W + left + right, B] with zeros around: the
 * padding and the transpose in one pass (the backend's transpose reads x at a stride of
 * H·W·C per value, 5 ns each on the decoder's last map). Copies in tiles of w so that each
 * read is a run of up to 256 values and each tile's writes fill B-long output rows.
 *
 * @param x Input values (int32 view: moves keep every bit).
 * @param shape [B, H, W, C].
 * @param pad [top, bottom, left, right], non-negative.
 * @param out Output values, zero where padded.
 */
export function padTransposeNhwc(
  x: Int32Array,
  shape: readonly [number, number, number, number],
  pad: readonly [number, number, number, number],
  out: Int32Array,
): void {
  const [B, H, W, C] = shape, [top, bottom, left, right] = pad;
  const Hp = H + top + bottom, Wp = W + left + right, plane = Hp * Wp * B;
  if (top || bottom || left || right) out.fill(0);
  const TW = Math.max(1, Math.floor(256 / C));
  for (let h = 0; h < H; h++) {
    for (let w0 = 0; w0 < W; w0 += TW) {
      const w1 = Math.min(W, w0 + TW);
      for (let b = 0; b < B; b++) {
        let i = ((b * H + h) * W + w0) * C;
        for (let w = w0; w < w1; w++) {
          let o = ((h + top) * Wp + w + left) * B + b;
          for (let c = 0; c < C; c++, o += plane) out[o] = x[i++];
        }
      }
    }
  }
}

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
    const { top, bottom, left, right } = info.padInfo;
    const pad = [top, bottom, left, right].map((p) => Math.max(p, 0)) as [
      number,
      number,
      number,
      number,
    ];
    const [B, H, W, Ci] = x.shape as [number, number, number, number];
    const padded = allocate(backend, [Ci, H + pad[0] + pad[1], W + pad[2] + pad[3], B], x.dtype);
    padTransposeNhwc(heapI32(backend, x), [B, H, W, Ci], pad, heapI32(backend, padded));
    const r = tf.tidy(() => {
      const dyt = borrow<tf.Tensor4D>(dy, backend);
      // [Cin, H', W', B], owned by this tidy.
      const input = tf.engine().makeTensorFromTensorInfo(padded) as tf.Tensor4D;
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
