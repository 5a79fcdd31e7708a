/**
 * λ per equation of a VAR by rolling-origin (forward-chaining) time-series
 * cross-validation, computed entirely on sufficient statistics.
 *
 * Folds are scikit-learn's `TimeSeriesSplit(n_splits = K)` on the n rows of the lagged
 * design: the validation blocks are the last K blocks of ⌊n/(K+1)⌋ rows; fold k fits on
 * every row before its block and validates on the block. The data are read once, into
 * K + 1 block statistics (Σxxᵀ, Σxyᵀ, Σyyᵀ, Σx, Σy per block); a fold's training G, C
 * are sums of blocks, centred about the fold's own means (its intercept), and its
 * validation error is a quadratic form in β with the block's statistics about those
 * means. So each fold costs one call of the WASM path solver for all d equations (one
 * shared Gram matrix) plus ≈ |S|²/2 multiply-adds per evaluated λ (S: the variables the
 * path has entered so far), never a pass over the data. `crossValidateVarAsync` runs the
 * folds on worker threads, with the same result bit for bit.
 *
 * The λ grid (per equation) is on the objective's own scale, (1/2n)‖y − Xβ‖² + λ‖β‖₁,
 * which is comparable across training windows of different lengths: G geometric points
 * from the full-sample λ_max of the equation down to λ_max·ratio (ratio 1e-3 when every
 * training window has more rows than coefficients, else 1e-2), as glmnet does. Each
 * fold's path is interpolated at the grid (paths are piecewise linear in λ). The rule
 * "min" picks the grid λ of smallest mean validation MSE; "1se" the largest λ whose MSE is
 * within one standard error (over folds) of that minimum.
 *
 * @example
 * ```ts
 * import { simulateVar } from "../data/synthetic_var.ts";
 * import { crossValidateVar } from "./cross_validate.ts";
 *
 * const sim = simulateVar({ d: 4, p: 1, T: 300, seed: 3 });
 * const cv = crossValidateVar(sim.series, sim.T, sim.d, 1, { folds: 4 });
 * if (cv.lambda.length !== 4 || cv.folds.length !== 4) throw new Error("one λ per equation");
 * ```
 *
 * @module
 */
import { SparsedynError } from "../errors.ts";
import {
  aboutMeans,
  centre,
  type LaggedBlocks,
  laggedBlocks,
  sumBlocks,
} from "./_lagged_blocks.ts";
import { foldErrors, type FoldJob } from "./_cv_fold.ts";
import { runOnWorker, workerCount } from "./_worker_pool.ts";

/** One fold: fit on design rows [0, trainEnd), validate on [trainEnd, testEnd). */
export interface TimeSeriesFold {
  /** End (exclusive) of the training rows; also the first validation row. */
  trainEnd: number;
  /** End (exclusive) of the validation rows. */
  testEnd: number;
}

/** How the λ of smallest error is turned into the chosen λ. */
export type CvRule = "min" | "1se";

/** Options of {@link crossValidateVar}. */
export interface CvOptions {
  /** Number of folds K (validation blocks). Default 5. */
  folds?: number;
  /** Grid points per equation. Default 100. */
  gridSize?: number;
  /** Smallest grid λ as a fraction of λ_max. Default 1e-3 (1e-2 when a fold has n ≤ m). */
  minRatio?: number;
  /** "min" (default) or "1se". */
  rule?: CvRule;
  /** Called after each fold with (folds done, folds). */
  onProgress?: (done: number, total: number) => void;
}

/** The cross-validation result: per equation, the grid, the error curve and the choice. */
export interface LambdaCv {
  /** The folds. */
  folds: TimeSeriesFold[];
  /** The rule used. */
  rule: CvRule;
  /** Grid points per equation, G. */
  gridSize: number;
  /** Grid λ, d×G row-major, descending in each row. */
  grid: Float64Array;
  /** Mean validation MSE (pooled over folds), d×G. */
  error: Float64Array;
  /** Standard error of the per-fold MSEs, d×G. */
  standardError: Float64Array;
  /** Chosen λ per equation. */
  lambda: Float64Array;
  /** Grid index of the chosen λ per equation. */
  index: Int32Array;
}

