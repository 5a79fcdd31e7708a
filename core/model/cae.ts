/**
 * The convolutional autoencoder, from a JSON-able config: an encoder of strided
 * convolutions maps each frame to a latent map C×h×w (flattened to d = C·h·w for the VAR);
 * a mirrored decoder of transposed convolutions maps it back. With `skip: "mean"` a second
 * encoder of the same shape turns the window's mean image into a static code that enters
 * the decoder beside the latent map, so the latent carries the dynamics only.
 *
 * @example
 * ```ts
 * import { createCae, defaultCaeConfig } from "./cae.ts";
 * import { tf } from "./tf.ts";
 *
 * await tf.setBackend("cpu");
 * const cae = createCae(defaultCaeConfig(32, 32), 1);
 * const frames = tf.zeros([2, 32, 32, 1]) as tf.Tensor4D;
 * const z = cae.encode(frames);
 * const out = cae.decode(z, cae.encodeStatic!(tf.zeros([1, 32, 32, 1]) as tf.Tensor4D));
 * if (out.shape.join() !== "2,32,32,1" || cae.latentSize !== z.shape[1]! * z.shape[2]! * z.shape[3]!) throw new Error("shapes");
 * ```
 *
 * @module
 */
import { SparsedynError } from "../errors.ts";
import { normals, uniform } from "../data/random.ts";
import { type Tensor4D, tf, type Variable } from "./tf.ts";

/** Activation functions the config may name. */
export type Activation = "relu" | "elu" | "leakyRelu" | "tanh" | "linear";

/** The architecture. */
export interface CaeConfig {
  /** Frame size after preprocessing. */
  height: number;
  /** Frame width (after preprocessing). */
  width: number;
  /** Channels of each encoder convolution (the decoder mirrors them). */
  channels: number[];
  /** Kernel size of every convolution (odd). */
  kernel: number;
  /** Stride of every encoder convolution (1 or 2; the decoder upsamples by the same). */
  stride: number;
  /** Activation after each hidden convolution. */
  activation: Activation;
  /** Channels C of the latent map. */
  latentChannels: number;
  /**
   * Skip connection: none; "mean", a static code of the window's mean image into the
   * decoder; or "residual", the same static code and the mean image itself added to the
   * decoder's output, so that the decoder learns only the frame's departure from the mean
   * (an untrained model already reconstructs the mean image, and training can only improve
   * on it).
   */
  skip: "none" | "mean" | "residual";
  /** Channels of the static code (skip = "mean" or "residual"). */
  staticChannels: number;
}

/**
 * A good default for small windows on a laptop: three stride-2 convolutions of 16, 32 and
 * 32 channels, 3×3 kernels, ELU, and a latent map of 2 channels at an eighth of the
 * resolution (d = 128 for 64×64 frames: the VAR's m = p·d stays small next to a window's
 * length, which keeps the lasso path and its adjoint cheap), with the mean-image skip
 * connection (a static code of 2 channels).
 *
 * @param height Frame height (a multiple of 8).
 * @param width Frame width (a multiple of 8).
 * @returns The config.
 */
export function defaultCaeConfig(height: number, width: number): CaeConfig {
  return {
    height,
    width,
    channels: [16, 32, 32],
    kernel: 3,
    stride: 2,
    activation: "elu",
    latentChannels: 2,
    skip: "mean",
    staticChannels: 2,
  };
}

/** A built model: its variables and its two (or three) functions. */
export interface Cae {
  /** The settings. */
  config: CaeConfig;
  /** Latent map shape [h, w, C] and its size d = h·w·C. */
  latentShape: [number, number, number];
  /** Latent dimension d. */
  latentSize: number;
  /** Every trainable variable, by name. */
  variables: Record<string, Variable>;
  /** Frames [B, H, W, 1] → latent maps [B, h, w, C]. */
  encode(frames: Tensor4D): Tensor4D;
  /**
   * Mean image [1, H, W, 1] → static code [1, h, w, S] (skip = "mean"); with skip =
   * "residual", [1, h, w, S + H·W/(h·w)]: the code, then the mean image itself reshaped to
   * the latent grid, which the decoder reshapes back and adds to its output (one tensor, so
   * every caller passes it on unchanged).
   */
  encodeStatic?: (mean: Tensor4D) => Tensor4D;
  /** Latent maps [B, h, w, C] (and the static code, broadcast over B) → frames [B, H, W, 1]. */
  decode(latent: Tensor4D, staticCode?: Tensor4D): Tensor4D;
}

