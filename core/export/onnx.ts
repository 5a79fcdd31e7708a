/**
 * ONNX export of a trained CAE: the encoder, the static (skip) branch and the decoder as
 * three ONNX models (opset 17), built from the config and the weights, computing what the
 * tfjs model computes (parity is tested to 1e-4 on every architecture the config allows).
 *
 * Layout (NCHW, as ONNX and PyTorch use):
 * - encoder: `frames` [N, 1, H, W] → `latent` [N, C, h, w] and `latent_flat` [N, d], the
 *   latent in sparsedyn's order (d = h·w·C, index (y·w + x)·C + c: the order of
 *   latents.npy and of the VAR's coefficients);
 * - static branch (skip "mean" or "residual"): `mean_image` [N, 1, H, W] → `static_code`
 *   [N, S, h, w];
 * - decoder: `latent` [N, C, h, w] (and, with a skip, `static_code` [1 or N, S, h, w],
 *   broadcast over the batch; with the residual skip also `mean_image` [1 or N, 1, H, W],
 *   which the output is added to) → `frames` [N, 1, H, W].
 *
 * The frames must be preprocessed as the run's config says (metadata `sparsedyn.preprocess`);
 * docs/onnx.md shows how from Python. A config with a key, activation or weight that the
 * exporter does not know fails with a typed error instead of giving a different graph.
 *
 * @example Export a fresh model and look at its inputs
 * ```ts
 * import { caeToOnnx, caeWeights } from "./onnx.ts";
 * import { createCae, defaultCaeConfig } from "../model/cae.ts";
 * import { decodeOnnxModel } from "./onnx_proto.ts";
 * import { tf } from "../model/tf.ts";
 *
 * await tf.setBackend("cpu");
 * const cae = createCae(defaultCaeConfig(32, 32), 1);
 * const files = caeToOnnx(cae.config, await caeWeights(cae));
 * const enc = decodeOnnxModel(files.encoder);
 * if (enc.graph?.input?.[0].name !== "frames" || !files.static) throw new Error("encoder, static");
 * ```
 *
 * @module
 */
import { SparsedynError } from "../errors.ts";
import type { Activation, Cae, CaeConfig } from "../model/cae.ts";
import { checkCaeConfig } from "../model/cae.ts";
import { VERSION } from "../version.ts";
import { float, GraphBuilder } from "./onnx_graph.ts";
import { encodeOnnxModel } from "./onnx_proto.ts";
import { samePads, sameTransposePads } from "./same_padding.ts";

/** A weight: values in tfjs layout (C order) and its shape. */
export interface WeightArray {
  /** Values. */
  data: Float32Array;
  /** Shape, as the tfjs variable has it (conv filters [k, k, in, out]). */
  shape: number[];
}

/** The three exported models, as `.onnx` file bytes. */
export interface OnnxModels {
  /** frames → latent, latent_flat. */
  encoder: Uint8Array;
  /** mean_image → static_code (skip "mean" or "residual"; absent without a skip). */
  static?: Uint8Array;
  /** latent (+ static_code) → frames. */
  decoder: Uint8Array;
}

/** What the exported files record besides the config (all optional). */
export interface OnnxExportInfo {
  /** The run's preprocessing spec (JSON-able), recorded as `sparsedyn.preprocess`. */
  preprocess?: unknown;
  /** Anything else to record, as `sparsedyn.<key>` metadata (values JSON-encoded). */
  extra?: Record<string, unknown>;
}

/** How the graphs are written (the function computed is the same either way). */
export interface CaeToOnnxOptions {
  /**
   * Writes ELU as max(x, exp(min(x, 0)) − 1) instead of the `Elu` operator (default false).
   * onnxruntime's CPU `Elu` evaluates both branches element by element and took 46% of the
   * default encoder's time here (64×64 frames); `Exp`, `Min`, `Max` and `Sub` are
   * vectorised, and the encoder runs about 1.4× faster. The `encode` engine uses this form;
   * exported files keep the single `Elu` node, which reads better in Netron and converters.
   */
  eluAsExp?: boolean;
}

/** The config keys the exporter knows how to translate; any other key is refused. */
const KNOWN_KEYS: readonly (keyof CaeConfig)[] = [
  "height",
  "width",
  "channels",
  "kernel",
  "stride",
  "activation",
  "latentChannels",
  "skip",
  "staticChannels",
];

