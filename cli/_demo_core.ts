// Part 1 of `sparsedyn demo`, the numeric core: a sparse VAR simulated and recovered by the
// lasso path with BIC. Parts 2 and 3, the method and the interpretation, are in
// _demo_method.ts and _demo_interpretation.ts.
import { simulateVar } from "../core/data/synthetic_var.ts";
import { fitVarLasso } from "../core/var/fit_var_lasso.ts";
import { scoreSupport } from "../core/var/support_score.ts";

/**
 * Part 1: simulates a sparse, stable VAR(p) of `d` series and `T` samples, fits it by the
 * lasso path with BIC, and scores the support found against the truth, with the times.
 */
export function coreDemo(d: number, p: number, T: number, seed: number) {
  const t0 = performance.now();
  const sim = simulateVar({ d, p, T, seed });
  const t1 = performance.now();
  const fit = fitVarLasso(sim.series, T, d, p);
  const t2 = performance.now();
  const score = scoreSupport(sim.A, fit.A);
  const trueNonzero = sim.A.reduce((a, v) => a + (v !== 0 ? 1 : 0), 0);
  return {
    series: d,
    lags: p,
    samples: T,
    seed,
    spectralRadius: sim.spectralRadius,
    coefficients: d * d * p,
    trueNonzero,
    estimatedNonzero: score.truePositives + score.falsePositives,
    ...score,
    breakpoints: fit.breakpoints,
    pathMs: fit.pathMs,
    fitMs: t2 - t1,
    totalMs: t2 - t0,
  };
}

/** A share as a percentage with one decimal. */
const pct = (x: number) => `${(100 * x).toFixed(1)}%`;

/** The report of part 1: the truth, the path, BIC's choice, the support and signs, times. */
export function printCore(r: ReturnType<typeof coreDemo>) {
  const { lags: p, series: d } = r;
  console.log(
    `1. numeric core: sparse VAR(${p}), ${d} series, ${r.samples} samples (seed ${r.seed})`,
  );
  console.log(
    `  truth        ${r.trueNonzero} non-zero of ${r.coefficients} coefficients; ` +
      `companion spectral radius ${r.spectralRadius.toFixed(3)}`,
  );
  console.log(
    `  lasso path   ${d} equations, ${r.breakpoints} breakpoints in ${
      r.pathMs.toFixed(1)
    } ms (WASM core, one call)`,
  );
  console.log(`  BIC choice   ${r.estimatedNonzero} non-zero coefficients`);
  console.log(
    `  support      precision ${pct(r.precision)}  recall ${pct(r.recall)}  ` +
      `(true positives ${r.truePositives}, false positives ${r.falsePositives}, missed ${r.falseNegatives})`,
  );
  console.log(`  signs        ${pct(r.signAgreement)} of true positives have the right sign`);
  console.log(
    `  time         fit ${r.fitMs.toFixed(1)} ms (design, paths, BIC); total ${
      r.totalMs.toFixed(1)
    } ms`,
  );
}
