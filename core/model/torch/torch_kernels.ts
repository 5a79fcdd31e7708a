/**
 * The `torch` backend's kernels: each TensorFlow.js kernel the model, its gradients, Adam,
 * the VAR layer, encode and maps use, as libtorch calls. Frames stay NHWC, as everywhere in
 * sparsedyn; a convolution permutes them into an NCHW *view* (channels-last strides, no
 * copy), which libtorch's convolutions take directly, and permutes its output back.
 *
 * TensorFlow.js's "same" padding puts the odd pixel at the bottom/right (a stride-2
 * convolution of an even frame pads 0 above, 1 below); libtorch pads symmetrically, so such
 * an input is padded explicitly first. The transposed convolution (the input gradient) is
 * libtorch's transposed convolution with the output padding that restores the input's size;
 * the filter gradient is `convolution_backward` with only the weight in its output mask.
 *
 * @example
 * ```ts
 * import { torchKernels } from "./torch_kernels.ts";
 *
 * const k = torchKernels();
 * if (!("Conv2D" in k && "Conv2DBackpropFilter" in k && "BatchMatMul" in k)) throw new Error("kernels");
 * ```
 *
 * @module
 */
import { SparsedynError } from "../../errors.ts";
import { tf } from "../tf.ts";
import type { TorchBackend } from "./torch_backend.ts";

type TensorInfo = { dataId: object; shape: number[]; dtype: tf.DataType };
type Inputs = Record<string, TensorInfo>;
type Attrs = Record<string, unknown>;
/** A kernel: inputs, attributes, the backend → output(s). */
export type TorchKernel = (
  inputs: Inputs,
  attrs: Attrs,
  b: TorchBackend,
) => TensorInfo | TensorInfo[];

const first = (inputs: Inputs): TensorInfo => Object.values(inputs)[0];
const size = (shape: readonly number[]) => shape.reduce((a, v) => a * v, 1);

function unary(op: string, dtype?: tf.DataType): TorchKernel {
  return (inputs, _attrs, b) => {
    const x = first(inputs);
    return b.out(b.lib.op(op, "", { t: b.h(x) }), dtype ?? x.dtype);
  };
}

function binary(op: string, overload: string, bool = false): TorchKernel {
  return ({ a, b: y }, _attrs, b) =>
    b.out(
      b.lib.op(op, overload, { t: b.h(a) }, { t: b.h(y) }),
      bool ? "bool" : tf.upcastType(a.dtype, y.dtype),
    );
}

function notNhwc(attrs: Attrs): void {
  if (attrs.dataFormat !== undefined && attrs.dataFormat !== "NHWC") {
    throw new SparsedynError(
      "INVALID_ARGUMENT",
      `the torch backend's convolutions take NHWC data, not ${attrs.dataFormat}`,
      { argument: "dataFormat" },
    );
  }
}

/** NCHW view of an NHWC tensor (no copy). */
const toNchw = (b: TorchBackend, h: bigint) =>
  b.temp(b.lib.op("aten::permute", "", { t: h }, { ints: [0, 3, 1, 2] }));

/** Zero-pads an NHWC tensor by (top, bottom, left, right). */
function padNhwc(
  b: TorchBackend,
  h: bigint,
  shape: readonly number[],
  p: { top: number; bottom: number; left: number; right: number },
): bigint {
  const [n, hh, ww, c] = shape;
  const z = b.temp(
    b.lib.op(
      "aten::new_zeros",
      "",
      { t: h },
      { ints: [n, hh + p.top + p.bottom, ww + p.left + p.right, c] },
      null,
      null,
      null,
      null,
    ),
  );
  const rows = b.temp(b.lib.op("aten::narrow", "", { t: z }, 1, p.top, hh));
  const inner = b.temp(b.lib.op("aten::narrow", "", { t: rows }, 2, p.left, ww));
  b.lib.copy(inner, h);
  return z;
}