function unsupported(argument: string, message: string): never {
  throw new SparsedynError("INVALID_ARGUMENT", `ONNX export: ${message}`, { argument });
}

/**
 * The model's weights read out of its tfjs variables, by name.
 *
 * @param cae A model.
 * @returns Its weights, ready for {@link caeToOnnx}.
 */
export async function caeWeights(cae: Cae): Promise<Record<string, WeightArray>> {
  const out: Record<string, WeightArray> = {};
  for (const [name, v] of Object.entries(cae.variables)) {
    out[name] = { data: Float32Array.from(await v.data()), shape: [...v.shape] };
  }
  return out;
}

/** [kh, kw, a, b] (tfjs filter) → [b, a, kh, kw] (ONNX Conv W, and ConvTranspose W). */
function toOihw(w: WeightArray): { data: Float32Array; shape: number[] } {
  const [kh, kw, a, b] = w.shape;
  const out = new Float32Array(w.data.length);
  for (let y = 0; y < kh; y++) {
    for (let x = 0; x < kw; x++) {
      for (let i = 0; i < a; i++) {
        for (let o = 0; o < b; o++) {
          out[((o * a + i) * kh + y) * kw + x] = w.data[((y * kw + x) * a + i) * b + o];
        }
      }
    }
  }
  return { data: out, shape: [b, a, kh, kw] };
}