/**
 * scikit-learn's `TimeSeriesSplit(n_splits = k)` on n rows: validation blocks of
 * ⌊n/(k+1)⌋ rows at the end, each fold training on everything before its block.
 *
 * @param n Rows.
 * @param k Folds, ≥ 2.
 * @returns The folds, oldest first.
 * @throws {SparsedynError} When k is not an integer ≥ 2, or a block would have < 2 rows.
 *
 * @example
 * ```ts
 * import { timeSeriesFolds } from "./cross_validate.ts";
 *
 * const f = timeSeriesFolds(10, 3); // blocks of 2: train [0,4) test [4,6), …
 * if (f.map((x) => `${x.trainEnd}-${x.testEnd}`).join() !== "4-6,6-8,8-10") throw new Error();
 * ```
 */
export function timeSeriesFolds(n: number, k: number): TimeSeriesFold[] {
  if (!Number.isInteger(k) || k < 2) {
    throw new SparsedynError("INVALID_ARGUMENT", `folds must be an integer ≥ 2; got ${k}`, {
      argument: "folds",
    });
  }
  const size = Math.floor(n / (k + 1));
  if (size < 2 || n - k * size < 3) {
    throw new SparsedynError(
      "INVALID_ARGUMENT",
      `series too short for ${k} cross-validation folds: ${n} design rows give validation ` +
        `blocks of ${size} rows (need ≥ 2, and ≥ 3 rows in the first training window); ` +
        `use fewer folds or a longer series`,
      { argument: "folds" },
    );
  }
  const out: TimeSeriesFold[] = [];
  for (let s = n - k * size; s < n; s += size) out.push({ trainEnd: s, testEnd: s + size });
  return out;
}

/** Block bounds [0, start of each validation block …, n] for {@link timeSeriesFolds}. */
export function foldBounds(folds: TimeSeriesFold[]): number[] {
  return [0, ...folds.map((f) => f.trainEnd), folds[folds.length - 1].testEnd];
}

/**
 * Cross-validates λ for every equation of a VAR(p) fitted on the whole series (rows
 * t = p … T−1 of the design), with the series as given (standardise it first if wanted).
 *
 * @param series T×d row-major.
 * @param T Time points.
 * @param d Series.
 * @param p Lags.
 * @param options Folds, grid and rule.
 * @returns The error curves and the chosen λ per equation.
 * @throws {SparsedynError} When the series is too short for the folds.
 */
export function crossValidateVar(
  series: Float64Array,
  T: number,
  d: number,
  p: number,
  options: CvOptions = {},
): LambdaCv {
  const { lb, folds, lambdaMax } = cvStatistics(series, T, d, p, options);
  return crossValidateBlocks(lb, folds, lambdaMax, options);
}

/**
 * {@link crossValidateVar} with the folds' lasso paths and validation errors spread over
 * worker threads (the pool of `lassoPathBatchParallel`; `closeLassoWorkers` ends it). The
 * result is identical, bit for bit, to {@link crossValidateVar}'s.
 *
 * @param series T×d row-major.
 * @param T Time points.
 * @param d Series.
 * @param p Lags.
 * @param options Folds, grid, rule and `workers` (default: the machine's cores).
 * @returns The error curves and the chosen λ per equation.
 * @throws {SparsedynError} When the series is too short for the folds (rejected promise).
 *
 * @example
 * ```ts
 * import { simulateVar } from "../data/synthetic_var.ts";
 * import { crossValidateVar, crossValidateVarAsync } from "./cross_validate.ts";
 * import { closeLassoWorkers } from "./lasso_parallel.ts";
 *
 * const sim = simulateVar({ d: 4, p: 1, T: 300, seed: 3 });
 * const par = await crossValidateVarAsync(sim.series, sim.T, sim.d, 1, { workers: 2 });
 * const seq = crossValidateVar(sim.series, sim.T, sim.d, 1);
 * if (par.error.join() !== seq.error.join()) throw new Error("same error curves");
 * await closeLassoWorkers();
 * ```
 */
export async function crossValidateVarAsync(
  series: Float64Array,
  T: number,
  d: number,
  p: number,
  options: CvParallelOptions = {},
): Promise<LambdaCv> {
  const { lb, folds, lambdaMax } = cvStatistics(series, T, d, p, options);
  return await crossValidateBlocksAsync(lb, folds, lambdaMax, options);
}

