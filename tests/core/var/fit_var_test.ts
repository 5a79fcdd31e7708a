// fitVar on simulated VARs with known coefficients: support recovery, order recovery, CV
// against BIC, the relaxed refit against an independent least-squares solve, the network,
// the stability warning, forecasts against persistence, and fitVarAsync against fitVar.
import { assert, assertAlmostEquals, assertEquals, assertRejects } from "../../_helpers/assert.ts";
import { normals, uniform } from "../../../core/data/random.ts";
import { simulateVar, simulateVarWith } from "../../../core/data/synthetic_var.ts";
import { scoreSupport } from "../../../core/var/support_score.ts";
import { SparsedynError } from "../../../core/errors.ts";
import { closeLassoWorkers } from "../../../core/var/lasso_parallel.ts";
import { fitVar, fitVarAsync, type FitVarOptions } from "../../../core/var/fit_var.ts";

Deno.test("BIC recovers the support of a sparse VAR (d = 10, p = 1 and d = 8, p = 2)", () => {
  // Three seeds each; recall must be near 1 every time, precision on average (the lasso
  // with BIC admits a few small false positives; measured 0.57–0.89 per seed at d = 8, p = 2).
  for (const [d, p, T, minPrecision] of [[10, 1, 2000, 0.75], [8, 2, 3000, 0.65]]) {
    let precision = 0;
    for (const seed of [1, 2, 3]) {
      const sim = simulateVar({ d, p, T, density: 0.15, seed });
      const m = fitVar(sim.series, T, d, { lags: p });
      const s = scoreSupport(sim.A, m.A);
      assert(s.recall >= 0.9, `recall ${s.recall} (d ${d}, p ${p}, seed ${seed})`);
      assertEquals(s.signAgreement, 1, "signs");
      precision += s.precision / 3;
    }
    assert(precision >= minPrecision, `mean precision ${precision} (d ${d}, p ${p})`);
  }
});

Deno.test("order selection by BIC finds the true order on long series", () => {
  for (const [p, seed] of [[2, 1], [2, 2], [3, 1], [3, 2]]) {
    const sim = simulateVar({ d: 4, p, T: 4000, density: 0.4, seed });
    const m = fitVar(sim.series, sim.T, sim.d, { maxLags: p + 3 });
    assertEquals(m.order!.p, p, `true p = ${p}, seed ${seed}`);
    assertEquals(m.p, p);
    assertEquals(m.order!.table.length, p + 3);
    assertEquals(m.order!.fit, "ols");
  }
});

Deno.test("CV picks λ between BIC's and 0: inside (0, λ_max), more coefficients than BIC, no true one lost", () => {
  for (const seed of [1, 2, 3]) {
    const sim = simulateVar({ d: 10, p: 1, T: 2000, density: 0.15, seed });
    const bic = fitVar(sim.series, sim.T, sim.d, { lags: 1 });
    const cv = fitVar(sim.series, sim.T, sim.d, { lags: 1, select: "cv" });
    for (let i = 0; i < sim.d; i++) {
      assert(cv.lambdas[i] > 0 && cv.lambdas[i] < cv.lambdaMax[i], `0 < λ_cv < λ_max (${i})`);
    }
    const sum = (x: Int32Array) => x.reduce((a, b) => a + b, 0);
    assert(
      sum(cv.df) >= sum(bic.df),
      `CV keeps more coefficients: ${sum(cv.df)} vs ${sum(bic.df)}`,
    );
    assert(scoreSupport(sim.A, cv.A).recall >= scoreSupport(sim.A, bic.A).recall, "recall");
    // The chosen λ minimises the pooled validation error over the grid.
    const G = cv.cv!.gridSize;
    for (let i = 0; i < sim.d; i++) {
      const curve = cv.cv!.error.subarray(i * G, (i + 1) * G);
      assertEquals(curve[cv.cv!.index[i]], Math.min(...curve), `argmin, equation ${i}`);
    }
  }
});

Deno.test("the information criteria are ordered: AIC keeps ≥ BIC ≥ EBIC coefficients", () => {
  const sim = simulateVar({ d: 8, p: 2, T: 800, density: 0.15, seed: 9 });
  const fits = (["aic", "bic", "ebic"] as const).map((select) =>
    fitVar(sim.series, sim.T, sim.d, { lags: 2, select })
  );
  for (let i = 0; i < sim.d; i++) {
    assert(fits[0].df[i] >= fits[1].df[i], `AIC ≥ BIC, equation ${i}`);
    assert(fits[0].lambdas[i] <= fits[1].lambdas[i], `λ_AIC ≤ λ_BIC, equation ${i}`);
  }
  const sum = (x: Int32Array) => x.reduce((a, b) => a + b, 0);
  assert(sum(fits[2].df) <= sum(fits[1].df), "EBIC sparser than BIC");
});

