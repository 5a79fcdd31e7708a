// The cross-validated coefficients read along streamed paths (core/var/_cv_stream.ts):
// bit for bit what the stored paths and pathAt give — on the main thread and on the
// worker pool, whatever the chunking — and fitVar / fitVarAsync with select "cv" give the
// model of the old computation (lassoPathBatch + pathAt on the full-sample statistics).
import { type AtLambdasJob, coefficientsAtLambdas } from "../../../core/var/_cv_stream.ts";
import { coefficientsAtLambdasParallel } from "../../../core/var/_cv_stream_parallel.ts";
import { centre, laggedBlocks, sumBlocks } from "../../../core/var/_lagged_blocks.ts";
import { standardised } from "../../../core/var/_standardise.ts";
import { foldBounds, timeSeriesFolds } from "../../../core/var/cross_validate.ts";
import { varStatistics } from "../../../core/var/design.ts";
import { fitVar, fitVarAsync, type VarModel } from "../../../core/var/fit_var.ts";
import { closeLassoWorkers } from "../../../core/var/lasso_parallel.ts";
import { lassoPathBatch, pathAt } from "../../../core/var/lasso_path.ts";
import { simulateVar } from "../../../core/data/synthetic_var.ts";
import { SparsedynError } from "../../../core/errors.ts";
import { assertEquals, assertThrows } from "../../_helpers/assert.ts";

/** The old computation: every path stored, each read at its λ; m×d. */
function storedPaths(job: AtLambdasJob): Float64Array {
  const { G, C, n, m, d, lambda, lambdaMin } = job;
  const paths = lassoPathBatch(G, C, n, { lambdaMin });
  const B = new Float64Array(m * d);
  for (let i = 0; i < d; i++) {
    const beta = pathAt(paths[i], lambda[i]);
    for (let a = 0; a < m; a++) B[a * d + i] = beta[a];
  }
  return B;
}

/** Bitwise equality of two float arrays (−0 and 0 told apart, NaN equal to itself). */
function assertSameBits(a: Float64Array, b: Float64Array, what: string) {
  assertEquals(a.length, b.length, `${what}: length`);
  const x = new BigUint64Array(a.buffer, a.byteOffset, a.length);
  const y = new BigUint64Array(b.buffer, b.byteOffset, b.length);
  for (let q = 0; q < x.length; q++) {
    if (x[q] !== y[q]) throw new Error(`${what}: entry ${q} is ${a[q]}, expected ${b[q]}`);
  }
}

/**
 * A VAR's statistics and a λ per equation spread over its path: above λ_max (zeros), on
 * the first breakpoint, in between, and at the lowest (where every path stops).
 */
function problem(d: number, p: number, T: number, seed: number) {
  const sim = simulateVar({ d, p, T, seed, density: 0.2 });
  const s = varStatistics(sim.series, T, d, p);
  const m = s.m;
  const lambda = new Float64Array(d);
  let u = seed >>> 0;
  const rand = () => (u = (u * 1664525 + 1013904223) >>> 0) / 2 ** 32;
  for (let i = 0; i < d; i++) {
    let max = 0;
    for (let a = 0; a < m; a++) max = Math.max(max, Math.abs(s.C[a * d + i]));
    const lmax = max / s.n;
    lambda[i] = i === 0 ? 1.5 * lmax : i === 1 ? lmax : lmax * (0.02 + 0.9 * rand());
  }
  const lambdaMin = Math.min(...lambda) * (1 - 1e-9);
  const job: AtLambdasJob = { G: s.G, C: s.C, n: s.n, m, d, lambda, lambdaMin };
  return job;
}

/** A budget (doubles) that makes chunks of `k` equations (as chunkSize estimates a path). */
function budgetFor(k: number, m: number, n: number): number {
  return k * m * (3 * Math.min(m, Math.ceil(n)) + 2);
}

const SIZES: [number, number, number, number][] = [
  [3, 1, 400, 1],
  [10, 2, 300, 2],
  [20, 1, 60, 3], // n < m·… : paths with drops, stopped by lambdaMin
  [37, 1, 120, 4],
];

