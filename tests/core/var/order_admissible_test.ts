// Order selection never picks an order whose criteria are not finite or whose parameters
// leave fewer than d residual degrees of freedom; the default largest order is bounded by
// the data; a fit that forecasts worse than persistence says so.
import { defaultMaxLags, selectOrder } from "../../../core/var/order.ts";
import { fitVar } from "../../../core/var/fit_var.ts";
import { assert, assertEquals } from "../../_helpers/assert.ts";

/**
 * A short, high-dimensional series like a small run's latents: d persistent AR(1) series
 * sharing a slow common drive, T = 200 (the NWB movie's 200 frames).
 */
function latentsLike(T: number, d: number, seed: number): Float64Array {
  let s = seed >>> 0;
  const rnd = () => (s = (s * 1664525 + 1013904223) >>> 0) / 2 ** 32;
  const gauss = () => Math.sqrt(-2 * Math.log(rnd() + 1e-300)) * Math.cos(2 * Math.PI * rnd());
  const z = new Float64Array(T * d), common = new Float64Array(T);
  for (let t = 1; t < T; t++) common[t] = 0.98 * common[t - 1] + gauss();
  for (let t = 1; t < T; t++) {
    for (let i = 0; i < d; i++) {
      z[t * d + i] = 0.9 * z[(t - 1) * d + i] + 0.3 * common[t] * ((i % 3) - 1) + gauss();
    }
  }
  return z;
}

Deno.test("24 series of 160 time points, orders 1 … 8: the choice has finite criteria and fewer parameters than rows", () => {
  // The case seen: p = 7 chosen where AIC, BIC and HQIC are −∞ (3 648 parameters from 152
  // rows), spectral radius 1.07, forecasts 33× worse than persistence.
  const T = 200, d = 24;
  const z = latentsLike(T, d, 3);
  const model = fitVar(z, T, d, { maxLags: 8, holdout: 0.2, horizon: 1 });
  const order = model.order!;
  assertEquals(order.nobs, 152);
  assertEquals(order.fit, "lasso", "least squares is not defined at order 8");
  // Orders 6 … 8 would leave fewer than 24 residual degrees of freedom: not fitted.
  assertEquals(order.table.filter((r) => Number.isNaN(r.bic)).map((r) => r.p), [6, 7, 8]);
  const chosen = order.table[order.p - 1];
  assert(Number.isFinite(chosen.bic) && Number.isFinite(chosen.aic), `p = ${order.p}`);
  assert(chosen.admissible, "the chosen order is admissible");
  // Each equation's p·d + 1 candidates leave d residual degrees of freedom.
  assert(order.nobs - order.p * d - 1 >= d, `p = ${order.p}: ${order.p * d + 1} candidates`);
  for (const r of order.table) {
    assertEquals(
      r.admissible,
      Number.isFinite(r.bic) && order.nobs - r.p * d - 1 >= d,
      `p = ${r.p}`,
    );
    if (r.admissible) assert(chosen.bic <= r.bic, "the best admissible order by BIC");
  }
  assert(model.stability.spectralRadius < 1.05, `radius ${model.stability.spectralRadius}`);
  const h1 = model.forecast!.scores[0].standardised;
  assert(h1.mse < 2 * h1.persistence, `no longer many times worse: ${h1.mse} vs ${h1.persistence}`);
});

Deno.test("every order criterion (FPE in logs) skips inadmissible orders", () => {
  const T = 200, d = 24;
  const z = latentsLike(T, d, 3).subarray(0, 160 * d);
  for (const criterion of ["aic", "bic", "hqic", "fpe"] as const) {
    const sel = selectOrder(z, 160, d, 8, { criterion });
    assert(sel.table[sel.p - 1].admissible, `${criterion} chose p = ${sel.p}`);
    assertEquals(sel.warning, undefined);
  }
});

