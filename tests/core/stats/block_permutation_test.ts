// The block permutation test against a brute-force reference (every labeling by bitmask,
// Welch t by the two-pass formula), its properties (p in (0, 1], symmetry in A and B,
// sampling converging to the exact p), and the guard against relabelings that cannot
// change the groups.
import { assert, assertAlmostEquals, assertEquals, assertThrows } from "../../_helpers/assert.ts";
import { normals, rng } from "../../_helpers/random.ts";
import { SparsedynError } from "../../../core/errors.ts";
import { blockPermutationTest, type Condition } from "../../../core/stats/block_permutation.ts";
import {
  countLabelings,
  enumerateLabelings,
  randomLabelings,
} from "../../../core/stats/block_labelings.ts";
import { welchEvaluator, welchStatistics } from "../../../core/stats/welch_statistic.ts";

/** Welch t per feature by the textbook two-pass formula. */
function refWelch(x: Float64Array, N: number, q: number, inA: boolean[]): number[] {
  const t: number[] = [];
  for (let j = 0; j < q; j++) {
    const a: number[] = [], b: number[] = [];
    for (let n = 0; n < N; n++) (inA[n] ? a : b).push(x[n * q + j]);
    const mean = (v: number[]) => v.reduce((s, y) => s + y, 0) / v.length;
    const vr = (v: number[]) => {
      const m = mean(v);
      return v.reduce((s, y) => s + (y - m) ** 2, 0) / (v.length - 1);
    };
    const all = [...a, ...b];
    if (Math.min(...all) === Math.max(...all)) {
      t.push(0);
      continue;
    }
    t.push((mean(a) - mean(b)) / Math.sqrt(vr(a) / a.length + vr(b) / b.length));
  }
  return t;
}

/** A random design: blocks of random sizes, features with an optional shift in B. */
function design(seed: number, blocksA: number, blocksB: number, q: number, shift = 0) {
  const u = rng(seed);
  const sizes = Array.from({ length: blocksA + blocksB }, () => 1 + Math.floor(u() * 3));
  const N = sizes.reduce((s, v) => s + v, 0);
  const conditions: Condition[] = [], blocks: number[] = [];
  sizes.forEach((s, b) => {
    for (let k = 0; k < s; k++) {
      conditions.push(b < blocksA ? "a" : "b");
      blocks.push(100 + 7 * b); // arbitrary ids
    }
  });
  const x = normals(u, N * q);
  for (let n = 0; n < N; n++) if (conditions[n] === "b") x[n * q] += shift;
  return { x, N, q, conditions, blocks };
}

/** Global and per-feature exact p-values by brute force over bitmasks of blocks. */
function bruteForce(d: ReturnType<typeof design>) {
  const ids = [...new Set(d.blocks)];
  const obsA = d.conditions.map((c) => c === "a");
  const tObs = refWelch(d.x, d.N, d.q, obsA);
  const TObs = tObs.reduce((s, t) => s + t * t, 0);
  const nbA = ids.filter((id) => d.conditions[d.blocks.indexOf(id)] === "a").length;
  let total = 0, above = 0;
  const exceed = new Array(d.q).fill(0);
  for (let mask = 0; mask < 1 << ids.length; mask++) {
    let bits = 0;
    for (let b = 0; b < ids.length; b++) if (mask & (1 << b)) bits++;
    if (bits !== nbA) continue;
    const inA = d.blocks.map((id) => (mask & (1 << ids.indexOf(id))) !== 0);
    const t = refWelch(d.x, d.N, d.q, inA);
    const T = t.reduce((s, v) => s + v * v, 0);
    total++;
    if (T >= TObs * (1 - 1e-9)) above++;
    t.forEach((v, j) => {
      if (v * v >= tObs[j] ** 2 * (1 - 1e-9)) exceed[j]++;
    });
  }
  return { TObs, tObs, p: above / total, featureP: exceed.map((e) => e / total), total };
}

Deno.test("Welch t and Σt² equal the two-pass formula, also evaluated over blocks", () => {
  const d = design(3, 4, 5, 6, 0.7);
  const inB = Uint8Array.from(d.conditions, (c) => (c === "b" ? 1 : 0));
  const s = welchStatistics(d.x, d.N, d.q, inB);
  const ref = refWelch(d.x, d.N, d.q, d.conditions.map((c) => c === "a"));
  ref.forEach((t, j) => assertAlmostEquals(s.t[j], t, 1e-12 * (1 + Math.abs(t)), `t[${j}]`));
  assertAlmostEquals(s.total, ref.reduce((a, t) => a + t * t, 0), 1e-10, "Σt²");
  const ids = [...new Set(d.blocks)];
  const ev = welchEvaluator(d.x, d.N, d.q, d.blocks.map((b) => ids.indexOf(b)));
  const flags = Uint8Array.from(ids, (id) => (d.conditions[d.blocks.indexOf(id)] === "a" ? 1 : 0));
  assertAlmostEquals(ev.evaluate(flags), s.total, 1e-10, "block sums give the same Σt²");
  // A feature constant over all windows contributes 0, not NaN.
  const c = d.x.slice();
  for (let n = 0; n < d.N; n++) c[n * d.q + 2] = 0.5;
  const sc = welchStatistics(c, d.N, d.q, inB);
  assertEquals(sc.t[2], 0);
  assert(Number.isFinite(sc.total), "finite");
});

