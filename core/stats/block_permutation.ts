/**
 * A permutation test over window labels that keeps temporal blocks intact.
 *
 * Input: one feature vector per window (N windows × q features: VAR coefficients, map
 * values), each window's condition ("a" or "b") and its block. A block is a run of
 * consecutive windows of one recording: overlapping or adjacent windows are dependent, so
 * they move together — a relabeling assigns a condition to whole blocks, keeping the
 * number of blocks per condition. Under the null (the blocks of both conditions are
 * exchangeable) every relabeling is as likely as the observed one.
 *
 * Statistic: Σ_j t_j² of per-feature Welch t (see `welch_statistic.ts` for why). p-values
 * with the +1 correction (Phipson & Smyth 2010, "Permutation p-values should never be
 * zero"): with B random relabelings, p = (1 + #{T* ≥ T}) / (1 + B). When the distinct
 * labelings number at most B + 1 they are all enumerated and p = #{T* ≥ T} / #labelings
 * (the observed labeling is one of them): the exact test. Per-feature p-values come from
 * the same relabelings, comparing t_j*² with t_j².
 *
 * The classic failure of such tests — relabelings that cannot change the groups (labels
 * permuted within a condition, one block per condition, all windows in one condition), so
 * every null statistic equals the observed one — is refused up front: each condition needs
 * at least 2 blocks, and blocks may not span conditions.
 *
 * @example
 * ```ts
 * import { blockPermutationTest } from "./block_permutation.ts";
 *
 * // 8 windows, 1 feature, clearly larger in B; one window per block.
 * const x = Float64Array.of(0.1, -0.2, 0.05, 0, 2.1, 1.9, 2.3, 2);
 * const cond = ["a", "a", "a", "a", "b", "b", "b", "b"] as const;
 * const r = blockPermutationTest(x, 8, 1, cond, [0, 1, 2, 3, 4, 5, 6, 7]);
 * // C(8, 4) = 70 labelings ≤ 1000: exact; only the observed and its mirror reach T.
 * if (!r.exact || r.labelings !== 70 || Math.abs(r.pValue - 2 / 70) > 1e-12) throw new Error(String(r.pValue));
 * ```
 *
 * @module
 */
import { SparsedynError } from "../errors.ts";
import { countLabelings, enumerateLabelings, randomLabelings } from "./block_labelings.ts";
import { type WelchEvaluator, welchEvaluator } from "./welch_statistic.ts";

/** A window's condition. */
export type Condition = "a" | "b";

/** Options of {@link blockPermutationTest}. */
export interface BlockPermutationOptions {
  /** Random relabelings when sampling; at least 999 (default 999). */
  permutations?: number;
  /** Seed of the relabelings (default 1). */
  seed?: number;
  /**
   * "auto" (default): enumerate every labeling when there are at most permutations + 1,
   * else sample; "always": enumerate (refused beyond 1e6 labelings); "never": sample.
   */
  exact?: "auto" | "always" | "never";
  /** Relabelings evaluated so far and in all, after each one. */
  onProgress?: (done: number, total: number) => void;
}

/** The outcome of {@link blockPermutationTest}. */
export interface BlockPermutationResult {
  /** Observed Σ_j t_j². */
  statistic: number;
  /** Its p-value. */
  pValue: number;
  /** Observed t_j per feature (A minus B). */
  featureStatistics: Float64Array;
  /** Per-feature p-values (two-sided, from the same relabelings). */
  featurePValues: Float64Array;
  /** The statistic under each relabeling evaluated (exact: every labeling, the observed included). */
  null: Float64Array;
  /** Relabelings evaluated. */
  permutations: number;
  /** Whether every labeling was enumerated. */
  exact: boolean;
  /** Distinct labelings of the design, C(blocks, blocks of A). */
  labelings: number;
  /** Relabelings that give the observed partition back (or its mirror when both conditions have as many blocks). */
  identicalToObserved: number;
  /** Smallest p-value this design and number of relabelings can give. */
  minPValue: number;
  /** Blocks per condition. */
  blocks: { a: number; b: number };
  /** Windows per condition. */
  windows: { a: number; b: number };
  /** Caveats, in words (e.g. a degenerate null distribution). */
  warnings: string[];
}

const EXACT_LIMIT = 1e6;

function bad(argument: string, message: string): never {
  throw new SparsedynError("INVALID_ARGUMENT", message, { argument });
}

// T* ≥ T up to rounding: the mirror of a labeling gives the same statistic mathematically,
// but its sums may round differently; it must count as a tie.
const atLeast = (x: number, obs: number) => x >= obs - 1e-9 * Math.abs(obs);