Deno.test("when no order is admissible, p = 1 with a warning naming the cause", () => {
  // 42 rows: even p = 1 leaves 42 − 24 − 1 = 17 < 24 residual degrees of freedom.
  const T = 45, d = 24;
  const sel = selectOrder(latentsLike(T, d, 4), T, d, 3);
  assertEquals(sel.p, 1);
  assert(sel.table.every((r) => !r.admissible));
  assert(sel.warning?.includes("too short for its 24 dimensions"), sel.warning);
  const model = fitVar(latentsLike(T, d, 4), T, d, { maxLags: 3 });
  assert(model.warnings.some((w) => w.includes("no order in 1 … 3")), String(model.warnings));
});

Deno.test("the default largest order is bounded by the data, and fitVar says so", () => {
  // T − p ≥ p·d + d + 1: 160 rows of 24 series allow p ≤ 5; 400 of 128 allow p ≤ 2.
  assertEquals(defaultMaxLags(160, 24).maxLags, 5);
  assertEquals(defaultMaxLags(400, 128).maxLags, 2);
  assertEquals(defaultMaxLags(400, 128).dataBound, 2);
  assert(defaultMaxLags(400, 128).reason.includes("bounded by the data"));
  assertEquals(defaultMaxLags(1000, 3).maxLags, 8, "the fixed cap");
  assertEquals(defaultMaxLags(50, 2).maxLags, 5, "⌊T/10⌋");
  assertEquals(defaultMaxLags(100, 60).maxLags, 1, "even p = 1 is not defined: 1");
  assertEquals(defaultMaxLags(100, 60).dataBound, 0);
  for (const [T, d] of [[160, 24], [400, 128], [90, 7], [33, 15]]) {
    const { maxLags, dataBound } = defaultMaxLags(T, d);
    if (dataBound >= 1) {
      assert(T - maxLags - maxLags * d - 1 >= d, `T = ${T}, d = ${d}: p = ${maxLags} fits`);
      assert(
        dataBound === maxLags ? T - (maxLags + 1) * (d + 1) - 1 < d || maxLags === 8 : true,
        "the bound is the largest such p",
      );
    }
  }
  const T = 200, d = 24;
  const model = fitVar(latentsLike(T, d, 3), T, d, { holdout: 0.2 });
  const order = model.order!;
  assertEquals(order.maxLags, 5);
  assertEquals(order.fit, "ols", "least squares is defined at every default order");
  assert(order.table.every((r) => r.admissible && Number.isFinite(r.bic)));
  assert(order.maxLagsReason?.includes("bounded by the data"), order.maxLagsReason);
});

Deno.test("a fit that forecasts worse than persistence carries a warning, and one that does not, none", () => {
  // Training part: z_t = −0.8 z_{t−1} + ε; held-out part: z_t = +0.8 z_{t−1} + ε. The VAR
  // learns the sign flip and forecasts the tail far worse than persistence.
  const T = 400, d = 2, cut = 300;
  let s = 11;
  const rnd = () => (s = (s * 1664525 + 1013904223) >>> 0) / 2 ** 32 - 0.5;
  const flip = new Float64Array(T * d), same = new Float64Array(T * d);
  for (let t = 1; t < T; t++) {
    for (let i = 0; i < d; i++) {
      const e = rnd();
      flip[t * d + i] = (t < cut ? -0.8 : 0.8) * flip[(t - 1) * d + i] + e;
      same[t * d + i] = -0.8 * same[(t - 1) * d + i] + e;
    }
  }
  const bad = fitVar(flip, T, d, { lags: 1, holdout: 0.25 });
  const b1 = bad.forecast!.scores[0].standardised;
  assert(b1.mse > b1.persistence, `${b1.mse} vs ${b1.persistence}`);
  assert(bad.warnings.some((w) => w.includes("worse than persistence")), String(bad.warnings));
  const good = fitVar(same, T, d, { lags: 1, holdout: 0.25 });
  const g1 = good.forecast!.scores[0].standardised;
  assert(g1.mse < g1.persistence, `${g1.mse} vs ${g1.persistence}`);
  assert(!good.warnings.some((w) => w.includes("persistence")), String(good.warnings));
});
