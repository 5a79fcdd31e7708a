// Principal components for the condition test: the decomposition itself (eigen-equation
// residuals, orthonormality, variances), then the test on components: calibrated under the
// null and more powerful than on all series when a few cells are seen through many mixed
// "latent" series (as a trained encoder's latents are).
import { assert, assertAlmostEquals, assertEquals } from "../../_helpers/assert.ts";
import { normals, uniform } from "../../../core/data/random.ts";
import { planSynthetic } from "../../../core/data/synthetic.ts";
import { simulateVarWith } from "../../../core/data/synthetic_var.ts";
import { conditionTest } from "../../../core/stats/condition_test.ts";
import { principalComponents, projectRecording } from "../../../core/stats/principal_components.ts";
import type { Recording } from "../../../core/stats/series_windows.ts";

function covariance(recs: Recording[], d: number) {
  const mean = new Float64Array(d), cov = new Float64Array(d * d);
  let N = 0;
  for (const r of recs) {
    for (let t = 0; t < r.T; t++) for (let j = 0; j < d; j++) mean[j] += r.series[t * d + j];
    N += r.T;
  }
  mean.forEach((v, j) => (mean[j] = v / N));
  for (const r of recs) {
    for (let t = 0; t < r.T; t++) {
      for (let i = 0; i < d; i++) {
        for (let j = 0; j < d; j++) {
          cov[i * d + j] += (r.series[t * d + i] - mean[i]) * (r.series[t * d + j] - mean[j]) / N;
        }
      }
    }
  }
  return cov;
}

Deno.test("principal components solve the eigen-equation of the pooled covariance", () => {
  const d = 7, u = uniform(3);
  const mix = normals(u, d * d);
  const recs: Recording[] = [0, 1].map((k) => {
    const T = 300 + 50 * k, x = normals(u, T * d), s = new Float64Array(T * d);
    for (let t = 0; t < T; t++) {
      for (let i = 0; i < d; i++) {
        for (let j = 0; j < d; j++) s[t * d + i] += mix[i * d + j] * x[t * d + j] * (j + 1);
      }
    }
    return { series: s, T, d };
  });
  const cov = covariance(recs, d);
  const pc = principalComponents(recs, d);
  let trace = 0;
  for (let i = 0; i < d; i++) trace += cov[i * d + i];
  assertAlmostEquals(pc.explained, 1, 1e-12);
  let sum = 0;
  for (let c = 0; c < d; c++) {
    sum += pc.variances[c];
    if (c > 0) assert(pc.variances[c] <= pc.variances[c - 1], "decreasing variances");
    const v = pc.vectors.subarray(c * d, (c + 1) * d);
    for (let i = 0; i < d; i++) {
      let cv = 0;
      for (let j = 0; j < d; j++) cv += cov[i * d + j] * v[j];
      assertAlmostEquals(cv, pc.variances[c] * v[i], 1e-9 * pc.variances[0], `Σv = λv, c ${c}`);
    }
    for (let e = 0; e <= c; e++) {
      let dot = 0;
      for (let j = 0; j < d; j++) dot += v[j] * pc.vectors[e * d + j];
      assertAlmostEquals(dot, e === c ? 1 : 0, 1e-12, `orthonormal ${c}, ${e}`);
    }
  }
  assertAlmostEquals(sum, trace, 1e-9 * trace);
  // Scores: variance of component c over the pooled data is its eigenvalue.
  const three = principalComponents(recs, 3);
  const scores = recs.map((r) => projectRecording(r, three));
  const sc = covariance(scores, 3);
  for (let c = 0; c < 3; c++) {
    assertAlmostEquals(sc[c * 3 + c], three.variances[c], 1e-9 * three.variances[0]);
    for (let e = 0; e < c; e++) assertAlmostEquals(sc[c * 3 + e], 0, 1e-9 * three.variances[0]);
  }
  assert(three.explained < 1 && three.explained > 0.5, String(three.explained));
});

// 4 cells (the calibration file's process: two coefficients of cell 2 raised by `effect`
// in condition B), seen through D = 12 mixed series plus independent noise, like a trained
// encoder's latents.
const K = 4, D = 12, L = 60, WINDOWS = 10, T = L * WINDOWS;
const mixing = normals(uniform(77), D * K);

function coefficients(effect: number) {
  const p = planSynthetic({
    height: 16,
    width: 16,
    cells: K,
    lags: 1,
    frames: T,
    seed: 1,
    cellRadius: [1.5, 2.5],
    conditions: { effect, edges: 2 },
  });
  return { a: p.coefficients.a, b: p.coefficients.b };
}

function mixedRecording(A: Float64Array, seed: number): Recording {
  const { series } = simulateVarWith(A, K, 1, T, uniform(seed), 1, 500);
  const noise = normals(uniform(seed + 100000), T * D);
  const s = new Float64Array(T * D);
  for (let t = 0; t < T; t++) {
    for (let i = 0; i < D; i++) {
      let v = 0.3 * noise[t * D + i];
      for (let j = 0; j < K; j++) v += mixing[i * K + j] * series[t * K + j];
      s[t * D + i] = v;
    }
  }
  return { series: s, T, d: D };
}

function rejectionRate(effect: number, reps: number, components: number | undefined) {
  // The generator refuses effect 0: the null takes condition A's coefficients for both.
  const { a, b } = coefficients(effect === 0 ? 0.25 : effect);
  let rejected = 0;
  for (let r = 0; r < reps; r++) {
    const res = conditionTest(
      [mixedRecording(a, 1000 + 10 * r)],
      [mixedRecording(effect === 0 ? a : b, 1005 + 10 * r)],
      { window: L, components, seed: r + 1 },
    );
    if (components !== undefined) {
      assertEquals(res.components?.k, components);
      assertEquals(res.settings.d, components);
    }
    if (res.pValue <= 0.05) rejected++;
  }
  return rejected / reps;
}

Deno.test("the test on 4 principal components of 12 mixed series is calibrated under the null", () => {
  // 200 null replicates (same process in both conditions, fresh noise each).
  const rate = rejectionRate(0, 200, 4);
  assert(rate >= 0.02 && rate <= 0.08, `null rejection rate ${rate}`);
  assertEquals(WINDOWS, 10);
});

Deno.test("on mixed series, 4 principal components find a change that all 12 series miss", () => {
  const onComponents = rejectionRate(0.25, 60, 4);
  const onAll = rejectionRate(0.25, 60, undefined);
  assert(onComponents >= 0.8, `power on 4 components ${onComponents}`);
  assert(onComponents > onAll + 0.2, `components ${onComponents} vs all series ${onAll}`);
});

Deno.test("components: the same result when A and B swap (the projection ignores labels)", () => {
  const { a, b } = coefficients(0.25);
  const ra = [mixedRecording(a, 5)], rb = [mixedRecording(b, 6)];
  // Windows of 2L: 5 blocks per condition, C(10, 5) = 252 labelings, all enumerated.
  const one = conditionTest(ra, rb, { window: 2 * L, components: 3 });
  const two = conditionTest(rb, ra, { window: 2 * L, components: 3 });
  assert(one.exact && one.labelings === 252, "exact");
  assertAlmostEquals(one.statistic, two.statistic, 1e-9 * one.statistic);
  assertEquals(one.pValue, two.pValue);
});
