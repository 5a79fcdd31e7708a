// The did-you-mean distance against an independent definition (the recursive one, memoised),
// on known pairs and random strings; and which names are close enough to suggest.
import { closest, editDistance } from "../../core/did_you_mean.ts";
import { uniform } from "../../core/data/random.ts";
import { assertEquals } from "../_helpers/assert.ts";

/** Optimal string alignment distance by its recursive definition. */
function reference(a: string, b: string): number {
  const memo = new Map<string, number>();
  const d = (i: number, j: number): number => {
    if (i === 0) return j;
    if (j === 0) return i;
    const key = `${i},${j}`;
    const hit = memo.get(key);
    if (hit !== undefined) return hit;
    let best = Math.min(
      d(i - 1, j) + 1,
      d(i, j - 1) + 1,
      d(i - 1, j - 1) + (a[i - 1] === b[j - 1] ? 0 : 1),
    );
    if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) {
      best = Math.min(best, d(i - 2, j - 2) + 1);
    }
    memo.set(key, best);
    return best;
  };
  return d(a.length, b.length);
}

Deno.test("editDistance() equals the recursive definition; known pairs", () => {
  assertEquals(editDistance("kitten", "sitting"), 3);
  assertEquals(editDistance("epochs", "epcohs"), 1, "a swap is one edit");
  assertEquals(editDistance("", "abc"), 3);
  assertEquals(editDistance("ca", "abc"), 3, "no edit of a swapped pair twice");
  const u = uniform(7);
  const word = () =>
    Array.from({ length: Math.floor(u() * 9) }, () => "abcd"[Math.floor(u() * 4)]).join("");
  for (let k = 0; k < 500; k++) {
    const [a, b] = [word(), word()];
    assertEquals(editDistance(a, b), reference(a, b), `${a} / ${b}`);
  }
});

Deno.test("closest() suggests typos, not different words", () => {
  const flags = ["--epochs", "--out", "--seed", "--samples", "--skip", "--latents"];
  assertEquals(closest("--epoch", flags), "--epochs");
  assertEquals(closest("--smaples", flags), "--samples");
  assertEquals(closest("--laten", flags), "--latents", "a unique prefix");
  assertEquals(closest("--s", flags), undefined, "a prefix of several names");
  assertEquals(closest("--frobnicate", flags), undefined);
  assertEquals(closest("trian", ["train", "test", "maps"]), "train");
  assertEquals(closest("Day1.tif", ["day1.tif", "day2.nwb"]), "day1.tif", "case is ignored");
});
