/**
 * The statistic of the condition test: per feature (a VAR coefficient, a map value) a
 * Welch t between the windows of condition A and those of condition B, and as the global
 * statistic the sum of their squares,
 *
 *     t_j = (m_Aj − m_Bj) / √(v_Aj / n_A + v_Bj / n_B),      T = Σ_j t_j²
 *
 * (m, v: mean and unbiased variance of feature j over a condition's windows).
 *
 * Why this statistic and not a raw distance between the mean coefficient matrices:
 * - Each coefficient is scaled by its own standard error, so every coefficient counts on
 *   the same footing. A raw Frobenius distance is dominated by the noisiest coefficients
 *   (those of equations with large innovations, or of latents on a large scale) and so
 *   loses power on precise ones; T is a diagonal Hotelling T², which stays defined when
 *   there are more coefficients than windows (the full Hotelling T² does not).
 * - Welch (unequal variances) rather than a pooled t: a studentized statistic keeps the
 *   permutation test asymptotically valid for the weaker null "equal means" even when the
 *   conditions differ in window-to-window variability or group sizes (Janssen 1997,
 *   "Studentized permutation tests for non-i.i.d. hypotheses and the generalized
 *   Behrens–Fisher problem"; Chung & Romano 2013, "Exact and asymptotically robust
 *   permutation tests"); under the strict null (exchangeable windows) any statistic is exact.
 * - The same t_j serve as the per-feature statistics, so global and per-coefficient
 *   p-values come from the same permutations.
 *
 * Lasso coefficients are often exactly zero in every window: a feature constant over all
 * windows carries no information and contributes t = 0. A group variance that rounds to
 * zero while the feature varies overall is floored at 1e-12 of the feature's overall
 * variance, so t stays finite.
 *
 * @example
 * ```ts
 * import { welchStatistics } from "./welch_statistic.ts";
 *
 * // 4 windows, 1 feature: A = {1, 2}, B = {3, 4}; t = (1.5 − 3.5) / √(0.5/2 + 0.5/2) = −2√2.
 * const s = welchStatistics(Float64Array.of(1, 2, 3, 4), 4, 1, Uint8Array.of(0, 0, 1, 1));
 * if (Math.abs(s.total - 8) > 1e-12) throw new Error(`T = t² = 8; got ${s.total}`);
 * ```
 *
 * @module
 */
import { SparsedynError } from "../errors.ts";

/** Per-feature Welch t and their sum of squares. */
export interface WelchStatistics {
  /** t_j per feature (A minus B). */
  t: Float64Array;
  /** Σ_j t_j². */
  total: number;
}

/**
 * Welch t of every feature between two groups of windows, and Σ t².
 *
 * @param features N×q row-major: window n's features at `features[n * q + j]`.
 * @param N Windows.
 * @param q Features per window.
 * @param inB Per window: 0 for condition A, 1 for condition B (each group ≥ 2 windows).
 * @returns The t statistics and their sum of squares.
 * @throws {SparsedynError} When sizes do not fit or a group has fewer than 2 windows.
 */
export function welchStatistics(
  features: Float64Array,
  N: number,
  q: number,
  inB: Uint8Array,
): WelchStatistics {
  if (features.length !== N * q || inB.length !== N) {
    throw new SparsedynError(
      "INVALID_ARGUMENT",
      `features must hold N×q = ${
        N * q
      } values and labels N = ${N}; got ${features.length} and ${inB.length}`,
      { argument: "features" },
    );
  }
  const nB = inB.reduce((a, v) => a + (v ? 1 : 0), 0);
  if (nB < 2 || N - nB < 2) {
    throw new SparsedynError(
      "INVALID_ARGUMENT",
      `each group needs at least 2 windows for a variance; got ${N - nB} in A and ${nB} in B`,
      { argument: "inB" },
    );
  }
  const ev = welchEvaluator(features, N, q, Array.from({ length: N }, (_, n) => n));
  const inA = new Uint8Array(N);
  for (let n = 0; n < N; n++) inA[n] = inB[n] ? 0 : 1;
  const t = new Float64Array(q);
  const total = ev.evaluate(inA, t);
  return { t, total };
}

