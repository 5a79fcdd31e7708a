/**
 * Which tasks a run must start: those not up to date, and every task that reads one of
 * them (its inputs will change). Tasks done with their current content key are skipped;
 * failed ones are kept failed unless `retry` (a broken file fails again; a killed or
 * cancelled task is worth retrying).
 *
 * @example
 * ```ts
 * import { pendingTasks } from "./pending_tasks.ts";
 * import { checkManifest } from "./manifest.ts";
 * import { studyPlan } from "./study_plan.ts";
 *
 * const dir = await Deno.makeTempDir();
 * const plan = studyPlan(checkManifest({
 *   recordings: [{ path: "a.npy", animal: "m", session: "1", condition: "x" }],
 * }, `${dir}/study.json`), dir);
 * const p = await pendingTasks(plan, false);
 * if (p.length !== plan.tasks.length) throw new Error("nothing has run: everything pending");
 * await Deno.remove(dir, { recursive: true });
 * ```
 *
 * @module
 */
import type { StudyPlan, StudyTask } from "./study_plan.ts";
import { taskUpToDate } from "./study_task.ts";

/**
 * The tasks to run, in stage order.
 *
 * @param plan The plan.
 * @param retry Whether failed tasks run again.
 */
export async function pendingTasks(plan: StudyPlan, retry: boolean): Promise<StudyTask[]> {
  const pending = new Set<string>();
  const out: StudyTask[] = [];
  for (const t of plan.tasks) {
    const afterPending = t.deps.some((d) => pending.has(d));
    if (afterPending || !(await taskUpToDate(plan, t, retry)).upToDate) {
      pending.add(t.id);
      out.push(t);
    }
  }
  return out;
}
