/**
 * A whole run of a study: the plan written to DIR/plan.json, the tasks that are not up to
 * date run (a pool of processes here, or one Slurm array job per stage), and what failed,
 * in this run or kept from an earlier one, listed with its log. What `sparsedyn study run`
 * does between its flags and its report.
 *
 * @example A study whose recording is missing: its tasks fail and are listed, nothing throws
 * ```ts
 * import { runStudy } from "./run_study.ts";
 * import { checkManifest } from "./manifest.ts";
 *
 * const dir = await Deno.makeTempDir();
 * const manifest = checkManifest({
 *   recordings: [{ path: "missing.npy", animal: "m", session: "1", condition: "x" }],
 *   analyses: { test: [] },
 * }, `${dir}/study.json`);
 * const notes: string[] = [];
 * const run = await runStudy(manifest, `${dir}/out`, { jobs: 1, onNote: (l) => notes.push(l) });
 * if (run.failed.length === 0 || !notes[0].endsWith("to run (local)")) throw new Error(notes[0]);
 * await Deno.remove(dir, { recursive: true });
 * ```
 *
 * @module
 */
import { SparsedynError } from "../errors.ts";
import { writeFileAtomic } from "../files/atomic_write.ts";
import { lockOutput } from "../files/output_lock.ts";
import type { SlurmResources, StudyManifest } from "./manifest.ts";
import { type StudyPlan, studyPlan, type StudyTask } from "./study_plan.ts";
import { markerPath, readMarker } from "./study_task.ts";
import { pendingTasks } from "./pending_tasks.ts";
import { runLocal } from "./local_executor.ts";
import { earlierJobsQueued, submitSlurm, waitSlurm } from "./slurm_executor.ts";
import type { StudySummary } from "./study_summary.ts";

/** Options of {@link runStudy}. */
export interface RunStudyOptions {
  /** Where the tasks run: `local` (a pool of processes here; the default) or `slurm`. */
  executor?: "local" | "slurm";
  /** local: processes at once (default: the number of cores). */
  jobs?: number;
  /**
   * Runs again the tasks that failed before. Without it a rerun keeps their failures (which a
   * broken file would repeat) and does only what never finished.
   */
  retry?: boolean;
  /**
   * slurm: resources over the manifest's `slurm`: partition, time, memory and CPUs of every
   * stage; generic resources (`gres`) of the train stage only.
   */
  slurm?: SlurmResources;
  /** A line on the run: the tasks to run, a task failed, a stage submitted. */
  onNote?: (line: string) => void;
  /** Called as tasks finish, with the count finished and the total. */
  onProgress?: (done: number, total: number) => void;
}

/** A task of the study that did not finish. */
export interface StudyTaskFailure {
  /** The task's id (`stage/name`). */
  id: string;
  /** Why it failed. */
  error: string;
  /** Its log, a path. */
  log: string;
  /** slurm: Slurm's output file and the array task (`JOB_INDEX`). */
  slurmLog?: string;
}

/** What a run of a study did. */
export interface StudyRun {
  /** The plan, as written to DIR/plan.json. */
  plan: StudyPlan;
  /** The ids of the tasks this run started. */
  ran: string[];
  /** The tasks not done: this run's failures, then those kept from earlier runs. */
  failed: StudyTaskFailure[];
  /** DIR/summary.json, when the summary task wrote it. */
  summary?: StudySummary;
}

/**
 * Runs the tasks of `manifest`'s study in `dir` that are not up to date. One run of a study
 * at a time: `dir` is locked while it runs, as two runs would run the same tasks and remove
 * each other's outputs (a run that was killed leaves a stale lock, which the next one takes
 * over).
 *
 * @param manifest The study (from {@link readManifest} or {@link checkManifest}).
 * @param dir The study's output folder, an absolute path (created when missing; a rerun
 * reuses it).
 * @param options The executor and its settings, retry, notes and progress.
 * @returns The plan, the tasks run, the tasks not done and the summary.
 * @throws {SparsedynError} `INVALID_ARGUMENT` when jobs of an earlier Slurm submission of
 * this study are still queued; `IO` when `dir` cannot be created or is locked by another run.
 */
export async function runStudy(
  manifest: StudyManifest,
  dir: string,
  options: RunStudyOptions = {},
): Promise<StudyRun> {
  await makeFolder(dir);
  const lock = await lockOutput(dir);
  try {
    const executor = options.executor ?? "local";
    await refuseQueuedJobs(dir, executor);
    const plan = studyPlan(manifest, dir);
    const enc = new TextEncoder();
    await writeFileAtomic(`${dir}/plan.json`, enc.encode(JSON.stringify(plan, null, 2) + "\n"));
    const todo = await pendingTasks(plan, options.retry ?? false);
    // Their old outcomes are moot: a marker present later is this run's.
    for (const t of todo) await Deno.remove(markerPath(dir, t.id)).catch(() => {});
    options.onNote?.(
      `${plan.tasks.length} tasks, ${
        plan.tasks.length - todo.length
      } up to date, ${todo.length} to run (${executor})`,
    );
    const failed = executor === "local"
      ? await runHere(plan, todo, options)
      : await runOnSlurm(plan, todo, options);
    failed.push(...await earlierFailures(plan, failed));
    return { plan, ran: todo.map((t) => t.id), failed, summary: await readSummary(dir) };
  } finally {
    await lock.release();
  }
}

