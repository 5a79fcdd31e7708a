/**
 * The area under the ROC curve of scores against binary labels, as the Mann–Whitney
 * statistic: the probability that a random positive scores above a random negative, ties
 * counted one half (mid-ranks), U / (n₊·n₋).
 *
 * @example
 * ```ts
 * import { rocAuc } from "./roc_auc.ts";
 *
 * // Positives 0.9 and 0.4, negatives 0.5 and 0.1: 3 of 4 pairs ordered right.
 * if (rocAuc([0.9, 0.5, 0.4, 0.1], [true, false, true, false]) !== 0.75) throw new Error("0.75");
 * ```
 *
 * @module
 */
import { SparsedynError } from "../errors.ts";

/**
 * ROC AUC by the Mann–Whitney U statistic with mid-ranks for ties.
 *
 * @param scores One score per item (higher = more likely positive); finite.
 * @param labels True for the positives; same length.
 * @returns AUC in [0, 1].
 * @throws {SparsedynError} `INVALID_ARGUMENT` when the lengths differ, a score is not
 *   finite, or a class is empty.
 */
export function rocAuc(scores: ArrayLike<number>, labels: ArrayLike<boolean>): number {
  const n = scores.length;
  if (labels.length !== n) {
    throw new SparsedynError(
      "INVALID_ARGUMENT",
      `scores (${n}) and labels (${labels.length}) differ in length`,
      { argument: "labels" },
    );
  }
  let pos = 0;
  for (let i = 0; i < n; i++) {
    if (!Number.isFinite(scores[i])) {
      throw new SparsedynError("INVALID_ARGUMENT", `score ${i} is not finite (${scores[i]})`, {
        argument: "scores",
      });
    }
    if (labels[i]) pos++;
  }
  const neg = n - pos;
  if (pos === 0 || neg === 0) {
    throw new SparsedynError(
      "INVALID_ARGUMENT",
      `the AUC needs positives and negatives; got ${pos} and ${neg}`,
      { argument: "labels" },
    );
  }
  const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => scores[a] - scores[b]);
  // Sum of the positives' ranks (1-based), tied runs sharing their mean rank.
  let rankSum = 0;
  for (let a = 0; a < n;) {
    let b = a;
    while (b + 1 < n && scores[order[b + 1]] === scores[order[a]]) b++;
    const mid = (a + b) / 2 + 1;
    for (let q = a; q <= b; q++) if (labels[order[q]]) rankSum += mid;
    a = b + 1;
  }
  return (rankSum - (pos * (pos + 1)) / 2) / (pos * neg);
}