function convInfo(xShape: number[], filterShape: number[], attrs: Attrs) {
  notNhwc(attrs);
  const info = tf.backend_util.computeConv2DInfo(
    xShape as [number, number, number, number],
    filterShape as [number, number, number, number],
    attrs.strides as [number, number],
    (attrs.dilations ?? 1) as [number, number],
    attrs.pad as "same",
    attrs.dimRoundingMode as "floor" | undefined,
    false,
    "channelsLast",
  );
  const p = info.padInfo;
  const symmetric = p.top === p.bottom && p.left === p.right;
  return { info, p, symmetric };
}

/**
 * Input (NCHW view, padded if the padding is not symmetric) and the padding left to
 * libtorch. The pad is made in NHWC, so that the view keeps channels-last strides as every
 * other convolution input does (a change of layout costs libtorch a reorder per call).
 */
function convInput(b: TorchBackend, x: TensorInfo, c: ReturnType<typeof convInfo>) {
  let h = b.h(x);
  if (!c.symmetric) h = padNhwc(b, h, x.shape, c.p);
  return { xt: toNchw(b, h), padding: c.symmetric ? [c.p.top, c.p.left] : [0, 0] };
}

const conv2d: TorchKernel = ({ x, filter }, attrs, b) => {
  const c = convInfo(x.shape, filter.shape, attrs);
  const { xt, padding } = convInput(b, x, c);
  const w = b.temp(b.lib.op("aten::permute", "", { t: b.h(filter) }, { ints: [3, 2, 0, 1] }));
  const y = b.temp(b.lib.op(
    "aten::convolution",
    "",
    { t: xt },
    { t: w },
    null,
    { ints: [c.info.strideHeight, c.info.strideWidth] },
    { ints: padding },
    { ints: [c.info.dilationHeight, c.info.dilationWidth] },
    false,
    { ints: [0, 0] },
    1,
  ));
  return b.out(b.lib.op("aten::permute", "", { t: y }, { ints: [0, 2, 3, 1] }), x.dtype);
};

/** The gradient of a convolution with respect to its input: a transposed convolution. */
const conv2dBackpropInput: TorchKernel = ({ dy, filter }, attrs, b) => {
  const inputShape = attrs.inputShape as number[];
  const c = convInfo(inputShape, filter.shape, attrs);
  const [, hh, ww] = inputShape;
  const [kh, kw] = filter.shape;
  const [sh, sw] = [c.info.strideHeight, c.info.strideWidth];
  const [oh, ow] = [dy.shape[1], dy.shape[2]];
  const pad = c.symmetric ? [c.p.top, c.p.left] : [0, 0];
  // The size the transposed convolution must give: the (padded) input's.
  const th = c.symmetric ? hh : hh + c.p.top + c.p.bottom;
  const tw = c.symmetric ? ww : ww + c.p.left + c.p.right;
  const outPad = [th - ((oh - 1) * sh - 2 * pad[0] + kh), tw - ((ow - 1) * sw - 2 * pad[1] + kw)];
  const dyt = toNchw(b, b.h(dy));
  const w = b.temp(b.lib.op("aten::permute", "", { t: b.h(filter) }, { ints: [3, 2, 0, 1] }));
  let gx = b.temp(b.lib.op(
    "aten::convolution",
    "",
    { t: dyt },
    { t: w },
    null,
    { ints: [sh, sw] },
    { ints: pad },
    { ints: [1, 1] },
    true,
    { ints: outPad },
    1,
  ));
  if (!c.symmetric) {
    gx = b.temp(b.lib.op("aten::narrow", "", { t: gx }, 2, c.p.top, hh));
    gx = b.temp(b.lib.op("aten::narrow", "", { t: gx }, 3, c.p.left, ww));
  }
  return b.out(b.lib.op("aten::permute", "", { t: gx }, { ints: [0, 2, 3, 1] }), dy.dtype);
};

