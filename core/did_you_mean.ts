/**
 * "Did you mean …?" for a mistyped flag, command or file name: the closest known name by edit
 * distance (Levenshtein, with a swap of two neighbouring letters counting as one edit),
 * when it is close enough to be a typo rather than a different word.
 *
 * @example
 * ```ts
 * import { closest } from "./did_you_mean.ts";
 *
 * if (closest("--epoch", ["--epochs", "--out"]) !== "--epochs") throw new Error("typo");
 * if (closest("--frobnicate", ["--epochs", "--out"]) !== undefined) throw new Error("no match");
 * ```
 *
 * @module
 */

/** Edit distance between `a` and `b`: insertions, deletions, substitutions, adjacent swaps. */
export function editDistance(a: string, b: string): number {
  const d: number[][] = Array.from({ length: a.length + 1 }, (_, i) => {
    const row = new Array<number>(b.length + 1).fill(0);
    row[0] = i;
    return row;
  });
  for (let j = 0; j <= b.length; j++) d[0][j] = j;
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      d[i][j] = Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) {
        d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
      }
    }
  }
  return d[a.length][b.length];
}

/**
 * The known name closest to `typed`, or undefined when none is plausibly meant: at most
 * one edit for names of up to four letters, two up to eight, three beyond (a short name is
 * one letter away from many others, so it gets less slack), or `typed` is a prefix of
 * exactly one name.
 */
export function closest(typed: string, known: readonly string[]): string | undefined {
  const bare = (s: string) => s.replace(/^-+/, "").toLowerCase();
  const t = bare(typed);
  if (t === "") return undefined;
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const k of known) {
    const dist = editDistance(t, bare(k));
    if (dist < bestDistance) [best, bestDistance] = [k, dist];
  }
  const slack = t.length <= 4 ? 1 : t.length <= 8 ? 2 : 3;
  if (best !== undefined && bestDistance <= slack) return best;
  const prefixed = known.filter((k) => bare(k).startsWith(t));
  return prefixed.length === 1 ? prefixed[0] : undefined;
}
