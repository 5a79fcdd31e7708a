/**
 * Lasso / LAR paths of many responses sharing one Gram matrix, spread over worker
 * threads: each worker runs its own instance of the WASM core on a block of responses.
 * The d equations of a VAR are independent given G, so this scales with the cores.
 * Results are identical, bit for bit, to {@link lassoPathBatch}.
 *
 * Workers are started on first use and kept (unreferenced: they never hold the process
 * open); {@link closeLassoWorkers} ends them.
 *
 * @example
 * ```ts
 * import { lassoPathBatch, lassoPathBatchParallel } from "../../mod.ts";
 *
 * const G = Float64Array.of(1, 0, 0, 1), C = Float64Array.of(3, 0, 1, 2);
 * const par = await lassoPathBatchParallel(G, C, 4);
 * const seq = lassoPathBatch(G, C, 4);
 * if (par[1].lambdas.join() !== seq[1].lambdas.join()) throw new Error("same paths");
 * ```
 *
 * @module
 */
import { checkCount, checkMethod, checkNonNegative, checkYty, shapes } from "./_lasso_inputs.ts";
import { closeWorkerPool, runOnWorker, workerCount } from "./_worker_pool.ts";
import type { RawPath } from "./_core_path.ts";
import { addRss, toPath } from "./_path_result.ts";
import type { LassoPath, PathMethod, PathOptions } from "./lasso_path.ts";

/** Options of {@link lassoPathBatchParallel}: those of the path, plus the method and pool size. */
export interface ParallelPathOptions extends PathOptions {
  /** "lasso" (default) or "lar". */
  method?: PathMethod;
  /** Worker threads to use; default `navigator.hardwareConcurrency`, at most d. */
  workers?: number;
}

/**
 * Terminates the pool's worker threads (a later call starts new ones).
 *
 * @example
 * ```ts
 * import { closeLassoWorkers, lassoPathBatchParallel } from "../../mod.ts";
 *
 * await lassoPathBatchParallel(Float64Array.of(1, 0, 0, 1), Float64Array.of(3, 0, 1, 2), 4);
 * await closeLassoWorkers();
 * ```
 */
export async function closeLassoWorkers(): Promise<void> {
  await closeWorkerPool();
}

/**
 * Paths of d responses sharing one Gram matrix, computed on worker threads.
 *
 * @param G Gram matrix, m×m row-major.
 * @param C Xᵀ[y₁ … y_d], m×d row-major.
 * @param n Number of samples, > 0.
 * @param options Path options, `method` and `workers`.
 * @returns One path per response, as {@link lassoPathBatch} returns them.
 * @throws {SparsedynError} On invalid input (rejected promise).
 */
export async function lassoPathBatchParallel(
  G: Float64Array,
  C: Float64Array,
  n: number,
  options: ParallelPathOptions = {},
): Promise<LassoPath[]> {
  const { m, d } = shapes(G, C, n, "C");
  const method = checkMethod(options.method ?? "lasso");
  const lambdaMin = checkNonNegative("lambdaMin", options.lambdaMin) ?? 0;
  const maxSteps = checkCount("maxSteps", options.maxSteps);
  const maxActive = checkCount("maxActive", options.maxActive);
  const workers = workerCount(options.workers, d);
  const yty = options.yty === undefined ? undefined : checkYty(options.yty, d);
  const run = {
    symmetryTolerance: options.symmetryTolerance,
    tieTolerance: options.tieTolerance,
    degenerateTolerance: options.degenerateTolerance,
    lasso: method === "lasso",
    lambdaMin,
    maxSteps,
    maxActive,
    keepPath: true,
  };
  const jobs: Promise<RawPath[]>[] = [];
  for (let w = 0; w < workers; w++) {
    const lo = Math.floor((w * d) / workers), hi = Math.floor(((w + 1) * d) / workers);
    const dk = hi - lo;
    const Ck = new Float64Array(m * dk);
    for (let j = 0; j < m; j++) for (let r = 0; r < dk; r++) Ck[j * dk + r] = C[j * d + lo + r];
    jobs.push(runOnWorker<RawPath[]>(w, { kind: "path", G, C: Ck, n, m, d: dk, run }));
  }
  const raws = (await Promise.all(jobs)).flat();
  return raws.map((raw, r) => {
    const p = toPath(raw, method, m, n);
    if (yty) addRss(p, G, C, d, r, yty[r]);
    return p;
  });
}
