// conditionTest end to end: windows and blocks, the per-window fits, the coefficient
// table, test.json, the generator's own two-condition activity, and typed errors that
// name the input.
import { assert, assertAlmostEquals, assertEquals, assertThrows } from "../../_helpers/assert.ts";
import { SparsedynError } from "../../../core/errors.ts";
import { planSynthetic, simulateActivity } from "../../../core/data/synthetic.ts";
import { simulateVar } from "../../../core/data/synthetic_var.ts";
import { fitVarLasso } from "../../../core/var/fit_var_lasso.ts";
import { conditionTest, conditionTestWindows } from "../../../core/stats/condition_test.ts";
import { cutWindows, type SeriesWindow } from "../../../core/stats/series_windows.ts";
import { fitWindowVars } from "../../../core/stats/window_var.ts";
import { summarizeNull, testJson, writeTestJson } from "../../../core/stats/test_json.ts";

function rec(seed: number, T = 600, d = 3, name?: string) {
  const s = simulateVar({ d, p: 1, T, seed, density: 0.3 });
  return { series: s.series, T, d, name };
}

Deno.test("windows: blocks share no frames, never span recordings, ⌈L/stride⌉ windows each", () => {
  const recs = [rec(1, 500), rec(2, 330)];
  for (const [L, stride] of [[60, 60], [60, 30], [50, 20], [40, 70]]) {
    const w = cutWindows(recs, "a", { length: L, stride });
    const per = Math.ceil(L / stride);
    const blocks = new Map<number, SeriesWindow[]>();
    for (const x of w) blocks.set(x.block, [...(blocks.get(x.block) ?? []), x]);
    for (const [, ws] of blocks) {
      assert(ws.length <= per, `at most ${per} windows per block`);
      assertEquals(new Set(ws.map((x) => x.source)).size, 1, "one recording per block");
      ws.forEach((x, k) => k > 0 && assertEquals(x.start! - ws[k - 1].start!, stride, "stride"));
    }
    const spans = [...blocks.values()].map((ws) => ({
      src: ws[0].source,
      lo: ws[0].start!,
      hi: ws.at(-1)!.start! + L,
    }));
    for (let i = 0; i < spans.length; i++) {
      for (let k = i + 1; k < spans.length; k++) {
        if (spans[i].src !== spans[k].src) continue;
        assert(spans[i].hi <= spans[k].lo || spans[k].hi <= spans[i].lo, "no shared frames");
      }
    }
    for (const x of w) {
      const r = x.source === "a[0]" ? recs[0] : recs[1];
      assert(x.start! + L <= r.T, "inside its recording");
      assertEquals(x.series[0], r.series[x.start! * 3], "the recording's frames");
    }
  }
  // Non-overlapping windows: every window its own block, none left out.
  assertEquals(cutWindows([rec(1, 500)], "b", { length: 50 }, 7).map((x) => x.block), [
    7,
    8,
    9,
    10,
    11,
    12,
    13,
    14,
    15,
    16,
  ]);
});

Deno.test("window VARs are fitVarLasso on each window scaled by the pooled sd", () => {
  const w = cutWindows([rec(3, 400)], "a", { length: 100 });
  const f = fitWindowVars(w, 1);
  const raw = fitWindowVars(w, 1, { standardize: false });
  assertEquals(Array.from(raw.scale), [1, 1, 1]);
  w.forEach((x, n) => {
    const ref = fitVarLasso(x.series, 100, 3, 1).A;
    assertEquals(Array.from(raw.features.subarray(n * 9, (n + 1) * 9)), Array.from(ref));
    const z = x.series.map((v, k) => v / f.scale[k % 3]);
    const refZ = fitVarLasso(z, 100, 3, 1).A;
    assertEquals(Array.from(f.features.subarray(n * 9, (n + 1) * 9)), Array.from(refZ));
  });
  // The pooled sd over all windows.
  const all = w.flatMap((x) => Array.from(x.series).filter((_, k) => k % 3 === 1));
  const m = all.reduce((s, v) => s + v, 0) / all.length;
  const sd = Math.sqrt(all.reduce((s, v) => s + (v - m) ** 2, 0) / (all.length - 1));
  assertAlmostEquals(f.scale[1], sd, 1e-12 * sd, "scale of column 1");
});

Deno.test("the generator's two-condition activity: the test rejects and BH names the changed coefficients", () => {
  const plan = planSynthetic({
    height: 16,
    width: 16,
    cells: 4,
    frames: 1200,
    seed: 1,
    cellRadius: [1.5, 2.5],
    conditions: { effect: 0.4, edges: 2 },
  });
  const a = simulateActivity(plan, "a"), b = simulateActivity(plan, "b");
  const r = conditionTest(
    [{ series: a.z, T: 1200, d: 4, name: "a.z" }],
    [{ series: b.z, T: 1200, d: 4, name: "b.z" }],
    { window: 60 },
  );
  assert(r.rejected && r.pValue <= 0.01, `p = ${r.pValue}`);
  assertEquals(r.windows.a, 20);
  assertEquals(r.inputs, { a: ["a.z"], b: ["b.z"] });
  const found = r.significant.map((c) => `${c.lag}:${c.from}->${c.to}`);
  for (const c of plan.truth.changed) {
    assert(found.includes(`${c.lag}:${c.from}->${c.to}`), `${JSON.stringify(c)} in ${found}`);
    // Coefficient table layout: A[(k·d + to)·d + from]; B's mean is the larger one.
    const row = r.coefficients[(c.lag - 1) * 16 + c.to * 4 + c.from];
    assertEquals([row.lag, row.to, row.from], [c.lag, c.to, c.from]);
    assert(row.meanB > row.meanA && row.t < 0, "B's coefficient is larger");
  }
  for (let k = 1; k < r.significant.length; k++) {
    assert(r.significant[k].q >= r.significant[k - 1].q, "by ascending q");
  }
  assert(r.variability.ratio > 1, `between / within ${r.variability.ratio}`);
});

