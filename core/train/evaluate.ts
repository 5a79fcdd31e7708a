/**
 * How good a trained model is, measured against the ground truth of a synthetic movie:
 *
 * - **reconstruction**: mean squared error of the decoded frames against the input frames
 *   (on the movie's scale: variance 1), and, where the noiseless frames are known, against
 *   those (how much of the signal the model keeps, next to the noise floor: the input's own
 *   error against them);
 * - **latent SNR** (dB): how much of the latents the true cell activity explains — the
 *   latents (standardised) are regressed on the cells' calcium; SNR = explained variance /
 *   residual variance, summed over latents;
 * - **prediction**: the one-step latent prediction error of the window VAR (standardised
 *   latents, the λ rule of training), on held-out windows — for a two-stage model this is the
 *   VAR fitted after the fact on frozen latents;
 * - **support F1**: the latents' sparse VAR (lasso path, BIC) carried to the cells —
 *   B = W·A·P with W regressing calcium on latents and P latents on calcium — and its E
 *   largest off-diagonal entries compared with the E true edges (so precision = recall = F1;
 *   chance is E / (K(K−1))).
 *
 * @example
 * ```ts
 * import { supportF1 } from "./evaluate.ts";
 *
 * // Cells 0 → 1 and 1 → 2 drive; the estimate ranks both first.
 * const B = Float64Array.of(0.9, 0.0, 0.1, 0.8, 0.9, 0.0, 0.0, 0.7, 0.9);
 * const truth = [{ from: 0, to: 1 }, { from: 1, to: 2 }];
 * if (supportF1(B, 3, truth) !== 1) throw new Error("both edges found");
 * ```
 *
 * @module
 */
import { SparsedynError } from "../errors.ts";
import type { Cae } from "../model/cae.ts";
import { type Tensor4D, tf } from "../model/tf.ts";
import type { VarLayerOptions } from "../model/var_layer.ts";
import { regressionStatistics } from "../var/design.ts";
import { fitVarLasso } from "../var/fit_var_lasso.ts";
import { ridgeLeastSquares } from "../var/_linalg.ts";
import { asyncWindowLoss } from "./async_step.ts";
import { encodeAll } from "../encode/encode_all.ts";

/** What {@link evaluateModel} measures (see the module's description). */
export interface ModelEvaluation {
  /** Frame reconstruction MSE on the evaluated frames. */
  reconstruction: number;
  /** MSE of the decoded frames against the noiseless frames (NaN without `truth.clean`). */
  cleanReconstruction: number;
  /** The noise floor: MSE of the input frames against the noiseless ones (NaN without). */
  noiseFloor: number;
  /** Latent SNR in dB against the true calcium. */
  latentSnrDb: number;
  /** One-step latent prediction MSE of the window VAR (standardised latents). */
  prediction: number;
  /** F1 of the E strongest cell-to-cell influences against the E true edges. */
  supportF1: number;
  /** F1 of a random ranking, E / (K(K−1)). */
  chanceF1: number;
}

/** The truth {@link evaluateModel} compares with. */
export interface EvaluationTruth {
  /** Calcium of each cell, T×K (the frames' sources). */
  calcium: Float64Array;
  /** Number of cells K. */
  cells: number;
  /** Directed edges (i ≠ j) of the true VAR. */
  edges: { from: number; to: number }[];
  /** The noiseless frames, T×H×W, on the scale of the input frames (optional). */
  clean?: Float32Array;
}

/** Columns standardised to mean 0 and variance 1 (constant columns become 0). */
function standardise(x: Float64Array, n: number, m: number): Float64Array {
  const out = new Float64Array(x.length);
  for (let j = 0; j < m; j++) {
    let mean = 0, ss = 0;
    for (let t = 0; t < n; t++) mean += x[t * m + j] / n;
    for (let t = 0; t < n; t++) ss += (x[t * m + j] - mean) ** 2;
    const sd = Math.sqrt(ss / n);
    for (let t = 0; t < n; t++) out[t * m + j] = sd > 0 ? (x[t * m + j] - mean) / sd : 0;
  }
  return out;
}

/**
 * Ridge-stabilised least squares on centred data: B (m×k) minimising ‖Y − XB‖² + ε‖B‖²,
 * with ε a 1e-8 share of the mean diagonal of XᵀX (only to survive collinear columns).
 */
function ridgeRegression(X: Float64Array, Y: Float64Array, n: number, m: number, k: number) {
  const { G, C } = regressionStatistics(X, Y, n, m, k, { center: true });
  return ridgeLeastSquares(G, C, m, k);
}

