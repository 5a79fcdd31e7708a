// ROC AUC against a hand count and a brute-force pair count; footprint scores by hand.
import { rocAuc } from "../../../core/maps/roc_auc.ts";
import { scoreAgainstFootprints } from "../../../core/maps/footprint_score.ts";
import { SparsedynError } from "../../../core/errors.ts";
import { uniform } from "../../../core/data/random.ts";
import { assert, assertAlmostEquals, assertEquals, assertThrows } from "../../_helpers/assert.ts";

Deno.test("AUC by hand: 3 positives, 3 negatives, one tie across classes", () => {
  // Pairs (pos, neg): 0.8 beats 0.7, 0.5, 0.2 (3); 0.5 ties 0.5 (½), beats 0.2 (1); 0.1 beats
  // none. U = 4.5 of 9.
  const auc = rocAuc([0.8, 0.7, 0.5, 0.5, 0.2, 0.1], [true, false, true, false, false, true]);
  assertEquals(auc, 4.5 / 9);
  assertEquals(rocAuc([1, 2], [false, true]), 1);
  assertEquals(rocAuc([1, 2], [true, false]), 0);
  assertEquals(rocAuc([3, 3, 3], [true, false, false]), 0.5);
});

Deno.test("AUC equals the share of correctly ordered pairs (ties ½) on random data", () => {
  const u = uniform(3);
  for (let rep = 0; rep < 20; rep++) {
    const n = 5 + Math.floor(u() * 40);
    // Coarse scores so that ties happen.
    const s = Array.from({ length: n }, () => Math.floor(u() * 6));
    const l = Array.from({ length: n }, (_, i) => i === 0 ? true : i === 1 ? false : u() < 0.4);
    let wins = 0, pairs = 0;
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < n; j++) {
        if (!l[i] || l[j]) continue;
        pairs++;
        wins += s[i] > s[j] ? 1 : s[i] === s[j] ? 0.5 : 0;
      }
    }
    assertAlmostEquals(rocAuc(s, l), wins / pairs, 1e-12);
  }
});

Deno.test("AUC refuses one-class labels, mismatched lengths and non-finite scores", () => {
  assertThrows(() => rocAuc([1, 2], [true, true]), SparsedynError, { argument: "labels" });
  assertThrows(() => rocAuc([1, 2], [true]), SparsedynError, { argument: "labels" });
  assertThrows(() => rocAuc([1, NaN], [true, false]), SparsedynError, { argument: "scores" });
});

Deno.test("footprint score: rim pixels are left out of the AUC, kept in the localisation", () => {
  // Two cells over 6 pixels: inside (≥ 0.5) at 0 and 3, rim (0.05–0.5) at 1 and 4,
  // outside at 2 and 5.
  const F = Float32Array.of(
    1,
    0.3,
    0,
    0,
    0,
    0,
    0,
    0,
    0.01,
    0.9,
    0.2,
    0,
  );
  // The rim scores highest: AUC ignores it, localisation counts it.
  const s = scoreAgainstFootprints(Float32Array.of(2, 9, 1, 3, 9, 0), F, 2);
  assertEquals(s.auc, 1);
  assertAlmostEquals(s.localisation, 23 / 24, 1e-12);
  assertAlmostEquals(s.chance, 4 / 6, 1e-12);
  // A flat map: AUC ½ and localisation = chance.
  const flat = scoreAgainstFootprints(new Float32Array(6).fill(1), F, 2);
  assertEquals(flat.auc, 0.5);
  assertAlmostEquals(flat.localisation, flat.chance, 1e-12);
  // Cells everywhere: no background to tell them from.
  assert(Number.isNaN(scoreAgainstFootprints([1, 2], [1, 0.6], 1).auc));
  assertThrows(() => scoreAgainstFootprints(new Float32Array(5), F, 2), SparsedynError, {
    argument: "footprints",
  });
});
