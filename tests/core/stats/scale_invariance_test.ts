// Series scaled by 1e160 or 1e-160 give the test and the VAR of the unscaled series:
// squares of such values overflow or underflow, which made them look constant ("features
// do not vary", p = 1) or collinear. Moments are now taken on power-of-two-scaled values.
import { simulateVar } from "../../../core/data/synthetic_var.ts";
import { conditionTest } from "../../../core/stats/condition_test.ts";
import { fitVar } from "../../../core/var/fit_var.ts";
import { selectOrder } from "../../../core/var/order.ts";
import { assert, assertEquals } from "../../_helpers/assert.ts";

const T = 600, d = 3;
const a = simulateVar({ d, p: 1, T, seed: 1, density: 0.3 }).series;
const b = simulateVar({ d, p: 1, T, seed: 1, density: 0.3, burnIn: 900 }).series;
const scaled = (x: Float64Array, s: number) => x.map((v) => v * s);

function close(x: number, y: number, rel: number, what: string) {
  assert(
    Math.abs(x - y) <= rel * Math.max(Math.abs(x), Math.abs(y), 1e-300),
    `${what}: ${x} vs ${y}`,
  );
}

for (const components of [undefined, 2]) {
  Deno.test(`conditionTest${components ? " on 2 components" : ""}: p-value and statistic at scale 1e160 and 1e-160 equal scale 1's`, () => {
    const run = (s: number) =>
      conditionTest([{ series: scaled(a, s), T, d }], [{ series: scaled(b, s), T, d }], {
        window: 60,
        components,
      });
    const ref = run(1);
    assert(ref.pValue < 1 && ref.statistic > 0, "the unscaled test has a statistic");
    for (const s of [1e160, 1e-160]) {
      const r = run(s);
      assertEquals(r.pValue, ref.pValue, `p-value at ${s}`);
      close(r.statistic, ref.statistic, 1e-9, `statistic at ${s}`);
      r.coefficients.forEach((c, k) => close(c.t, ref.coefficients[k].t, 1e-6, `t[${k}] at ${s}`));
    }
  });
}

Deno.test("fitVar at scale 1e160 and 1e-160: the order, λ, A and standardised forecasts of scale 1", () => {
  const options = { maxLags: 3, holdout: 0.2, horizon: 2 };
  const ref = fitVar(a, T, d, options);
  for (const s of [1e160, 1e-160]) {
    const m = fitVar(scaled(a, s), T, d, options);
    assertEquals(m.p, ref.p, `order at ${s}`);
    assertEquals(m.df, ref.df, `support sizes at ${s}`);
    m.lambdas.forEach((l, i) => close(l, ref.lambdas[i], 1e-9, `λ[${i}] at ${s}`));
    m.A.forEach((v, k) => close(v, ref.A[k], 1e-9, `A[${k}] at ${s}`));
    m.intercept.forEach((v, i) => close(v, ref.intercept[i] * s, 1e-6, `intercept[${i}]`));
    close(m.stability.spectralRadius, ref.stability.spectralRadius, 1e-9, "radius");
    m.forecast!.scores.forEach((sc, h) => {
      const r = ref.forecast!.scores[h].standardised;
      close(sc.standardised.mse, r.mse, 1e-9, `standardised MSE h=${h + 1}`);
      close(sc.standardised.persistence, r.persistence, 1e-9, `persistence h=${h + 1}`);
    });
    // Σ in the series' units is 1e±320: outside float64, and the model says so.
    assert(m.warnings.some((w) => w.includes("outside float64's range")), String(m.warnings));
  }
});

Deno.test("selectOrder at scale 1e160 and 1e-160 ranks the orders as at scale 1, FPE included", () => {
  for (const criterion of ["bic", "aic", "hqic", "fpe"] as const) {
    const ref = selectOrder(a, T, d, 4, { criterion });
    for (const s of [1e160, 1e-160]) {
      const sel = selectOrder(scaled(a, s), T, d, 4, { criterion });
      assertEquals(sel.p, ref.p, `${criterion} at ${s}`);
      assert(sel.table.every((r) => r.admissible), `${criterion} at ${s}: all admissible`);
      // ln det Σ̃ shifts by d·ln s² exactly: the criteria differences do not change.
      sel.table.forEach((r, k) =>
        close(r.bic - sel.table[0].bic, ref.table[k].bic - ref.table[0].bic, 1e-6, "ΔBIC")
      );
    }
  }
});
