// What `sparsedyn study run` prints: notes on stderr as they come (JSON lines with --json),
// then the failed tasks with their logs, and the summary over animals on stdout.
import type { StudyRun } from "../core/study/run_study.ts";

/** A note on stderr: the line, or `{"note": line}` with --json. */
export function studyNote(json: boolean): (line: string) => void {
  return (line: string) => console.error(json ? JSON.stringify({ note: line }) : line);
}

/**
 * Prints what a run of the study did: each failed task with its logs (stderr), then the tasks
 * run and the test of each animal, or all of it as one JSON object (stdout).
 *
 * @returns The exit status: 1 when a task failed, else 0.
 */
export function printStudyRun(dir: string, run: StudyRun, json: boolean): number {
  const say = studyNote(json);
  const { failed, summary } = run;
  for (const f of failed) {
    say(
      `sparsedyn study: failed ${f.id}: ${f.error}\n  log: ${f.log}${
        f.slurmLog ? `\n  slurm: ${f.slurmLog}` : ""
      }`,
    );
  }
  if (json) {
    console.log(JSON.stringify({ out: dir, ran: run.ran, failed, summary }));
  } else {
    console.log(`sparsedyn study: ${dir}: ran ${run.ran.length} task(s), ${failed.length} failed`);
    for (const r of summary?.animals ?? []) {
      console.log(
        r.error
          ? `  ${r.animal}: not tested: ${r.error}${r.file ? ` (${r.file})` : ""}`
          : `  ${r.animal}: ${r.a} vs ${r.b}: p ${precision3(r.p)}, q ${precision3(r.q)}${
            r.differs ? " (differ)" : ""
          }, effect z ${r.effectZ?.toFixed(2) ?? "—"}`,
      );
    }
    if (summary) console.log(`  summary: ${dir}/summary.json, ${dir}/summary.csv`);
    if (failed.length) console.log(`  rerun failed tasks with --retry`);
  }
  return failed.length ? 1 : 0;
}

/** A p- or q-value to 3 significant digits; "—" where a row has none (a test.json without one). */
function precision3(v: number | undefined): string {
  return typeof v === "number" && Number.isFinite(v) ? v.toPrecision(3) : "—";
}