/** The gradient of a convolution with respect to its filter. */
const conv2dBackpropFilter: TorchKernel = ({ x, dy }, attrs, b) => {
  const filterShape = attrs.filterShape as number[];
  const c = convInfo(x.shape, filterShape, attrs);
  const { xt, padding } = convInput(b, x, c);
  const [kh, kw, inC, outC] = filterShape;
  // Only the weight's shape is read: its values are not.
  const shapeOnly = b.temp(b.lib.empty([outC, inC, kh, kw], "float32"));
  const [gi, gw, gb] = b.lib.call("aten::convolution_backward", "", [
    { t: toNchw(b, b.h(dy)) },
    { t: xt },
    { t: shapeOnly },
    null,
    { ints: [c.info.strideHeight, c.info.strideWidth] },
    { ints: padding },
    { ints: [c.info.dilationHeight, c.info.dilationWidth] },
    false,
    { ints: [0, 0] },
    1,
    { bools: [false, true, false] },
  ], 3);
  for (const h of [gi, gb]) if (h) b.temp(h);
  b.temp(gw);
  return b.out(b.lib.op("aten::permute", "", { t: gw }, { ints: [2, 3, 1, 0] }), x.dtype);
};

const where = (b: TorchBackend, cond: bigint, yes: bigint, no: bigint) =>
  b.lib.op("aten::where", "self", { t: cond }, { t: yes }, { t: no });

// The activations in one or two passes of libtorch's fastest element-wise kernels: the
// dispatcher takes no Scalar, so `aten::elu` (and `leaky_relu`) cannot be called, and
// `where` is several times slower than a minimum or a product.

/**
 * elu(x) = max(x, expm1(min(x, 0))), exact: for x > 0 the second term is 0; for x ≤ 0 it is
 * eˣ − 1 ≥ x. Three passes, the same expm1 per element as libtorch's own elu.
 */
const elu: TorchKernel = ({ x }, _a, b) => {
  const h = b.h(x);
  const neg = b.temp(b.lib.op("aten::minimum", "", { t: h }, { t: b.constant(0) }));
  const e = b.temp(b.lib.op("aten::expm1", "", { t: neg }));
  return b.out(b.lib.op("aten::maximum", "", { t: h }, { t: e }), x.dtype);
};

/** dy · (y ≥ 0 ? 1 : y + 1) = dy · (1 + min(y, 0)). */
const eluGrad: TorchKernel = ({ dy, y }, _a, b) => {
  const neg = b.temp(b.lib.op("aten::minimum", "", { t: b.h(y) }, { t: b.constant(0) }));
  const slope = b.temp(b.lib.add(neg, b.constant(1)));
  return b.out(b.lib.op("aten::mul", "Tensor", { t: b.h(dy) }, { t: slope }), dy.dtype);
};

/** x < 0 ? αx : x; for 0 ≤ α ≤ 1 that is max(x, αx). */
const leakyRelu: TorchKernel = ({ x }, attrs, b) => {
  const h = b.h(x), alpha = attrs.alpha as number;
  const scaled = b.temp(b.lib.op("aten::mul", "Tensor", { t: h }, { t: b.constant(alpha) }));
  if (alpha >= 0 && alpha <= 1) {
    return b.out(b.lib.op("aten::maximum", "", { t: h }, { t: scaled }), x.dtype);
  }
  const neg = b.temp(b.lib.op("aten::lt", "Tensor", { t: h }, { t: b.constant(0) }));
  return b.out(where(b, neg, scaled, h), x.dtype);
};

/** x > 0 ? 1 : α (NaN stays NaN); for α = 0 (ReLU's gradient) that is sign(relu(x)). */
const step: TorchKernel = ({ x }, attrs, b) => {
  const h = b.h(x);
  const alpha = (attrs.alpha as number | undefined) ?? 0;
  if (alpha === 0) {
    const r = b.temp(b.lib.op("aten::relu", "", { t: h }));
    return b.out(b.lib.op("aten::sign", "", { t: r }), x.dtype);
  }
  const pos = b.temp(b.lib.op("aten::gt", "Tensor", { t: h }, { t: b.constant(0) }));
  const nan = b.temp(b.lib.op("aten::isnan", "", { t: h }));
  const s = b.temp(where(b, pos, b.constant(1), b.constant(alpha)));
  return b.out(where(b, nan, h, s), x.dtype);
};

/** Sum over axes, keeping them as 1s (libtorch's `sum_to_size`: no optional list). */
function sumKeep(b: TorchBackend, x: TensorInfo, axes: number[]): bigint {
  const h = b.h(x);
  if (axes.length === x.shape.length) {
    const all = b.temp(b.lib.op("aten::sum", "dim_IntList", { t: h }, null, false, null));
    return b.lib.op("aten::reshape", "", { t: all }, { ints: x.shape.map(() => 1) });
  }
  const target = x.shape.map((v, i) => (axes.includes(i) ? 1 : v));
  return b.lib.op("aten::sum_to_size", "", { t: h }, { ints: target });
}

