// The coefficients of each equation at its own cross-validated λ, without storing the
// paths. fitVar's "cv" used to keep every equation's whole full-sample lasso path (d
// equations × m coefficients × every breakpoint: 170 MB at 512 series) and read each at
// its λ with pathAt. Here the equations go through the core in chunks within a budget
// (chunkSize, as the criteria's selectAlongPaths), and each path is read with the same
// pathAt on a view of it where the core left it: the same core run as lassoPathBatch
// with `lambdaMin`, the same λ = ℓ/n as toPath, so the same numbers, bit for bit.
import type { CoreRun } from "./_core_path.ts";
import { visitPathChunks } from "./_equation_blocks.ts";
import { STOPS } from "./_path_result.ts";
import { chunkSize } from "./_path_select.ts";
import { type LassoPath, pathAt } from "./lasso_path.ts";

/** What lassoPathBatch asks of the core for `{ lambdaMin }` (defaults for the rest). */
function pathRun(lambdaMin: number): CoreRun {
  return { lasso: true, lambdaMin, keepPath: true };
}

/** A path of one equation over core memory, with what pathAt reads (events are not). */
function pathView(m: number, n: number, ell: Float64Array, coefs: Float64Array, stop: number) {
  const lambdas = new Float64Array(ell.length);
  for (let s = 0; s < ell.length; s++) lambdas[s] = ell[s] / n;
  const none = new Int32Array(0);
  const path: LassoPath = {
    method: "lasso",
    m,
    n,
    lambdas,
    coefs,
    eventKind: new Int8Array(0),
    eventVariable: none,
    eventSign: new Int8Array(0),
    active: none,
    signs: new Int8Array(0),
    stop: STOPS[stop],
    degenerate: 0,
  };
  return path;
}

/** β of d equations sharing G, each at its own λ, on lasso paths run down to `lambdaMin`. */
export interface AtLambdasJob {
  /** Gram matrix (centred), m×m. */
  G: Float64Array;
  /** Xᵀy of the equations, m×d. */
  C: Float64Array;
  /** Rows. */
  n: number;
  /** Regressors. */
  m: number;
  /** Equations. */
  d: number;
  /** λ per equation (d). */
  lambda: Float64Array;
  /** Where every path stops: at most the smallest λ (see fitVar's cvPathEnd). */
  lambdaMin: number;
  /** Doubles of path storage per chunk of equations (default chunkSize's). */
  budget?: number;
}

/**
 * β of each equation at its own λ: m×d row-major, column r equation r's β at
 * `lambda[r]`. Inputs are assumed validated by the caller.
 */
export function coefficientsAtLambdas(job: AtLambdasJob): Float64Array {
  const { G, C, n, m, d, lambda, lambdaMin } = job;
  const B = new Float64Array(m * d);
  const chunk = chunkSize(m, n, d, job.budget);
  visitPathChunks(G, C, n, m, d, chunk, pathRun(lambdaMin), (r, ell, coefs, stop) => {
    const beta = pathAt(pathView(m, n, ell, coefs, stop), lambda[r]);
    for (let a = 0; a < m; a++) B[a * d + r] = beta[a];
  });
  return B;
}
