/**
 * Do the dynamics differ between two conditions of the same unit (familiar vs novel
 * environment)? Each condition's recordings (latents of a trained run, or traces) are cut
 * into windows; one sparse VAR(p) is fitted per window (λ per equation by BIC); a block
 * permutation test over window labels compares the conditions' coefficient matrices
 * (Σ_j t_j² of per-coefficient Welch t, see `welch_statistic.ts`), per-coefficient
 * p-values from the same relabelings are adjusted by Benjamini–Hochberg, and the mean
 * pairwise distances of the windows' coefficients within and between conditions measure
 * the intra- vs inter-condition variability.
 *
 * Validity rests on exchangeability: under the null, the blocks of both conditions are
 * interchangeable. Windows that share frames are dependent, so a block holds ⌈L / stride⌉
 * windows by default (one when windows do not overlap, the default) and blocks share no
 * frames (see `series_windows.ts`); adjacent blocks remain weakly dependent through the
 * process's memory, which is small when windows are long against it. The calibration tests
 * (tests/core/stats/condition_calibration_test.ts) check the rejection rate under the null
 * (same VAR in both conditions), with non-overlapping and half-overlapping windows, and the
 * power on a documented alternative. Measured there (4 series, VAR(1), 10 windows of 60
 * frames per condition, 999 relabelings): rejection rate at α = 0.05 of 0.046 over 1000
 * null replicates (0.045 over 400 with half-overlapping windows); power 0.97 over 200
 * replicates when two coefficients (0.845 and 0.737, cell 2 driving cells 0 and 1) rise
 * by 0.25 in condition B.
 *
 * @example Same process in both conditions
 * ```ts
 * import { simulateVar } from "../data/synthetic_var.ts";
 * import { conditionTest } from "./condition_test.ts";
 *
 * const a = simulateVar({ d: 3, p: 1, T: 600, seed: 1, density: 0.3 });
 * const b = simulateVar({ d: 3, p: 1, T: 600, seed: 1, density: 0.3, burnIn: 900 });
 * const r = conditionTest([{ series: a.series, T: 600, d: 3 }], [{ series: b.series, T: 600, d: 3 }], {
 *   window: 60,
 * });
 * if (!(r.pValue > 0 && r.pValue <= 1) || r.windows.a !== 10) throw new Error(String(r.pValue));
 * ```
 *
 * @module
 */
import { SparsedynError } from "../errors.ts";
import {
  type BlockPermutationResult,
  blockPermutationTest,
  type Condition,
  conditionMeans,
} from "./block_permutation.ts";
import { benjaminiHochberg } from "./fdr.ts";
import type { MapConditionTestResult } from "./map_condition_test.ts";
import {
  type PrincipalComponents,
  principalComponents,
  projectRecording,
} from "./principal_components.ts";
import {
  checkWindowSeries,
  cutWindows,
  type Recording,
  type SeriesWindow,
} from "./series_windows.ts";
import { conditionVariability, type Variability } from "./variability.ts";
import { fitWindowVars, type WindowVars } from "./window_var.ts";

/** Settings of {@link conditionTest}; every one has a default. */
export interface ConditionTestOptions {
  /** VAR order p (default 1). */
  lags?: number;
  /** Window length L in frames (default 100). */
  window?: number;
  /** Step between windows (default L: non-overlapping). */
  stride?: number;
  /** Consecutive windows per block (default ⌈L / stride⌉). */
  blockWindows?: number;
  /** Random relabelings, ≥ 999 (default 999). */
  permutations?: number;
  /** Level of the test and of the false discovery rate (default 0.05). */
  alpha?: number;
  /** Seed of the relabelings (default 1). */
  seed?: number;
  /** Divide each column by its sd pooled over both conditions (default true). */
  standardize?: boolean;
  /** Enumerate every labeling: "auto" (when ≤ permutations + 1), "always", "never". */
  exact?: "auto" | "always" | "never";
  /**
   * Test on the k leading principal components of all recordings pooled (labels unused,
   * so the test stays exact) instead of the d series: fewer coefficients, more power when
   * d is large next to the window (see `principal_components.ts`). Default: all d series.
   */
  components?: number;
  /**
   * Progress: `"windows"` as each window's VAR is fitted, then `"relabelings"` as the null
   * distribution is drawn (both can take minutes at hundreds of latents).
   */
  onProgress?: (stage: "windows" | "relabelings", done: number, total: number) => void;
}