/** Checks the sizes, values and settings of {@link blockPermutationTest}, in the order it reports them. */
function checkArguments(
  features: Float64Array,
  N: number,
  q: number,
  conditions: readonly Condition[],
  blocks: ArrayLike<number>,
  settings: { permutations: number; seed: number; exactMode: string },
): void {
  const { permutations, seed, exactMode } = settings;
  if (!Number.isInteger(N) || N < 1 || !Number.isInteger(q) || q < 1) {
    bad("features", `N and q must be integers ≥ 1; got N = ${N}, q = ${q}`);
  }
  if (features.length !== N * q) {
    bad("features", `features must hold N×q = ${N * q} values; got ${features.length}`);
  }
  for (let k = 0; k < features.length; k++) {
    if (!Number.isFinite(features[k])) {
      throw new SparsedynError(
        "NON_FINITE",
        `features of window ${Math.floor(k / q)} hold ${features[k]} (feature ${k % q})`,
        { argument: "features" },
      );
    }
  }
  if (conditions.length !== N) {
    bad("conditions", `conditions must hold ${N} labels; got ${conditions.length}`);
  }
  if (blocks.length !== N) bad("blocks", `blocks must hold ${N} ids; got ${blocks.length}`);
  if (!Number.isInteger(permutations) || permutations < 999) {
    bad("permutations", `permutations must be an integer ≥ 999; got ${permutations}`);
  }
  if (!Number.isInteger(seed)) bad("seed", `seed must be an integer; got ${seed}`);
  if (exactMode !== "auto" && exactMode !== "always" && exactMode !== "never") {
    bad("exact", `exact must be "auto", "always" or "never"; got "${exactMode}"`);
  }
}

/** The windows' blocks and the observed labeling of the blocks. */
interface BlockDesign {
  /** Each window's block, 0 … blocks − 1 in order of first appearance. */
  blockOf: Int32Array;
  /** The observed labeling: 1 for a block of condition A, 0 for B. */
  observed: Uint8Array;
  /** Blocks of condition A. */
  nbA: number;
  /** Blocks of condition B. */
  nbB: number;
}

/**
 * Numbers the blocks in order of first appearance and labels each with its condition;
 * refuses a block in both conditions, and fewer than 2 blocks in a condition (relabelings
 * could then not change the groups).
 */
function blockDesign(
  N: number,
  conditions: readonly Condition[],
  blocks: ArrayLike<number>,
): BlockDesign {
  const index = new Map<number, number>();
  const blockOf = new Int32Array(N);
  const blockCond: Condition[] = [];
  for (let n = 0; n < N; n++) {
    const c = conditions[n];
    if (c !== "a" && c !== "b") {
      bad("conditions", `condition of window ${n} must be "a" or "b"; got "${c}"`);
    }
    let b = index.get(blocks[n]);
    if (b === undefined) {
      b = blockCond.length;
      index.set(blocks[n], b);
      blockCond.push(c);
    } else if (blockCond[b] !== c) {
      bad(
        "blocks",
        `block ${
          blocks[n]
        } holds windows of both conditions (window ${n} is "${c}"): a block must lie in one condition`,
      );
    }
    blockOf[n] = b;
  }
  const nb = blockCond.length;
  const observed = Uint8Array.from(blockCond, (c) => (c === "a" ? 1 : 0));
  const nbA = observed.reduce((s, v) => s + v, 0), nbB = nb - nbA;
  if (nbA < 2 || nbB < 2) {
    bad(
      "blocks",
      `each condition needs at least 2 blocks for relabelings to change the groups; got ${nbA} in a and ${nbB} in b`,
    );
  }
  return { blockOf, observed, nbA, nbB };
}

/** What the relabelings gave: the null distribution and the counts of T* ≥ T. */
interface NullTally {
  /** The statistic under each relabeling. */
  nullValues: Float64Array;
  /** Relabelings with T* ≥ T. */
  above: number;
  /** Per feature: relabelings with t_j*² ≥ t_j². */
  exceed: Float64Array;
  /** Relabelings that give the observed partition back (or its mirror). */
  identical: number;
}

/**
 * Evaluates the statistic under every labeling (exact) or `count` random ones drawn from
 * `seed`, tallying those that reach the observed statistic, globally and per feature.
 */
function tallyRelabelings(
  ev: WelchEvaluator,
  design: BlockDesign,
  observed: { statistic: number; t2: Float64Array },
  run: { exact: boolean; count: number; seed: number; onProgress?: (d: number, t: number) => void },
): NullTally {
  const { count } = run, q = observed.t2.length;
  const nb = design.nbA + design.nbB;
  const nullValues = new Float64Array(count);
  const exceed = new Float64Array(q);
  const tPerm = new Float64Array(q);
  let above = 0, identical = 0;
  const mirrorCounts = design.nbA === design.nbB;
  const visit = (flags: Uint8Array, k: number) => {
    const T = ev.evaluate(flags, tPerm);
    nullValues[k] = T;
    if (atLeast(T, observed.statistic)) above++;
    for (let j = 0; j < q; j++) if (atLeast(tPerm[j] * tPerm[j], observed.t2[j])) exceed[j]++;
    if (samePartition(flags, design.observed, mirrorCounts)) identical++;
    run.onProgress?.(k + 1, count);
  };
  if (run.exact) {
    let k = 0;
    for (const flags of enumerateLabelings(nb, design.nbA)) visit(flags, k++);
  } else {
    const next = randomLabelings(design.observed, run.seed);
    for (let k = 0; k < count; k++) visit(next(), k);
  }
  return { nullValues, above, exceed, identical };
}

