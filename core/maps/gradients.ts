/**
 * Gradients of the encoder's latents with respect to the input pixels, frame by frame:
 * saliency (the Jacobian rows ∂z_j/∂x) and integrated gradients.
 *
 * The encoder maps each frame on its own (no batch statistics), so the gradient of a sum
 * over a batch is the batch of per-frame gradients. One backward pass then gives many
 * Jacobian rows at once: each frame is repeated once per colour of latents (latents whose
 * receptive fields do not overlap, `latent_colouring.ts`) and path point, and row r of the
 * batch contributes Σ_{j in its colour} w_r·z_j(x_r) to the summed output; each latent's
 * row is then cut out with its receptive field as mask. Batches are cut so that a pass holds
 * at most {@link PASS_PIXELS} pixels.
 *
 * Integrated gradients (Sundararajan et al. 2017) of a latent z_j at frame x with baseline
 * x′: IG_j(x) = (x − x′) ⊙ ∫₀¹ ∂z_j/∂x (x′ + α(x − x′)) dα, the integral by the trapezoid
 * rule on `steps` intervals (steps + 1 gradient evaluations). Completeness:
 * Σ_pixels IG_j(x) = z_j(x) − z_j(x′) up to the rule's error, O(1/steps²) for smooth
 * activations (ELU, tanh; ReLU's kinks make it O(1/steps)).
 *
 * @example Completeness on one frame
 * ```ts
 * import { integratedGradients } from "./gradients.ts";
 * import { createCae, defaultCaeConfig } from "../model/cae.ts";
 * import { tf } from "../model/tf.ts";
 *
 * await tf.setBackend("cpu");
 * const cae = createCae(defaultCaeConfig(8, 8), 2);
 * const x = Float32Array.from({ length: 64 }, (_, i) => Math.sin(i));
 * const base = new Float32Array(64);
 * const ig = await integratedGradients(cae, x, 1, base, 32); // 1 × d × 64
 * const z = (f: Float32Array) => tf.tidy(() => cae.encode(tf.tensor4d(f, [1, 8, 8, 1])).dataSync());
 * const zx = z(x), z0 = z(base);
 * let sum = 0;
 * for (let p = 0; p < 64; p++) sum += ig[p]; // latent 0
 * if (Math.abs(sum - (zx[0] - z0[0])) > 1e-2 * (1 + Math.abs(zx[0] - z0[0]))) throw new Error("completeness");
 * ```
 *
 * @module
 */
import { SparsedynError } from "../errors.ts";
import type { Cae } from "../model/cae.ts";
import { type Tensor, type Tensor4D, tf } from "../model/tf.ts";
import { fieldMasks, latentColouring } from "./latent_colouring.ts";

/**
 * Pixels of one backward pass (frames × latents × H × W): bounds the memory of the
 * activations the tape keeps (the first convolution's output is 4× this with 16 channels
 * at half resolution).
 */
export const PASS_PIXELS = 1 << 19;

function checkFrames(cae: Cae, frames: Float32Array, n: number): void {
  const { height: H, width: W } = cae.config;
  if (!Number.isInteger(n) || n < 1 || frames.length !== n * H * W) {
    throw new SparsedynError(
      "INVALID_ARGUMENT",
      `frames must hold n×H×W = ${n}×${H}×${W} values; got ${frames.length}`,
      { argument: "frames" },
    );
  }
}

/**
 * Σ_l m[r, l]·z_l at x_r, differentiated: row r's gradient is the combination of Jacobian
 * rows that mask row r weights (a colour's latents at one path point).
 *
 * @param cae The model.
 * @param x Frames [R, H, W, 1].
 * @param mask R×d weights, row-major.
 * @returns Gradients [R, H, W, 1] (the caller disposes).
 */
function maskedRowGradients(cae: Cae, x: Tensor4D, mask: Float32Array): Tensor4D {
  const R = x.shape[0], d = cae.latentSize;
  return tf.tidy(() => {
    const m = tf.tensor2d(mask, [R, d]);
    const f = (input: Tensor) =>
      tf.sum(tf.mul(tf.reshape(cae.encode(input as Tensor4D), [R, d]), m));
    return tf.grad(f)(x) as Tensor4D;
  });
}

