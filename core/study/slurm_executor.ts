/**
 * The Slurm executor: one `sbatch --array` per stage, each array task a `sparsedyn study
 * task DIR ID` process (the local executor's command), later stages after earlier ones.
 * The scripts and task lists are kept in `DIR/slurm/` so that a user can read and rerun
 * them by hand. Jobs are tracked with `squeue` and each task's marker (no accounting
 * daemon is needed).
 *
 * Stages depend with `afterany`, not `afterok`: with `afterok` one broken recording's
 * failed array task would cancel every later stage of the whole study; with `afterany`
 * each task checks its own inputs' markers and fails alone, naming the task it needed.
 *
 * @example The script of a stage
 * ```ts
 * import { stageScript } from "./slurm_executor.ts";
 *
 * const s = stageScript("/out", "train", { partition: "gpu", gres: "gpu:1", time: "1:00:00" });
 * if (!s.includes("#SBATCH --gres=gpu:1") || !s.includes('sed -n "$((SLURM_ARRAY_TASK_ID + 1))p"')) {
 *   throw new Error(s);
 * }
 * ```
 *
 * @module
 */
import { SparsedynError } from "../errors.ts";
import { writeFileAtomic } from "../files/atomic_write.ts";
import type { SlurmResources } from "./manifest.ts";
import { type Stage, STAGES, type StudyPlan, type StudyTask } from "./study_plan.ts";
import { logPath, readMarker, type TaskMarker } from "./study_task.ts";
import { shellQuote, sparsedynCommand } from "./task_process.ts";

/** A submitted stage: its job and the tasks of its array, in index order. */
export interface SubmittedStage {
  stage: Stage;
  jobId: string;
  tasks: string[];
  script: string;
}

/**
 * The batch script of a stage: the array index picks a line of `DIR/slurm/STAGE.tasks`.
 *
 * @param dir The study's folder (absolute).
 * @param stage The stage.
 * @param res Its resources.
 */
export function stageScript(dir: string, stage: Stage, res: SlurmResources): string {
  const cmd = sparsedynCommand(["study", "task", dir]).map(shellQuote).join(" ");
  const lines = [
    "#!/bin/bash",
    `# sparsedyn study: the ${stage} stage; array task i runs line i+1 of ${stage}.tasks.`,
    `# Rerun one task by hand: ${cmd} TASK_ID`,
    `#SBATCH --job-name=sparsedyn-${stage}`,
    `#SBATCH --output=${dir}/slurm/logs/${stage}_%A_%a.out`,
    ...(res.partition ? [`#SBATCH --partition=${res.partition}`] : []),
    ...(res.time ? [`#SBATCH --time=${res.time}`] : []),
    ...(res.mem ? [`#SBATCH --mem=${res.mem}`] : []),
    `#SBATCH --cpus-per-task=${res.cpus ?? 1}`,
    ...(res.gres ? [`#SBATCH --gres=${res.gres}`] : []),
    "set -euo pipefail",
    `ID=$(sed -n "$((SLURM_ARRAY_TASK_ID + 1))p" ${shellQuote(`${dir}/slurm/${stage}.tasks`)})`,
    `LOG=${shellQuote(`${dir}/`)}logs/"$ID".log`,
    'mkdir -p "$(dirname "$LOG")"',
    `exec ${cmd} "$ID" >"$LOG" 2>&1`,
    "",
  ];
  return lines.join("\n");
}

async function slurmCommand(program: string, args: string[]): Promise<string> {
  let out;
  try {
    out = await new Deno.Command(program, { args, stdout: "piped", stderr: "piped" }).output();
  } catch (err) {
    throw new SparsedynError(
      "IO",
      `cannot run ${program} (${(err as Error).message}): is Slurm installed on this machine?`,
      { cause: err },
    );
  }
  const text = new TextDecoder();
  if (!out.success) {
    throw new SparsedynError(
      "IO",
      `${program} ${args.join(" ")} failed: ${text.decode(out.stderr).trim()}`,
    );
  }
  return text.decode(out.stdout);
}

/** Options of {@link submitSlurm}. */
export interface SlurmOptions {
  /** Resources per stage; `default` for the others. Flags override the manifest. */
  resources: Record<string, SlurmResources>;
}

/**
 * Writes the scripts and submits one array job per stage that has tasks to run.
 *
 * @param plan The plan.
 * @param tasks The tasks to run (from {@link pendingTasks}).
 * @param options Resources.
 * @returns The submitted stages.
 */