/** Whether a labeling is the observed one, or (when `mirrorCounts`) its mirror image. */
function samePartition(flags: Uint8Array, observed: Uint8Array, mirrorCounts: boolean): boolean {
  let same = true, mirror = mirrorCounts;
  for (let b = 0; b < observed.length && (same || mirror); b++) {
    if (flags[b] !== observed[b]) same = false;
    else mirror = false;
  }
  return same || mirror;
}

/** The caveat when every relabeling gave the same statistic (a test that cannot reject). */
function degenerateNullWarnings(nullValues: Float64Array): string[] {
  const warnings: string[] = [];
  let lo = Infinity, hi = -Infinity;
  for (const v of nullValues) {
    lo = Math.min(lo, v);
    hi = Math.max(hi, v);
  }
  if (!(hi - lo > 1e-12 * Math.max(1, Math.abs(hi)))) {
    warnings.push(
      "every relabeling gives the same statistic (the features do not vary between windows): the test cannot reject",
    );
  }
  return warnings;
}

/**
 * Block permutation test of a difference between two conditions' windows.
 *
 * @param features N×q row-major: window n's features at `features[n * q + j]`.
 * @param N Windows.
 * @param q Features per window.
 * @param conditions Each window's condition.
 * @param blocks Each window's block id (any integers; windows of a block share a condition).
 * @param options Relabelings, seed, exact enumeration.
 * @returns Global and per-feature statistics and p-values, and the null distribution.
 * @throws {SparsedynError} `INVALID_ARGUMENT` naming the input: sizes that do not fit,
 *   a block in both conditions, fewer than 2 blocks in a condition, fewer than 999
 *   permutations; `NON_FINITE` for a feature that is NaN or infinite.
 */
export function blockPermutationTest(
  features: Float64Array,
  N: number,
  q: number,
  conditions: readonly Condition[],
  blocks: ArrayLike<number>,
  options: BlockPermutationOptions = {},
): BlockPermutationResult {
  const permutations = options.permutations ?? 999;
  const seed = options.seed ?? 1;
  const exactMode = options.exact ?? "auto";
  checkArguments(features, N, q, conditions, blocks, { permutations, seed, exactMode });
  const design = blockDesign(N, conditions, blocks);
  const { nbA, nbB } = design;
  let nA = 0;
  for (let n = 0; n < N; n++) if (conditions[n] === "a") nA++;

  const ev = welchEvaluator(features, N, q, design.blockOf);
  const tObs = new Float64Array(q);
  const statistic = ev.evaluate(design.observed, tObs);
  const t2Obs = tObs.map((t) => t * t);

  const labelings = countLabelings(nbA + nbB, nbA);
  const exact = exactMode === "always" || (exactMode === "auto" && labelings <= permutations + 1);
  if (exact && labelings > EXACT_LIMIT) {
    bad(
      "exact",
      `${labelings} labelings are too many to enumerate (limit ${EXACT_LIMIT}); sample instead`,
    );
  }
  const count = exact ? labelings : permutations;
  const tally = tallyRelabelings(ev, design, { statistic, t2: t2Obs }, {
    exact,
    count,
    seed,
    onProgress: options.onProgress,
  });
  const denom = exact ? count : count + 1;
  const plus = exact ? 0 : 1;
  const pValue = (plus + tally.above) / denom;
  const featurePValues = tally.exceed.map((e) => (plus + e) / denom);
  const minPValue = exact ? (nbA === nbB ? 2 : 1) / count : 1 / denom;
  return {
    statistic,
    pValue,
    featureStatistics: tObs,
    featurePValues,
    null: tally.nullValues,
    permutations: count,
    exact,
    labelings,
    identicalToObserved: tally.identical,
    minPValue,
    blocks: { a: nbA, b: nbB },
    windows: { a: nA, b: N - nA },
    warnings: degenerateNullWarnings(tally.nullValues),
  };
}

/**
 * The mean feature vector of each condition's windows (for reporting next to the test).
 *
 * @param features N×q row-major.
 * @param N Windows.
 * @param q Features per window.
 * @param conditions Each window's condition (both present).
 * @returns Condition A's and condition B's means, length q each.
 *
 * @example
 * ```ts
 * import { conditionMeans } from "./block_permutation.ts";
 *
 * const m = conditionMeans(Float64Array.of(1, 3, 5), 3, 1, ["a", "a", "b"]);
 * if (m.a[0] !== 2 || m.b[0] !== 5) throw new Error("means per condition");
 * ```
 */
export function conditionMeans(
  features: Float64Array,
  N: number,
  q: number,
  conditions: readonly Condition[],
): { a: Float64Array; b: Float64Array } {
  const a = new Float64Array(q), b = new Float64Array(q);
  let na = 0;
  for (let n = 0; n < N; n++) if (conditions[n] === "a") na++;
  for (let n = 0; n < N; n++) {
    const m = conditions[n] === "a" ? a : b;
    const size = conditions[n] === "a" ? na : N - na;
    for (let j = 0; j < q; j++) m[j] += features[n * q + j] / size;
  }
  return { a, b };
}
