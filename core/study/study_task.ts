/**
 * One study task, as a local worker or a Slurm array task runs it (`sparsedyn study task
 * DIR ID`): checks what it needs, runs its `sparsedyn` command as a child process, and
 * records the outcome in a marker, `DIR/tasks/ID.json`, written atomically. The marker
 * holds the task's content key: a hash of its command and of its inputs (file sizes and
 * times of the movies, the keys of the tasks it reads). A task whose marker says done
 * with the key it would have now is skipped, so a rerun does only what is missing.
 *
 * @example Keys follow the inputs
 * ```ts
 * import { contentKey } from "./study_task.ts";
 *
 * const a = await contentKey({ argv: ["fit", "x.npy"], upstream: { "encode/x": "k1" } });
 * const b = await contentKey({ argv: ["fit", "x.npy"], upstream: { "encode/x": "k2" } });
 * if (a === b || a.length !== 64) throw new Error("a changed input changes the key");
 * ```
 *
 * @module
 */
import { SparsedynError } from "../errors.ts";
import { writeFileAtomic } from "../files/atomic_write.ts";
import { parseMovieSegment } from "../data/movie_segment.ts";
import { VERSION } from "../version.ts";
import type { StudyPlan, StudyTask } from "./study_plan.ts";

/** What a task's marker records. */
export interface TaskMarker {
  id: string;
  status: "done" | "failed";
  /** The content key of the inputs it ran on. */
  key: string;
  /** The sparsedyn command it ran (arguments after `sparsedyn`). */
  command?: string[];
  /** Why it failed: the command's own message. */
  error?: string;
  /** The file the failure concerns (as the command named it). */
  file?: string;
  /** Its log, relative to DIR. */
  log: string;
  seconds: number;
  /** Inputs left out (test: recordings whose encode failed). */
  excluded?: string[];
}

/** Where a task's marker lies. */
export function markerPath(dir: string, id: string): string {
  return `${dir}/tasks/${id}.json`;
}

/** Where a task's log lies, relative to DIR. */
export function logPath(id: string): string {
  return `logs/${id}.log`;
}

/** A task's marker, or undefined when it has none (never ran, or was killed). */
export async function readMarker(dir: string, id: string): Promise<TaskMarker | undefined> {
  try {
    return JSON.parse(await Deno.readTextFile(markerPath(dir, id)));
  } catch (err) {
    if (err instanceof Deno.errors.NotFound) return undefined;
    throw err;
  }
}

async function writeMarker(dir: string, m: TaskMarker): Promise<void> {
  const path = markerPath(dir, m.id);
  await Deno.mkdir(path.slice(0, path.lastIndexOf("/")), { recursive: true });
  await writeFileAtomic(path, new TextEncoder().encode(JSON.stringify(m, null, 2) + "\n"));
}

/** The hex SHA-256 of a JSON value: a task's content key. */
export async function contentKey(value: unknown): Promise<string> {
  const bytes = new TextEncoder().encode(JSON.stringify({ version: VERSION, value }));
  const hash = new Uint8Array(await crypto.subtle.digest("SHA-256", bytes));
  return [...hash].map((b) => b.toString(16).padStart(2, "0")).join("");
}

/** Size and modification time of a file (a segment's file), or why it cannot be read. */
async function fingerprint(path: string): Promise<unknown> {
  const file = parseMovieSegment(path).path;
  try {
    const st = await Deno.stat(file);
    return { file: path, size: st.size, mtime: st.mtime?.getTime() ?? null };
  } catch (err) {
    return { file: path, missing: (err as Error).name };
  }
}

/** What a task would run now: its command and content key, or why it cannot run. */
export interface TaskCommand {
  /** The sparsedyn command (undefined for the summary, which runs in-process). */
  argv?: string[];
  key: string;
  /** Set when an input task failed or never ran: the task fails with this message. */
  blocked?: string;
  excluded?: string[];
  /** Outputs to remove before running (a stale result of other inputs). */
  outputs: string[];
}

const recordingOf = (plan: StudyPlan, id: string) => {
  const r = plan.manifest.recordings.find((x) => x.id === id);
  if (!r) throw new SparsedynError("INVALID_ARGUMENT", `no recording "${id}" in the plan`);
  return r;
};

/**
 * The command a task runs, with its content key, given the markers of its inputs.
 *
 * @param plan The study's plan.
 * @param task The task.
 * @returns Its command, key and outputs; `blocked` when an input is missing.
 */
