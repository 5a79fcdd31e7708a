/**
 * `Conv2D` with one output channel (the decoder's last layer: features → frame) for the
 * `wasm` backend. XNNPACK computes output channels in tiles of 8–16, so one channel costs
 * as much as a tile: 13 ms for 3×3×16 → 1 on 64 frames of 64×64. Here the k² taps become
 * the output channels of a 1×1 convolution (a matrix product that fills the tile), and
 * the tap maps are summed at their offsets in one JavaScript pass: about 5 ms. Stride 1 and
 * dilation 1 only; anything else goes to the backend's own kernel.
 *
 * @example
 * ```ts
 * import { sumTapMaps } from "./conv2d_one_output.ts";
 *
 * // One 1×3 image, a 1×2 filter, "valid": out[x] = t0[x] + t1[x + 1].
 * const taps = Float32Array.of(1, 10, 2, 20, 3, 30); // [1, 1, 3, 2]: (t0, t1) per pixel
 * const out = new Float32Array(2);
 * sumTapMaps(taps, [1, 1, 3], [1, 2], [0, 0], [1, 2], out);
 * if (out.join() !== "21,32") throw new Error(out.join());
 * ```
 *
 * @module
 */
import { tf } from "../tf.ts";
import { borrow } from "./borrow.ts";
import { allocate, heapF32, isWasmBackend } from "./heap.ts";

/**
 * out[b, y, x] = Σ_{kh, kw} taps[b, y + kh − top, x + kw − left, kh·KW + kw], over the
 * input rows and columns that exist (zero padding).
 *
 * @param taps [B, H, W, KH·KW] values.
 * @param inShape [B, H, W].
 * @param kernel [KH, KW].
 * @param pad [top, left].
 * @param outSize [OH, OW].
 * @param out [B, OH, OW] values.
 */
export function sumTapMaps(
  taps: Float32Array,
  inShape: readonly [number, number, number],
  kernel: readonly [number, number],
  pad: readonly [number, number],
  outSize: readonly [number, number],
  out: Float32Array,
): void {
  // `| 0`: sizes computed by tfjs (e.g. a padding from Math.floor) can arrive as doubles,
  // and loop counters derived from doubles stay doubles in V8's code: 4× slower here.
  const B = inShape[0] | 0, H = inShape[1] | 0, W = inShape[2] | 0;
  const KH = kernel[0] | 0, KW = kernel[1] | 0, top = pad[0] | 0, left = pad[1] | 0;
  const OH = outSize[0] | 0, OW = outSize[1] | 0;
  const T = KH * KW;
  const row = new Float64Array(OW);
  for (let b = 0; b < B; b++) {
    for (let y = 0; y < OH; y++) {
      row.fill(0);
      for (let kh = 0; kh < KH; kh++) {
        const r = y + kh - top;
        if (r < 0 || r >= H) continue;
        const base = (b * H + r) * W;
        for (let kw = 0; kw < KW; kw++) {
          const t = kh * KW + kw;
          // Output columns whose input column x + kw − left exists.
          const x0 = Math.max(0, left - kw), x1 = Math.min(OW, W + left - kw);
          addStrided(row, x0, x1, taps, (base + x0 + kw - left) * T + t, T);
        }
      }
      out.set(row, (b * OH + y) * OW);
    }
  }
}

// The innermost loops of these kernels live in small functions called once per row: V8
// then optimises them as functions. Left inline, a loop nest that runs once per kernel call
// is only compiled on-stack and deoptimised at every inner-loop exit (measured: 4× slower).

/** row[x] += src[i + (x − x0)·stride] for x in [x0, x1). */
function addStrided(
  row: Float64Array,
  x0: number,
  x1: number,
  src: Float32Array,
  i: number,
  stride: number,
): void {
  x0 |= 0;
  x1 |= 0;
  i |= 0;
  stride |= 0;
  for (let x = x0; x < x1; x++, i += stride) row[x] += src[i];
}

/**
 * The replacement kernel, given the backend's own.
 *
 * @param own The backend's Conv2D kernel function.
 * @returns The kernel function.
 */
export function conv2dOneOutputKernel(own: tf.KernelFunc): tf.KernelFunc {
  return (args) => {
    const { inputs, backend, attrs } = args;
    const { x, filter } = inputs as { x: tf.TensorInfo; filter: tf.TensorInfo };
    const a = attrs as unknown as {
      strides: number | [number, number];
      pad: "valid" | "same" | number | tf.backend_util.ExplicitPadding;
      dataFormat: "NHWC" | "NCHW";
      dilations: number | [number, number];
      dimRoundingMode?: "floor" | "round" | "ceil";
    };
    const [KH, KW, Ci, Co] = filter.shape;
    const one = (v: number | [number, number]) =>
      (Array.isArray(v) ? v : [v, v]).every((n) => n === 1);
    if (
      // A 1×1 filter would only call this kernel again.
      Co !== 1 || KH * KW === 1 || x.dtype !== "float32" || a.dataFormat === "NCHW" ||
      !one(a.strides) ||
      !one(a.dilations ?? 1) || !isWasmBackend(backend)
    ) {
      return own(args);
    }
    const info = tf.backend_util.computeConv2DInfo(
      x.shape as [number, number, number, number],
      filter.shape as [number, number, number, number],
      1,
      1,
      a.pad,
      a.dimRoundingMode,
    );
    const [B, H, W] = x.shape;
    const taps = tf.tidy(() => {
      const xt = borrow<tf.Tensor4D>(x, backend);
      const w = borrow<tf.Tensor4D>(filter, backend);
      // [KH, KW, Ci, 1] → [1, 1, Ci, KH·KW]: tap t = kh·KW + kw becomes output channel t.
      const w1 = tf.reshape(tf.transpose(tf.reshape(w, [KH * KW, Ci]), [1, 0]), [
        1,
        1,
        Ci,
        KH * KW,
      ]);
      return tf.conv2d(xt, w1 as tf.Tensor4D, 1, "valid");
    });
    const out = allocate(backend, [B, info.outHeight, info.outWidth, 1], "float32");
    sumTapMaps(
      heapF32(backend, taps),
      [B, H, W],
      [KH, KW],
      [info.padInfo.top, info.padInfo.left],
      [info.outHeight, info.outWidth],
      heapF32(backend, out),
    );
    taps.dispose();
    return out;
  };
}