/** Takes weights by name, checks their shapes, and remembers which were used. */
class WeightTable {
  readonly #w: Record<string, WeightArray>;
  readonly #used = new Set<string>();
  constructor(w: Record<string, WeightArray>) {
    this.#w = w;
  }
  take(name: string, shape: number[]): WeightArray {
    const w = this.#w[name];
    if (!w) unsupported(name, `the weights have no '${name}', which this architecture needs`);
    if (w.shape.join() !== shape.join() || w.data.length !== shape.reduce((a, b) => a * b, 1)) {
      unsupported(
        name,
        `weight '${name}' has shape [${w.shape}], the architecture needs [${shape}]`,
      );
    }
    this.#used.add(name);
    return w;
  }
  /** Every weight must have found its place in a graph: none is silently dropped. */
  checkAllUsed(): void {
    const left = Object.keys(this.#w).filter((k) => !this.#used.has(k));
    if (left.length) {
      unsupported(
        left[0],
        `weights ${left.map((k) => `'${k}'`).join(", ")} belong to no layer the exporter knows`,
      );
    }
  }
}

// The scalars 0 and 1, one initializer each per graph.
const scalars = new WeakMap<GraphBuilder, { zero: string; one: string }>();
function constants(g: GraphBuilder): { zero: string; one: string } {
  let c = scalars.get(g);
  if (!c) {
    c = {
      zero: g.float("zero", Float32Array.of(0), []),
      one: g.float("one", Float32Array.of(1), []),
    };
    scalars.set(g, c);
  }
  return c;
}

function activation(g: GraphBuilder, x: string, a: Activation, eluAsExp: boolean): string {
  switch (a) {
    case "relu":
      return g.node("Relu", [x]);
    case "elu": {
      if (!eluAsExp) return g.node("Elu", [x], { alpha: float(1) });
      // max(x, exp(min(x, 0)) − 1): for x > 0 the right side is 0 < x; for x ≤ 0,
      // eˣ − 1 ≥ x. The same function, in operators that onnxruntime's CPU provider
      // vectorises (see CaeToOnnxOptions.eluAsExp).
      const { zero, one } = constants(g);
      const e = g.node("Exp", [g.node("Min", [x, zero])]);
      return g.node("Max", [x, g.node("Sub", [e, one])]);
    }
    case "leakyRelu":
      // tfjs leakyRelu(x, 0.1) as cae.ts applies it.
      return g.node("LeakyRelu", [x], { alpha: float(0.1) });
    case "tanh":
      return g.node("Tanh", [x]);
    case "linear":
      return x;
    default:
      return unsupported("activation", `activation "${a as string}" has no ONNX translation`);
  }
}

/** A "same" conv2d + bias, from a tfjs filter [k, k, in, out] on an h×w input. */
function conv(
  g: GraphBuilder,
  x: string,
  w: WeightArray,
  b: WeightArray,
  stride: number,
  h: number,
  wd: number,
  name: string,
): string {
  const k = w.shape[0];
  const py = samePads(h, stride, k), px = samePads(wd, stride, k);
  const W = toOihw(w);
  return g.node("Conv", [
    x,
    g.float(`${name}.w`, W.data, W.shape),
    g.float(`${name}.b`, b.data, b.shape),
  ], {
    kernel_shape: [k, k],
    strides: [stride, stride],
    pads: [py.before, px.before, py.after, px.after],
    dilations: [1, 1],
    group: 1,
  }, name);
}

/** A "same" conv2dTranspose + bias to an h×w output, from a tfjs filter [k, k, out, in]. */
function convTranspose(
  g: GraphBuilder,
  x: string,
  w: WeightArray,
  b: WeightArray,
  stride: number,
  h: number,
  wd: number,
  name: string,
): string {
  const k = w.shape[0];
  const py = sameTransposePads(h, stride, k), px = sameTransposePads(wd, stride, k);
  for (const p of [py, px]) {
    if (p.outputPadding < 0 || p.outputPadding >= stride) {
      unsupported(
        "kernel",
        `no ConvTranspose gives the "same" output for kernel ${k}, stride ${stride}`,
      );
    }
  }
  const W = toOihw(w);
  return g.node(
    "ConvTranspose",
    [x, g.float(`${name}.w`, W.data, W.shape), g.float(`${name}.b`, b.data, b.shape)],
    {
      kernel_shape: [k, k],
      strides: [stride, stride],
      pads: [py.before, px.before, py.after, px.after],
      output_padding: [py.outputPadding, px.outputPadding],
      dilations: [1, 1],
      group: 1,
    },
    name,
  );
}

/** Refuses a config key the exporter does not know, rather than give a different graph. */
function checkKnownKeys(config: CaeConfig): void {
  for (const key of Object.keys(config)) {
    if (!(KNOWN_KEYS as readonly string[]).includes(key)) {
      unsupported(key, `config key '${key}' is not something the exporter can translate`);
    }
  }
}

/** What every graph of one export shares: the checked config, its sizes and its weights. */
interface ExportContext {
  /** The checked config. */
  c: CaeConfig;
  /** The weights, taken by name as the graphs need them. */
  table: WeightTable;
  /** Frame height. */
  H: number;
  /** Frame width. */
  W: number;
  /** Latent grid height. */
  h: number;
  /** Latent grid width. */
  w: number;
  /** ELU written with Exp (see {@link CaeToOnnxOptions.eluAsExp}). */
  eluAsExp: boolean;
  /** The metadata of the graph of a role ("encoder", "static", "decoder"). */
  metadata(role: string): Record<string, string>;
}

/** The `sparsedyn.*` metadata of one exported graph: version, role, config, layout, info. */
function onnxMetadata(c: CaeConfig, info: OnnxExportInfo, role: string): Record<string, string> {
  const m: Record<string, string> = {
    "sparsedyn.version": VERSION,
    "sparsedyn.role": role,
    "sparsedyn.config": JSON.stringify(c),
    "sparsedyn.layout": "NCHW; latent_flat[n, (y*w + x)*C + c] = latent[n, c, y, x]",
  };
  if (info.preprocess !== undefined) m["sparsedyn.preprocess"] = JSON.stringify(info.preprocess);
  for (const [key, v] of Object.entries(info.extra ?? {})) {
    m[`sparsedyn.${key}`] = JSON.stringify(v);
  }
  return m;
}

/** One encoder body (hidden strided convolutions, then a stride-1 convolution). */
function encoderBody(
  ctx: ExportContext,
  g: GraphBuilder,
  x: string,
  prefix: string,
  outC: number,
): string {
  const { c, table } = ctx;
  const { kernel: k, stride: s } = c;
  let y = x, inC = 1, hh = ctx.H, ww = ctx.W;
  c.channels.forEach((ch, i) => {
    const wt = table.take(`${prefix}.conv${i}.w`, [k, k, inC, ch]);
    const bt = table.take(`${prefix}.conv${i}.b`, [ch]);
    y = activation(
      g,
      conv(g, y, wt, bt, s, hh, ww, `${prefix}.conv${i}`),
      c.activation,
      ctx.eluAsExp,
    );
    inC = ch;
    hh /= s;
    ww /= s;
  });
  const wt = table.take(`${prefix}.out.w`, [k, k, inC, outC]);
  const bt = table.take(`${prefix}.out.b`, [outC]);
  return conv(g, y, wt, bt, 1, hh, ww, `${prefix}.out`);
}

/** What distinguishes the encoder's graph from the static branch's: names and channels. */
interface EncoderGraphSpec {
  /** The graph's name. */
  graph: string;
  /** The input's name and doc (N×1×H×W). */
  input: [string, string];
  /** The weights' prefix ("encoder", "static"). */
  prefix: string;
  /** Channels of the output. */
  outC: number;
  /** The output's name and doc (N×outC×h×w). */
  output: [string, string];
}

/**
 * A graph holding one encoder body, from its input to its first output; the graph and the
 * body's value (what the output is an Identity of, for further nodes to take).
 */
function encoderGraph(
  ctx: ExportContext,
  spec: EncoderGraphSpec,
): { g: GraphBuilder; out: string } {
  const { H, W, h, w } = ctx;
  const g = new GraphBuilder(spec.graph);
  const out = encoderBody(
    ctx,
    g,
    g.input(spec.input[0], ["N", 1, H, W], spec.input[1]),
    spec.prefix,
    spec.outC,
  );
  g.output(out, spec.output[0], ["N", spec.outC, h, w], spec.output[1]);
  return { g, out };
}

/** The encoder graph: frames → latent, and latent_flat in sparsedyn's order. */
function encoderModel(ctx: ExportContext): Uint8Array {
  const { H, W, h, w } = ctx;
  const C = ctx.c.latentChannels, d = h * w * C;
  const { g: enc, out: latent } = encoderGraph(ctx, {
    graph: "sparsedyn_encoder",
    input: ["frames", "preprocessed frames, NCHW (one channel)"],
    prefix: "encoder",
    outC: C,
    output: ["latent", "latent maps, NCHW"],
  });
  const flat = enc.node("Reshape", [
    enc.node("Transpose", [latent], { perm: [0, 2, 3, 1] }),
    enc.int64("flat_shape", [0, d]),
  ]);
  enc.output(flat, "latent_flat", ["N", d], "latents in sparsedyn's order: (y*w + x)*C + c");
  return encodeOnnxModel(enc.model({
    doc: `sparsedyn encoder: frames [N,1,${H},${W}] -> latent [N,${C},${h},${w}]`,
    metadata: ctx.metadata("encoder"),
  }));
}

/** The static branch's graph: mean_image → static_code (skip "mean" or "residual"). */
function staticModel(ctx: ExportContext): Uint8Array {
  const { H, W, h, w } = ctx;
  const S = ctx.c.staticChannels;
  const { g: st } = encoderGraph(ctx, {
    graph: "sparsedyn_static",
    input: ["mean_image", "temporal mean of the preprocessed frames, NCHW"],
    prefix: "static",
    outC: S,
    output: ["static_code", "static code of the mean image, NCHW"],
  });
  return encodeOnnxModel(st.model({
    doc: `sparsedyn static branch: mean image [N,1,${H},${W}] -> static code [N,${S},${h},${w}]`,
    metadata: ctx.metadata("static"),
  }));
}

/**
 * The decoder graph's inputs: the latent, joined by the static code broadcast over its
 * batch (skip), and the mean image to add to the output (skip "residual").
 */
function decoderInputs(
  ctx: ExportContext,
  dec: GraphBuilder,
  S: number,
): { x: string; meanInput?: string } {
  const { c, H, W, h, w } = ctx;
  let x = dec.input("latent", ["N", c.latentChannels, h, w], "latent maps, NCHW");
  // Residual skip: the decoder's output is added to the mean image, its own input here.
  const meanInput = c.skip === "residual"
    ? dec.input(
      "mean_image",
      ["M", 1, H, W],
      "temporal mean of the preprocessed frames (M = 1, broadcast over the batch, or M = N)",
    )
    : undefined;
  if (c.skip !== "none") {
    const code = dec.input(
      "static_code",
      ["M", S, h, w],
      "static code (M = 1, broadcast over the batch, or M = N)",
    );
    // Broadcast the code over the latent's batch: Expand to [N, 1, 1, 1] ⊙ [M, S, h, w].
    const batch = dec.node("Shape", [x], { start: 0, end: 1 });
    const shape = dec.node("Concat", [batch, dec.int64("ones", [1, 1, 1])], { axis: 0 });
    x = dec.node("Concat", [x, dec.node("Expand", [code, shape])], { axis: 1 });
  }
  return { x, meanInput };
}

/**
 * The decoder's layers on its input `x`: a stride-1 convolution from the latent (+ static)
 * channels, transposed convolutions mirroring the encoder, a convolution to one channel.
 */
function decoderLayers(ctx: ExportContext, dec: GraphBuilder, x: string, S: number): string {
  const { c, table, H, W, h, w, eluAsExp } = ctx;
  const { kernel: k, stride: s } = c;
  const rev = [...c.channels].reverse();
  const inDec = c.latentChannels + S;
  let y = activation(
    dec,
    conv(
      dec,
      x,
      table.take("decoder.in.w", [k, k, inDec, rev[0]]),
      table.take("decoder.in.b", [rev[0]]),
      1,
      h,
      w,
      "decoder.in",
    ),
    c.activation,
    eluAsExp,
  );
  let hh = h, ww = w;
  rev.forEach((ch, i) => {
    const out = i + 1 < rev.length ? rev[i + 1] : rev[rev.length - 1];
    hh *= s;
    ww *= s;
    const wt = table.take(`decoder.up${i}.w`, [k, k, out, ch]);
    const bt = table.take(`decoder.up${i}.b`, [out]);
    y = activation(
      dec,
      convTranspose(dec, y, wt, bt, s, hh, ww, `decoder.up${i}`),
      c.activation,
      eluAsExp,
    );
  });
  const lastC = rev[rev.length - 1];
  return conv(
    dec,
    y,
    table.take("decoder.out.w", [k, k, lastC, 1]),
    table.take("decoder.out.b", [1]),
    1,
    H,
    W,
    "decoder.out",
  );
}

/** The decoder graph: latent (+ static_code, + mean_image) → frames. */
function decoderModel(ctx: ExportContext): Uint8Array {
  const { c, H, W, h, w } = ctx;
  const C = c.latentChannels;
  const S = c.skip !== "none" ? c.staticChannels : 0;
  const dec = new GraphBuilder("sparsedyn_decoder");
  const { x, meanInput } = decoderInputs(ctx, dec, S);
  let y = decoderLayers(ctx, dec, x, S);
  if (meanInput) y = dec.node("Add", [y, meanInput]);
  dec.output(y, "frames", ["N", 1, H, W], "reconstructed frames, NCHW");
  return encodeOnnxModel(dec.model({
    doc: `sparsedyn decoder: latent [N,${C},${h},${w}]${
      S ? ` + static code [1,${S},${h},${w}]` : ""
    }${meanInput ? ` + mean image [1,1,${H},${W}]` : ""} -> frames [N,1,${H},${W}]`,
    metadata: ctx.metadata("decoder"),
  }));
}

/**
 * Builds the ONNX models of a CAE from its config and weights.
 *
 * @param config The architecture (as `createCae` takes it).
 * @param weights Every weight of the model, by variable name (see {@link caeWeights}).
 * @param info The preprocessing spec and other facts to record as metadata.
 * @param options How to write the graphs (e.g. ELU for onnxruntime's CPU provider).
 * @returns The `.onnx` files' bytes: encoder, static branch (skip "mean" or "residual") and
 *   decoder.
 * @throws {SparsedynError} `INVALID_ARGUMENT` naming the config key, activation or weight
 *   the exporter cannot translate exactly (an unknown key, a missing, misshapen or unused
 *   weight).
 */
export function caeToOnnx(
  config: CaeConfig,
  weights: Record<string, WeightArray>,
  info: OnnxExportInfo = {},
  options: CaeToOnnxOptions = {},
): OnnxModels {
  const eluAsExp = options.eluAsExp ?? false;
  checkKnownKeys(config);
  const c = checkCaeConfig(config);
  const { height: H, width: W, stride: s } = c;
  const L = c.channels.length;
  const ctx: ExportContext = {
    c,
    table: new WeightTable(weights),
    H,
    W,
    h: H / s ** L,
    w: W / s ** L,
    eluAsExp,
    metadata: (role) => onnxMetadata(c, info, role),
  };
  // The graphs take their weights in this order: a missing one is named as before.
  const encoder = encoderModel(ctx);
  const staticBytes = c.skip !== "none" ? staticModel(ctx) : undefined;
  const decoder = decoderModel(ctx);
  ctx.table.checkAllUsed();
  return { encoder, ...(staticBytes ? { static: staticBytes } : {}), decoder };
}