Deno.test("exact enumeration equals a brute-force permutation test on tiny designs", () => {
  for (
    const [seed, na, nb, shift] of [[1, 3, 3, 0], [2, 3, 4, 1.5], [5, 2, 5, 0.5], [8, 4, 4, 3]]
  ) {
    const d = design(seed, na, nb, 3, shift);
    const r = blockPermutationTest(d.x, d.N, d.q, d.conditions, d.blocks);
    const ref = bruteForce(d);
    assert(r.exact, "few labelings: enumerated");
    assertEquals(r.labelings, ref.total, "labelings");
    assertEquals(r.permutations, ref.total, "all of them evaluated");
    assertAlmostEquals(r.statistic, ref.TObs, 1e-10, "statistic");
    assertAlmostEquals(r.pValue, ref.p, 1e-15, `p (seed ${seed})`);
    ref.featureP.forEach((p, j) => assertAlmostEquals(r.featurePValues[j], p, 1e-15, `p[${j}]`));
    assertEquals(r.identicalToObserved, na === nb ? 2 : 1, "the observed labeling (and mirror)");
  }
});

Deno.test("sampled p converges to the exact p on a tiny design (+1 correction)", () => {
  const d = design(11, 4, 4, 2, 0.8); // C(8, 4) = 70 labelings
  const exact = blockPermutationTest(d.x, d.N, d.q, d.conditions, d.blocks);
  const B = 20000;
  const sampled = blockPermutationTest(d.x, d.N, d.q, d.conditions, d.blocks, {
    exact: "never",
    permutations: B,
    seed: 4,
  });
  assert(exact.exact && !sampled.exact, "one exact, one sampled");
  assertEquals(sampled.permutations, B);
  const se = Math.sqrt(exact.pValue * (1 - exact.pValue) / B);
  assertAlmostEquals(sampled.pValue, exact.pValue, 5 * se + 1 / B, "sampled ≈ exact");
  // The +1 correction: p = (1 + count) / (1 + B), never below 1 / (1 + B).
  const count = Array.from(sampled.null).filter((v) => v >= sampled.statistic * (1 - 1e-9)).length;
  assertAlmostEquals(sampled.pValue, (1 + count) / (1 + B), 1e-15, "(1 + #) / (1 + B)");
});

Deno.test("p-values lie in (0, 1] and above the design's minimum, for many random designs", () => {
  for (let seed = 1; seed <= 40; seed++) {
    const u = rng(1000 + seed);
    const d = design(
      seed,
      2 + Math.floor(u() * 6),
      2 + Math.floor(u() * 6),
      1 + Math.floor(u() * 5),
      u() * 3,
    );
    const r = blockPermutationTest(d.x, d.N, d.q, d.conditions, d.blocks, { seed });
    assert(r.pValue > 0 && r.pValue <= 1, `p = ${r.pValue}`);
    assert(r.pValue >= r.minPValue - 1e-15, "p ≥ minimum");
    for (const p of r.featurePValues) assert(p > 0 && p <= 1, `feature p = ${p}`);
  }
});

Deno.test("swapping the names A and B changes nothing (sampled and exact)", () => {
  for (const [na, nb] of [[3, 4], [9, 8]]) {
    const d = design(21 + na, na, nb, 4, 0.6);
    const swapped = d.conditions.map((c): Condition => (c === "a" ? "b" : "a"));
    const r1 = blockPermutationTest(d.x, d.N, d.q, d.conditions, d.blocks, { seed: 9 });
    const r2 = blockPermutationTest(d.x, d.N, d.q, swapped, d.blocks, { seed: 9 });
    assertEquals(r1.exact, na + nb < 8, "exact for the small design only");
    assertAlmostEquals(r2.statistic, r1.statistic, 1e-10, "statistic");
    assertEquals(r2.pValue, r1.pValue, "p");
    assertEquals(Array.from(r2.featurePValues), Array.from(r1.featurePValues), "feature p");
    r1.featureStatistics.forEach((t, j) =>
      assertAlmostEquals(r2.featureStatistics[j], -t, 1e-10, "t changes sign")
    );
  }
});

