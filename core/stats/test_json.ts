/**
 * `test.json`: a condition test's result as JSON, written atomically into a folder (a run
 * folder, or any output folder). The null distribution is kept whole up to 10 000 values
 * and as a 100-bin histogram (with its mean, sd and extremes) beyond.
 *
 * @example
 * ```ts
 * import { conditionTestWindows } from "./condition_test.ts";
 * import { writeTestJson } from "./test_json.ts";
 *
 * const w = (c: "a" | "b", k: number) => ({
 *   series: Float64Array.from({ length: 80 }, (_, i) => Math.cos(i * (c === "a" ? 0.5 : 2.1) + k)),
 *   T: 40, d: 2, condition: c, block: k,
 * });
 * const r = conditionTestWindows([w("a", 0), w("a", 1), w("b", 2), w("b", 3)]);
 * const dir = await Deno.makeTempDir();
 * const path = await writeTestJson(dir, r);
 * const j = JSON.parse(await Deno.readTextFile(path));
 * if (j.pValue !== r.pValue || j.null.values.length !== 6) throw new Error("round trip");
 * await Deno.remove(dir, { recursive: true });
 * ```
 *
 * @module
 */
import { writeFileAtomic } from "../files/atomic_write.ts";
import type { ConditionTestResult } from "./condition_test.ts";

/** Null distributions longer than this are stored as a histogram. */
export const NULL_VALUES_LIMIT = 10_000;

/** The null distribution as stored. */
export type NullSummary =
  | { values: number[]; mean: number; sd: number; min: number; max: number }
  | {
    histogram: { edges: number[]; counts: number[] };
    mean: number;
    sd: number;
    min: number;
    max: number;
  };

/**
 * Summarises a null distribution: all values, or a histogram when long.
 *
 * @param values The statistic under each relabeling.
 * @param bins Histogram bins (default 100).
 * @returns Values or histogram, with mean, sd, min and max.
 */
export function summarizeNull(values: Float64Array, bins = 100): NullSummary {
  let mean = 0, min = Infinity, max = -Infinity;
  for (const v of values) {
    mean += v / values.length;
    min = Math.min(min, v);
    max = Math.max(max, v);
  }
  let ss = 0;
  for (const v of values) ss += (v - mean) ** 2;
  const sd = values.length > 1 ? Math.sqrt(ss / (values.length - 1)) : 0;
  if (values.length <= NULL_VALUES_LIMIT) return { values: Array.from(values), mean, sd, min, max };
  const width = max > min ? (max - min) / bins : 1;
  const edges = Array.from({ length: bins + 1 }, (_, k) => min + k * width);
  const counts = new Array(bins).fill(0);
  for (const v of values) counts[Math.min(bins - 1, Math.floor((v - min) / width))]++;
  return { histogram: { edges, counts }, mean, sd, min, max };
}

/**
 * The JSON form of a result (typed arrays as arrays, the null distribution summarised,
 * a non-finite variability ratio as null).
 *
 * @param result A condition test's result.
 * @returns A plain object for `JSON.stringify`.
 */
export function testJson(result: ConditionTestResult): Record<string, unknown> {
  const { null: nullValues, variability, maps, ...rest } = result;
  const finite = (v: { ratio: number }) => ({
    ...v,
    ratio: Number.isFinite(v.ratio) ? v.ratio : null,
  });
  return {
    version: 1,
    kind: "condition-test",
    ...rest,
    null: summarizeNull(nullValues),
    variability: finite(variability),
    ...(maps
      ? {
        maps: {
          ...maps,
          null: summarizeNull(maps.null),
          variability: finite(maps.variability),
        },
      }
      : {}),
  };
}

/**
 * Writes `test.json` (or `name`) into `dir` atomically (complete or not at all).
 *
 * @param dir An existing folder.
 * @param result The result.
 * @param name The file's name in `dir`.
 * @returns The file's path.
 * @throws {SparsedynError} `IO` naming the file when it cannot be written.
 */
export async function writeTestJson(
  dir: string,
  result: ConditionTestResult,
  name = "test.json",
): Promise<string> {
  const path = `${dir.replace(/\/+$/, "") || "/"}/${name}`;
  await writeFileAtomic(
    path,
    new TextEncoder().encode(JSON.stringify(testJson(result), null, 1) + "\n"),
  );
  return path;
}