Deno.test("test.json: written atomically, all fields, null values or histogram", async () => {
  const r = conditionTest([rec(1)], [rec(2)], { window: 60, permutations: 1999, seed: 3 });
  assertEquals(r.permutations, 1999);
  assertEquals(r.settings.permutations, 1999);
  assertEquals(r.windows, {
    a: 10,
    b: 10,
    blocksA: 10,
    blocksB: 10,
    length: 60,
    stride: 60,
    blockWindows: 1,
  });
  const dir = await Deno.makeTempDir();
  try {
    const path = await writeTestJson(dir, r);
    assertEquals(path, `${dir}/test.json`);
    assertEquals([...Deno.readDirSync(dir)].map((e) => e.name), ["test.json"], "no temporary left");
    const j = JSON.parse(await Deno.readTextFile(path));
    assertEquals(j.kind, "condition-test");
    assertEquals(j.pValue, r.pValue);
    assertEquals(j.exact, false);
    assertEquals(j.null.values.length, 1999);
    assertEquals(j.coefficients.length, 9);
    assertEquals(Object.keys(j.coefficients[0]).sort(), [
      "from",
      "lag",
      "meanA",
      "meanB",
      "p",
      "q",
      "significant",
      "t",
      "to",
    ]);
    assertEquals(j.variability.ratio, r.variability.ratio);
    assertEquals(j.settings.lags, 1);
    assertEquals(JSON.parse(JSON.stringify(testJson(r))), j, "testJson is what is written");
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
  const big = Float64Array.from({ length: 20001 }, (_, k) => (k * 7919) % 1000);
  const s = summarizeNull(big);
  assert("histogram" in s, "long null distributions become a histogram");
  if ("histogram" in s) {
    assertEquals(s.histogram.counts.reduce((a, c) => a + c, 0), 20001);
    assertEquals(s.histogram.edges.length, 101);
  }
  assertEquals(s.min, 0);
  assertEquals(s.max, 999);
});

Deno.test("bad input: typed errors naming the input", () => {
  const good = rec(1);
  const nan = rec(2, 600, 3, "b1.npy");
  nan.series[100] = NaN;
  assertThrows(
    () => conditionTest([good], [rec(3), nan], { window: 60 }),
    SparsedynError,
    { code: "NON_FINITE", argument: "b[1]" },
    "b1.npy",
  );
  const flat = rec(4);
  for (let t = 0; t < 600; t++) flat.series[t * 3 + 2] = 5;
  assertThrows(
    () => conditionTest([flat], [good], { window: 60 }),
    SparsedynError,
    { code: "INVALID_ARGUMENT", argument: "a[0]" },
    "column 2 is constant",
  );
  assertThrows(
    () => conditionTest([rec(5, 2)], [good], { window: 60, lags: 2 }),
    SparsedynError,
    { argument: "a[0]" },
    "not more than the 2 lag",
  );
  assertThrows(
    () => conditionTest([rec(5, 50, 3, "short.csv")], [good], { window: 60 }),
    SparsedynError,
    { argument: "a[0]" },
    "short.csv (a[0]): 50 time points, fewer than one window of 60",
  );
  assertThrows(
    () => conditionTest([good], [rec(6, 600, 4)], { window: 60 }),
    SparsedynError,
    { argument: "b[0]" },
    "d must agree",
  );
  assertThrows(
    () => conditionTest([good, rec(6, 600, 4)], [good], { window: 60 }),
    SparsedynError,
    { argument: "a[1]" },
  );
  // One block in condition b: 90 frames give a single window of 60.
  assertThrows(
    () => conditionTest([good], [rec(7, 90)], { window: 60 }),
    SparsedynError,
    { argument: "blocks" },
    "1 in b",
  );
  // Ten windows, but all in one block per condition.
  assertThrows(
    () => conditionTest([good], [rec(8)], { window: 60, blockWindows: 10 }),
    SparsedynError,
    { argument: "blocks" },
  );
  assertThrows(() => conditionTest([], [good]), SparsedynError, { argument: "a" });
  assertThrows(() => conditionTest([good], [good], { window: 60, alpha: 0 }), SparsedynError, {
    argument: "alpha",
  });
  assertThrows(() => conditionTest([good], [good], { window: 2 }), SparsedynError, {
    argument: "window",
  });
  // Windows passed directly must be of equal length.
  const w = [
    ...cutWindows([good], "a", { length: 60 }),
    ...cutWindows([rec(9)], "b", { length: 60 }, 100),
  ];
  w[13] = { ...w[13], series: w[13].series.slice(0, 50 * 3), T: 50 };
  assertThrows(
    () => conditionTestWindows(w),
    SparsedynError,
    { argument: "windows[13]" },
    "equal length",
  );
});

Deno.test("a column still inside one window is data, not an error", () => {
  const a = rec(11), b = rec(12);
  for (let t = 120; t < 180; t++) a.series[t * 3] = 0; // window 2 of a: column 0 flat
  const r = conditionTest([a], [b], { window: 60 });
  assert(r.pValue > 0 && r.pValue <= 1, "tested");
});