function reduced(x: TensorInfo, axes: number[], keepDims: boolean): number[] {
  return x.shape.map((v, i) => (axes.includes(i) ? 1 : v)).filter((_, i) =>
    keepDims || !axes.includes(i)
  );
}

const sum: TorchKernel = ({ x }, attrs, b) => {
  const axes = tf.util.parseAxisParam(attrs.axis as number[], x.shape);
  const dtype = x.dtype === "bool" ? "int32" : x.dtype;
  if (axes.length === 0) return b.out(b.lib.dup(b.h(x)), dtype);
  const s = b.temp(sumKeep(b, x, axes));
  return b.out(
    b.lib.op("aten::reshape", "", { t: s }, { ints: reduced(x, axes, !!attrs.keepDims) }),
    dtype,
  );
};

const mean: TorchKernel = ({ x }, attrs, b) => {
  const axes = tf.util.parseAxisParam(attrs.axis as number[], x.shape);
  if (axes.length === 0) return b.out(b.lib.dup(b.h(x)), x.dtype);
  const count = axes.reduce((a, i) => a * x.shape[i], 1);
  const s = b.temp(sumKeep(b, x, axes));
  const m = b.temp(b.lib.op("aten::div", "Tensor", { t: s }, { t: b.constant(count) }));
  return b.out(
    b.lib.op("aten::reshape", "", { t: m }, { ints: reduced(x, axes, !!attrs.keepDims) }),
    "float32",
  );
};

function extreme(op: string): TorchKernel {
  return ({ x }, attrs, b) => {
    const axes = tf.util.parseAxisParam(attrs.reductionIndices as number[], x.shape);
    if (axes.length === 0) return b.out(b.lib.dup(b.h(x)), x.dtype);
    return b.out(b.lib.op(op, "", { t: b.h(x) }, { ints: axes }, !!attrs.keepDims), x.dtype);
  };
}

const reshape: TorchKernel = ({ x }, attrs, b) => {
  const shape = tf.util.inferFromImplicitShape(attrs.shape as number[], size(x.shape));
  return b.out(b.lib.op("aten::reshape", "", { t: b.h(x) }, { ints: shape }), x.dtype);
};

const slice: TorchKernel = ({ x }, attrs, b) => {
  const [begin, sz] = tf.slice_util.parseSliceParams(
    x as unknown as tf.Tensor,
    attrs.begin as number[],
    attrs.size as number[],
  );
  let h = b.h(x);
  for (let d = 0; d < x.shape.length; d++) {
    if (begin[d] === 0 && sz[d] === x.shape[d]) continue;
    h = b.temp(b.lib.op("aten::narrow", "", { t: h }, d, begin[d], sz[d]));
  }
  return b.out(b.lib.dup(h), x.dtype);
};

const concat: TorchKernel = (inputs, attrs, b) => {
  const list = Object.values(inputs);
  const axis = tf.util.parseAxisParam(attrs.axis as number, list[0].shape)[0];
  const parts = list.filter((t) => size(t.shape) > 0);
  const use = parts.length ? parts : [list[0]];
  const dtype = use.map((t) => t.dtype).reduce((a, d) => tf.upcastType(a, d));
  return b.out(
    b.lib.op("aten::cat", "", { tensors: use.map((t) => b.h(t)) }, axis),
    dtype,
  );
};

const splitV: TorchKernel = ({ x }, attrs, b) => {
  const axis = tf.util.parseAxisParam(attrs.axis as number, x.shape)[0];
  const sizes = tf.backend_util.prepareSplitSize(
    x as unknown as tf.Tensor,
    attrs.numOrSizeSplits as number[],
    axis,
  );
  let at = 0;
  return sizes.map((n) => {
    const part = b.out(b.lib.op("aten::narrow", "", { t: b.h(x) }, axis, at, n), x.dtype);
    at += n;
    return part;
  });
};

