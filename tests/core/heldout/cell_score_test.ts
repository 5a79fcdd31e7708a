// Cell scores against scikit-learn's roc_auc_score and NumPy's mass and top shares
// (fixtures/make_cell_score_fixtures.py), by hand, and on degenerate maps and masks.
import { scoreAgainstCells } from "../../../core/heldout/cell_score.ts";
import type { CellMask } from "../../../core/heldout/cell_masks.ts";
import { SparsedynError } from "../../../core/errors.ts";
import { assert, assertAlmostEquals, assertEquals, assertThrows } from "../../_helpers/assert.ts";

interface ScoreCase {
  name: string;
  H: number;
  W: number;
  labels: number[];
  map: number[];
  auc: number | null;
  massShare: number | null;
  topShare: number;
  chance: number;
}
const fixture = JSON.parse(
  await Deno.readTextFile(new URL("../../../fixtures/cell_score_numpy.json", import.meta.url)),
) as { scores: ScoreCase[] };

/** Relative 1e-10; the fixture's null is our NaN (JSON has no NaN). */
function close(actual: number, expected: number | null, what: string) {
  if (expected === null) {
    assert(Number.isNaN(actual), `${what}: expected NaN, got ${actual}`);
    return;
  }
  assertAlmostEquals(actual, expected, 1e-10 * Math.max(1, Math.abs(expected)), what);
}

for (const c of fixture.scores) {
  Deno.test(`scoreAgainstCells() matches scikit-learn / NumPy on ${c.name}`, () => {
    const s = scoreAgainstCells(c.map, Int32Array.from(c.labels));
    close(s.auc, c.auc, "auc");
    close(s.massShare, c.massShare, "massShare");
    close(s.topShare, c.topShare, "topShare");
    close(s.chance, c.chance, "chance");
  });
}

Deno.test("scoreAgainstCells() by hand on a 2×5 frame", () => {
  // Cell pixels 0, 1, 5 (two cells). Map values 9 8 0 1 2 / 3 0 0 0 7.
  const labels = Int32Array.of(1, 1, 0, 0, 0, 2, 0, 0, 0, 0);
  const map = [9, 8, 0, 1, 2, 3, 0, 0, 0, 7];
  const s = scoreAgainstCells(map, labels);
  // Positives 9, 8, 3 against negatives 0 1 2 0 0 0 7: 9 and 8 beat all 7; 3 beats 6. 20/21.
  assertEquals(s.auc, 20 / 21);
  // min 0: mass 30, 20 on cells.
  assertEquals(s.massShare, 20 / 30);
  // ⌈10/10⌉ = 1 pixel: the 9, a cell pixel.
  assertEquals(s.topShare, 1);
  assertEquals(s.chance, 0.3);
});

Deno.test("scoreAgainstCells() takes ⌈P/10⌉ top pixels, ties broken by the lower index", () => {
  // 30 pixels: exactly 3 on top (0.1·30 would round up to 4 in floating point).
  const labels = new Int32Array(30);
  labels[3] = 1;
  const flat = new Array(30).fill(1);
  // All tied: pixels 0, 1, 2 are the top three; pixel 3 is not among them.
  assertEquals(scoreAgainstCells(flat, labels).topShare, 0);
  labels[2] = 1;
  assertEquals(scoreAgainstCells(flat, labels).topShare, 1 / 3);
  // 11 pixels: ⌈1.1⌉ = 2.
  const s = scoreAgainstCells(
    [0, 5, 5, 0, 0, 0, 0, 0, 0, 0, 0],
    Int32Array.of(0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0),
  );
  assertEquals(s.topShare, 0.5);
});

Deno.test("scoreAgainstCells() scores negative or offset maps by contrast", () => {
  const labels = Int32Array.of(1, 0, 0, 0);
  const a = scoreAgainstCells([3, 1, 0, 0], labels);
  const b = scoreAgainstCells([-7, -9, -10, -10], labels);
  const c = scoreAgainstCells([1003, 1001, 1000, 1000], labels);
  assertEquals(a, b);
  assertEquals(a, c);
  assertEquals(a.massShare, 0.75);
});

Deno.test("scoreAgainstCells() on degenerate maps and masks", () => {
  // A flat map: no contrast, no mass → NaN; AUC ½ (all ties); top share by index.
  const flat = scoreAgainstCells([2, 2, 2, 2], Int32Array.of(0, 1, 0, 0));
  assert(Number.isNaN(flat.massShare), "flat map: NaN mass share");
  assertEquals(flat.auc, 0.5);
  assertEquals(flat.topShare, 0);
  // An empty mask: AUC NaN, shares 0, chance 0.
  const empty = scoreAgainstCells([1, 2, 3], new Int32Array(3));
  assert(Number.isNaN(empty.auc), "empty mask: NaN AUC");
  assertEquals([empty.massShare, empty.topShare, empty.chance], [0, 0, 0]);
  // All cell: AUC NaN, shares 1.
  const all = scoreAgainstCells([1, 2, 3], Int32Array.of(1, 2, 3));
  assert(Number.isNaN(all.auc), "all cells: NaN AUC");
  assertEquals([all.massShare, all.topShare, all.chance], [1, 1, 1]);
  // A 1×1 frame.
  const one = scoreAgainstCells([5], Int32Array.of(1));
  assert(Number.isNaN(one.auc) && Number.isNaN(one.massShare), "1×1");
  assertEquals([one.topShare, one.chance], [1, 1]);
});

Deno.test("scoreAgainstCells() accepts a CellMask", () => {
  const mask: CellMask = {
    height: 1,
    width: 4,
    cells: 1,
    labels: Int32Array.of(0, 1, 1, 0),
    format: "npy",
    path: "m.npy",
  };
  const s = scoreAgainstCells(Float32Array.of(0, 2, 2, 1), mask);
  assertEquals(s, { auc: 1, massShare: 0.8, topShare: 1, chance: 0.5 });
});

Deno.test("scoreAgainstCells() refuses mismatched sizes, an empty map and non-finite values", () => {
  assertThrows(() => scoreAgainstCells([1, 2, 3], Int32Array.of(0, 1)), SparsedynError, {
    code: "INVALID_ARGUMENT",
    argument: "map",
  }, "3 values");
  const mask: CellMask = {
    height: 2,
    width: 2,
    cells: 1,
    labels: Int32Array.of(0, 1, 0, 0),
    format: "npy",
    path: "m.npy",
  };
  assertThrows(
    () => scoreAgainstCells([1, 2, 3], mask),
    SparsedynError,
    { argument: "map" },
    "(2×2)",
  );
  assertThrows(() => scoreAgainstCells([], new Int32Array(0)), SparsedynError, { argument: "map" });
  assertThrows(() => scoreAgainstCells([1, NaN], Int32Array.of(0, 1)), SparsedynError, {
    argument: "map",
  }, "value 1");
  assertThrows(
    () => scoreAgainstCells([1, 2], { ...mask, height: 1, width: 3, labels: Int32Array.of(0, 1) }),
    SparsedynError,
    { argument: "mask" },
  );
});