export async function submitSlurm(
  plan: StudyPlan,
  tasks: StudyTask[],
  options: SlurmOptions,
): Promise<SubmittedStage[]> {
  const dir = plan.dir;
  await Deno.mkdir(`${dir}/slurm/logs`, { recursive: true });
  const submitted: SubmittedStage[] = [];
  for (const stage of STAGES) {
    const ids = tasks.filter((t) => t.stage === stage).map((t) => t.id);
    if (ids.length === 0) continue;
    const res = { ...options.resources.default, ...options.resources[stage] };
    const script = `${dir}/slurm/${stage}.sh`;
    const enc = new TextEncoder();
    await writeFileAtomic(`${dir}/slurm/${stage}.tasks`, enc.encode(ids.join("\n") + "\n"));
    await writeFileAtomic(script, enc.encode(stageScript(dir, stage, res)));
    await Deno.chmod(script, 0o755);
    const after = submitted.map((s) => s.jobId);
    const args = [
      "--parsable",
      `--array=0-${ids.length - 1}`,
      ...(after.length ? [`--dependency=afterany:${after.join(":")}`] : []),
      script,
    ];
    const jobId = (await slurmCommand("sbatch", args)).trim().split(";")[0];
    submitted.push({ stage, jobId, tasks: ids, script });
  }
  await writeFileAtomic(
    `${dir}/slurm/jobs.json`,
    new TextEncoder().encode(JSON.stringify(submitted, null, 2) + "\n"),
  );
  return submitted;
}

/** Array tasks of `jobIds` still queued or running, as `squeue` lists them. */
export async function queuedTasks(jobIds: string[]): Promise<number> {
  if (jobIds.length === 0) return 0;
  // squeue fails for job ids it has forgotten: ask for all of ours and filter.
  const out = await slurmCommand("squeue", ["-h", "-r", "-o", "%A %F %K %T"]);
  return out.split("\n").filter((l) => jobIds.includes(l.split(" ")[1])).length;
}

/** A finished array task, with the marker it left (none when it was killed outright). */
export interface SlurmTaskOutcome {
  id: string;
  stage: Stage;
  jobId: string;
  index: number;
  marker?: TaskMarker;
  /** The task's own log and Slurm's output file, relative to DIR. */
  log: string;
  slurmLog: string;
}

/**
 * Waits until the submitted jobs have left the queue, then reads each task's marker.
 *
 * @param dir The study's folder.
 * @param submitted What {@link submitSlurm} returned.
 * @param onProgress Called on each poll with the tasks finished (with a marker) and total.
 * @param pollMs Milliseconds between two polls.
 */
export async function waitSlurm(
  dir: string,
  submitted: SubmittedStage[],
  onProgress?: (done: number, total: number) => void,
  pollMs = 1000,
): Promise<SlurmTaskOutcome[]> {
  const all = submitted.flatMap((s) => s.tasks.map((id, index) => ({ s, id, index })));
  for (;;) {
    const queued = await queuedTasks(submitted.map((s) => s.jobId));
    // The markers of the tasks submitted were removed before: each one here is new.
    let finished = 0;
    for (const { id } of all) if (await readMarker(dir, id)) finished++;
    onProgress?.(Math.min(finished, all.length), all.length);
    if (queued === 0) break;
    await new Promise((r) => setTimeout(r, pollMs));
  }
  const out: SlurmTaskOutcome[] = [];
  for (const { s, id, index } of all) {
    out.push({
      id,
      stage: s.stage,
      jobId: s.jobId,
      index,
      marker: await readMarker(dir, id),
      log: logPath(id),
      slurmLog: `slurm/logs/${s.stage}_${s.jobId}_${index}.out`,
    });
  }
  return out;
}

/**
 * The jobs of the study's last submission (`DIR/slurm/jobs.json`) still in Slurm's queue: a
 * new run must not submit the same tasks again while they may still run.
 *
 * @param dir The study's folder.
 * @returns Their job ids (empty when none, or when the study was never submitted).
 * @throws {SparsedynError} `IO` when `squeue` cannot run.
 */
export async function earlierJobsQueued(dir: string): Promise<string[]> {
  let jobs: SubmittedStage[];
  try {
    jobs = JSON.parse(await Deno.readTextFile(`${dir}/slurm/jobs.json`));
  } catch {
    return [];
  }
  const ids = jobs.map((j) => j.jobId);
  const out = await slurmCommand("squeue", ["-h", "-r", "-o", "%F"]);
  const queued = new Set(out.split("\n").map((l) => l.trim()));
  return ids.filter((id) => queued.has(id));
}
