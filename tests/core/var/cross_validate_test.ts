// Time-series cross-validation of λ: scikit-learn's folds, the validation error from
// block sufficient statistics against a direct computation on the data, and the parallel
// variant against the sequential one (bit for bit).
import {
  assert,
  assertAlmostEquals,
  assertEquals,
  assertRejects,
  assertThrows,
} from "../../_helpers/assert.ts";
import { simulateVar } from "../../../core/data/synthetic_var.ts";
import { SparsedynError } from "../../../core/errors.ts";
import {
  crossValidateVar,
  crossValidateVarAsync,
  timeSeriesFolds,
} from "../../../core/var/cross_validate.ts";
import { regressionStatistics } from "../../../core/var/design.ts";
import { closeLassoWorkers } from "../../../core/var/lasso_parallel.ts";
import { EVENT_DROP, lassoPath, pathAt } from "../../../core/var/lasso_path.ts";

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

Deno.test("every CV error equals a direct refit-and-predict, on paths where variables leave", () => {
  // Dense truth on a short series: the fold paths have drop events (asserted), so the
  // errors are checked where a variable that entered is zero again.
  const d = 5, p = 2, T = 240, K = 4, Gs = 25;
  const { series } = simulateVar({ d, p, T, density: 0.5, seed: 20 });
  const cv = crossValidateVar(series, T, d, p, { folds: K, gridSize: Gs });
  const n = T - p, m = p * d;
  const X = new Float64Array(n * m), Y = new Float64Array(n * d);
  for (let r = 0; r < n; r++) {
    for (let k = 1; k <= p; k++) {
      for (let j = 0; j < d; j++) X[r * m + (k - 1) * d + j] = series[(r + p - k) * d + j];
    }
    for (let i = 0; i < d; i++) Y[r * d + i] = series[(r + p) * d + i];
  }
  let drops = 0, leftAtGrid = 0;
  const sse = new Float64Array(d * Gs);
  let count = 0;
  for (const f of cv.folds) {
    const s = regressionStatistics(
      X.subarray(0, f.trainEnd * m),
      Y.subarray(0, f.trainEnd * d),
      f.trainEnd,
      m,
      d,
      {
        center: true,
      },
    );
    count += f.testEnd - f.trainEnd;
    for (let i = 0; i < d; i++) {
      const c = Float64Array.from({ length: m }, (_, a) => s.C[a * d + i]);
      const path = lassoPath(s.G, c, s.n);
      drops += path.eventKind.filter((e) => e === EVENT_DROP).length;
      const wasNonZero = new Uint8Array(m);
      for (let g = 0; g < Gs; g++) {
        const beta = pathAt(path, cv.grid[i * Gs + g]);
        for (let a = 0; a < m; a++) {
          if (beta[a] !== 0) wasNonZero[a] = 1;
          else if (wasNonZero[a]) leftAtGrid++;
        }
        let icpt = s.meanY[i];
        for (let a = 0; a < m; a++) icpt -= beta[a] * s.meanX[a];
        for (let r = f.trainEnd; r < f.testEnd; r++) {
          let pred = icpt;
          for (let a = 0; a < m; a++) pred += beta[a] * X[r * m + a];
          sse[i * Gs + g] += (Y[r * d + i] - pred) ** 2;
        }
      }
    }
  }
  assert(drops > 0 && leftAtGrid > 0, `drops ${drops}, grid points after a drop ${leftAtGrid}`);
  for (let q = 0; q < d * Gs; q++) {
    const direct = sse[q] / count;
    assertAlmostEquals(
      cv.error[q],
      direct,
      1e-9 * direct,
      `equation ${Math.floor(q / Gs)}, grid ${q % Gs}`,
    );
  }
});

Deno.test("crossValidateVarAsync equals crossValidateVar bit for bit, for every worker count", async () => {
  const sim = simulateVar({ d: 7, p: 2, T: 600, density: 0.3, seed: 11 });
  for (const rule of ["min", "1se"] as const) {
    const seq = crossValidateVar(sim.series, sim.T, sim.d, 2, { folds: 4, gridSize: 40, rule });
    for (const workers of [1, 2, 3, 7]) {
      const par = await crossValidateVarAsync(sim.series, sim.T, sim.d, 2, {
        folds: 4,
        gridSize: 40,
        rule,
        workers,
      });
      const what = `${workers} workers, ${rule}`;
      assertEquals(Array.from(par.grid), Array.from(seq.grid), `grid, ${what}`);
      assertEquals(Array.from(par.error), Array.from(seq.error), `error, ${what}`);
      assertEquals(Array.from(par.standardError), Array.from(seq.standardError), `SE, ${what}`);
      assertEquals(Array.from(par.lambda), Array.from(seq.lambda), `λ, ${what}`);
      assertEquals(Array.from(par.index), Array.from(seq.index), `index, ${what}`);
      assertEquals(par.folds, seq.folds);
    }
  }
  await assertRejects(
    () => crossValidateVarAsync(sim.series, 12, sim.d, 2, { folds: 5 }),
    SparsedynError,
    "too short",
  );
  await assertRejects(
    () => crossValidateVarAsync(sim.series, sim.T, sim.d, 2, { gridSize: 1 }),
    SparsedynError,
    "gridSize",
  );
  // A non-finite value fails every job at once: one typed rejection, the same error as the
  // sequential call, and no stray unhandled rejections.
  const bad = sim.series.slice();
  bad[100] = NaN;
  const want = assertThrows(() => crossValidateVar(bad, sim.T, sim.d, 2), SparsedynError);
  const got = await assertRejects(
    () => crossValidateVarAsync(bad, sim.T, sim.d, 2, { workers: 3 }),
    SparsedynError,
  );
  assertEquals([got.code, got.argument, got.message], [want.code, want.argument, want.message]);
  await closeLassoWorkers();
});