/** Least squares by Householder QR on an explicit design: independent of the normal equations. */
function qrLeastSquares(X: number[][], y: number[]): number[] {
  const n = X.length, k = X[0].length;
  const R = X.map((r) => r.slice()), b = y.slice();
  for (let j = 0; j < k; j++) {
    let norm = 0;
    for (let i = j; i < n; i++) norm += R[i][j] ** 2;
    norm = Math.sqrt(norm);
    const alpha = R[j][j] > 0 ? -norm : norm;
    const v = new Array(n).fill(0);
    for (let i = j; i < n; i++) v[i] = R[i][j];
    v[j] -= alpha;
    const vv = v.reduce((s, x) => s + x * x, 0);
    for (let c = j; c < k; c++) {
      let s = 0;
      for (let i = j; i < n; i++) s += v[i] * R[i][c];
      for (let i = j; i < n; i++) R[i][c] -= (2 * s / vv) * v[i];
    }
    let s = 0;
    for (let i = j; i < n; i++) s += v[i] * b[i];
    for (let i = j; i < n; i++) b[i] -= (2 * s / vv) * v[i];
  }
  const beta = new Array(k).fill(0);
  for (let j = k - 1; j >= 0; j--) {
    let s = b[j];
    for (let c = j + 1; c < k; c++) s -= R[j][c] * beta[c];
    beta[j] = s / R[j][j];
  }
  return beta;
}

Deno.test("the relaxed refit is least squares on each equation's support (QR reference)", () => {
  const d = 6, p = 2, T = 400;
  const sim = simulateVar({ d, p, T, density: 0.2, seed: 21 });
  const lasso = fitVar(sim.series, T, d, { lags: p });
  const relaxed = fitVar(sim.series, T, d, { lags: p, relaxed: true });
  assert(relaxed.relaxed && relaxed.warnings.length === 0, "refit done");
  for (let i = 0; i < d; i++) {
    // The support: columns (k, j) with A_k[i, j] ≠ 0 in the lasso fit, and the intercept.
    const cols: [number, number][] = [];
    for (let k = 0; k < p; k++) {
      for (let j = 0; j < d; j++) if (lasso.A[(k * d + i) * d + j] !== 0) cols.push([k, j]);
    }
    const X: number[][] = [], y: number[] = [];
    for (let t = p; t < T; t++) {
      X.push([1, ...cols.map(([k, j]) => sim.series[(t - k - 1) * d + j])]);
      y.push(sim.series[t * d + i]);
    }
    const beta = qrLeastSquares(X, y);
    assertAlmostEquals(relaxed.intercept[i], beta[0], 1e-9, `intercept ${i}`);
    cols.forEach(([k, j], u) => {
      assertAlmostEquals(
        relaxed.A[(k * d + i) * d + j],
        beta[u + 1],
        1e-9,
        `A_${k + 1}[${i},${j}]`,
      );
    });
    for (let k = 0; k < p; k++) {
      for (let j = 0; j < d; j++) {
        const q = (k * d + i) * d + j;
        assertEquals(relaxed.A[q] === 0, lasso.A[q] === 0, `same support at ${q}`);
      }
    }
  }
});

Deno.test("the network lists exactly the non-zero off-diagonal coefficients", () => {
  const d = 8, p = 2;
  const sim = simulateVar({ d, p, T: 1500, density: 0.15, seed: 5 });
  const m = fitVar(sim.series, sim.T, d, { lags: p });
  const expected = new Set<string>();
  for (let k = 0; k < p; k++) {
    for (let i = 0; i < d; i++) {
      for (let j = 0; j < d; j++) {
        if (i !== j && m.A[(k * d + i) * d + j] !== 0) expected.add(`${j}>${i}`);
      }
    }
  }
  assert(expected.size > 0, "some edges");
  assertEquals(m.network.edges.map((e) => `${e.from}>${e.to}`).sort(), [...expected].sort());
  for (const e of m.network.edges) {
    assertEquals(e.weight, m.A[((e.lag - 1) * d + e.to) * d + e.from], "weight is A_lag[to, from]");
    for (const l of e.lags) assert(m.A[((l - 1) * d + e.to) * d + e.from] !== 0, "listed lags");
  }
});

