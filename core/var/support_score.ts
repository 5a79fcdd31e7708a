// How well an estimated sparse VAR recovers the true one: the non-zero pattern of its
// coefficients against the truth (synthetic data, where the truth is known).

/** Precision and recall of an estimated support against the true one. */
export interface SupportScore {
  /** Non-zero in both. */
  truePositives: number;
  /** Non-zero in the estimate only. */
  falsePositives: number;
  /** Non-zero in the truth only. */
  falseNegatives: number;
  /** truePositives / (truePositives + falsePositives); 1 when nothing was selected. */
  precision: number;
  /** truePositives / (truePositives + falseNegatives); 1 when the truth is empty. */
  recall: number;
  /** Share of true positives whose sign is right. */
  signAgreement: number;
}

/**
 * Compares the non-zero pattern of estimated coefficients with the truth.
 *
 * @param truth True coefficients (any layout).
 * @param estimate Estimated coefficients, same layout.
 * @returns Counts, precision, recall, sign agreement.
 *
 * @example
 * ```ts
 * import { scoreSupport } from "./support_score.ts";
 *
 * const s = scoreSupport(Float64Array.of(1, 0, -2), Float64Array.of(0.5, 0.1, 0));
 * if (s.precision !== 0.5 || s.recall !== 0.5) throw new Error("one of two found, one of two right");
 * ```
 */
export function scoreSupport(truth: Float64Array, estimate: Float64Array): SupportScore {
  let tp = 0, fp = 0, fn = 0, signs = 0;
  for (let q = 0; q < truth.length; q++) {
    const t = truth[q] !== 0, e = estimate[q] !== 0;
    if (t && e) {
      tp++;
      if (Math.sign(truth[q]) === Math.sign(estimate[q])) signs++;
    } else if (e) fp++;
    else if (t) fn++;
  }
  return {
    truePositives: tp,
    falsePositives: fp,
    falseNegatives: fn,
    precision: tp + fp === 0 ? 1 : tp / (tp + fp),
    recall: tp + fn === 0 ? 1 : tp / (tp + fn),
    signAgreement: tp === 0 ? 1 : signs / tp,
  };
}