/**
 * Latent SNR in dB: regress the standardised latents on the cells' calcium; explained
 * over residual variance, summed over latents.
 *
 * @param latents T×d.
 * @param calcium T×K.
 * @param T Time points.
 * @param d Latents.
 * @param K Cells.
 * @returns 10·log10(explained / residual).
 */
export function latentSnrDb(
  latents: Float64Array,
  calcium: Float64Array,
  T: number,
  d: number,
  K: number,
): number {
  const Z = standardise(latents, T, d), Cs = standardise(calcium, T, K);
  const B = ridgeRegression(Cs, Z, T, K, d);
  let explained = 0, residual = 0;
  for (let t = 0; t < T; t++) {
    for (let j = 0; j < d; j++) {
      let fit = 0;
      for (let k = 0; k < K; k++) fit += Cs[t * K + k] * B[k * d + j];
      explained += fit * fit;
      residual += (Z[t * d + j] - fit) ** 2;
    }
  }
  return 10 * Math.log10(explained / Math.max(residual, 1e-300));
}

/**
 * F1 of the E largest off-diagonal |B_ij| (i driven by j) against the E true edges.
 *
 * @param B K×K, row i = effects on cell i.
 * @param K Cells.
 * @param edges True edges.
 * @returns F1 (= precision = recall at E).
 */
export function supportF1(
  B: Float64Array,
  K: number,
  edges: { from: number; to: number }[],
): number {
  const E = edges.length;
  if (E === 0) return NaN;
  const top = new Set(rankInfluences(B, K).slice(0, E).map((r) => r.to * K + r.from));
  const hits = edges.filter((e) => top.has(e.to * K + e.from)).length;
  return hits / E;
}

/**
 * The off-diagonal entries of a cell-to-cell transition, strongest (largest |B_ij|) first.
 *
 * @param B K×K, row i = effects on cell i.
 * @param K Cells.
 * @returns One entry per ordered pair of distinct cells: `from` drives `to` by `strength`.
 *
 * @example
 * ```ts
 * import { rankInfluences } from "./evaluate.ts";
 *
 * const first = rankInfluences(Float64Array.of(1, -0.2, 0.5, 1), 2)[0];
 * if (first.from !== 0 || first.to !== 1 || first.strength !== 0.5) throw new Error("0 → 1");
 * ```
 */
export function rankInfluences(
  B: Float64Array,
  K: number,
): { from: number; to: number; strength: number }[] {
  const ranked: { from: number; to: number; strength: number }[] = [];
  for (let i = 0; i < K; i++) {
    for (let j = 0; j < K; j++) {
      if (i !== j) ranked.push({ from: j, to: i, strength: B[i * K + j] });
    }
  }
  return ranked.sort((a, b) => Math.abs(b.strength) - Math.abs(a.strength));
}

/**
 * The cell-level transition implied by a latent VAR(1) fitted by the lasso path with BIC:
 * B = W·A·P, W regressing calcium on latents and P latents on calcium.
 *
 * @param latents T×d.
 * @param calcium T×K.
 * @param T Time points.
 * @param d Latents.
 * @param K Cells.
 * @returns K×K.
 */
export function cellTransition(
  latents: Float64Array,
  calcium: Float64Array,
  T: number,
  d: number,
  K: number,
): Float64Array {
  const Z = standardise(latents, T, d), Cs = standardise(calcium, T, K);
  const A = fitVarLasso(Z, T, d, 1).A; // d×d, row i = effects on latent i
  const Wt = ridgeRegression(Z, Cs, T, d, K); // d×K: c ≈ Wtᵀ z
  const Pt = ridgeRegression(Cs, Z, T, K, d); // K×d: z ≈ Ptᵀ c
  // B = W A P with W = Wtᵀ (K×d), P = Ptᵀ (d×K).
  const AP = new Float64Array(d * K);
  for (let i = 0; i < d; i++) {
    for (let q = 0; q < d; q++) {
      const a = A[i * d + q];
      if (a === 0) continue;
      for (let k = 0; k < K; k++) AP[i * K + k] += a * Pt[k * d + q];
    }
  }
  const B = new Float64Array(K * K);
  for (let r = 0; r < K; r++) {
    for (let i = 0; i < d; i++) {
      const w = Wt[i * K + r];
      for (let k = 0; k < K; k++) B[r * K + k] += w * AP[i * K + k];
    }
  }
  return B;
}

/** The window measures of {@link ModelEvaluation}. */
export type WindowMeasures = Pick<
  ModelEvaluation,
  "reconstruction" | "cleanReconstruction" | "noiseFloor" | "prediction"
>;

/** The representation measures of {@link ModelEvaluation}. */
export type RepresentationMeasures = Pick<
  ModelEvaluation,
  "latentSnrDb" | "supportF1" | "chanceF1"
>;

