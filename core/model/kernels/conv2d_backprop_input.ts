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
 * With a stride s > 1, s² − 1 of every s² dilated values are zeros, and the convolution
 * multiplies them all. Where the output splits evenly into s × s phases (y mod s, x mod s),
 * each phase is instead a stride-1 convolution of dy itself with the taps kh ≡ y + top
 * (mod s) of the filter — s² small convolutions with k² taps between them, not s²·k² —
 * then interleaved (in one JavaScript pass over the wasm heap). That is the decoder's
 * upsampling: 4× fewer multiplications.
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
import { allocate, heapI32 } from "./heap.ts";
import { gather, scatter } from "./moves.ts";

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

/**
 * The taps of one output phase along one axis: output rows y = s·i + a take filter rows
 * kh = r + s·m (m = 0 … count − 1) from dy rows i − m − q.
 */
function phaseTaps(a: number, s: number, pad: number, K: number) {
  const r = (((a + pad) % s) + s) % s;
  const count = r < K ? Math.ceil((K - r) / s) : 0;
  const q = (r - a - pad) / s;
  // As a stride-1 correlation over dy, taps in reverse: dy rows from i + first on.
  const taps = Array.from({ length: count }, (_, m) => r + s * (count - 1 - m));
  return { taps, first: -q - (count - 1) };
}

/**
 * Writes s × s phase maps [B, H/s, W/s, C] (row-major over (a, b); undefined: zeros) into
 * out [B, H, W, C] at rows i·s + a and columns j·s + b, in one pass: the backend's Pack (to
 * stack and merge the axes) copied each value twice, at 2–3 ns each.
 *
 * @param phases The phase maps' values (int32 views: moves keep every bit).
 * @param shape [B, H, W, C] of the output.
 * @param s The stride.
 * @param out Output values.
 */
export function interleavePhases(
  phases: (Int32Array | undefined)[],
  shape: readonly [number, number, number, number],
  s: number,
  out: Int32Array,
): void {
  // `| 0`: sizes that arrive as doubles would make every loop counter a double in V8's
  // code (measured 4× slower).
  const B = shape[0] | 0, H = shape[1] | 0, W = shape[2] | 0, C = shape[3] | 0;
  s |= 0;
  const Hp = (H / s) | 0, Wp = (W / s) | 0;
  for (let a = 0; a < s; a++) {
    for (let bb = 0; bb < s; bb++) {
      const p = phases[a * s + bb];
      let i = 0;
      for (let b = 0; b < B; b++) {
        for (let y = 0; y < Hp; y++) {
          const o = ((b * H + y * s + a) * W + bb) * C;
          if (p) scatter(out, o, s * C, p, i, Wp, C);
          else for (let x = 0; x < Wp; x++) out.fill(0, o + x * s * C, o + x * s * C + C);
          i += Wp * C;
        }
      }
    }
  }
}

/**
 * The filter of one output phase, as a stride-1 convolution over dy wants it: out[m, n,
 * co, ci] = w[rowTaps[m], colTaps[n], ci, co]. One JavaScript pass over a few thousand
 * values; two gathers and a transpose per phase cost five tf dispatches more.
 *
 * @param w The filter's values [KH, KW, Ci, Co] (int32 views: moves keep every bit).
 * @param shape [KH, KW, Ci, Co].
 * @param rowTaps Filter rows, in the phase's order.
 * @param colTaps Filter columns, in the phase's order.
 * @param out [rowTaps.length, colTaps.length, Co, Ci] values.
 */
function phaseFilter(
  w: Int32Array,
  shape: readonly number[],
  rowTaps: readonly number[],
  colTaps: readonly number[],
  out: Int32Array,
): void {
  const KW = shape[1] | 0, Ci = shape[2] | 0, Co = shape[3] | 0;
  let o = 0;
  for (const kh of rowTaps) {
    for (const kw of colTaps) {
      const base = (kh * KW + kw) * Ci * Co;
      for (let co = 0; co < Co; co++, o += Ci) gather(out, o, w, base + co, Co, Ci);
    }
  }
}

/** A phase's filter as a tensor that owns its data (dispose it). */
function phaseFilterTensor(
  filter: tf.TensorInfo,
  rowTaps: readonly number[],
  colTaps: readonly number[],
  backend: unknown,
): tf.Tensor4D {
  const [, , Ci, Co] = filter.shape;
  const sub = allocate(backend, [rowTaps.length, colTaps.length, Co, Ci], filter.dtype);
  phaseFilter(heapI32(backend, filter), filter.shape, rowTaps, colTaps, heapI32(backend, sub));
  return tf.engine().makeTensorFromTensorInfo(sub) as tf.Tensor4D;
}

/**
 * One output phase [B, Hp, Wp, Ci]: dy rows first … first + Hp + taps − 2 (zeros beyond
 * the edges), likewise columns, convolved with the phase's filter. The padding goes to the
 * convolution itself (XNNPACK reads zeros for it, the same sums bit for bit): a padded
 * copy of dy per phase cost about a sixth of the kernel. Only a crop still takes a slice.
 */
function onePhase(
  dyt: tf.Tensor4D,
  sub: tf.Tensor4D,
  rows: { taps: number[]; first: number },
  cols: { taps: number[]; first: number },
  size: [number, number],
): tf.Tensor4D {
  const [, OH, OW] = dyt.shape;
  const top = -rows.first, bottom = rows.first + size[0] + rows.taps.length - 1 - OH;
  const left = -cols.first, right = cols.first + size[1] + cols.taps.length - 1 - OW;
  if (top < 0 || bottom < 0 || left < 0 || right < 0) {
    return tf.conv2d(padOrCrop(dyt, top, bottom, left, right), sub, 1, "valid");
  }
  return tf.conv2d(dyt, sub, 1, [[0, 0], [top, bottom], [left, right], [0, 0]]);
}

/**
 * dx by output phases (see the module notes) as the kernel's output, or undefined when the
 * shape does not split evenly into s × s phases (then the dilated path serves).
 */
function byPhases(
  dy: tf.TensorInfo,
  filter: tf.TensorInfo,
  info: tf.backend_util.Conv2DInfo,
  backend: unknown,
): tf.TensorInfo | undefined {
  const s = info.strideHeight, H = info.inHeight, W = info.inWidth;
  if (s !== info.strideWidth || s === 1 || H % s !== 0 || W % s !== 0) return undefined;
  const B = dy.shape[0], Ci = info.inChannels;
  const phases = tf.tidy(() => {
    const dyt = borrow<tf.Tensor4D>(dy, backend);
    const out: (tf.Tensor4D | undefined)[] = [];
    for (let a = 0; a < s; a++) {
      const rows = phaseTaps(a, s, info.padInfo.top, info.filterHeight);
      for (let b = 0; b < s; b++) {
        const cols = phaseTaps(b, s, info.padInfo.left, info.filterWidth);
        if (rows.taps.length === 0 || cols.taps.length === 0) {
          out.push(undefined);
          continue;
        }
        const sub = phaseFilterTensor(filter, rows.taps, cols.taps, backend);
        out.push(onePhase(dyt, sub, rows, cols, [H / s, W / s]));
      }
    }
    return out;
  });
  const result = allocate(backend, [B, H, W, Ci], "float32");
  interleavePhases(
    phases.map((p) => p && heapI32(backend, p)),
    [B, H, W, Ci],
    s,
    heapI32(backend, result),
  );
  tf.dispose(phases.filter((p) => p !== undefined));
  return result;
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
    const phased = byPhases(dy, filter, info, backend);
    if (phased) return phased;
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