function bad(argument: string, message: string): never {
  throw new SparsedynError("INVALID_ARGUMENT", message, { argument });
}

/**
 * Checks a config and fills nothing in silently: every field must be present and valid.
 *
 * @param c The config (e.g. parsed from JSON).
 * @returns The same config, typed.
 * @throws {SparsedynError} `INVALID_ARGUMENT` naming the field.
 */
export function checkCaeConfig(c: CaeConfig): CaeConfig {
  const int = (k: keyof CaeConfig, min: number) => {
    const v = c[k] as number;
    if (!Number.isInteger(v) || v < min) {
      bad(k, `${k} must be an integer ≥ ${min}; got ${JSON.stringify(v)}`);
    }
  };
  int("height", 4);
  int("width", 4);
  int("kernel", 1);
  int("latentChannels", 1);
  if (c.kernel % 2 !== 1) bad("kernel", `kernel must be odd; got ${c.kernel}`);
  if (c.stride !== 1 && c.stride !== 2) {
    bad("stride", `stride must be 1 or 2; got ${JSON.stringify(c.stride)}`);
  }
  if (
    !Array.isArray(c.channels) || c.channels.length === 0 ||
    c.channels.some((v) => !Number.isInteger(v) || v < 1)
  ) {
    bad(
      "channels",
      `channels must be a non-empty list of integers ≥ 1; got ${JSON.stringify(c.channels)}`,
    );
  }
  if (!["relu", "elu", "leakyRelu", "tanh", "linear"].includes(c.activation)) {
    bad("activation", `unknown activation "${c.activation}"`);
  }
  if (c.skip !== "none" && c.skip !== "mean" && c.skip !== "residual") {
    bad("skip", `skip must be "none", "mean" or "residual"; got "${c.skip}"`);
  }
  if (c.skip !== "none") int("staticChannels", 1);
  const down = c.stride ** c.channels.length;
  if (c.height % down !== 0 || c.width % down !== 0) {
    bad("stride", `frames of ${c.height}×${c.width} are not divisible by the total stride ${down}`);
  }
  return c;
}

function act(x: Tensor4D, a: Activation): Tensor4D {
  switch (a) {
    case "relu":
      return tf.relu(x);
    case "elu":
      return tf.elu(x);
    case "leakyRelu":
      return tf.leakyRelu(x, 0.1);
    case "tanh":
      return tf.tanh(x);
    default:
      return x;
  }
}

let models = 0;

/** A convolution's filter and bias. */
interface ConvLayer {
  w: Variable;
  b: Variable;
}

/** A transposed convolution of the decoder, with its output channels. */
interface UpLayer extends ConvLayer {
  out: number;
}

/** Makes a model's variables, in the order they are asked for, from one seeded stream. */
interface VariableMaker {
  /** Every variable made so far, by name. */
  variables: Record<string, Variable>;
  /** A He-normal filter (sd √(2 / fanIn)), drawn next from the seeded stream. */
  weight(name: string, shape: number[], fanIn: number): Variable;
  /** A zero bias of n values. */
  bias(name: string, n: number): Variable;
}

/**
 * The variable maker of a new model. The draws follow the order of the calls, so the
 * layers must be built in the same order for the same seed to give the same weights.
 */