/**
 * Evaluates the statistic for many labelings of the same windows fast: block sums of the
 * (centred) features are computed once, so a labeling costs O(blocks·q).
 */
export interface WelchEvaluator {
  /** Blocks. */
  blocks: number;
  /** Windows per block. */
  sizes: Int32Array;
  /**
   * The statistic when the blocks with `inA[b] = 1` form group A and the others group B.
   *
   * @param inA One flag per block.
   * @param t Receives t_j per feature when given (length q).
   * @returns Σ_j t_j².
   */
  evaluate(inA: Uint8Array, t?: Float64Array): number;
}

/**
 * Prepares {@link WelchEvaluator} for windows grouped in blocks.
 *
 * @param features N×q row-major.
 * @param N Windows.
 * @param q Features.
 * @param block Block index (0 … blocks−1) of each window.
 * @returns The evaluator.
 */
export function welchEvaluator(
  features: Float64Array,
  N: number,
  q: number,
  block: ArrayLike<number>,
): WelchEvaluator {
  let B = 0;
  for (let n = 0; n < N; n++) B = Math.max(B, block[n] + 1);
  // Centring each feature on its overall mean (the same under every labeling) keeps the
  // sums-of-squares formula for the variances free of cancellation.
  const mean = new Float64Array(q), lo = new Float64Array(q).fill(Infinity);
  const hi = new Float64Array(q).fill(-Infinity);
  for (let n = 0; n < N; n++) {
    for (let j = 0; j < q; j++) {
      const v = features[n * q + j];
      mean[j] += v / N;
      if (v < lo[j]) lo[j] = v;
      if (v > hi[j]) hi[j] = v;
    }
  }
  const S = new Float64Array(B * q), Q = new Float64Array(B * q), sizes = new Int32Array(B);
  const Qtot = new Float64Array(q);
  for (let n = 0; n < N; n++) {
    const b = block[n];
    sizes[b]++;
    for (let j = 0; j < q; j++) {
      const x = features[n * q + j] - mean[j];
      S[b * q + j] += x;
      Q[b * q + j] += x * x;
      Qtot[j] += x * x;
    }
  }
  const constant = new Uint8Array(q);
  for (let j = 0; j < q; j++) constant[j] = lo[j] === hi[j] ? 1 : 0;
  const sA = new Float64Array(q), qA = new Float64Array(q);
  return {
    blocks: B,
    sizes,
    evaluate(inA: Uint8Array, t?: Float64Array): number {
      sA.fill(0);
      qA.fill(0);
      let nA = 0;
      for (let b = 0; b < B; b++) {
        if (!inA[b]) continue;
        nA += sizes[b];
        const off = b * q;
        for (let j = 0; j < q; j++) {
          sA[j] += S[off + j];
          qA[j] += Q[off + j];
        }
      }
      const nB = N - nA;
      let total = 0;
      for (let j = 0; j < q; j++) {
        if (constant[j]) {
          if (t) t[j] = 0;
          continue;
        }
        // Centred: the sum over B is −sA.
        const mA = sA[j] / nA, mB = -sA[j] / nB;
        const vA = Math.max(0, (qA[j] - nA * mA * mA) / (nA - 1));
        const vB = Math.max(0, (Qtot[j] - qA[j] - nB * mB * mB) / (nB - 1));
        const floor = 1e-12 * (Qtot[j] / (N - 1)) * (1 / nA + 1 / nB);
        const tj = (mA - mB) / Math.sqrt(Math.max(vA / nA + vB / nB, floor));
        if (t) t[j] = tj;
        total += tj * tj;
      }
      return total;
    },
  };
}
