// Time-series cross-validation of λ: scikit-learn's folds, and the validation error from
// block sufficient statistics against a direct computation on the data.
import { assert, assertAlmostEquals, assertEquals, assertThrows } from "../../_helpers/assert.ts";
import { simulateVar } from "../../../core/data/synthetic_var.ts";
import { SparsedynError } from "../../../core/errors.ts";
import { crossValidateVar, timeSeriesFolds } from "../../../core/var/cross_validate.ts";
import { regressionStatistics } from "../../../core/var/design.ts";
import { lassoPath, pathAt } from "../../../core/var/lasso_path.ts";

Deno.test("timeSeriesFolds equals scikit-learn's TimeSeriesSplit", () => {
  // From /usr/bin/python3: [(train[-1] + 1, test[-1] + 1) for train, test in
  // TimeSeriesSplit(n_splits=k).split(np.zeros(n))] (scikit-learn 1.2.1).
  const expected: [number, number, [number, number][]][] = [
    [3998, 5, [[668, 1334], [1334, 2000], [2000, 2666], [2666, 3332], [3332, 3998]]],
    [10, 3, [[4, 6], [6, 8], [8, 10]]],
    [101, 4, [[21, 41], [41, 61], [61, 81], [81, 101]]],
  ];
  for (const [n, k, folds] of expected) {
    assertEquals(
      timeSeriesFolds(n, k).map((f) => [f.trainEnd, f.testEnd]),
      folds,
      `n ${n}, k ${k}`,
    );
  }
  assertThrows(() => timeSeriesFolds(9, 5), SparsedynError, { argument: "folds" }, "too short");
  assertThrows(() => timeSeriesFolds(100, 1), SparsedynError, { argument: "folds" });
});

Deno.test("the CV error curve equals a direct refit-and-predict on the data", () => {
  const d = 4, p = 2, T = 300, K = 4;
  const { series } = simulateVar({ d, p, T, density: 0.3, seed: 17 });
  const cv = crossValidateVar(series, T, d, p, { folds: K, gridSize: 12 });
  const n = T - p, m = p * d;
  // The explicit lagged design, rows t = p … T−1.
  const X = new Float64Array(n * m), Y = new Float64Array(n * d);
  for (let r = 0; r < n; r++) {
    const t = r + p;
    for (let k = 1; k <= p; k++) {
      for (let j = 0; j < d; j++) X[r * m + (k - 1) * d + j] = series[(t - k) * d + j];
    }
    for (let i = 0; i < d; i++) Y[r * d + i] = series[t * d + i];
  }
  for (const i of [0, 3]) {
    for (const g of [0, 3, 7, 11]) {
      const lam = cv.grid[i * 12 + g];
      let sse = 0, count = 0;
      for (const f of cv.folds) {
        const y = Float64Array.from({ length: f.trainEnd }, (_, r) => Y[r * d + i]);
        const s = regressionStatistics(X.subarray(0, f.trainEnd * m), y, f.trainEnd, m, 1, {
          center: true,
        });
        const beta = pathAt(lassoPath(s.G, s.C, s.n), lam);
        let c = s.meanY[0];
        for (let a = 0; a < m; a++) c -= beta[a] * s.meanX[a];
        for (let r = f.trainEnd; r < f.testEnd; r++) {
          let pred = c;
          for (let a = 0; a < m; a++) pred += beta[a] * X[r * m + a];
          sse += (Y[r * d + i] - pred) ** 2;
          count++;
        }
      }
      const direct = sse / count;
      assertAlmostEquals(cv.error[i * 12 + g], direct, 1e-9 * direct, `equation ${i}, grid ${g}`);
    }
  }
  // The grid: geometric from λ_max down to λ_max·1e-3, descending.
  const top = cv.grid[0], bottom = cv.grid[11];
  assertAlmostEquals(bottom / top, 1e-3, 1e-12);
  for (let g = 1; g < 12; g++) assert(cv.grid[g] < cv.grid[g - 1], "descending");
});

Deno.test("the 1se rule picks a λ at least as large as min's, within one standard error", () => {
  const sim = simulateVar({ d: 6, p: 1, T: 800, density: 0.2, seed: 8 });
  const min = crossValidateVar(sim.series, sim.T, sim.d, 1);
  const se = crossValidateVar(sim.series, sim.T, sim.d, 1, { rule: "1se" });
  const G = min.gridSize;
  for (let i = 0; i < sim.d; i++) {
    assert(se.lambda[i] >= min.lambda[i], `equation ${i}`);
    const best = min.index[i];
    assert(
      se.error[i * G + se.index[i]] <= min.error[i * G + best] + min.standardError[i * G + best],
      `within one SE, equation ${i}`,
    );
  }
});