function variableMaker(seed: number): VariableMaker {
  // tfjs variable names are global: prefix them with this model's number.
  const id = `cae${models++}/`;
  const u = uniform(seed);
  const variables: Record<string, Variable> = {};
  const weight = (name: string, shape: number[], fanIn: number) => {
    const n = shape.reduce((a, b) => a * b, 1);
    const std = Math.sqrt(2 / fanIn);
    variables[name] = tf.variable(
      tf.tensor(Float32Array.from(normals(u, n), (v) => v * std), shape),
      true,
      id + name,
    );
    return variables[name];
  };
  const bias = (
    name: string,
    n: number,
  ) => (variables[name] = tf.variable(tf.zeros([n]), true, id + name));
  return { variables, weight, bias };
}

/**
 * An encoder: hidden convolutions of stride `c.stride`, each followed by the activation,
 * then a 1-stride convolution to `outChannels` (the latent or the static code).
 */
function buildEncoder(
  c: CaeConfig,
  make: VariableMaker,
  prefix: string,
  outChannels: number,
): (x: Tensor4D) => Tensor4D {
  const k = c.kernel, s = c.stride;
  let inC = 1;
  const layers: ConvLayer[] = [];
  c.channels.forEach((ch, i) => {
    layers.push({
      w: make.weight(`${prefix}.conv${i}.w`, [k, k, inC, ch], k * k * inC),
      b: make.bias(`${prefix}.conv${i}.b`, ch),
    });
    inC = ch;
  });
  const out = {
    w: make.weight(`${prefix}.out.w`, [k, k, inC, outChannels], k * k * inC),
    b: make.bias(`${prefix}.out.b`, outChannels),
  };
  return (x: Tensor4D) =>
    tf.tidy(() => {
      let h = x;
      for (const l of layers) {
        h = act(
          tf.add(tf.conv2d(h, l.w as Tensor4D, s, "same"), l.b) as Tensor4D,
          c.activation,
        );
      }
      return tf.add(tf.conv2d(h, out.w as Tensor4D, 1, "same"), out.b) as Tensor4D;
    });
}

/** The latent grid h×w and the pixels of the mean image carried per grid cell (residual). */
interface LatentGrid {
  h: number;
  w: number;
  carried: number;
}

/**
 * The static branch (none without a skip connection); with skip "residual", the static
 * code followed by the mean image itself reshaped to the latent grid.
 */
function buildStaticEncoder(
  c: CaeConfig,
  make: VariableMaker,
  grid: LatentGrid,
): ((mean: Tensor4D) => Tensor4D) | undefined {
  const staticEncoder = c.skip !== "none"
    ? buildEncoder(c, make, "static", c.staticChannels)
    : undefined;
  const { h, w, carried } = grid;
  return c.skip === "residual"
    ? (mean: Tensor4D) =>
      tf.tidy(() =>
        tf.concat(
          [staticEncoder!(mean), tf.reshape(mean, [mean.shape[0], h, w, carried])],
          3,
        ) as Tensor4D
      )
    : staticEncoder;
}

/** The decoder's layers: its first convolution, the transposed ones, its last. */
interface DecoderLayers {
  first: ConvLayer;
  ups: UpLayer[];
  last: ConvLayer;
}

/**
 * The decoder's variables: a 1-stride convolution from the latent (+ static) channels,
 * then transposed convolutions mirroring the encoder, then a convolution to one channel.
 */
function decoderLayers(c: CaeConfig, make: VariableMaker): DecoderLayers {
  const k = c.kernel;
  const inDec = c.latentChannels + (c.skip !== "none" ? c.staticChannels : 0);
  const rev = [...c.channels].reverse();
  const first = {
    w: make.weight("decoder.in.w", [k, k, inDec, rev[0]], k * k * inDec),
    b: make.bias("decoder.in.b", rev[0]),
  };
  const ups: UpLayer[] = [];
  rev.forEach((ch, i) => {
    const out = i + 1 < rev.length ? rev[i + 1] : rev[rev.length - 1];
    // conv2dTranspose filters are [k, k, out, in].
    ups.push({
      w: make.weight(`decoder.up${i}.w`, [k, k, out, ch], k * k * ch),
      b: make.bias(`decoder.up${i}.b`, out),
      out,
    });
  });
  const lastC = ups[ups.length - 1].out;
  const last = {
    w: make.weight("decoder.out.w", [k, k, lastC, 1], k * k * lastC),
    b: make.bias("decoder.out.b", 1),
  };
  return { first, ups, last };
}