/** Creates `dir` (and its parents) when missing. */
async function makeFolder(dir: string): Promise<void> {
  try {
    await Deno.mkdir(dir, { recursive: true });
  } catch (err) {
    throw new SparsedynError("IO", `Cannot create "${dir}": ${(err as Error).message}`, {
      file: dir,
      cause: err,
    });
  }
}

/**
 * Refuses to run while tasks of an earlier Slurm submission may still run: submitting them
 * again (or running them here) would run each twice at once.
 */
async function refuseQueuedJobs(dir: string, executor: "local" | "slurm"): Promise<void> {
  let queued: string[] = [];
  try {
    queued = await earlierJobsQueued(dir);
  } catch (err) {
    if (executor === "slurm") throw err; // no squeue: this run cannot work either
  }
  if (queued.length) {
    throw new SparsedynError(
      "INVALID_ARGUMENT",
      `${dir}: jobs ${
        queued.join(", ")
      } of an earlier submission of this study are still in Slurm's queue; wait until they finish (squeue) or cancel them (scancel ${
        queued.join(" ")
      }), then run again`,
      { argument: "--out", file: dir },
    );
  }
}

/** Runs `todo` with a pool of processes here; each failure is a note as it happens. */
async function runHere(
  plan: StudyPlan,
  todo: StudyTask[],
  options: RunStudyOptions,
): Promise<StudyTaskFailure[]> {
  const r = await runLocal(plan, todo, {
    jobs: options.jobs ?? navigator.hardwareConcurrency,
    onProgress: (done, total, m, id) => {
      options.onProgress?.(done, total);
      if (m?.status !== "done") {
        options.onNote?.(`${id} failed: ${m?.error ?? "no record"}`);
      }
    },
  });
  return r.ran.filter((x) => x.marker?.status !== "done").map((x) => ({
    id: x.id,
    error: x.marker?.error ?? "did not finish",
    log: `${plan.dir}/logs/${x.id}.log`,
  }));
}

/** Submits `todo` to Slurm, an array job per stage (each a note), and waits for them. */
async function runOnSlurm(
  plan: StudyPlan,
  todo: StudyTask[],
  options: RunStudyOptions,
): Promise<StudyTaskFailure[]> {
  const dir = plan.dir;
  const resources = stageResources(plan.manifest, options.slurm ?? {});
  const submitted = await submitSlurm(plan, todo, { resources });
  for (const s of submitted) {
    options.onNote?.(`${s.stage}: job ${s.jobId}, ${s.tasks.length} array task(s), ${s.script}`);
  }
  const outcomes = await waitSlurm(dir, submitted, options.onProgress);
  return outcomes.filter((o) => o.marker?.status !== "done").map((o) => ({
    id: o.id,
    error: o.marker?.error ?? "did not finish (killed without a record)",
    log: `${dir}/${o.log}`,
    slurmLog: `${dir}/${o.slurmLog} (array task ${o.jobId}_${o.index})`,
  }));
}

/**
 * The resources of each stage: the manifest's, with `over`'s partition, time, memory and
 * CPUs for every stage and its generic resources for training only.
 */
function stageResources(
  manifest: StudyManifest,
  over: SlurmResources,
): Record<string, SlurmResources> {
  const resources: Record<string, SlurmResources> = structuredClone(manifest.slurm);
  const all: SlurmResources = {
    ...(over.partition ? { partition: over.partition } : {}),
    ...(over.time ? { time: over.time } : {}),
    ...(over.mem ? { mem: over.mem } : {}),
    ...(over.cpus ? { cpus: over.cpus } : {}),
  };
  for (const s of ["default", "train", "encode", "fit", "test", "summary"]) {
    resources[s] = { ...resources[s], ...all };
  }
  if (over.gres) resources.train = { ...resources.train, gres: over.gres };
  return resources;
}

/** Failures kept from an earlier run (not retried): failures of the study too. */
async function earlierFailures(
  plan: StudyPlan,
  failed: StudyTaskFailure[],
): Promise<StudyTaskFailure[]> {
  const earlier: StudyTaskFailure[] = [];
  for (const t of plan.tasks) {
    if (failed.some((f) => f.id === t.id)) continue;
    const m = await readMarker(plan.dir, t.id);
    if (m?.status !== "done") {
      earlier.push({
        id: t.id,
        error: `${m?.error ?? "did not finish"} (from an earlier run; --retry redoes it)`,
        log: `${plan.dir}/logs/${t.id}.log`,
      });
    }
  }
  return earlier;
}

/** DIR/summary.json; undefined when it is missing or unreadable. */
async function readSummary(dir: string): Promise<StudySummary | undefined> {
  try {
    return JSON.parse(await Deno.readTextFile(`${dir}/summary.json`));
  } catch {
    return undefined;
  }
}