const padV2: TorchKernel = ({ x }, attrs, b) => {
  const paddings = attrs.paddings as [number, number][];
  const value = (attrs.constantValue as number) ?? 0;
  const h = b.h(x);
  const shape = x.shape.map((v, i) => v + paddings[i][0] + paddings[i][1]);
  const z = b.temp(
    b.lib.op("aten::new_zeros", "", { t: h }, { ints: shape }, null, null, null, null),
  );
  if (value !== 0) {
    b.temp(
      b.lib.op("aten::fill_", "Tensor", { t: z }, {
        t: b.constant(value, x.dtype === "int32" ? "int32" : "float32"),
      }),
    );
  }
  let inner = z;
  x.shape.forEach((v, i) => {
    inner = b.temp(b.lib.op("aten::narrow", "", { t: inner }, i, paddings[i][0], v));
  });
  if (size(x.shape) > 0) b.lib.copy(inner, h);
  return b.out(b.lib.dup(z), x.dtype);
};

const gatherV2: TorchKernel = ({ x, indices }, attrs, b) => {
  if ((attrs.batchDims as number) > 0) {
    throw new SparsedynError(
      "INVALID_ARGUMENT",
      "the torch backend gathers with batchDims = 0 only",
      { argument: "batchDims" },
    );
  }
  const axis = tf.util.parseAxisParam(attrs.axis as number, x.shape)[0];
  const flat = b.temp(b.lib.op("aten::reshape", "", { t: b.h(indices) }, { ints: [-1] }));
  const g = b.temp(b.lib.op("aten::index_select", "", { t: b.h(x) }, axis, { t: flat }));
  const shape = [...x.shape.slice(0, axis), ...indices.shape, ...x.shape.slice(axis + 1)];
  return b.out(b.lib.op("aten::reshape", "", { t: g }, { ints: shape }), x.dtype);
};

const batchMatMul: TorchKernel = ({ a, b: y }, attrs, b) => {
  let ha = b.h(a), hb = b.h(y);
  if (attrs.transposeA) ha = b.temp(b.lib.op("aten::transpose", "int", { t: ha }, -2, -1));
  if (attrs.transposeB) hb = b.temp(b.lib.op("aten::transpose", "int", { t: hb }, -2, -1));
  return b.out(b.lib.op("aten::matmul", "", { t: ha }, { t: hb }), a.dtype);
};

const addN: TorchKernel = (inputs, _a, b) => {
  const list = Object.values(inputs);
  let h = b.lib.dup(b.h(list[0]));
  for (const t of list.slice(1)) {
    const next = b.lib.add(h, b.h(t));
    b.lib.free(h);
    h = next;
  }
  return b.out(h, list[0].dtype);
};

const select: TorchKernel = ({ condition, t, e }, _a, b) => {
  let c = b.h(condition);
  if (condition.shape.length < t.shape.length) {
    // A 1-D condition picks whole rows.
    const shape = [...condition.shape, ...t.shape.slice(condition.shape.length).map(() => 1)];
    c = b.temp(b.lib.op("aten::reshape", "", { t: c }, { ints: shape }));
  }
  return b.out(where(b, c, b.h(t), b.h(e)), tf.upcastType(t.dtype, e.dtype));
};

const cast: TorchKernel = ({ x }, attrs, b) => {
  const dtype = attrs.dtype as tf.DataType;
  return b.out(
    b.lib.op("aten::to", "dtype", { t: b.h(x) }, { dtype: dtype as "float32" }, false, true, null),
    dtype,
  );
};

const clip: TorchKernel = ({ x }, attrs, b) => {
  const lo = b.temp(
    b.lib.op("aten::maximum", "", { t: b.h(x) }, { t: b.constant(attrs.clipValueMin as number) }),
  );
  return b.out(
    b.lib.op("aten::minimum", "", { t: lo }, { t: b.constant(attrs.clipValueMax as number) }),
    x.dtype,
  );
};

