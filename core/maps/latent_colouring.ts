/**
 * Which latents can share one backward pass: a colouring of the encoder's latents by their
 * receptive fields.
 *
 * The encoder is convolutional, so latent j (a position of the latent map and a channel)
 * depends only on the input pixels in a rectangle, its receptive field. When the fields of
 * a set of latents do not overlap, the gradient of their sum holds each one's gradient
 * ∂z_j/∂x on its own field and exact zeros from the others there, so one backward pass
 * gives all of their Jacobian rows: cut it out with the field as a mask. This is the
 * colouring method for sparse Jacobians (Curtis, Powell & Reid 1974). On a 64×64 movie with
 * an 8×8×2 latent map, fields are 31 pixels wide at a spacing of 8: 32 passes per frame
 * instead of 128, with the same numbers.
 *
 * @example
 * ```ts
 * import { latentColouring, latentFields } from "./latent_colouring.ts";
 * import { defaultCaeConfig } from "../model/cae.ts";
 *
 * const config = defaultCaeConfig(64, 64); // 8×8×2 = 128 latents
 * const fields = latentFields(config);
 * if (fields.length !== 128) throw new Error("one field per latent");
 * const { colours } = latentColouring(config);
 * if (colours !== 32) throw new Error(`${colours} colours`);
 * ```
 *
 * @module
 */
import type { CaeConfig } from "../model/cae.ts";

/** Rows y0..y1 and columns x0..x1 (inclusive) of the input; may reach into the padding. */
export interface Field {
  /** First row. */
  y0: number;
  /** Last row. */
  y1: number;
  /** First column. */
  x0: number;
  /** Last column. */
  x1: number;
}

/** One convolution along one axis: its kernel, stride and padding before the first input. */
interface Conv1d {
  kernel: number;
  stride: number;
  padBefore: number;
}

/**
 * The encoder's convolutions along an axis of `size` pixels, first to last, with tfjs's
 * "same" padding: out = ⌈in/s⌉, pad = max((out − 1)·s + k − in, 0), ⌊pad/2⌋ before.
 */
function convs(config: CaeConfig, size: number): Conv1d[] {
  const out: Conv1d[] = [];
  let n = size;
  const add = (stride: number) => {
    const o = Math.ceil(n / stride);
    const pad = Math.max((o - 1) * stride + config.kernel - n, 0);
    out.push({ kernel: config.kernel, stride, padBefore: Math.floor(pad / 2) });
    n = o;
  };
  for (let i = 0; i < config.channels.length; i++) add(config.stride);
  add(1); // the 1-stride convolution to the latent channels
  return out;
}

/** The input interval that output positions a..b of a stack of convolutions depend on. */
function interval(stack: Conv1d[], a: number, b: number): [number, number] {
  for (let i = stack.length - 1; i >= 0; i--) {
    const c = stack[i];
    a = a * c.stride - c.padBefore;
    b = b * c.stride - c.padBefore + c.kernel - 1;
  }
  return [a, b];
}

/**
 * Each latent's receptive field, in the order of the flattened latent vector (the latent
 * map [h, w, C] row-major: j = (y·w + x)·C + c).
 *
 * @param config The architecture (its frame size, channels, kernel and stride).
 * @returns d fields.
 */
export function latentFields(config: CaeConfig): Field[] {
  const rows = convs(config, config.height), cols = convs(config, config.width);
  const down = config.stride ** config.channels.length;
  const h = Math.ceil(config.height / down), w = Math.ceil(config.width / down);
  const C = config.latentChannels;
  const out: Field[] = [];
  for (let y = 0; y < h; y++) {
    const [y0, y1] = interval(rows, y, y);
    for (let x = 0; x < w; x++) {
      const [x0, x1] = interval(cols, x, x);
      for (let c = 0; c < C; c++) out.push({ y0, y1, x0, x1 });
    }
  }
  return out;
}

function overlap(a: Field, b: Field): boolean {
  return a.y0 <= b.y1 && b.y0 <= a.y1 && a.x0 <= b.x1 && b.x0 <= a.x1;
}

/**
 * A colouring of the latents: no two latents of one colour have overlapping receptive
 * fields (greedy, in latent order, so the result depends on the architecture only).
 *
 * @param config The architecture.
 * @returns `colour[j]` per latent, the number of colours, and the fields.
 */
export function latentColouring(
  config: CaeConfig,
): { colour: Int32Array; colours: number; fields: Field[] } {
  const fields = latentFields(config);
  const colour = new Int32Array(fields.length);
  const members: number[][] = [];
  fields.forEach((f, j) => {
    let c = members.findIndex((m) => m.every((i) => !overlap(fields[i], f)));
    if (c < 0) c = members.push([]) - 1;
    members[c].push(j);
    colour[j] = c;
  });
  return { colour, colours: members.length, fields };
}

/**
 * The fields as 0/1 masks over the frame, d×H×W: the pixels each latent's gradient is cut
 * from.
 *
 * @param fields From {@link latentFields}.
 * @param H Frame height.
 * @param W Frame width.
 * @returns d×H×W, 1 inside the field.
 */
export function fieldMasks(fields: Field[], H: number, W: number): Float32Array {
  const P = H * W;
  const out = new Float32Array(fields.length * P);
  fields.forEach((f, j) => {
    for (let y = Math.max(0, f.y0); y <= Math.min(H - 1, f.y1); y++) {
      out.fill(1, j * P + y * W + Math.max(0, f.x0), j * P + y * W + Math.min(W - 1, f.x1) + 1);
    }
  });
  return out;
}