export async function taskCommand(plan: StudyPlan, task: StudyTask): Promise<TaskCommand> {
  const dir = plan.dir, m = plan.manifest;
  const upstream: Record<string, string | null> = {};
  const failedInputs: string[] = [];
  for (const d of task.deps) {
    const mk = await readMarker(dir, d);
    upstream[d] = mk?.status === "done" ? mk.key : null;
    if (mk?.status !== "done") failedInputs.push(d);
  }
  const why = (ids: string[]) =>
    `needs ${ids.join(", ")}, which ${ids.length > 1 ? "have" : "has"} not finished (see ${
      ids.map((i) => logPath(i)).join(", ")
    })`;
  let argv: string[] | undefined, blocked: string | undefined, excluded: string[] | undefined;
  let inputs: unknown[] = [], outputs: string[] = [];
  switch (task.stage) {
    case "train": {
      const r = recordingOf(plan, task.recording!);
      const config = `${dir}/configs/${task.group}.json`;
      argv = ["train", r.path, "--out", `${dir}/train/${task.group}`, "--config", config];
      if (m.backend) argv.push("--backend", m.backend);
      inputs = [await fingerprint(r.path), m.trainConfig[task.group!]];
      outputs = [`${dir}/train/${task.group}`, `${dir}/train/${task.group}.checkpoint`];
      break;
    }
    case "encode": {
      const r = recordingOf(plan, task.recording!);
      const out = `${dir}/encode/${r.id}.latents.npy`;
      argv = ["encode", `${dir}/${task.deps[0]}`, r.path, "--out", out];
      inputs = [await fingerprint(r.path)];
      outputs = [out];
      if (failedInputs.length) blocked = why(failedInputs);
      break;
    }
    case "fit": {
      const out = `${dir}/fit/${task.recording}.var.json`;
      argv = ["fit", `${dir}/encode/${task.recording}.latents.npy`, "--out", out];
      outputs = [out];
      if (failedInputs.length) blocked = why(failedInputs);
      break;
    }
    case "test": {
      const t = m.tests[task.comparison!];
      const ok = (d: string) => !failedInputs.includes(d);
      const side = (c: string) =>
        task.deps.filter((d) => ok(d) && recordingOf(plan, d.slice(7)).condition === c);
      const a = side(t.a), b = side(t.b);
      excluded = failedInputs.map((d) => recordingOf(plan, d.slice(7)).path);
      const latents = (d: string) => `${dir}/encode/${d.slice(7)}.latents.npy`;
      argv = [
        "test",
        ...a.flatMap((d) => ["--a", latents(d)]),
        ...b.flatMap((d) => ["--b", latents(d)]),
        ...optional("--window", t.window),
        ...optional("--stride", t.stride),
        ...optional("--lags", t.lags),
        ...optional("--permutations", t.permutations),
        ...optional("--alpha", t.alpha),
        ...optional("--seed", t.seed),
        ...optional("--components", t.components),
        "--out",
        `${dir}/${task.id}`,
      ];
      outputs = [`${dir}/${task.id}/test.json`];
      if (a.length === 0 || b.length === 0) {
        blocked = `${task.group}: no recording of condition "${
          a.length === 0 ? t.a : t.b
        }" was encoded; ${why(failedInputs)}`;
      }
      break;
    }
    case "summary":
      // The summary reports failures too: it runs whatever its inputs did.
      outputs = [`${dir}/summary.json`, `${dir}/summary.csv`];
      break;
  }
  const key = await contentKey({ argv, inputs, upstream });
  return { argv, key, blocked, excluded: excluded?.length ? excluded : undefined, outputs };
}

function optional(flag: string, v: number | string | undefined): string[] {
  return v === undefined ? [] : [flag, String(v)];
}

/** Whether a task is up to date: done, or (unless `retry`) failed, with this key. */
export async function taskUpToDate(
  plan: StudyPlan,
  task: StudyTask,
  retry: boolean,
): Promise<{ upToDate: boolean; marker?: TaskMarker }> {
  const marker = await readMarker(plan.dir, task.id);
  if (!marker) return { upToDate: false };
  const { key } = await taskCommand(plan, task);
  if (marker.key !== key) return { upToDate: false, marker };
  return { upToDate: marker.status === "done" || !retry, marker };
}

