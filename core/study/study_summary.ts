/**
 * The study's summary: one row per animal and comparison (condition a vs b), with the
 * permutation test's p-value, Benjamini–Hochberg q-values across animals (within a comparison), two effect sizes (the statistic's
 * distance from its null in null standard deviations, and the between/within ratio of the
 * windows' coefficient distances), and every failed task with its file and log. Written
 * atomically as `summary.json` and `summary.csv` in the study's folder; paths in it are
 * relative to that folder, so two runs of the same study give the same summary.
 *
 * @example A summary over two animals
 * ```ts
 * import { summaryRows } from "./study_summary.ts";
 *
 * const rows = summaryRows([
 *   { animal: "m1", a: "x", b: "y", test: { pValue: 0.01, statistic: 5, null: { mean: 1, sd: 2 } } },
 *   { animal: "m2", a: "x", b: "y", test: { pValue: 0.04, statistic: 3, null: { mean: 1, sd: 1 } } },
 * ], 0.05);
 * // BH across the two animals: q = (0.02, 0.04).
 * if (Math.abs(rows[0].q! - 0.02) > 1e-12 || rows[1].effectZ !== 2) throw new Error(JSON.stringify(rows));
 * ```
 *
 * @module
 */
import { benjaminiHochberg } from "../stats/fdr.ts";
import { writeFileAtomic } from "../files/atomic_write.ts";
import { logPath, readMarker } from "./study_task.ts";
import type { StudyPlan } from "./study_plan.ts";

/** One animal's row. */
export interface SummaryRow {
  /** The animal. */
  animal: string;
  /** The run folder of the model that encoded the animal's recordings, relative to DIR. */
  run?: string;
  /** The first condition (`a` in the test). */
  a: string;
  /** The second condition (`b`). */
  b: string;
  /** Recordings of condition a that entered the test. */
  recordingsA?: number;
  /** Recordings of condition b that entered the test. */
  recordingsB?: number;
  /** Windows of condition a. */
  windowsA?: number;
  /** Windows of condition b. */
  windowsB?: number;
  /** The test statistic (sum over coefficients of squared Welch t). */
  statistic?: number;
  /** The permutation p-value. */
  p?: number;
  /** Benjamini–Hochberg across the animals whose test ran. */
  q?: number;
  /** q ≤ α. */
  differs?: boolean;
  /** The comparison's false discovery rate. */
  alpha?: number;
  /** (statistic − null mean) / null sd. */
  effectZ?: number;
  /** Mean coefficient distance between conditions over within (1: no difference). */
  betweenWithin?: number | null;
  /** Coefficients significant at the false discovery rate within the animal. */
  significantCoefficients?: number;
  /** Recordings left out because their own task failed. */
  excluded?: string[];
  /** Set when the animal's test did not run: why, and the file concerned. */
  error?: string;
  /** The file concerned by the error. */
  file?: string;
  /** The failed task's log, relative to DIR. */
  log?: string;
}

/** A test's result as `summaryRows` reads it (a subset of test.json). */
export interface AnimalTest {
  /** The animal. */
  animal: string;
  /** The run folder of its model, relative to DIR. */
  run?: string;
  /** The first condition. */
  a: string;
  /** The second condition. */
  b: string;
  /** test.json's content, when the test ran. */
  test?: Record<string, unknown>;
  /** Recordings left out because their own task failed. */
  excluded?: string[];
  /** Why the test did not run. */
  error?: string;
  /** The file concerned by the error. */
  file?: string;
  /** The failed task's log, relative to DIR. */
  log?: string;
}

/**
 * The rows, with q-values across the animals whose test ran.
 *
 * @param tests Each animal's test.json (or its failure).
 * @param alpha The false discovery rate.
 */
export function summaryRows(tests: AnimalTest[], alpha: number): SummaryRow[] {
  const ran = tests.filter((t) => t.test && typeof t.test.pValue === "number");
  const q = benjaminiHochberg(ran.map((t) => t.test!.pValue as number));
  return tests.map((t) => {
    const base = {
      animal: t.animal,
      ...(t.run ? { run: t.run } : {}),
      a: t.a,
      b: t.b,
      ...(t.excluded ? { excluded: t.excluded } : {}),
    };
    const i = ran.indexOf(t);
    if (i < 0) return { ...base, error: t.error, file: t.file, log: t.log };
    const j = t.test! as {
      pValue: number;
      statistic: number;
      null?: { mean: number; sd: number };
      variability?: { ratio: number | null };
      windows?: { a: number; b: number };
      inputs?: { a: unknown[]; b: unknown[] };
      significant?: unknown[];
    };
    const z = j.null && j.null.sd > 0 ? (j.statistic - j.null.mean) / j.null.sd : undefined;
    return {
      ...base,
      recordingsA: j.inputs?.a.length,
      recordingsB: j.inputs?.b.length,
      windowsA: j.windows?.a,
      windowsB: j.windows?.b,
      statistic: j.statistic,
      p: j.pValue,
      q: q[i],
      differs: q[i] <= alpha,
      effectZ: z,
      betweenWithin: j.variability?.ratio ?? null,
      significantCoefficients: j.significant?.length,
    };
  });
}