/** The colouring and field masks of a model, computed once per model. */
const colourings = new WeakMap<
  Cae,
  { colour: Int32Array; members: number[][]; masks: Float32Array }
>();

function colouringOf(cae: Cae) {
  let c = colourings.get(cae);
  if (!c) {
    const { colour, colours, fields } = latentColouring(cae.config);
    const members: number[][] = Array.from({ length: colours }, () => []);
    colour.forEach((g, j) => members[g].push(j));
    c = { colour, members, masks: fieldMasks(fields, cae.config.height, cae.config.width) };
    colourings.set(cae, c);
  }
  return c;
}

/**
 * Per frame and latent, ∫ ∂z_j/∂x along the path from the baseline, or the plain gradient
 * (steps = 0: α = 1 only). Returns [n, d, H·W] (not yet multiplied by x − x′).
 *
 * Latents whose receptive fields do not overlap share a pass (see `latent_colouring.ts`):
 * a row per (frame, colour, path point), then each latent's gradient is cut out of its
 * colour's row with its field as mask — the same numbers as a row per latent.
 */
function pathGradients(
  cae: Cae,
  frames: Tensor4D,
  baseline: Tensor4D | undefined,
  steps: number,
): Tensor {
  const { height: H, width: W } = cae.config;
  const n = frames.shape[0], d = cae.latentSize, P = H * W;
  // Trapezoid weights on α = s/steps.
  const alphas = steps === 0 ? [1] : Array.from({ length: steps + 1 }, (_, s) => s / steps);
  const wts = steps === 0 ? [1] : alphas.map((_, s) => (s === 0 || s === steps ? 0.5 : 1) / steps);
  const S = alphas.length;
  const { colour, members, masks } = colouringOf(cae);
  const G = members.length;
  // Units (frame, colour) of S rows each, as many per pass as PASS_PIXELS allows.
  const perPass = Math.max(1, Math.floor(PASS_PIXELS / (P * S)));
  const pieces: Tensor[] = [];
  try {
    for (let u0 = 0; u0 < n * G; u0 += perPass) {
      const nu = Math.min(perPass, n * G - u0), R = nu * S;
      const frameOf = new Int32Array(nu), mask = new Float32Array(R * d);
      for (let u = 0; u < nu; u++) {
        frameOf[u] = Math.floor((u0 + u) / G);
        const g = (u0 + u) % G;
        for (let s = 0; s < S; s++) {
          for (const j of members[g]) mask[(u * S + s) * d + j] = wts[s];
        }
      }
      pieces.push(tf.tidy(() => {
        const x = tf.gather(frames.reshape([n, H, W]), tf.tensor1d(frameOf, "int32"));
        const a = tf.tensor1d(alphas).reshape([1, S, 1, 1]);
        let inputs: Tensor;
        if (baseline) {
          const base = baseline.reshape([1, 1, H, W]);
          inputs = tf.add(base, tf.mul(a, tf.sub(x.reshape([nu, 1, H, W]), base)));
        } else {
          inputs = tf.mul(a, x.reshape([nu, 1, H, W]));
        }
        inputs = tf.broadcastTo(inputs, [nu, S, H, W]).reshape([R, H, W, 1]);
        const rows = maskedRowGradients(cae, inputs as Tensor4D, mask);
        return tf.sum(rows.reshape([nu, S, P]), 1); // [nu, P]
      }));
    }
    return tf.tidy(() => {
      const byColour = (pieces.length === 1 ? pieces[0] : tf.concat(pieces, 0)).reshape([
        n,
        G,
        P,
      ]);
      const spread = tf.gather(byColour, tf.tensor1d(colour, "int32"), 1); // [n, d, P]
      return tf.mul(spread, tf.tensor3d(masks, [1, d, P]));
    });
  } finally {
    tf.dispose(pieces);
  }
}

/**
 * The Jacobian rows ∂z_j/∂x per frame, as a tensor [n, d, H·W] (the caller disposes).
 *
 * @param cae The model.
 * @param frames Frames [n, H, W, 1].
 * @returns Gradients.
 */