function cvStatistics(series: Float64Array, T: number, d: number, p: number, options: CvOptions) {
  const folds = timeSeriesFolds(T - p, options.folds ?? 5);
  const lb = laggedBlocks(series, T, d, p, p, foldBounds(folds));
  const full = centre(lb, sumBlocks(lb, 0, lb.blocks.length));
  const lambdaMax = new Float64Array(d);
  for (let i = 0; i < d; i++) {
    let mx = 0;
    for (let a = 0; a < lb.m; a++) mx = Math.max(mx, Math.abs(full.C[a * d + i]));
    lambdaMax[i] = mx / full.n;
  }
  return { lb, folds, lambdaMax };
}

/**
 * The cross-validation on prepared block statistics (used by `fitVar`, which shares the
 * blocks with its full-sample fit). Blocks must follow {@link foldBounds}.
 *
 * @param lb Block statistics of the design.
 * @param folds The folds the blocks were cut for.
 * @param lambdaMax Full-sample λ_max per equation (the grid's top).
 * @param options Grid and rule.
 * @returns The error curves and the chosen λ per equation.
 */
export function crossValidateBlocks(
  lb: LaggedBlocks,
  folds: TimeSeriesFold[],
  lambdaMax: Float64Array,
  options: CvOptions = {},
): LambdaCv {
  const plan = cvPlan(lb, folds, lambdaMax, options);
  const errors = plan.jobs.map((job, k) => {
    const e = foldErrors(job);
    options.onProgress?.(k + 1, plan.jobs.length);
    return e;
  });
  return cvResult(plan, errors);
}

/**
 * {@link crossValidateBlocks} with the folds' paths and validation errors computed on
 * worker threads (each fold's d equations split over `workers` jobs). Same result, bit
 * for bit: each equation goes through the same code on the same inputs.
 *
 * @param lb Block statistics of the design.
 * @param folds The folds the blocks were cut for.
 * @param lambdaMax Full-sample λ_max per equation (the grid's top).
 * @param options Grid, rule and worker count.
 * @returns The error curves and the chosen λ per equation.
 */
export async function crossValidateBlocksAsync(
  lb: LaggedBlocks,
  folds: TimeSeriesFold[],
  lambdaMax: Float64Array,
  options: CvParallelOptions = {},
): Promise<LambdaCv> {
  const plan = cvPlan(lb, folds, lambdaMax, options);
  const { d } = lb;
  const workers = workerCount(options.workers, d);
  const Gs = plan.gridSize;
  // Jobs interleaved fold by fold so every worker gets an equal share of every fold.
  const parts: Promise<Float64Array>[][] = plan.jobs.map((job) => {
    const out: Promise<Float64Array>[] = [];
    for (let w = 0; w < workers; w++) {
      const lo = Math.floor((w * d) / workers), hi = Math.floor(((w + 1) * d) / workers);
      out.push(runFoldJob(w, subJob(job, d, Gs, lo, hi)));
    }
    return out;
  });
  // One Promise.all over every job, so a failing job leaves no rejection unhandled.
  const done = await Promise.all(parts.map((fold) => Promise.all(fold)));
  const errors = done.map((fold) => {
    const e = new Float64Array(d * Gs);
    let at = 0;
    for (const part of fold) {
      e.set(part, at);
      at += part.length;
    }
    return e;
  });
  return cvResult(plan, errors);
}

/** Options of the parallel cross-validation: those of {@link CvOptions} plus the pool size. */
export interface CvParallelOptions extends CvOptions {
  /** Worker threads; default `navigator.hardwareConcurrency`, at most d. */
  workers?: number;
}

interface CvPlan {
  folds: TimeSeriesFold[];
  rule: CvRule;
  gridSize: number;
  grid: Float64Array;
  d: number;
  jobs: (FoldJob & { count: number })[];
}

function runFoldJob(w: number, job: FoldJob): Promise<Float64Array> {
  return runOnWorker<Float64Array>(w, { kind: "fold", job });
}