const CSV_COLUMNS: (keyof SummaryRow)[] = [
  "animal",
  "a",
  "b",
  "recordingsA",
  "recordingsB",
  "windowsA",
  "windowsB",
  "statistic",
  "p",
  "q",
  "differs",
  "alpha",
  "effectZ",
  "betweenWithin",
  "significantCoefficients",
  "excluded",
  "error",
  "file",
  "log",
];

/** The rows as CSV (RFC 4180 quoting), one line per animal. */
export function summaryCsv(rows: SummaryRow[]): string {
  const cell = (v: unknown) => {
    const s = v === undefined || v === null ? "" : Array.isArray(v) ? v.join(";") : String(v);
    return /[",\n]/.test(s) ? `"${s.replaceAll('"', '""')}"` : s;
  };
  return [CSV_COLUMNS.join(","), ...rows.map((r) => CSV_COLUMNS.map((c) => cell(r[c])).join(","))]
    .join("\n") + "\n";
}

/** A failed task as the summary lists it. */
export interface FailedTask {
  /** The task's id (`stage/name`). */
  task: string;
  /** Why it failed. */
  error: string;
  /** The file concerned, when the error names one. */
  file?: string;
  /** Its log, relative to DIR. */
  log: string;
}

/** The summary as written to summary.json. */
export interface StudySummary {
  /** The conditions compared, with the false discovery rate of each. */
  comparisons: { a: string; b: string; alpha: number }[];
  /** One row per comparison and animal, comparison by comparison. */
  animals: SummaryRow[];
  /** Every task that failed, with its reason and log. */
  failed: FailedTask[];
  /** How many tasks the study has, and how many are done and failed. */
  tasks: { total: number; done: number; failed: number };
}

/**
 * Reads the tasks' outputs and markers and writes summary.json and summary.csv.
 *
 * @param plan The study's plan.
 * @returns The summary written.
 */
export async function writeStudySummary(plan: StudyPlan): Promise<StudySummary> {
  const dir = plan.dir;
  const rel = (p: string | undefined) =>
    p === undefined ? undefined : p.startsWith(`${dir}/`) ? p.slice(dir.length + 1) : p;
  const failed: FailedTask[] = [];
  let done = 0;
  const others = plan.tasks.filter((t) => t.stage !== "summary");
  for (const t of others) {
    const m = await readMarker(dir, t.id);
    if (m?.status === "done") done++;
    else {
      failed.push({
        task: t.id,
        error: m?.error ?? "did not finish (no record: killed, or never started)",
        ...(m?.file ? { file: rel(m.file) } : {}),
        log: logPath(t.id),
      });
    }
  }
  const runOf = (animal: string) =>
    `train/${plan.manifest.trainPer === "animal" ? animal : "study"}`;
  const animals: SummaryRow[] = [];
  const comparisons = plan.manifest.tests.map((t) => ({ a: t.a, b: t.b, alpha: t.alpha ?? 0.05 }));
  for (const [k, { a, b, alpha }] of comparisons.entries()) {
    const tests: AnimalTest[] = [];
    for (const t of plan.tasks.filter((x) => x.stage === "test" && x.comparison === k)) {
      const m = await readMarker(dir, t.id);
      const excluded = m?.excluded?.map((p) => rel(p)!);
      if (m?.status === "done") {
        const test = JSON.parse(await Deno.readTextFile(`${dir}/${t.id}/test.json`));
        tests.push({ animal: t.group!, run: runOf(t.group!), a, b, test, excluded });
      } else {
        // The file named is the recording whose own task failed, when that is the cause.
        const cause = failed.find((f) => f.file && t.deps.includes(f.task));
        tests.push({
          animal: t.group!,
          run: runOf(t.group!),
          a,
          b,
          excluded,
          error: m?.error ?? "did not finish",
          file: m?.file ? rel(m.file) : cause?.file,
          log: logPath(t.id),
        });
      }
    }
    // BH across the animals, within each comparison.
    animals.push(...summaryRows(tests, alpha).map((r) => ({ ...r, alpha })));
  }
  const summary: StudySummary = {
    comparisons,
    animals,
    failed,
    tasks: { total: others.length, done, failed: failed.length },
  };
  const enc = new TextEncoder();
  await writeFileAtomic(`${dir}/summary.json`, enc.encode(JSON.stringify(summary, null, 2) + "\n"));
  await writeFileAtomic(`${dir}/summary.csv`, enc.encode(summaryCsv(animals)));
  return summary;
}