Deno.test("an explosive VAR gets a stability warning; a stable one none", () => {
  const A = Float64Array.of(1.03, 0.1, 0, 0.5);
  const { series } = simulateVarWith(A, 2, 1, 300, uniform(3), 1, 0);
  const m = fitVar(series, 300, 2, { lags: 1 });
  assert(!m.stability.stable && m.stability.spectralRadius > 1, `${m.stability.spectralRadius}`);
  assert(m.stability.warning?.includes("not stable"), m.stability.warning);
  assert(m.warnings.includes(m.stability.warning!), "listed with the warnings");
  const ok = fitVar(simulateVar({ d: 3, p: 1, T: 500, seed: 2 }).series, 500, 3, { lags: 1 });
  assert(ok.stability.stable && ok.stability.warning === undefined && ok.warnings.length === 0);
});

Deno.test("forecasts on the held-out tail beat persistence and the mean on a VAR with dynamics", () => {
  const sim = simulateVar({ d: 5, p: 2, T: 3000, density: 0.3, seed: 13 });
  const m = fitVar(sim.series, sim.T, sim.d, { maxLags: 4, holdout: 0.2, horizon: 3 });
  assertEquals(m.T, 2400, "fitted on the first 80%");
  assertEquals(m.forecast!.testStart, 2400);
  for (const s of m.forecast!.scores) {
    assert(s.mse < s.persistence && s.mse < s.mean, `h ${s.horizon}: ${JSON.stringify(s)}`);
    assertEquals(s.count, (600 - s.horizon + 1) * 5, "every target in the tail");
  }
  // The 1-step error approaches the innovation variance (1) on a well-estimated model.
  assert(m.forecast!.scores[0].mse < 1.2, `${m.forecast!.scores[0].mse}`);
});

Deno.test("fitVar on a short window: the intercept centres the fit (ĉ = ȳ − Σ A x̄)", () => {
  const u = uniform(4);
  const d = 3, T = 40;
  const z = normals(u, T * d).map((v, q) => v + (q % d) * 10);
  for (let t = 1; t < T; t++) z[t * d] += 0.6 * z[(t - 1) * d + 1]; // some dynamics
  const m = fitVar(z, T, d, { lags: 1 });
  assertEquals(m.n, T - 1);
  assert(m.df[0] >= 1, "series 1 drives series 0");
  for (let i = 0; i < d; i++) {
    let c = 0;
    for (let t = 1; t < T; t++) {
      c += z[t * d + i] / (T - 1);
      for (let j = 0; j < d; j++) c -= m.A[i * d + j] * z[(t - 1) * d + j] / (T - 1);
    }
    assertAlmostEquals(m.intercept[i], c, 1e-9, `intercept ${i}`);
  }
});

Deno.test("fitVarAsync equals fitVar bit for bit (CV, BIC, none; holdout, order selection)", async () => {
  const sim = simulateVar({ d: 6, p: 2, T: 900, density: 0.3, seed: 21 });
  const settings: FitVarOptions[] = [
    { lags: 2, select: "cv" },
    { lags: 2, select: "cv", cv: { folds: 3, rule: "1se", gridSize: 30 }, relaxed: true },
    { maxLags: 3, select: "cv", holdout: 0.2, horizon: 2, standardize: false },
    { lags: 2, select: "bic" },
    { lags: 1, select: "ebic" },
    { lags: 2, select: "none" },
  ];
  for (const options of settings) {
    const seq = fitVar(sim.series, sim.T, sim.d, options);
    for (const workers of [1, 2, 4]) {
      const par = await fitVarAsync(sim.series, sim.T, sim.d, { ...options, workers });
      const what = `${JSON.stringify(options)}, ${workers} workers`;
      for (const key of ["A", "intercept", "sigma", "lambdas", "df"] as const) {
        assertEquals(Array.from(par[key]), Array.from(seq[key]), `${key}: ${what}`);
      }
      assertEquals(par.p, seq.p, what);
      assertEquals(par.cv && Array.from(par.cv.error), seq.cv && Array.from(seq.cv.error), what);
      assertEquals(par.forecast, seq.forecast, what);
    }
  }
  await assertRejects(
    () => fitVarAsync(sim.series, sim.T, sim.d, { lags: 2, select: "cv", cv: { folds: 1 } }),
    SparsedynError,
    "folds",
  );
  await closeLassoWorkers();
});
