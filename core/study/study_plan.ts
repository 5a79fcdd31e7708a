/**
 * A study's tasks: train → encode → fit → test → summary, each stage a set of independent
 * tasks, each task depending on tasks of earlier stages only. The plan is written to
 * `DIR/plan.json` by `sparsedyn study run`; every task process (local or on Slurm) reads
 * it from there, so both executors run exactly the same tasks.
 *
 * @example The tasks of a two-recording study
 * ```ts
 * import { checkManifest } from "./manifest.ts";
 * import { studyPlan } from "./study_plan.ts";
 *
 * const m = checkManifest({
 *   recordings: [
 *     { path: "a.npy", animal: "m1", session: "s1", condition: "a" },
 *     { path: "b.npy", animal: "m1", session: "s1", condition: "b" },
 *   ],
 * }, "/data/study.json");
 * const plan = studyPlan(m, "/out");
 * const ids = plan.tasks.map((t) => t.id);
 * if (ids.join(" ") !== "train/m1 encode/m1_s1_a encode/m1_s1_b fit/m1_s1_a fit/m1_s1_b test/m1/a_vs_b summary") {
 *   throw new Error(ids.join(" "));
 * }
 * ```
 *
 * @module
 */
import type { StudyManifest } from "./manifest.ts";

/** The stages, in order. */
export const STAGES = ["train", "encode", "fit", "test", "summary"] as const;
/** A stage's name. */
export type Stage = typeof STAGES[number];

/** One task: a `sparsedyn` command (or the summary) and the tasks it needs. */
export interface StudyTask {
  /** `stage/name`, e.g. `encode/m1_s1_a`; also its marker's and log's path under DIR. */
  id: string;
  /** The stage it belongs to. */
  stage: Stage;
  /** Tasks whose outputs this one reads. */
  deps: string[];
  /** The recording this task reads, for messages (train and encode). */
  recording?: string;
  /** The animal (test) or training group (train). */
  group?: string;
  /** Which of the manifest's tests (test). */
  comparison?: number;
}

/**
 * The name of a comparison in task ids and folders: `b_vs_a`'s labels made safe for paths.
 *
 * @param a The first condition.
 * @param b The second.
 */
export function comparisonName(a: string, b: string): string {
  const safe = (c: string) => c.replace(/[^\w.-]/g, "_");
  return `${safe(a)}_vs_${safe(b)}`;
}

/** The plan: the manifest as checked and the tasks in stage order. */
export interface StudyPlan {
  /** The output folder, absolute. */
  dir: string;
  /** The manifest, as checked. */
  manifest: StudyManifest;
  /** Every task, in stage order. */
  tasks: StudyTask[];
}

/**
 * The tasks of a study.
 *
 * @param manifest A checked manifest.
 * @param dir The output folder, absolute.
 * @returns The plan, tasks in stage order.
 */
export function studyPlan(manifest: StudyManifest, dir: string): StudyPlan {
  const tasks: StudyTask[] = [];
  const groupOf = (animal: string) => manifest.trainPer === "animal" ? animal : "study";
  for (const g of Object.keys(manifest.trainConfig)) {
    tasks.push({
      id: `train/${g}`,
      stage: "train",
      deps: [],
      recording: manifest.trainOn[g],
      group: g,
    });
  }
  for (const r of manifest.recordings) {
    tasks.push({
      id: `encode/${r.id}`,
      stage: "encode",
      deps: [`train/${groupOf(r.animal)}`],
      recording: r.id,
    });
  }
  if (manifest.fit) {
    for (const r of manifest.recordings) {
      tasks.push({ id: `fit/${r.id}`, stage: "fit", deps: [`encode/${r.id}`], recording: r.id });
    }
  }
  const animals = [...new Set(manifest.recordings.map((r) => r.animal))];
  // Comparison-major, so that the summary's rows of one comparison are together.
  manifest.tests.forEach((test, comparison) => {
    for (const animal of animals) {
      const mine = manifest.recordings.filter((r) =>
        r.animal === animal && (r.condition === test.a || r.condition === test.b)
      );
      tasks.push({
        id: `test/${animal}/${comparisonName(test.a, test.b)}`,
        stage: "test",
        deps: mine.map((r) => `encode/${r.id}`),
        group: animal,
        comparison,
      });
    }
  });
  tasks.push({
    id: "summary",
    stage: "summary",
    deps: tasks.filter((t) => t.stage === "test" || t.stage === "fit").map((t) => t.id),
  });
  return { dir, manifest, tasks };
}