/** One VAR coefficient's test. */
export interface CoefficientTest {
  /** Lag, 1 … p. */
  lag: number;
  /** The driving series j. */
  from: number;
  /** The driven series i. */
  to: number;
  /** Mean over condition A's windows. */
  meanA: number;
  /** Mean over condition B's windows. */
  meanB: number;
  /** Welch t (A minus B). */
  t: number;
  /** Permutation p-value. */
  p: number;
  /** Benjamini–Hochberg q-value over all p·d·d coefficients. */
  q: number;
  /** q ≤ α. */
  significant: boolean;
}

/** What every permutation test here reports first: the statistic, its p-value, the decision. */
export interface PermutationOutcome {
  /** Which statistic. */
  statisticName: string;
  /** Observed Σ_j t_j². */
  statistic: number;
  /** Its permutation p-value. */
  pValue: number;
  /** The level. */
  alpha: number;
  /** pValue ≤ alpha. */
  rejected: boolean;
  /** Relabelings evaluated. */
  permutations: number;
  /** Whether every labeling was enumerated (exact test) rather than sampled. */
  exact: boolean;
}

/**
 * The {@link PermutationOutcome} of a block permutation test at level α.
 *
 * @param statisticName Which statistic, in words.
 * @param test The test's result.
 * @param alpha The level.
 * @returns The statistic, its p-value and the decision, in the order `test.json` lists them.
 *
 * @example
 * ```ts
 * import { blockPermutationTest } from "./block_permutation.ts";
 * import { permutationOutcome } from "./condition_test.ts";
 *
 * const x = Float64Array.of(0.1, -0.2, 0.05, 0, 2.1, 1.9, 2.3, 2);
 * const test = blockPermutationTest(x, 8, 1, ["a", "a", "a", "a", "b", "b", "b", "b"], [0, 1, 2, 3, 4, 5, 6, 7]);
 * if (!permutationOutcome("t²", test, 0.05).rejected) throw new Error("2/70 ≤ 0.05");
 * ```
 */
export function permutationOutcome(
  statisticName: string,
  test: BlockPermutationResult,
  alpha: number,
): PermutationOutcome {
  return {
    statisticName,
    statistic: test.statistic,
    pValue: test.pValue,
    alpha,
    rejected: test.pValue <= alpha,
    permutations: test.permutations,
    exact: test.exact,
  };
}

/**
 * Windows and blocks per condition, as the results report them.
 *
 * @param test The test's result.
 * @returns Windows and blocks of A and of B.
 *
 * @example
 * ```ts
 * import { blockPermutationTest } from "./block_permutation.ts";
 * import { windowCounts } from "./condition_test.ts";
 *
 * const x = Float64Array.of(0.1, -0.2, 0.05, 0, 2.1, 1.9, 2.3, 2);
 * const test = blockPermutationTest(x, 8, 1, ["a", "a", "a", "a", "b", "b", "b", "b"], [0, 0, 1, 1, 2, 2, 3, 3]);
 * if (windowCounts(test).blocksA !== 2) throw new Error("2 blocks of 2 windows in A");
 * ```
 */
export function windowCounts(
  test: BlockPermutationResult,
): { a: number; b: number; blocksA: number; blocksB: number } {
  return { a: test.windows.a, b: test.windows.b, blocksA: test.blocks.a, blocksB: test.blocks.b };
}

/** The outcome of a condition test (what `test.json` holds). */
export interface ConditionTestResult extends PermutationOutcome {
  /** Distinct block labelings of the design. */
  labelings: number;
  /** Relabelings equal to the observed partition. */
  identicalToObserved: number;
  /** Smallest p-value the design can give. */
  minPValue: number;
  /** The statistic under each relabeling. */
  null: Float64Array;
  /** Every coefficient's test, in `A[(k * d + i) * d + j]` order. */
  coefficients: CoefficientTest[];
  /** The FDR-significant coefficients (q ≤ α), by ascending q. */
  significant: CoefficientTest[];
  /** Mean pairwise distances of windows' coefficient vectors. */
  variability: Variability;
  /** Windows and blocks per condition, and how they were cut (null when given directly). */
  windows: {
    a: number;
    b: number;
    blocksA: number;
    blocksB: number;
    length: number;
    stride: number | null;
    blockWindows: number | null;
  };
  /** The settings used. */
  settings: {
    lags: number;
    d: number;
    permutations: number;
    alpha: number;
    seed: number;
    standardize: boolean;
    exact: "auto" | "always" | "never";
    lambda: string;
  };
  /** Scale each column was divided by before fitting. */
  scale: number[];
  /** Names of the inputs per condition. */
  inputs: { a: string[]; b: string[] };
  /** Caveats, in words. */
  warnings: string[];
  /**
   * When the test ran on principal components: their number, the share of variance they
   * hold, and the components (k×d, row-major). Coefficients' `from`/`to` then index
   * components, not series.
   */
  components?: { k: number; d: number; explained: number; vectors: number[][] };
  /** The same question asked of contribution maps (`mapConditionTest`), when run. */
  maps?: MapConditionTestResult;
}