function checkTruth(truth: EvaluationTruth, T: number): void {
  if (truth.calcium.length !== T * truth.cells) {
    throw new SparsedynError(
      "INVALID_ARGUMENT",
      `calcium must hold T×K = ${T * truth.cells} values; got ${truth.calcium.length}`,
      { argument: "truth" },
    );
  }
}

/**
 * Per window of the frames: reconstruction error (against the input frames and, where
 * `truth.clean` is given, against the noiseless ones) and the window VAR's prediction error.
 *
 * @param cae The trained model.
 * @param frames T×H×W, preprocessed as for training.
 * @param T Frames.
 * @param truth Only `clean` is used, when given.
 * @param options The window length and VAR rule used for the prediction error.
 * @returns The means over the windows.
 * @throws {SparsedynError} When no window fits in the frames.
 */
export async function windowMeasures(
  cae: Cae,
  frames: Float32Array,
  T: number,
  truth: Pick<EvaluationTruth, "clean">,
  options: { windowLength: number; var: VarLayerOptions },
): Promise<WindowMeasures> {
  const { height: H, width: W } = cae.config;
  const L = options.windowLength;
  let reconstruction = 0, prediction = 0, cleanReconstruction = 0, noiseFloor = 0, windows = 0;
  for (let s = 0; s + L <= T; s += L, windows++) {
    const x = tf.tensor4d(frames.subarray(s * H * W, (s + L) * H * W), [L, H, W, 1]);
    try {
      // The end-to-end objective's terms: reconstruction, and the window VAR's prediction.
      const { parts } = await asyncWindowLoss(cae, x, { mode: "end-to-end", var: options.var });
      reconstruction += parts.reconstruction;
      prediction += parts.prediction;
      if (truth.clean) {
        const errors = tf.tidy(() => {
          const c = tf.tensor4d(truth.clean!.subarray(s * H * W, (s + L) * H * W), [L, H, W, 1]);
          const staticCode = cae.encodeStatic?.(tf.mean(x, 0, true) as Tensor4D);
          const decoded = cae.decode(cae.encode(x), staticCode);
          return tf.stack([
            tf.mean(tf.square(tf.sub(decoded, c))),
            tf.mean(tf.square(tf.sub(x, c))),
          ]);
        });
        const [rc, nf] = await errors.data();
        errors.dispose();
        cleanReconstruction += rc;
        noiseFloor += nf;
      }
    } finally {
      x.dispose();
    }
  }
  if (windows === 0) {
    throw new SparsedynError("INVALID_ARGUMENT", `no window of ${L} frames in ${T}`, {
      argument: "windowLength",
    });
  }
  return {
    reconstruction: reconstruction / windows,
    cleanReconstruction: truth.clean ? cleanReconstruction / windows : NaN,
    noiseFloor: truth.clean ? noiseFloor / windows : NaN,
    prediction: prediction / windows,
  };
}

/**
 * The representation against the truth: latent SNR, and support F1 of the latents' VAR
 * carried to the cells (see the module's description).
 *
 * @param cae The trained model.
 * @param frames T×H×W, preprocessed as for training.
 * @param T Frames.
 * @param truth Calcium, cells and true edges of the same T frames.
 * @returns The measures.
 * @throws {SparsedynError} When the truth does not cover the frames.
 */
export async function representationMeasures(
  cae: Cae,
  frames: Float32Array,
  T: number,
  truth: EvaluationTruth,
): Promise<RepresentationMeasures> {
  checkTruth(truth, T);
  const K = truth.cells, d = cae.latentSize;
  const latents = await encodeAll(cae, frames, T);
  const B = cellTransition(latents, truth.calcium, T, d, K);
  return {
    latentSnrDb: latentSnrDb(latents, truth.calcium, T, d, K),
    supportF1: supportF1(B, K, truth.edges),
    chanceF1: truth.edges.length / (K * (K - 1)),
  };
}

/**
 * Evaluates a trained model on frames with known truth: {@link windowMeasures} and
 * {@link representationMeasures} on the same frames.
 *
 * @param cae The trained model.
 * @param frames T×H×W, preprocessed as for training.
 * @param T Frames.
 * @param truth Calcium, cells and true edges of the same T frames.
 * @param options The window length and VAR rule used for the prediction error.
 * @returns The measures.
 * @throws {SparsedynError} When the truth does not cover the frames.
 */
export async function evaluateModel(
  cae: Cae,
  frames: Float32Array,
  T: number,
  truth: EvaluationTruth,
  options: { windowLength: number; var: VarLayerOptions },
): Promise<ModelEvaluation> {
  checkTruth(truth, T);
  return {
    ...(await windowMeasures(cae, frames, T, truth, options)),
    ...(await representationMeasures(cae, frames, T, truth)),
  };
}
