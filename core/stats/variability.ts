/**
 * Intra- vs inter-condition variability of per-window models: the mean Euclidean distance
 * between windows' feature vectors (flattened VAR coefficients) over pairs inside
 * condition A, inside B, and across A and B. "Low variability inside a condition" means
 * `between / within` well above 1: windows of one condition resemble each other more than
 * windows of the other. Under the null (same process) the ratio is near 1.
 *
 * @example
 * ```ts
 * import { conditionVariability } from "./variability.ts";
 *
 * // 1-D features: A = {0, 1}, B = {10, 11}.
 * const v = conditionVariability(Float64Array.of(0, 1, 10, 11), 4, 1, ["a", "a", "b", "b"]);
 * if (v.withinA !== 1 || v.withinB !== 1 || v.between !== 10) throw new Error(JSON.stringify(v));
 * if (v.ratio !== 10) throw new Error("between / within = 10");
 * ```
 *
 * @module
 */
import { SparsedynError } from "../errors.ts";
import type { Condition } from "./block_permutation.ts";

/** Mean pairwise distances between windows' feature vectors. */
export interface Variability {
  /** Mean distance over pairs of windows of condition A. */
  withinA: number;
  /** Mean distance over pairs of windows of condition B. */
  withinB: number;
  /** Mean distance over all within-condition pairs (A's and B's together). */
  within: number;
  /** Mean distance over pairs with one window of each condition. */
  between: number;
  /** between / within (Infinity when within is 0 and between is not; 1 when both are 0). */
  ratio: number;
}

/**
 * Mean pairwise Euclidean distances within and between conditions.
 *
 * @param features N×q row-major.
 * @param N Windows.
 * @param q Features per window.
 * @param conditions Each window's condition (each condition ≥ 2 windows).
 * @returns The distances and their ratio.
 * @throws {SparsedynError} When sizes do not fit or a condition has fewer than 2 windows.
 */
export function conditionVariability(
  features: Float64Array,
  N: number,
  q: number,
  conditions: readonly Condition[],
): Variability {
  if (features.length !== N * q || conditions.length !== N) {
    throw new SparsedynError(
      "INVALID_ARGUMENT",
      `features must hold N×q = ${
        N * q
      } values and conditions N = ${N}; got ${features.length} and ${conditions.length}`,
      { argument: "features" },
    );
  }
  const sum = { aa: 0, bb: 0, ab: 0 }, pairs = { aa: 0, bb: 0, ab: 0 };
  for (let i = 0; i < N; i++) {
    for (let k = i + 1; k < N; k++) {
      let s = 0;
      for (let j = 0; j < q; j++) {
        const diff = features[i * q + j] - features[k * q + j];
        s += diff * diff;
      }
      const key = conditions[i] !== conditions[k] ? "ab" : conditions[i] === "a" ? "aa" : "bb";
      sum[key] += Math.sqrt(s);
      pairs[key]++;
    }
  }
  if (pairs.aa === 0 || pairs.bb === 0) {
    throw new SparsedynError(
      "INVALID_ARGUMENT",
      `each condition needs at least 2 windows; got ${
        pairs.aa === 0 ? "fewer in a" : "fewer in b"
      }`,
      { argument: "conditions" },
    );
  }
  const within = (sum.aa + sum.bb) / (pairs.aa + pairs.bb), between = sum.ab / pairs.ab;
  return {
    withinA: sum.aa / pairs.aa,
    withinB: sum.bb / pairs.bb,
    within,
    between,
    ratio: within > 0 ? between / within : between > 0 ? Infinity : 1,
  };
}
