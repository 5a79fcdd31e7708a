/**
 * A sparse VAR(p) fitted equation by equation by the lasso path on the shared lagged
 * design (the WASM core on chunks of equations), λ chosen per equation by BIC. Each
 * path's criterion is evaluated as the core produces it and only the chosen breakpoint is
 * kept, so memory stays bounded at any d (512 latents and more).
 *
 * @example
 * ```ts
 * import { simulateVar } from "../data/synthetic_var.ts";
 * import { fitVarLasso } from "./fit_var_lasso.ts";
 *
 * const sim = simulateVar({ d: 3, p: 1, T: 400, seed: 2 });
 * const fit = fitVarLasso(sim.series, sim.T, sim.d, 1);
 * if (fit.A.length !== 9) throw new Error("A is p×d×d");
 * ```
 *
 * @module
 */
import { varStatistics } from "./design.ts";
import { shapes } from "./_lasso_inputs.ts";
import type { PathMethod } from "./lasso_path.ts";
import { type PathChoices, selectAlongPaths } from "./_path_select.ts";
import { selectAlongPathsParallel } from "./_path_select_parallel.ts";

/** A fitted sparse VAR. */
export interface VarFit {
  /** Coefficients p×d×d: `A[(k * d + i) * d + j]` = effect of series j at lag k+1 on i. */
  A: Float64Array;
  /** Intercept per series. */
  intercept: Float64Array;
  /** Chosen λ per equation. */
  lambdas: Float64Array;
  /** Breakpoints of all d paths together. */
  breakpoints: number;
  /** Milliseconds spent in the path solver (all equations). */
  pathMs: number;
  /** Series. */
  d: number;
  /** Lags. */
  p: number;
}

/**
 * Fits a sparse VAR(p) by the lasso path with BIC per equation.
 *
 * @param series T×d row-major.
 * @param T Time points.
 * @param d Series.
 * @param p Lags.
 * @param options `method` ("lasso" by default, or "lar"); `onProgress(done, d)` after each
 *   chunk of equations.
 * @returns The coefficients, intercepts and chosen λ.
 * @throws {SparsedynError} On a non-finite or degenerate design (from the core).
 */
export function fitVarLasso(
  series: Float64Array,
  T: number,
  d: number,
  p: number,
  options: { method?: PathMethod; onProgress?: (done: number, total: number) => void } = {},
): VarFit {
  const s = varStatistics(series, T, d, p);
  shapes(s.G, s.C, s.n, "C", d);
  const t0 = performance.now();
  const sel = selectAlongPaths(s.G, s.C, s.n, s.m, d, {
    method: options.method === "lar" ? "lar" : "lasso",
    criterion: "bic",
    yty: s.yty,
    onProgress: options.onProgress,
  });
  return toFit(s, sel, performance.now() - t0, d, p);
}

/**
 * {@link fitVarLasso} with the d equations spread over worker threads (the pool of
 * `lassoPathBatchParallel`; `closeLassoWorkers` ends it): the same fit, bit for bit, in
 * about 1/cores of the time for large d (512 latents after training).
 *
 * @param series T×d row-major.
 * @param T Time points.
 * @param d Series.
 * @param p Lags.
 * @param options As {@link fitVarLasso}, plus `workers` (default: the machine's cores);
 *   `onProgress(done, d)` as each worker's block finishes.
 * @returns The coefficients, intercepts and chosen λ.
 * @throws {SparsedynError} As {@link fitVarLasso} (rejected promise).
 *
 * @example
 * ```ts
 * import { simulateVar } from "../data/synthetic_var.ts";
 * import { fitVarLasso, fitVarLassoAsync } from "./fit_var_lasso.ts";
 * import { closeLassoWorkers } from "./lasso_parallel.ts";
 *
 * const sim = simulateVar({ d: 6, p: 1, T: 300, seed: 3 });
 * const par = await fitVarLassoAsync(sim.series, sim.T, sim.d, 1, { workers: 2 });
 * if (par.A.join() !== fitVarLasso(sim.series, sim.T, sim.d, 1).A.join()) throw new Error("same");
 * await closeLassoWorkers();
 * ```
 */
export async function fitVarLassoAsync(
  series: Float64Array,
  T: number,
  d: number,
  p: number,
  options: {
    method?: PathMethod;
    workers?: number;
    onProgress?: (done: number, total: number) => void;
  } = {},
): Promise<VarFit> {
  const s = varStatistics(series, T, d, p);
  shapes(s.G, s.C, s.n, "C", d);
  const t0 = performance.now();
  const sel = await selectAlongPathsParallel(s.G, s.C, s.n, s.m, d, {
    method: options.method === "lar" ? "lar" : "lasso",
    criterion: "bic",
    yty: s.yty,
    onProgress: options.onProgress,
  }, options.workers);
  return toFit(s, sel, performance.now() - t0, d, p);
}

function toFit(
  s: ReturnType<typeof varStatistics>,
  sel: PathChoices,
  pathMs: number,
  d: number,
  p: number,
): VarFit {
  const A = new Float64Array(p * d * d), intercept = new Float64Array(d);
  for (let i = 0; i < d; i++) {
    let b0 = s.meanY[i];
    for (let col = 0; col < s.m; col++) {
      const beta = sel.B[col * d + i];
      const k = Math.floor(col / d), j = col % d;
      A[(k * d + i) * d + j] = beta;
      b0 -= beta * s.meanX[col];
    }
    intercept[i] = b0;
  }
  return { A, intercept, lambdas: sel.lambdas, breakpoints: sel.breakpoints, pathMs, d, p };
}