/**
 * The decoder's input: the latent maps beside the static code (tiled over the batch), and
 * with skip "residual" the mean image split off the code, to add to the output.
 */
function decoderInput(
  c: CaeConfig,
  grid: LatentGrid,
  latent: Tensor4D,
  staticCode?: Tensor4D,
): { x: Tensor4D; meanImage?: Tensor4D } {
  if (c.skip === "none") return { x: latent };
  if (!staticCode) {
    bad("staticCode", "this model has a skip connection: pass the static code to decode()");
  }
  const { h, w, carried } = grid;
  let code = staticCode;
  let meanImage: Tensor4D | undefined;
  if (c.skip === "residual") {
    const n = staticCode.shape[0];
    code = tf.slice(staticCode, [0, 0, 0, 0], [n, h, w, c.staticChannels]);
    meanImage = tf.reshape(
      tf.slice(staticCode, [0, 0, 0, c.staticChannels], [n, h, w, carried]),
      [n, c.height, c.width, 1],
    );
  }
  const B = latent.shape[0];
  const x = tf.concat([latent, tf.tile(code, [B / code.shape[0], 1, 1, 1])], 3) as Tensor4D;
  return { x, meanImage };
}

/** The decoder: latent maps (and the static code) → frames, on the given layers. */
function buildDecoder(
  c: CaeConfig,
  grid: LatentGrid,
  layers: DecoderLayers,
): (latent: Tensor4D, staticCode?: Tensor4D) => Tensor4D {
  const { first, ups, last } = layers;
  const s = c.stride;
  return (latent: Tensor4D, staticCode?: Tensor4D) =>
    tf.tidy(() => {
      const B = latent.shape[0];
      const { x, meanImage } = decoderInput(c, grid, latent, staticCode);
      let y = act(
        tf.add(tf.conv2d(x, first.w as Tensor4D, 1, "same"), first.b) as Tensor4D,
        c.activation,
      );
      let hh = grid.h, ww = grid.w;
      for (const up of ups) {
        hh *= s;
        ww *= s;
        y = act(
          tf.add(
            tf.conv2dTranspose(y, up.w as Tensor4D, [B, hh, ww, up.out], s, "same"),
            up.b,
          ) as Tensor4D,
          c.activation,
        );
      }
      const out = tf.add(tf.conv2d(y, last.w as Tensor4D, 1, "same"), last.b) as Tensor4D;
      // Residual: the mean image (one per static code, broadcast over the batch) plus the
      // decoder's departure from it.
      return meanImage ? tf.add(out, meanImage) as Tensor4D : out;
    });
}

/**
 * Builds the model with seeded He-normal weights and zero biases.
 *
 * @param config The architecture.
 * @param seed Seed of the initial weights.
 * @returns The model.
 */
export function createCae(config: CaeConfig, seed = 1): Cae {
  const c = checkCaeConfig(config);
  const make = variableMaker(seed);
  // The order of the layers fixes the order of the weights' draws: encoder, static, decoder.
  const encode = buildEncoder(c, make, "encoder", c.latentChannels);
  const L = c.channels.length, s = c.stride;
  const h = c.height / s ** L, w = c.width / s ** L;
  const grid = { h, w, carried: (c.height * c.width) / (h * w) };
  const encodeStatic = buildStaticEncoder(c, make, grid);
  const decode = buildDecoder(c, grid, decoderLayers(c, make));
  return {
    config: c,
    latentShape: [h, w, c.latentChannels],
    latentSize: h * w * c.latentChannels,
    variables: make.variables,
    encode,
    encodeStatic,
    decode,
  };
}
