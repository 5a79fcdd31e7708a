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
import { gather, scatter } from "./moves.ts";

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
  // `| 0` throughout these kernels: sizes computed by tfjs or by us (paddings from
  // Math.floor, Math.max) can arrive as doubles, and loop counters derived from doubles
  // stay doubles in V8's code (measured 4× slower).
  const B = shape[0] | 0, H = shape[1] | 0, W = shape[2] | 0, C = shape[3] | 0;
  const top = pad[0] | 0, bottom = pad[1] | 0, left = pad[2] | 0, right = pad[3] | 0;
  const Hp = H + top + bottom, Wp = W + left + right, plane = Hp * Wp * B;
  if (top || bottom || left || right) out.fill(0);
  const TW = Math.max(1, Math.floor(256 / C)) | 0;
  for (let h = 0; h < H; h++) {
    for (let w0 = 0; w0 < W; w0 += TW) {
      const w1 = Math.min(W, w0 + TW);
      for (let b = 0; b < B; b++) {
        let i = ((b * H + h) * W + w0) * C;
        for (let w = w0; w < w1; w++, i += C) {
          scatter(out, ((h + top) * Wp + w + left) * B + b, plane, x, i, C);
        }
      }
    }
  }
}

/**
 * Shifted, strided copies of single-channel maps, one row per offset: for offset t = (dr,
 * dc), out[t, b, p, q] = src[b, p·sh + dr, q·sw + dc], zero where that pixel does not
 * exist. With one input or one output channel, the filter gradient is a matrix product of
 * these rows (k² of them) with the other side's values: XNNPACK's convolutions compute
 * channels in tiles of 8–16, so a single channel would cost as much as a tile.
 *
 * @param src [B, SH, SW] values (int32 view: moves keep every bit).
 * @param srcShape [B, SH, SW].
 * @param grid [DH, DW]: the rows' pixel grid.
 * @param stride [sh, sw].
 * @param offsets (dr, dc) per row.
 * @param out [offsets, B, DH, DW] values.
 */
export function shiftedRows(
  src: Int32Array,
  srcShape: readonly [number, number, number],
  grid: readonly [number, number],
  stride: readonly [number, number],
  offsets: readonly (readonly [number, number])[],
  out: Int32Array,
): void {
  const B = srcShape[0] | 0, SH = srcShape[1] | 0, SW = srcShape[2] | 0;
  const DH = grid[0] | 0, DW = grid[1] | 0, sh = stride[0] | 0, sw = stride[1] | 0;
  out.fill(0);
  let o = 0;
  for (const [r0, c0] of offsets) {
    const dr = r0 | 0, dc = c0 | 0;
    // Columns q whose source column q·sw + dc exists.
    const q0 = Math.max(0, Math.ceil(-dc / sw)) | 0;
    const q1 = Math.min(DW, Math.ceil((SW - dc) / sw)) | 0;
    for (let b = 0; b < B; b++) {
      for (let p = 0; p < DH; p++, o += DW) {
        const r = p * sh + dr;
        if (r < 0 || r >= SH || q1 <= q0) continue;
        gather(out, o + q0, src, (b * SH + r) * SW + q0 * sw + dc, sw, q1 - q0);
      }
    }
  }
}

/**
 * The filter gradient as k² rows × a matrix, when one side has one channel (stride 1 for
 * one output channel), else undefined.
 */
function byRows(
  x: tf.TensorInfo,
  dy: tf.TensorInfo,
  info: tf.backend_util.Conv2DInfo,
  backend: unknown,
): tf.TensorInfo | undefined {
  const KH = info.filterHeight, KW = info.filterWidth, sh = info.strideHeight;
  const sw = info.strideWidth, { top, left } = info.padInfo;
  const [B, H, W, Ci] = x.shape, [, OH, OW, Co] = dy.shape;
  const taps: [number, number][] = [];
  for (let kh = 0; kh < KH; kh++) for (let kw = 0; kw < KW; kw++) taps.push([kh, kw]);
  if (info.dilationHeight !== 1 || info.dilationWidth !== 1) return undefined;
  if (Ci === 1) {
    // dW[t, co] = Σ_n P[t, n] dy[n, co]; P's row t: x at each output pixel's tap t.
    const rows = allocate(backend, [KH * KW, B * OH * OW], "float32");
    shiftedRows(
      heapI32(backend, x),
      [B, H, W],
      [OH, OW],
      [sh, sw],
      taps.map(([kh, kw]) => [kh - top, kw - left]),
      heapI32(backend, rows),
    );
    const r = tf.tidy(() => {
      const P = tf.engine().makeTensorFromTensorInfo(rows) as tf.Tensor2D;
      const g = tf.reshape(borrow<tf.Tensor4D>(dy, backend), [B * OH * OW, Co]);
      return tf.reshape(tf.matMul(P, g), [KH, KW, 1, Co]);
    });
    return handOver(r, backend);
  }
  if (Co === 1 && sh === 1 && sw === 1) {
    // dW[t, ci] = Σ_m D[t, m] x[m, ci] over input pixels m; D's row t: dy at the output
    // pixel that reaches m through tap t.
    const rows = allocate(backend, [KH * KW, B * H * W], "float32");
    shiftedRows(
      heapI32(backend, dy),
      [B, OH, OW],
      [H, W],
      [1, 1],
      taps.map(([kh, kw]) => [top - kh, left - kw]),
      heapI32(backend, rows),
    );
    const r = tf.tidy(() => {
      const D = tf.engine().makeTensorFromTensorInfo(rows) as tf.Tensor2D;
      const xs = tf.reshape(borrow<tf.Tensor4D>(x, backend), [B * H * W, Ci]);
      return tf.reshape(tf.matMul(D, xs), [KH, KW, Ci, 1]);
    });
    return handOver(r, backend);
  }
  return undefined;
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
    const rows = byRows(x, dy, info, backend);
    if (rows) return rows;
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
