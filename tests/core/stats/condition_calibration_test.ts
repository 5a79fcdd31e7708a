// Calibration and power of the condition test (windows → sparse VAR per window → block
// permutation test), with fixed seeds.
//
// The process: the synthetic generator's two-condition plan (planSynthetic, seed 1) with
// 4 cells, VAR(1), spectral radius 0.9. Its `conditions: { effect, edges: 2 }` mode picks
// two coefficients, A_1[0][2] = 0.845 and A_1[1][2] = 0.737 (cell 2 driving cells 0 and
// 1), and raises each by `effect` in condition B (checked below). The generator refuses
// effect 0, so the null takes condition A's coefficients for both conditions; every
// replicate draws fresh innovations (N(0, 1), 500 frames of burn-in) with its own seed.
// Each condition is one recording of 600 frames cut into 10 windows of 60 (non-overlapping,
// one window per block), 999 random relabelings.
import { assert, assertAlmostEquals, assertEquals } from "../../_helpers/assert.ts";
import { planSynthetic } from "../../../core/data/synthetic.ts";
import { simulateVarWith } from "../../../core/data/synthetic_var.ts";
import { uniform } from "../../../core/data/random.ts";
import {
  conditionTest,
  type ConditionTestOptions,
  type ConditionTestResult,
} from "../../../core/stats/condition_test.ts";
import type { Recording } from "../../../core/stats/series_windows.ts";

const K = 4, L = 60, WINDOWS = 10, T = L * WINDOWS;

function plan(effect: number) {
  return planSynthetic({
    height: 16,
    width: 16,
    cells: K,
    lags: 1,
    frames: T,
    seed: 1,
    cellRadius: [1.5, 2.5],
    conditions: { effect, edges: 2 },
  });
}

function recording(A: Float64Array, seed: number, frames = T): Recording {
  const { series } = simulateVarWith(A, K, 1, frames, uniform(seed), 1, 500);
  return { series, T: frames, d: K };
}

/** Runs `reps` replicates of A-vs-B with coefficients Aa and Ab. */
function replicates(
  Aa: Float64Array,
  Ab: Float64Array,
  reps: number,
  base: number,
  options: ConditionTestOptions = { window: L },
  perCondition = 1,
  frames = T,
): ConditionTestResult[] {
  const out: ConditionTestResult[] = [];
  for (let r = 0; r < reps; r++) {
    const rec = (A: Float64Array, c: number) =>
      Array.from(
        { length: perCondition },
        (_, k) => recording(A, base + 10 * r + 5 * c + k, frames),
      );
    out.push(conditionTest(rec(Aa, 0), rec(Ab, 1), { ...options, seed: r + 1 }));
  }
  return out;
}

const rate = (rs: ConditionTestResult[], alpha: number) =>
  rs.filter((r) => r.pValue <= alpha).length / rs.length;

const key = (c: { lag: number; to: number; from: number }) => `${c.lag}:${c.to}->${c.from}`;

Deno.test("the alternative is the documented one: two coefficients of cell 2 raised by the effect", () => {
  for (const effect of [0.25, 0.4]) {
    const p = plan(effect);
    assertEquals(p.truth.changed.map(key).sort(), ["1:0->2", "1:1->2"]);
    for (const c of p.truth.changed) {
      assertAlmostEquals(Math.abs(c.b) - Math.abs(c.a), effect, 1e-12, key(c));
    }
    assert(p.truth.spectralRadius.b < 0.95, "condition B is stable");
  }
});

Deno.test("null, 1000 replicates: rejection rate at 0.05 in [0.02, 0.08], uniform p, few BH discoveries", () => {
  const A = plan(0.25).coefficients.a;
  const rs = replicates(A, A, 1000, 10_000);
  assert(rs.every((r) => !r.exact && r.permutations === 999), "sampled, 999 relabelings");
  const r05 = rate(rs, 0.05), r10 = rate(rs, 0.1), r50 = rate(rs, 0.5);
  assert(r05 >= 0.02 && r05 <= 0.08, `rejection rate at 0.05: ${r05}`);
  assert(r10 >= 0.06 && r10 <= 0.14, `rejection rate at 0.10: ${r10}`);
  assert(r50 >= 0.45 && r50 <= 0.55, `share of p ≤ 0.5: ${r50}`);
  // Under the complete null any BH discovery is a false one; BH bounds their chance by α.
  const anyFalse = rs.filter((r) => r.significant.length > 0).length / rs.length;
  assert(anyFalse <= 0.08, `replicates with a BH discovery: ${anyFalse}`);
  // Intra- vs inter-condition variability: no difference on average.
  const ratio = rs.reduce((s, r) => s + r.variability.ratio, 0) / rs.length;
  assertAlmostEquals(ratio, 1, 0.03, "between / within under the null");
  console.log(
    `null: rejection ${r05} at 0.05, ${r10} at 0.10; p ≤ 0.5 in ${r50}; BH any ${anyFalse}; ratio ${
      ratio.toFixed(4)
    }`,
  );
});

Deno.test("null with half-overlapping windows, two recordings per condition: rate in [0.02, 0.08]", () => {
  // 2 recordings of 450 frames per condition, windows of 60 every 30: blocks of 2 windows
  // (90 frames), 5 blocks and 10 windows per recording; 10 blocks per condition.
  const A = plan(0.25).coefficients.a;
  const rs = replicates(A, A, 400, 50_000, { window: L, stride: 30 }, 2, 450);
  assertEquals(rs[0].windows.a, 20);
  assertEquals(rs[0].windows.blocksA, 10);
  const r05 = rate(rs, 0.05);
  assert(r05 >= 0.02 && r05 <= 0.08, `rejection rate at 0.05: ${r05}`);
  console.log(`null, overlapping windows: rejection ${r05} at 0.05`);
});

Deno.test("power ≥ 0.8 over 200 replicates at effect 0.25 on two coefficients", () => {
  const p = plan(0.25);
  const rs = replicates(p.coefficients.a, p.coefficients.b, 200, 90_000);
  const power = rate(rs, 0.05);
  assert(power >= 0.8, `power ${power}`);
  const ratio = rs.reduce((s, r) => s + r.variability.ratio, 0) / rs.length;
  assert(ratio > 1.03, `between / within ${ratio}: windows of a condition resemble each other`);
  console.log(`power at effect 0.25: ${power}; between / within ${ratio.toFixed(4)}`);
});

Deno.test("BH per coefficient finds both changed coefficients at effect 0.4, with few false ones", () => {
  const p = plan(0.4);
  const truth = new Set(p.truth.changed.map(key));
  const rs = replicates(p.coefficients.a, p.coefficients.b, 100, 200_000);
  let foundBoth = 0, fdp = 0, falseOnes = 0;
  for (const r of rs) {
    const found = new Set(r.significant.map(key));
    if ([...truth].every((k) => found.has(k))) foundBoth++;
    const wrong = r.significant.filter((c) => !truth.has(key(c))).length;
    falseOnes += wrong;
    fdp += r.significant.length ? wrong / r.significant.length : 0;
  }
  assert(foundBoth / rs.length >= 0.9, `both found in ${foundBoth} of ${rs.length}`);
  assert(fdp / rs.length <= 0.1, `mean false discovery proportion ${fdp / rs.length}`);
  console.log(
    `effect 0.4: both found in ${foundBoth}/${rs.length}; mean FDP ${
      (fdp / rs.length).toFixed(3)
    }; false discoveries ${falseOnes} in all`,
  );
});
