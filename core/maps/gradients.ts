/**
 * Gradients of the encoder's latents with respect to the input pixels, frame by frame:
 * saliency (the Jacobian rows ∂z_j/∂x) and integrated gradients.
 *
 * The encoder maps each frame on its own (no batch statistics), so the gradient of a sum
 * over a batch is the batch of per-frame gradients. One backward pass then gives many
 * Jacobian rows at once: each frame is repeated once per latent j wanted, and row r of the
 * batch contributes w_r·z_{j_r}(x_r) to the summed output, so its gradient is w_r·∂z_{j_r}/∂x
 * at that frame. Batches are cut so that a pass holds at most {@link PASS_PIXELS} pixels.
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
 * Σ_r w_r·∂z_{j_r}/∂x at x_r for each row r: the weighted Jacobian rows of a batch.
 *
 * @param cae The model.
 * @param x Frames [R, H, W, 1] (row r is the frame for latent `latent[r]`).
 * @param latent Latent index j_r per row.
 * @param weight Weight w_r per row.
 * @returns Gradients [R, H, W, 1] (the caller disposes).
 */
export function weightedRowGradients(
  cae: Cae,
  x: Tensor4D,
  latent: ArrayLike<number>,
  weight: ArrayLike<number>,
): Tensor4D {
  const R = x.shape[0], d = cae.latentSize;
  const mask = new Float32Array(R * d);
  for (let r = 0; r < R; r++) mask[r * d + latent[r]] = weight[r];
  return tf.tidy(() => {
    const m = tf.tensor2d(mask, [R, d]);
    const f = (input: Tensor) =>
      tf.sum(tf.mul(tf.reshape(cae.encode(input as Tensor4D), [R, d]), m));
    return tf.grad(f)(x) as Tensor4D;
  });
}

/** Frames per pass when each is repeated `reps` times. */
function framesPerPass(cae: Cae, reps: number): number {
  const px = cae.config.height * cae.config.width;
  return Math.max(1, Math.floor(PASS_PIXELS / (px * reps)));
}

/** Latents per pass for one frame repeated `reps` times per latent. */
function latentsPerPass(cae: Cae, reps: number): number {
  const px = cae.config.height * cae.config.width;
  return Math.max(1, Math.floor(PASS_PIXELS / (px * reps)));
}

/**
 * Per frame and latent, ∫ ∂z_j/∂x along the path from the baseline, or the plain gradient
 * (steps = 0: α = 1 only). Returns [n, d, H·W] (not yet multiplied by x − x′).
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
  const perFrame: { b0: number; j0: number; g: Tensor }[] = [];
  // Batch over frames when a frame's d·S rows fit a pass; otherwise over latents of one frame.
  const fpp = framesPerPass(cae, d * S);
  const lpp = fpp > 1 ? d : latentsPerPass(cae, S);
  for (let b0 = 0; b0 < n; b0 += fpp) {
    const nb = Math.min(fpp, n - b0);
    for (let j0 = 0; j0 < d; j0 += lpp) {
      const nj = Math.min(lpp, d - j0);
      // Rows ordered (frame, latent, step).
      const R = nb * nj * S;
      const latent = new Int32Array(R), weight = new Float32Array(R);
      for (let b = 0, r = 0; b < nb; b++) {
        for (let j = 0; j < nj; j++) {
          for (let s = 0; s < S; s++, r++) {
            latent[r] = j0 + j;
            weight[r] = wts[s];
          }
        }
      }
      const g = tf.tidy(() => {
        const x = frames.slice([b0, 0, 0, 0], [nb, H, W, 1]);
        const a = tf.tensor1d(alphas).reshape([1, 1, S, 1, 1]);
        let inputs: Tensor;
        if (baseline) {
          const base = baseline.reshape([1, 1, 1, H, W]);
          inputs = tf.add(base, tf.mul(a, tf.sub(x.reshape([nb, 1, 1, H, W]), base)));
        } else {
          inputs = tf.mul(a, x.reshape([nb, 1, 1, H, W]));
        }
        inputs = tf.broadcastTo(inputs, [nb, nj, S, H, W]).reshape([R, H, W, 1]);
        const rows = weightedRowGradients(cae, inputs as Tensor4D, latent, weight);
        return tf.sum(rows.reshape([nb, nj, S, P]), 2); // [nb, nj, P]
      });
      perFrame.push({ b0, j0, g });
    }
  }
  return tf.tidy(() => {
    // Reassemble [n, d, P] from the (frame block, latent block) pieces.
    const blocks: Tensor[] = [];
    for (let b0 = 0; b0 < n; b0 += fpp) {
      const row = perFrame.filter((q) => q.b0 === b0).map((q) => q.g);
      blocks.push(row.length === 1 ? row[0] : tf.concat(row, 1));
    }
    const out = blocks.length === 1 ? blocks[0].clone() : tf.concat(blocks, 0);
    for (const q of perFrame) q.g.dispose();
    return out;
  });
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
