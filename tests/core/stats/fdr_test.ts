// Benjamini–Hochberg q-values: a hand-computed case and statsmodels' multipletests
// (fixtures/bh_statsmodels.json, made by fixtures/make_bh_fixtures.py).
import { assert, assertAlmostEquals, assertEquals, assertThrows } from "../../_helpers/assert.ts";
import { benjaminiHochberg, discoveries } from "../../../core/stats/fdr.ts";
import { SparsedynError } from "../../../core/errors.ts";

Deno.test("BH by hand: m = 5, sorted p·m/rank with the running minimum from the top", () => {
  // p = 0.001, 0.008, 0.039, 0.041, 0.6 in shuffled order.
  // p·m/rank: 0.005, 0.02, 0.065, 0.05125, 0.6 → running min from the top:
  //           0.005, 0.02, 0.05125, 0.05125, 0.6.
  const p = Float64Array.of(0.041, 0.6, 0.001, 0.039, 0.008);
  const q = benjaminiHochberg(p);
  const expected = [0.05125, 0.6, 0.005, 0.05125, 0.02];
  expected.forEach((e, i) => assertAlmostEquals(q[i], e, 1e-15, `q[${i}]`));
  assertEquals(discoveries(q, 0.05), [2, 4]);
  assertEquals(discoveries(q, 0.06), [0, 2, 3, 4]);
});

Deno.test("BH equals statsmodels multipletests(fdr_bh) on every fixture case", async () => {
  const fx = JSON.parse(
    await Deno.readTextFile(new URL("../../../fixtures/bh_statsmodels.json", import.meta.url)),
  );
  assert(fx.cases.length >= 7, "fixture cases");
  for (const c of fx.cases) {
    const q = benjaminiHochberg(Float64Array.from(c.p));
    c.q.forEach((e: number, i: number) => assertAlmostEquals(q[i], e, 1e-14, `${c.name} q[${i}]`));
    const rej = new Set(discoveries(q, 0.05));
    c.reject05.forEach((r: boolean, i: number) =>
      assertEquals(rej.has(i), r, `${c.name}: hypothesis ${i} rejected at 0.05`)
    );
  }
});

Deno.test("BH: q ≥ p, monotone in p, and refuses p outside [0, 1]", () => {
  const p = Float64Array.of(0.2, 0.01, 0.5, 0.03, 0.03, 0.9);
  const q = benjaminiHochberg(p);
  for (let i = 0; i < p.length; i++) {
    assert(q[i] >= p[i] && q[i] <= 1, `q[${i}] in [p, 1]`);
    for (let k = 0; k < p.length; k++) if (p[i] < p[k]) assert(q[i] <= q[k], "monotone");
  }
  assertThrows(() => benjaminiHochberg([0.1, NaN]), SparsedynError, { argument: "p" }, "p[1]");
  assertThrows(() => benjaminiHochberg([1.5]), SparsedynError, { code: "INVALID_ARGUMENT" });
});
