/**
 * The local executor: a pool of worker processes on this machine, stage by stage, each
 * task a `sparsedyn study task DIR ID` process whose output goes to `DIR/logs/ID.log`.
 *
 * @example
 * ```ts
 * import { runLocal } from "./local_executor.ts";
 * import type { StudyPlan } from "./study_plan.ts";
 *
 * const dir = await Deno.makeTempDir();
 * const plan: StudyPlan = { dir, manifest: {} as StudyPlan["manifest"], tasks: [] };
 * const r = await runLocal(plan, [], { jobs: 2 });
 * if (r.ran.length !== 0) throw new Error("no tasks, nothing ran");
 * await Deno.remove(dir, { recursive: true });
 * ```
 *
 * @module
 */
import { STAGES, type StudyPlan, type StudyTask } from "./study_plan.ts";
import { logPath, readMarker, type TaskMarker } from "./study_task.ts";
import { sparsedynCommand } from "./task_process.ts";

/** Options of {@link runLocal}. */
export interface LocalOptions {
  /** Worker processes at once. */
  jobs: number;
  /** Called after each task with the count finished and the total. */
  onProgress?: (done: number, total: number, last: TaskMarker | undefined, id: string) => void;
}

/**
 * Runs `tasks` (from {@link pendingTasks}) with a pool of processes, a stage at a time.
 *
 * @param plan The plan (written to DIR/plan.json).
 * @param tasks The tasks to run.
 * @param options Pool size and progress.
 * @returns The tasks run and their markers.
 */
export async function runLocal(
  plan: StudyPlan,
  tasks: StudyTask[],
  options: LocalOptions,
): Promise<{ ran: { id: string; marker?: TaskMarker }[] }> {
  const ran: { id: string; marker?: TaskMarker }[] = [];
  let done = 0;
  for (const stage of STAGES) {
    const queue = tasks.filter((t) => t.stage === stage);
    const worker = async () => {
      for (let t = queue.shift(); t; t = queue.shift()) {
        await runTaskProcess(plan.dir, t.id);
        const marker = await readMarker(plan.dir, t.id);
        ran.push({ id: t.id, marker });
        options.onProgress?.(++done, tasks.length, marker, t.id);
      }
    };
    await Promise.all(Array.from({ length: Math.max(1, options.jobs) }, worker));
  }
  return { ran };
}

/** One task process, its output into its log. */
async function runTaskProcess(dir: string, id: string): Promise<number> {
  const log = `${dir}/${logPath(id)}`;
  await Deno.mkdir(log.slice(0, log.lastIndexOf("/")), { recursive: true });
  const [program, ...args] = sparsedynCommand(["study", "task", dir, id]);
  const file = await Deno.open(log, { write: true, create: true, truncate: true });
  const child = new Deno.Command(program, {
    args,
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  // Both streams into the one log, in the order they come.
  const writer = file.writable.getWriter();
  const pump = async (s: ReadableStream<Uint8Array>) => {
    for await (const chunk of s) await writer.write(chunk);
  };
  await Promise.all([pump(child.stdout), pump(child.stderr)]);
  const { code } = await child.status;
  await writer.close();
  return code;
}