function cvPlan(
  lb: LaggedBlocks,
  folds: TimeSeriesFold[],
  lambdaMax: Float64Array,
  options: CvOptions,
): CvPlan {
  const { d, m } = lb;
  const K = folds.length;
  const Gs = options.gridSize ?? 100;
  if (!Number.isInteger(Gs) || Gs < 2) {
    throw new SparsedynError("INVALID_ARGUMENT", `gridSize must be an integer ≥ 2; got ${Gs}`, {
      argument: "gridSize",
    });
  }
  const rule = options.rule ?? "min";
  if (rule !== "min" && rule !== "1se") {
    throw new SparsedynError("INVALID_ARGUMENT", `rule must be "min" or "1se"; got "${rule}"`, {
      argument: "rule",
    });
  }
  const ratio = options.minRatio ?? (folds[0].trainEnd > m ? 1e-3 : 1e-2);
  if (!(ratio > 0 && ratio < 1)) {
    throw new SparsedynError("INVALID_ARGUMENT", `minRatio must lie in (0, 1); got ${ratio}`, {
      argument: "minRatio",
    });
  }
  const grid = new Float64Array(d * Gs);
  let lowest = Infinity;
  for (let i = 0; i < d; i++) {
    for (let g = 0; g < Gs; g++) grid[i * Gs + g] = lambdaMax[i] * ratio ** (g / (Gs - 1));
    if (lambdaMax[i] > 0) lowest = Math.min(lowest, grid[i * Gs + Gs - 1]);
  }
  // Every path stops at the grid's lowest λ.
  const lambdaMin = Number.isFinite(lowest) ? lowest : 0;
  const jobs: CvPlan["jobs"] = [];
  for (let k = 0; k < K; k++) {
    const train = centre(lb, sumBlocks(lb, 0, k + 1));
    const val = aboutMeans(lb, lb.blocks[k + 1], train.mxRef, train.myRef);
    jobs.push({
      G: train.G,
      C: train.C,
      n: train.n,
      Gv: val.G,
      Cv: val.C,
      yy: val.yy,
      grid,
      Gs,
      lambdaMin,
      count: val.count,
    });
  }
  return { folds, rule, gridSize: Gs, grid, d, jobs };
}

/** The job of equations [lo, hi) of a fold. */
function subJob(job: FoldJob, d: number, Gs: number, lo: number, hi: number): FoldJob {
  const e = hi - lo, m = Math.round(Math.sqrt(job.G.length));
  const C = new Float64Array(m * e), Cv = new Float64Array(m * e);
  for (let a = 0; a < m; a++) {
    for (let r = 0; r < e; r++) {
      C[a * e + r] = job.C[a * d + lo + r];
      Cv[a * e + r] = job.Cv[a * d + lo + r];
    }
  }
  return {
    G: job.G,
    C,
    n: job.n,
    Gv: job.Gv,
    Cv,
    yy: job.yy.slice(lo, hi),
    grid: job.grid.slice(lo * Gs, hi * Gs),
    Gs,
    lambdaMin: job.lambdaMin,
  };
}

/** Pools the folds' errors (d×Gs each, in fold order) and applies the rule. */
function cvResult(plan: CvPlan, errors: Float64Array[]): LambdaCv {
  const { folds, rule, gridSize: Gs, grid, d, jobs } = plan;
  const K = folds.length;
  const sse = new Float64Array(d * Gs);
  const foldMse = new Float64Array(K * d * Gs);
  let totalCount = 0;
  for (let k = 0; k < K; k++) {
    const e = errors[k], count = jobs[k].count;
    totalCount += count;
    for (let q = 0; q < d * Gs; q++) {
      sse[q] += e[q];
      foldMse[k * d * Gs + q] = e[q] / count;
    }
  }
  const error = sse.map((v) => v / totalCount);
  const standardError = new Float64Array(d * Gs);
  const lambda = new Float64Array(d), index = new Int32Array(d);
  for (let i = 0; i < d; i++) {
    let best = 0;
    for (let g = 0; g < Gs; g++) {
      let mean = 0;
      for (let k = 0; k < K; k++) mean += foldMse[(k * d + i) * Gs + g] / K;
      let v = 0;
      for (let k = 0; k < K; k++) v += (foldMse[(k * d + i) * Gs + g] - mean) ** 2;
      standardError[i * Gs + g] = Math.sqrt(v / (K - 1) / K);
      if (error[i * Gs + g] < error[i * Gs + best]) best = g;
    }
    if (rule === "1se") {
      const limit = error[i * Gs + best] + standardError[i * Gs + best];
      let g = 0;
      while (error[i * Gs + g] > limit) g++;
      best = g;
    }
    index[i] = best;
    lambda[i] = grid[i * Gs + best];
  }
  return { folds, rule, gridSize: Gs, grid, error, standardError, lambda, index };
}
