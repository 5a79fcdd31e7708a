/**
 * Relabelings of blocks for a permutation test: every block (a run of consecutive
 * windows of one recording) keeps all its windows together and takes one condition.
 * A labeling is one flag per block, 1 for condition A; a relabeling keeps the number of
 * blocks per condition, so group sizes stay those of the design.
 *
 * Either all C(blocks, blocks in A) labelings are enumerated (an exact test), or random
 * ones are drawn by shuffling the observed label vector (Fisher–Yates, seeded).
 *
 * @example
 * ```ts
 * import { countLabelings, enumerateLabelings } from "./block_labelings.ts";
 *
 * if (countLabelings(4, 2) !== 6) throw new Error("C(4, 2) = 6");
 * const all = [...enumerateLabelings(4, 2)].map((l) => l.join(""));
 * if (all.join() !== "1100,1010,1001,0110,0101,0011") throw new Error(all.join());
 * ```
 *
 * @module
 */
import { uniform } from "../data/random.ts";

/**
 * The number of distinct labelings, C(blocks, inA), as a float (Infinity beyond ~1e308).
 *
 * @param blocks Blocks in all.
 * @param inA Blocks of condition A.
 * @returns The binomial coefficient.
 */
export function countLabelings(blocks: number, inA: number): number {
  const k = Math.min(inA, blocks - inA);
  if (k < 0) return 0;
  let c = 1;
  // Each partial product is C(blocks − k + i, i), an integer: exact while below 2^53.
  for (let i = 1; i <= k; i++) c = (c * (blocks - k + i)) / i;
  return c < 2 ** 53 ? Math.round(c) : c;
}

/**
 * Every labeling of `blocks` blocks with `inA` of them in condition A, in lexicographic
 * order of the chosen positions.
 *
 * @param blocks Blocks in all.
 * @param inA Blocks of condition A.
 * @yields One flag per block (1 = A).
 */
export function* enumerateLabelings(blocks: number, inA: number): Generator<Uint8Array> {
  if (inA < 0 || inA > blocks) return;
  const idx = Array.from({ length: inA }, (_, i) => i);
  while (true) {
    const flags = new Uint8Array(blocks);
    for (const i of idx) flags[i] = 1;
    yield flags;
    let i = inA - 1;
    while (i >= 0 && idx[i] === blocks - inA + i) i--;
    if (i < 0) return;
    idx[i]++;
    for (let k = i + 1; k < inA; k++) idx[k] = idx[k - 1] + 1;
  }
}

/**
 * A seeded source of uniformly random relabelings: each call shuffles the observed labels
 * over the blocks. Complementing `observed` (swapping the names A and B) complements every
 * draw, so the partitions drawn, and any symmetric statistic, do not depend on which
 * condition is called A.
 *
 * @param observed The observed flags per block (1 = A).
 * @param seed Seed of the generator.
 * @returns A function giving the next labeling (a new array each call).
 *
 * @example
 * ```ts
 * import { randomLabelings } from "./block_labelings.ts";
 *
 * const next = randomLabelings(Uint8Array.of(1, 1, 0, 0, 0), 3);
 * const l = next();
 * if (l.reduce((a, b) => a + b, 0) !== 2) throw new Error("two blocks stay in A");
 * ```
 */
export function randomLabelings(observed: Uint8Array, seed: number): () => Uint8Array {
  const u = uniform(seed);
  return () => {
    const l = observed.slice();
    for (let i = l.length - 1; i > 0; i--) {
      const j = Math.floor(u() * (i + 1));
      const tmp = l[i];
      l[i] = l[j];
      l[j] = tmp;
    }
    return l;
  };
}