function bad(argument: string, message: string): never {
  throw new SparsedynError("INVALID_ARGUMENT", message, { argument });
}

/**
 * The condition test on windows given directly (each with its condition and block).
 *
 * @param windows Windows of equal length and d; each condition ≥ 2 blocks.
 * @param options Lags, relabelings, level, seed, scaling.
 * @returns The result.
 * @throws {SparsedynError} Naming the input: unequal windows, NaN, T ≤ p, fewer than 2
 *   blocks per condition, a block in both conditions, bad settings.
 *
 * @example
 * ```ts
 * import { conditionTestWindows } from "./condition_test.ts";
 *
 * const w = (c: "a" | "b", k: number) => ({
 *   series: Float64Array.from({ length: 80 }, (_, i) => Math.sin(i * (c === "a" ? 0.7 : 1.9) + k)),
 *   T: 40, d: 2, condition: c, block: k,
 * });
 * const r = conditionTestWindows([w("a", 0), w("a", 1), w("a", 2), w("b", 3), w("b", 4), w("b", 5)]);
 * if (!r.exact || r.labelings !== 20) throw new Error("C(6, 3) = 20 labelings, enumerated");
 * ```
 */
export function conditionTestWindows(
  windows: readonly SeriesWindow[],
  options: ConditionTestOptions = {},
): ConditionTestResult {
  const lags = options.lags ?? 1, alpha = options.alpha ?? 0.05;
  const permutations = options.permutations ?? 999, seed = options.seed ?? 1;
  const standardize = options.standardize ?? true, exact = options.exact ?? "auto";
  if (!(alpha > 0 && alpha < 1)) bad("alpha", `alpha must lie in (0, 1); got ${alpha}`);
  const { fits, conditions, test } = testWindowVars(windows, options, {
    lags,
    permutations,
    seed,
    standardize,
    exact,
  });
  const { features, N, q, d } = fits;
  const coefficients = coefficientTests(test, conditionMeans(features, N, q, conditions), d, alpha);
  const significant = coefficients.filter((c) => c.significant).sort((x, y) =>
    x.q - y.q || x.p - y.p
  );
  const L = windows[0].T;
  return {
    ...permutationOutcome("sum over coefficients of squared Welch t", test, alpha),
    labelings: test.labelings,
    identicalToObserved: test.identicalToObserved,
    minPValue: test.minPValue,
    null: test.null,
    coefficients,
    significant,
    variability: conditionVariability(features, N, q, conditions),
    windows: { ...windowCounts(test), length: L, stride: null, blockWindows: null },
    settings: {
      lags,
      d,
      permutations,
      alpha,
      seed,
      standardize,
      exact,
      lambda: "BIC per window and equation along the lasso path",
    },
    scale: Array.from(fits.scale),
    inputs: { a: inputNames(windows, "a"), b: inputNames(windows, "b") },
    warnings: designWarnings(test, alpha, { L, lags, d }),
  };
}

/** The settings a condition test runs with (its options with their defaults). */
interface TestSettings {
  lags: number;
  permutations: number;
  seed: number;
  standardize: boolean;
  exact: "auto" | "always" | "never";
}

/**
 * Fits one sparse VAR per window and runs the block permutation test on the windows'
 * coefficients, reporting the progress of both stages.
 */
function testWindowVars(
  windows: readonly SeriesWindow[],
  options: ConditionTestOptions,
  s: TestSettings,
): { fits: WindowVars; conditions: Condition[]; test: BlockPermutationResult } {
  const progress = options.onProgress;
  const fits = fitWindowVars(windows, s.lags, {
    standardize: s.standardize,
    onProgress: progress && ((done, total) => progress("windows", done, total)),
  });
  const { features, N, q } = fits;
  const conditions: Condition[] = windows.map((w) => w.condition);
  const test = blockPermutationTest(
    features,
    N,
    q,
    conditions,
    windows.map((w) => w.block),
    {
      permutations: s.permutations,
      seed: s.seed,
      exact: s.exact,
      onProgress: progress && ((done, total) => progress("relabelings", done, total)),
    },
  );
  return { fits, conditions, test };
}

/**
 * Each VAR coefficient's test (feature c is `A[(k * d + i) * d + j]`: lag k + 1, from j
 * to i), its Benjamini–Hochberg q-value over all coefficients, and whether q ≤ α.
 */
