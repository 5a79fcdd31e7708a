/**
 * Benjamini–Hochberg adjusted p-values (q-values): rejecting every hypothesis with
 * q ≤ α controls the false discovery rate at α for independent or positively dependent
 * tests (Benjamini & Hochberg 1995, "Controlling the false discovery rate").
 *
 *     q_(i) = min over k ≥ i of min(1, m · p_(k) / k)      (p_(1) ≤ … ≤ p_(m))
 *
 * the same values as statsmodels' `multipletests(p, method="fdr_bh")[1]` and R's
 * `p.adjust(p, "BH")`.
 *
 * @example
 * ```ts
 * import { benjaminiHochberg } from "./fdr.ts";
 *
 * // m = 4: sorted p 0.01, 0.02, 0.03, 0.5 → 0.04, 0.04, 0.04, 0.5.
 * const q = benjaminiHochberg(Float64Array.of(0.5, 0.01, 0.03, 0.02));
 * if (q.map((v) => Math.round(v * 100) / 100).join() !== "0.5,0.04,0.04,0.04") throw new Error(String(q));
 * ```
 *
 * @module
 */
import { SparsedynError } from "../errors.ts";

/**
 * BH q-values, in the order of the p-values given.
 *
 * @param p p-values in [0, 1].
 * @returns q-values, same length and order.
 * @throws {SparsedynError} When a p-value is not a number in [0, 1].
 */
export function benjaminiHochberg(p: ArrayLike<number>): Float64Array {
  const m = p.length;
  for (let i = 0; i < m; i++) {
    if (!(p[i] >= 0 && p[i] <= 1)) {
      throw new SparsedynError(
        "INVALID_ARGUMENT",
        `p-values must lie in [0, 1]; p[${i}] = ${p[i]}`,
        { argument: "p" },
      );
    }
  }
  const order = Array.from({ length: m }, (_, i) => i).sort((a, b) => p[a] - p[b] || a - b);
  const q = new Float64Array(m);
  let running = 1;
  for (let r = m - 1; r >= 0; r--) {
    const i = order[r];
    running = Math.min(running, (m * p[i]) / (r + 1));
    q[i] = running;
  }
  return q;
}

/**
 * Indices whose q-value is at most α (the BH discoveries).
 *
 * @param q q-values from {@link benjaminiHochberg}.
 * @param alpha The false discovery rate.
 * @returns The indices, ascending.
 *
 * @example
 * ```ts
 * import { discoveries } from "./fdr.ts";
 *
 * if (discoveries(Float64Array.of(0.5, 0.04, 0.04), 0.05).join() !== "1,2") throw new Error("1, 2");
 * ```
 */
export function discoveries(q: ArrayLike<number>, alpha: number): number[] {
  const out: number[] = [];
  for (let i = 0; i < q.length; i++) if (q[i] <= alpha) out.push(i);
  return out;
}