Deno.test("coefficientsAtLambdas equals lassoPathBatch + pathAt bit for bit, at any chunk size", () => {
  for (const [d, p, T, seed] of SIZES) {
    const s = problem(d, p, T, seed);
    const want = storedPaths(s);
    // Default budget (one chunk), one equation per chunk (tiny budget), and 3 per chunk
    // (d = 10, 20, 37 not divisible by 3).
    for (const budget of [undefined, 1, budgetFor(3, s.m, s.n)]) {
      const got = coefficientsAtLambdas({ ...s, budget });
      assertSameBits(got, want, `d=${d} p=${p} budget=${budget}`);
    }
    // λ = 0 on paths run to the end (lambdaMin 0): the last breakpoint, least squares.
    const zero = { ...s, lambda: new Float64Array(d), lambdaMin: 0 };
    assertSameBits(
      coefficientsAtLambdas({ ...zero, budget: 1 }),
      storedPaths(zero),
      `d=${d}: λ = 0`,
    );
  }
});

Deno.test("coefficientsAtLambdas throws pathAt's error for a λ below where the paths stopped", () => {
  const s = problem(10, 1, 200, 7);
  const low = { ...s, lambda: s.lambda.map((l) => l / 2) };
  const e1 = assertThrows(() => storedPaths(low), SparsedynError);
  const e2 = assertThrows(
    () => coefficientsAtLambdas({ ...low, budget: 1 }),
    SparsedynError,
    { code: "INVALID_ARGUMENT", argument: "lambda" },
  );
  assertEquals(e2.message, e1.message);
});

Deno.test("coefficientsAtLambdasParallel equals lassoPathBatch + pathAt bit for bit, for every worker count", async () => {
  try {
    for (const [d, p, T, seed] of SIZES) {
      const s = problem(d, p, T, seed);
      const want = storedPaths(s);
      for (const [workers, budget] of [[1, undefined], [2, 1], [3, budgetFor(2, s.m, s.n)]]) {
        const got = await coefficientsAtLambdasParallel({ ...s, budget }, workers);
        assertSameBits(got, want, `d=${d} workers=${workers} budget=${budget}`);
      }
    }
  } finally {
    await closeLassoWorkers();
  }
});

/**
 * fitVar's "cv" coefficients as they were computed before the paths were streamed: the
 * full-sample statistics as fitVar builds them, every path stored and read with pathAt at
 * the model's cross-validated λ. Returns A as fitVar puts it back in the series' units
 * (Ã[i, j]·s_i/s_j; A_k[i, j] at (k·d + i)·d + j).
 */
function oldCvA(series: Float64Array, model: VarModel, standardize: boolean): Float64Array {
  const { d, p, T: Tfit, n } = model;
  const m = p * d;
  const train = series.subarray(0, Tfit * d);
  const z = standardize ? standardised(train, Tfit, d).z : train;
  const lb = laggedBlocks(z, Tfit, d, p, p, foldBounds(timeSeriesFolds(n, 5)));
  const full = centre(lb, sumBlocks(lb, 0, lb.blocks.length));
  const lambda = model.cv!.lambda;
  let lowest = Infinity;
  for (let i = 0; i < d; i++) if (model.lambdaMax[i] > 0) lowest = Math.min(lowest, lambda[i]);
  const lambdaMin = Number.isFinite(lowest) ? lowest * (1 - 1e-9) : 0;
  const B = storedPaths({ G: full.G, C: full.C, n, m, d, lambda, lambdaMin });
  const A = new Float64Array(m * d), s = model.scale;
  B.forEach((b, q) => {
    const a = Math.floor(q / d), i = q % d, k = Math.floor(a / d), j = a % d;
    if (b !== 0) A[(k * d + i) * d + j] = b * s[i] / s[j];
  });
  return A;
}

Deno.test("fitVar and fitVarAsync with select cv give the old computation's model, bit for bit", async () => {
  const cases = [
    { d: 5, p: 1, T: 300, seed: 1, options: { lags: 1 } },
    { d: 12, p: 2, T: 250, seed: 2, options: { lags: 2, holdout: 0.1 } },
    { d: 9, p: 1, T: 200, seed: 3, options: { maxLags: 3, standardize: false } },
  ];
  try {
    for (const { d, p, T, seed, options } of cases) {
      const sim = simulateVar({ d, p, T, seed, density: 0.25 });
      const model = fitVar(sim.series, T, d, { ...options, select: "cv" });
      assertSameBits(model.A, oldCvA(sim.series, model, options.standardize ?? true), `d=${d}: A`);
      assertSameBits(model.lambdas, model.cv!.lambda, `fitVar d=${d}: λ`);
      for (const workers of [1, 2, 3]) {
        const par = await fitVarAsync(sim.series, T, d, { ...options, select: "cv", workers });
        for (const key of ["A", "intercept", "sigma", "lambdas"] as const) {
          assertSameBits(par[key], model[key], `fitVarAsync d=${d} workers=${workers}: ${key}`);
        }
      }
    }
  } finally {
    await closeLassoWorkers();
  }
});