export function saliencyTensor(cae: Cae, frames: Tensor4D): Tensor {
  // steps = 0 evaluates at α = 1 with no baseline: the gradient at the frame itself.
  return pathGradients(cae, frames, undefined, 0);
}

/**
 * Integrated gradients per frame and latent, as a tensor [n, d, H·W] (the caller disposes).
 *
 * @param cae The model.
 * @param frames Frames [n, H, W, 1].
 * @param baseline The baseline frame [1, H, W, 1].
 * @param steps Trapezoid intervals (≥ 1).
 * @returns IG.
 */
export function integratedGradientsTensor(
  cae: Cae,
  frames: Tensor4D,
  baseline: Tensor4D,
  steps: number,
): Tensor {
  if (!Number.isInteger(steps) || steps < 1) {
    throw new SparsedynError("INVALID_ARGUMENT", `steps must be an integer ≥ 1; got ${steps}`, {
      argument: "steps",
    });
  }
  const { height: H, width: W } = cae.config;
  const n = frames.shape[0];
  const avg = pathGradients(cae, frames, baseline, steps);
  return tf.tidy(() => {
    const delta = tf.sub(frames, baseline).reshape([n, 1, H * W]);
    const out = tf.mul(avg, delta);
    avg.dispose();
    return out;
  });
}

/**
 * Saliency: ∂z_j/∂x for every frame and latent.
 *
 * @param cae The model.
 * @param frames n×H×W, preprocessed as for training.
 * @param n Frames.
 * @returns n×d×H×W (row-major; latent order as `encodeAll`'s columns).
 * @throws {SparsedynError} `INVALID_ARGUMENT` when the frames do not match the model.
 *
 * @example
 * ```ts
 * import { encoderGradients } from "./gradients.ts";
 * import { createCae, defaultCaeConfig } from "../model/cae.ts";
 * import { tf } from "../model/tf.ts";
 *
 * await tf.setBackend("cpu");
 * const cae = createCae(defaultCaeConfig(8, 8), 1);
 * const g = await encoderGradients(cae, new Float32Array(2 * 64), 2);
 * if (g.length !== 2 * cae.latentSize * 64) throw new Error("n×d×H×W");
 * ```
 */
export async function encoderGradients(
  cae: Cae,
  frames: Float32Array,
  n: number,
): Promise<Float32Array> {
  checkFrames(cae, frames, n);
  const { height: H, width: W } = cae.config;
  const x = tf.tensor4d(frames, [n, H, W, 1]);
  try {
    const g = saliencyTensor(cae, x);
    try {
      return await g.data() as Float32Array;
    } finally {
      g.dispose();
    }
  } finally {
    x.dispose();
  }
}

/**
 * Integrated gradients of every latent for every frame.
 *
 * @param cae The model.
 * @param frames n×H×W, preprocessed as for training.
 * @param n Frames.
 * @param baseline H×W baseline frame (e.g. the movie's mean image).
 * @param steps Trapezoid intervals m (m + 1 gradient evaluations per frame and latent).
 * @returns n×d×H×W.
 * @throws {SparsedynError} `INVALID_ARGUMENT` for frames or a baseline of the wrong size.
 */
export async function integratedGradients(
  cae: Cae,
  frames: Float32Array,
  n: number,
  baseline: Float32Array,
  steps: number,
): Promise<Float32Array> {
  checkFrames(cae, frames, n);
  const { height: H, width: W } = cae.config;
  if (baseline.length !== H * W) {
    throw new SparsedynError(
      "INVALID_ARGUMENT",
      `baseline must hold H×W = ${H * W} values; got ${baseline.length}`,
      { argument: "baseline" },
    );
  }
  const x = tf.tensor4d(frames, [n, H, W, 1]);
  const b = tf.tensor4d(baseline, [1, H, W, 1]);
  try {
    const ig = integratedGradientsTensor(cae, x, b, steps);
    try {
      return await ig.data() as Float32Array;
    } finally {
      ig.dispose();
    }
  } finally {
    x.dispose();
    b.dispose();
  }
}