const fill: TorchKernel = (_inputs, attrs, b) => {
  const dtype = (attrs.dtype as tf.DataType) ?? "float32";
  const t = dtype === "int32" ? "int32" : dtype === "bool" ? "bool" : "float32";
  const h = b.lib.empty(attrs.shape as number[], t);
  b.temp(b.lib.op("aten::fill_", "Tensor", { t: h }, { t: b.constant(attrs.value as number, t) }));
  return b.out(h, dtype);
};

const likeOf = (op: string): TorchKernel => ({ x }, _a, b) =>
  b.out(b.lib.op(op, "", { t: b.h(x) }, null, null, null, null, null), x.dtype);

/**
 * The kernels, by TensorFlow.js kernel name.
 *
 * @returns A new table (the backend registers each).
 */
export function torchKernels(): Record<string, TorchKernel> {
  return {
    Conv2D: conv2d,
    Conv2DBackpropInput: conv2dBackpropInput,
    Conv2DBackpropFilter: conv2dBackpropFilter,
    Add: ({ a, b: y }, _a, b) => b.out(b.lib.add(b.h(a), b.h(y)), tf.upcastType(a.dtype, y.dtype)),
    Sub: ({ a, b: y }, _a, b) =>
      b.out(b.lib.add(b.h(a), b.h(y), -1), tf.upcastType(a.dtype, y.dtype)),
    Multiply: binary("aten::mul", "Tensor"),
    RealDiv: binary("aten::div", "Tensor"),
    Maximum: binary("aten::maximum", ""),
    Minimum: binary("aten::minimum", ""),
    Pow: binary("aten::pow", "Tensor_Tensor"),
    Greater: binary("aten::gt", "Tensor", true),
    GreaterEqual: binary("aten::ge", "Tensor", true),
    Less: binary("aten::lt", "Tensor", true),
    LessEqual: binary("aten::le", "Tensor", true),
    Equal: binary("aten::eq", "Tensor", true),
    NotEqual: binary("aten::ne", "Tensor", true),
    LogicalAnd: binary("aten::logical_and", "", true),
    LogicalOr: binary("aten::logical_or", "", true),
    LogicalNot: unary("aten::logical_not", "bool"),
    Neg: unary("aten::neg"),
    Abs: unary("aten::abs"),
    Sqrt: unary("aten::sqrt"),
    Rsqrt: unary("aten::rsqrt"),
    Square: unary("aten::square"),
    Exp: unary("aten::exp"),
    Expm1: unary("aten::expm1"),
    Log: unary("aten::log"),
    Log1p: unary("aten::log1p"),
    Tanh: unary("aten::tanh"),
    Sigmoid: unary("aten::sigmoid"),
    Sign: unary("aten::sign"),
    Relu: unary("aten::relu"),
    Floor: unary("aten::floor"),
    Ceil: unary("aten::ceil"),
    Reciprocal: unary("aten::reciprocal"),
    IsNan: unary("aten::isnan", "bool"),
    Elu: elu,
    EluGrad: eluGrad,
    LeakyRelu: leakyRelu,
    Step: step,
    Sum: sum,
    Mean: mean,
    Max: extreme("aten::amax"),
    Min: extreme("aten::amin"),
    Reshape: reshape,
    Identity: ({ x }, _a, b) => b.out(b.lib.dup(b.h(x)), x.dtype),
    Transpose: ({ x }, attrs, b) =>
      b.out(
        b.lib.op("aten::permute", "", { t: b.h(x) }, { ints: attrs.perm as number[] }),
        x.dtype,
      ),
    Slice: slice,
    Concat: concat,
    SplitV: splitV,
    Tile: ({ x }, attrs, b) =>
      b.out(b.lib.op("aten::repeat", "", { t: b.h(x) }, { ints: attrs.reps as number[] }), x.dtype),
    PadV2: padV2,
    GatherV2: gatherV2,
    BatchMatMul: batchMatMul,
    AddN: addN,
    Select: select,
    Cast: cast,
    ClipByValue: clip,
    Fill: fill,
    ZerosLike: likeOf("aten::zeros_like"),
    OnesLike: likeOf("aten::ones_like"),
    BroadcastTo: ({ x }, attrs, b) =>
      b.out(
        b.lib.op("aten::expand", "", { t: b.h(x) }, { ints: attrs.shape as number[] }, false),
        x.dtype,
      ),
  };
}