Deno.test("guard: designs whose relabelings cannot change the groups are refused", () => {
  const x = normals(rng(1), 12);
  const blocks = [0, 0, 0, 0, 0, 0, 1, 2, 3, 4, 5, 6]; // condition a: one block of 6 windows
  const cond: Condition[] = [...Array(6).fill("a"), ...Array(6).fill("b")];
  assertThrows(
    () => blockPermutationTest(x, 12, 1, cond, blocks),
    SparsedynError,
    { code: "INVALID_ARGUMENT", argument: "blocks" },
    "1 in a",
  );
  // All windows in one condition.
  assertThrows(
    () => blockPermutationTest(x, 12, 1, Array(12).fill("a"), blocks.map((_, i) => i)),
    SparsedynError,
    { argument: "blocks" },
    "0 in b",
  );
  // A block across both conditions (relabeling it would move windows within a group).
  const across = [0, 0, 1, 1, 2, 2, 3, 3, 4, 4, 5, 5];
  const mixed: Condition[] = ["a", "a", "a", "a", "a", "b", "b", "b", "b", "b", "b", "b"];
  assertThrows(
    () => blockPermutationTest(x, 12, 1, mixed, across),
    SparsedynError,
    { argument: "blocks" },
    "both conditions",
  );
  assertThrows(
    () => blockPermutationTest(x, 12, 1, cond, blocks.map((_, i) => i), { permutations: 99 }),
    SparsedynError,
    { argument: "permutations" },
  );
});

Deno.test("guard: relabelings differ from the observed one and the null distribution varies", () => {
  const d = design(31, 10, 10, 5, 1);
  const r = blockPermutationTest(d.x, d.N, d.q, d.conditions, d.blocks, { seed: 2 });
  assert(!r.exact && r.permutations === 999, "sampled");
  // The relabelings themselves: redrawn from the same seed, they keep 10 blocks per
  // condition and almost never give back the observed partition (2 of C(20, 10) = 184756).
  const observed = Uint8Array.from({ length: 20 }, (_, b) => (b < 10 ? 1 : 0));
  const next = randomLabelings(observed, 2);
  let same = 0, changedBlocks = 0;
  for (let k = 0; k < 999; k++) {
    const l = next();
    assertEquals(l.reduce((s, v) => s + v, 0), 10, "blocks per condition kept");
    let diff = 0;
    for (let b = 0; b < 20; b++) if (l[b] !== observed[b]) diff++;
    if (diff === 0 || diff === 20) same++;
    changedBlocks += diff / 999;
  }
  assert(same <= 1, `${same} relabelings equal the observed partition`);
  assertEquals(r.identicalToObserved, same, "the result counts them the same way");
  assert(changedBlocks > 8, `on average ${changedBlocks} of 20 blocks change condition`);
  // Null statistics: positive variance, and not all equal to the observed one or zero.
  const mean = r.null.reduce((s, v) => s + v, 0) / r.null.length;
  const variance = r.null.reduce((s, v) => s + (v - mean) ** 2, 0) / (r.null.length - 1);
  assert(variance > 1e-3 * mean * mean, `null variance ${variance} (mean ${mean})`);
  const equalObs = r.null.filter((v) => Math.abs(v - r.statistic) <= 1e-9 * r.statistic).length;
  assert(equalObs <= same, `${equalObs} null values equal the observed statistic`);
  assert(r.null.every((v) => v > 0), "no null statistic is zero");
  assertEquals(r.warnings, []);
  // The shift in feature 0 is found; the pure-noise features are not all tiny.
  assert(r.pValue <= 0.01 && r.featurePValues[0] <= 0.01, `p = ${r.pValue}`);
});

Deno.test("features that never vary give p = 1 and a warning, not a false rejection", () => {
  const N = 8, x = new Float64Array(N * 2).fill(0.25);
  const cond: Condition[] = ["a", "a", "a", "a", "b", "b", "b", "b"];
  const r = blockPermutationTest(x, N, 2, cond, [0, 1, 2, 3, 4, 5, 6, 7]);
  assertEquals(r.statistic, 0);
  assertEquals(r.pValue, 1);
  assert(r.warnings.some((w) => w.includes("same statistic")), r.warnings.join());
});

Deno.test("labelings: enumeration is complete and distinct; random draws are uniform", () => {
  for (const [n, k] of [[4, 2], [6, 3], [7, 2], [5, 5], [9, 4]]) {
    const all = Array.from(enumerateLabelings(n, k), (l) => l.join(""));
    assertEquals(all.length, countLabelings(n, k), `C(${n}, ${k})`);
    assertEquals(new Set(all).size, all.length, "distinct");
    assert(all.every((s) => [...s].filter((c) => c === "1").length === k), "k blocks in A");
  }
  assertEquals(countLabelings(20, 10), 184756);
  const next = randomLabelings(Uint8Array.of(1, 1, 0, 0), 5);
  const freq = new Map<string, number>();
  const draws = 60000;
  for (let i = 0; i < draws; i++) {
    const key = next().join("");
    freq.set(key, (freq.get(key) ?? 0) + 1);
  }
  assertEquals(freq.size, 6, "all six labelings drawn");
  for (const [key, f] of freq) {
    assertAlmostEquals(f / draws, 1 / 6, 5 * Math.sqrt((1 / 6) * (5 / 6) / draws), key);
  }
});