/** Reads `DIR/plan.json`. */
export async function readPlan(dir: string): Promise<StudyPlan> {
  const path = `${dir}/plan.json`;
  try {
    return JSON.parse(await Deno.readTextFile(path));
  } catch (err) {
    throw new SparsedynError(
      "BAD_FILE",
      `${path}: not a study's plan (${
        (err as Error).message
      }); start the study with sparsedyn study run`,
      { file: path, cause: err },
    );
  }
}

/** How a task runs a sparsedyn command: the process's exit status and its stderr. */
export type CommandRunner = (argv: string[]) => Promise<{ code: number; stderr: string }>;

/**
 * Runs a task (unless it is up to date) and writes its marker.
 *
 * @param dir The study's output folder.
 * @param id The task's id.
 * @param run Runs a sparsedyn command.
 * @param summarize Writes the summary (the summary task).
 * @param stopped Whether the process is being stopped: then its signal handler writes the
 *   marker (cancelled), not the command's failure that the stop caused.
 * @returns The marker written, or the existing one with `skipped`.
 */
export async function runTask(
  dir: string,
  id: string,
  run: CommandRunner,
  summarize: (plan: StudyPlan) => Promise<void>,
  stopped: () => boolean = () => false,
): Promise<TaskMarker & { skipped?: boolean }> {
  const plan = await readPlan(dir);
  const task = plan.tasks.find((t) => t.id === id);
  if (!task) {
    throw new SparsedynError("INVALID_ARGUMENT", `no task "${id}" in ${dir}/plan.json`, {
      argument: "ID",
    });
  }
  const old = await readMarker(dir, id);
  const cmd = await taskCommand(plan, task);
  if (old?.status === "done" && old.key === cmd.key) return { ...old, skipped: true };
  const start = performance.now();
  const base = { id, key: cmd.key, command: cmd.argv, log: logPath(id), excluded: cmd.excluded };
  const seconds = () => Math.round((performance.now() - start) / 10) / 100;
  if (cmd.blocked) {
    const m: TaskMarker = { ...base, status: "failed", error: cmd.blocked, seconds: 0 };
    await writeMarker(dir, m);
    return m;
  }
  // A result of other inputs, or one left by a task killed after writing it: redone whole.
  for (const o of cmd.outputs) await Deno.remove(o, { recursive: true }).catch(() => {});
  for (const o of cmd.outputs) {
    await Deno.mkdir(o.slice(0, o.lastIndexOf("/")), { recursive: true });
  }
  if (task.stage === "train") {
    await Deno.mkdir(`${dir}/configs`, { recursive: true });
    await writeFileAtomic(
      `${dir}/configs/${task.group}.json`,
      new TextEncoder().encode(JSON.stringify(plan.manifest.trainConfig[task.group!], null, 2)),
    );
  }
  let m: TaskMarker;
  if (task.stage === "summary") {
    await summarize(plan);
    m = { ...base, status: "done", seconds: seconds() };
  } else {
    const r = await run([...cmd.argv!, "--json"]);
    const err = r.code === 0 ? undefined : commandError(r.stderr, r.code);
    m = {
      ...base,
      status: r.code === 0 ? "done" : "failed",
      ...(err ? { error: err.message, ...(err.file ? { file: err.file } : {}) } : {}),
      seconds: seconds(),
    };
  }
  if (!stopped()) await writeMarker(dir, m);
  return m;
}

/** The failure a command reported (its last JSON error line on stderr, as --json prints). */
function commandError(stderr: string, code: number): { message: string; file?: string } {
  const lines = stderr.trim().split("\n").reverse();
  for (const l of lines) {
    try {
      const j = JSON.parse(l);
      if (j?.error?.message) return { message: j.error.message, file: j.error.file };
    } catch { /* a progress or log line */ }
  }
  const last = lines.find((l) => l.trim() !== "");
  return { message: `exit status ${code}${last ? `: ${last.slice(0, 500)}` : ""}` };
}

/** Marks a task failed because its process was stopped (Slurm's scancel, a SIGTERM). */
export async function markCancelled(dir: string, id: string, signal: string): Promise<void> {
  const plan = await readPlan(dir);
  const task = plan.tasks.find((t) => t.id === id);
  if (!task) return;
  const { key, argv } = await taskCommand(plan, task);
  await writeMarker(dir, {
    id,
    status: "failed",
    key,
    command: argv,
    error: `stopped by ${signal} (cancelled or out of time); rerun with --retry`,
    log: logPath(id),
    seconds: 0,
  });
}