function coefficientTests(
  test: BlockPermutationResult,
  means: { a: Float64Array; b: Float64Array },
  d: number,
  alpha: number,
): CoefficientTest[] {
  const qValues = benjaminiHochberg(test.featurePValues);
  const { a: meanA, b: meanB } = means;
  const coefficients: CoefficientTest[] = [];
  for (let c = 0; c < qValues.length; c++) {
    coefficients.push({
      lag: Math.floor(c / (d * d)) + 1,
      from: c % d,
      to: Math.floor(c / d) % d,
      meanA: meanA[c],
      meanB: meanB[c],
      t: test.featureStatistics[c],
      p: test.featurePValues[c],
      q: qValues[c],
      significant: qValues[c] <= alpha,
    });
  }
  return coefficients;
}

/**
 * The test's own caveats, then the design's: too few blocks to ever reject at α, and
 * windows too short for the coefficients of each equation.
 */
function designWarnings(
  test: BlockPermutationResult,
  alpha: number,
  shape: { L: number; lags: number; d: number },
): string[] {
  const { L, lags, d } = shape;
  const warnings = [...test.warnings];
  if (test.minPValue > alpha) {
    warnings.push(
      `the smallest p-value this design can give is ${
        test.minPValue.toPrecision(3)
      } > α = ${alpha}: ` +
        "more blocks per condition are needed to ever reject",
    );
  }
  if (L - lags < lags * d) {
    warnings.push(
      `windows of ${L} give ${L - lags} samples per equation, fewer than its ${
        lags * d
      } coefficients: ` +
        "per-window fits are weak; use longer windows",
    );
  }
  return warnings;
}

/** The distinct sources of a condition's windows, in order (`a[k]` for a window without one). */
function inputNames(windows: readonly SeriesWindow[], c: Condition): string[] {
  return [
    ...new Set(windows.filter((w) => w.condition === c).map((w, k) => w.source ?? `${c}[${k}]`)),
  ];
}

/**
 * The condition test on recordings: cut into windows, one sparse VAR per window, block
 * permutation test, BH per coefficient, variability.
 *
 * @param a Condition A's recordings (T×d each; T may differ, d may not).
 * @param b Condition B's recordings (same d as A's).
 * @param options Lags, window length and stride, blocks, relabelings, level, seed.
 * @returns The result (serialise with `testJson` / `writeTestJson`).
 * @throws {SparsedynError} Naming the input (`a[0]`, `b[1]`, or its file): NaN, a
 *   constant column, T ≤ p, a recording shorter than one window, d differing between
 *   recordings or conditions, fewer than 2 blocks per condition.
 */
export function conditionTest(
  a: readonly Recording[],
  b: readonly Recording[],
  options: ConditionTestOptions = {},
): ConditionTestResult {
  const lags = options.lags ?? 1, length = options.window ?? 100;
  const stride = options.stride ?? length;
  const blockWindows = options.blockWindows ?? Math.ceil(length / stride);
  if (!Number.isInteger(lags) || lags < 1) bad("lags", `lags must be an integer ≥ 1; got ${lags}`);
  if (a.length === 0) bad("a", "condition a has no recordings");
  if (b.length === 0) bad("b", "condition b has no recordings");
  if (b[0].d !== a[0].d) {
    const name = b[0].name ? `${b[0].name} (b[0])` : "b[0]";
    bad("b[0]", `${name}: ${b[0].d} series, but condition a has ${a[0].d}: d must agree`);
  }
  let pc: PrincipalComponents | undefined;
  if (options.components !== undefined && options.components !== a[0].d) {
    for (const [i, r] of a.entries()) {
      checkWindowSeries(r.series, r.T, r.d, lags, `a[${i}]`, r.name);
    }
    for (const [i, r] of b.entries()) {
      checkWindowSeries(r.series, r.T, r.d, lags, `b[${i}]`, r.name);
    }
    pc = principalComponents([...a, ...b], options.components);
    a = a.map((r) => projectRecording(r, pc!));
    b = b.map((r) => projectRecording(r, pc!));
  }
  const cut = { length, stride, blockWindows };
  const wa = cutWindows(a, "a", cut, 0, lags);
  const wb = cutWindows(b, "b", cut, wa.length === 0 ? 0 : wa[wa.length - 1].block + 1, lags);
  const r = conditionTestWindows([...wa, ...wb], { ...options, lags });
  r.windows.stride = stride;
  r.windows.blockWindows = blockWindows;
  if (pc) {
    r.components = {
      k: pc.k,
      d: pc.d,
      explained: pc.explained,
      vectors: Array.from(
        { length: pc.k },
        (_, c) => Array.from(pc.vectors.subarray(c * pc.d, (c + 1) * pc.d)),
      ),
    };
  }
  return r;
}
