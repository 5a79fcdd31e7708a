// Iterated forecasts: the h-step forecast of a known VAR equals the companion matrix's
// h-th power applied to the state, and the evaluation counts and baselines are right.
import { assertAlmostEquals, assertEquals } from "../../_helpers/assert.ts";
import { normals, uniform } from "../../../core/data/random.ts";
import { evaluateForecasts, forecast } from "../../../core/var/forecast.ts";

function matmul(A: number[][], B: number[][]) {
  return A.map((row) => B[0].map((_, j) => row.reduce((s, a, k) => s + a * B[k][j], 0)));
}

Deno.test("h-step forecast of a VAR(1) with c = 0 equals A^h z", () => {
  const d = 3;
  const A = [[0.5, 0.2, 0], [-0.3, 0.4, 0.1], [0, 0.25, -0.6]];
  const z = [1.5, -2, 0.7];
  const model = { A: Float64Array.from(A.flat()), intercept: new Float64Array(d), d, p: 1 };
  const f = forecast(model, Float64Array.from(z), 6);
  let P = A;
  for (let h = 1; h <= 6; h++) {
    const expected = matmul(P, z.map((v) => [v])).map((r) => r[0]);
    for (let i = 0; i < d; i++) {
      assertAlmostEquals(f[(h - 1) * d + i], expected[i], 1e-12, `h ${h}`);
    }
    P = matmul(P, A);
  }
});

Deno.test("h-step forecast of a VAR(2) with an intercept equals the companion form", () => {
  const d = 2, p = 2;
  const u = uniform(5);
  const A = normals(u, p * d * d).map((v) => 0.3 * v);
  const c = Float64Array.of(0.5, -1);
  // Companion with the intercept as an extra constant state: s = [z_t, z_{t−1}, 1].
  const M: number[][] = Array.from({ length: p * d + 1 }, () => new Array(p * d + 1).fill(0));
  for (let i = 0; i < d; i++) {
    for (let k = 0; k < p; k++) {
      for (let j = 0; j < d; j++) M[i][k * d + j] = A[(k * d + i) * d + j];
    }
    M[i][p * d] = c[i];
  }
  for (let q = 0; q < d; q++) M[d + q][q] = 1;
  M[p * d][p * d] = 1;
  const history = Float64Array.of(0.3, 1.1, -0.4, 2); // rows z_{t−1}, z_t
  const f = forecast({ A, intercept: c, d, p }, history, 5);
  let s = [[-0.4], [2], [0.3], [1.1], [1]];
  for (let h = 1; h <= 5; h++) {
    s = matmul(M, s);
    for (let i = 0; i < d; i++) assertAlmostEquals(f[(h - 1) * d + i], s[i][0], 1e-12, `h ${h}`);
  }
});

Deno.test("evaluateForecasts scores every target in the tail against its baselines", () => {
  // z_t = t: persistence errs by h, the model z_{t+1} = z_t + 1 (A = 1, c = 1) by 0.
  const T = 30, start = 20;
  const z = Float64Array.from({ length: T }, (_, t) => t);
  const scores = evaluateForecasts(
    { A: Float64Array.of(1), intercept: Float64Array.of(1), d: 1, p: 1 },
    z,
    T,
    start,
    3,
  );
  const trainMean = (start - 1) / 2;
  for (const s of scores) {
    const h = s.horizon;
    assertEquals(s.count, T - start - h + 1, `targets at h ${h}`);
    assertEquals([s.mse, s.persistence], [0, h * h]);
    // Origins are start − 1 … T − 2, so the targets at horizon h are start − 1 + h … T − 1.
    let sum = 0, n = 0;
    for (let t = start - 1 + h; t < T; t++) (sum += (t - trainMean) ** 2), n++;
    assertAlmostEquals(s.mean, sum / n, 1e-9, `mean baseline h ${h}`);
    assertEquals(n, s.count);
  }
});

Deno.test("evaluateForecasts: standardised errors weigh each series by 1 / its training variance", () => {
  // Two series, the second 10× the first: raw errors are dominated by it, standardised not.
  const T = 60, d = 2;
  const z = new Float64Array(T * d);
  for (let t = 0; t < T; t++) {
    z[t * d] = Math.sin(0.7 * t);
    z[t * d + 1] = 10 * Math.cos(1.3 * t);
  }
  const model = { A: new Float64Array(4), intercept: new Float64Array(2), d, p: 1 };
  const [h1] = evaluateForecasts(model, z, T, 40, 1);
  // Independent: the same sums written out.
  const mean = [0, 0], sd2 = [0, 0];
  for (let j = 0; j < d; j++) {
    for (let t = 0; t < 40; t++) mean[j] += z[t * d + j] / 40;
    for (let t = 0; t < 40; t++) sd2[j] += (z[t * d + j] - mean[j]) ** 2 / 40;
  }
  let raw = 0, std = 0, n = 0;
  for (let t = 40; t < T; t++) {
    for (let j = 0; j < d; j++) {
      raw += z[t * d + j] ** 2;
      std += z[t * d + j] ** 2 / sd2[j];
      n++;
    }
  }
  if (Math.abs(h1.mse - raw / n) > 1e-12 * raw) throw new Error(`${h1.mse} vs ${raw / n}`);
  if (Math.abs(h1.standardised.mse - std / n) > 1e-12 * std) {
    throw new Error(`${h1.standardised.mse} vs ${std / n}`);
  }
  if (!(h1.standardised.persistence > 0 && h1.standardised.mean > 0)) throw new Error("filled");
});
