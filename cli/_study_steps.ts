// The subcommands of `sparsedyn study` behind its flags: init (the manifest), run (every
// stage, local or on Slurm, skipping what is done) and task (one task's process).
import { SparsedynError } from "../core/errors.ts";
import { writeFileAtomic } from "../core/files/atomic_write.ts";
import { checkManifest, type SlurmResources, type StudyManifest } from "../core/study/manifest.ts";
import { readTrainConfig } from "../core/train/train_config.ts";
import { studyPlan } from "../core/study/study_plan.ts";
import { markCancelled, markerPath, readMarker, runTask } from "../core/study/study_task.ts";
import { pendingTasks } from "../core/study/pending_tasks.ts";
import { runLocal } from "../core/study/local_executor.ts";
import { earlierJobsQueued, submitSlurm, waitSlurm } from "../core/study/slurm_executor.ts";
import { writeStudySummary } from "../core/study/study_summary.ts";
import { studyFromLabels } from "../core/study/study_init.ts";
import { sparsedynCommand } from "../core/study/task_process.ts";
import { UsageError } from "./_flags.ts";
import { progress } from "./_progress.ts";

export async function runStudy(
  manifest: StudyManifest,
  dir: string,
  executor: "local" | "slurm",
  jobs: number,
  values: {
    retry?: boolean;
    json?: boolean;
    partition?: string;
    time?: string;
    mem?: string;
    gres?: string;
  },
  cpus: number | undefined,
): Promise<number> {
  // Tasks of an earlier Slurm submission may still run: submitting them again (or running
  // them here) would run each twice at once.
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
  const plan = studyPlan(manifest, dir);
  const enc = new TextEncoder();
  await writeFileAtomic(`${dir}/plan.json`, enc.encode(JSON.stringify(plan, null, 2) + "\n"));
  const retry = values.retry ?? false;
  const todo = await pendingTasks(plan, retry);
  // Their old outcomes are moot: a marker present later is this run's.
  for (const t of todo) await Deno.remove(markerPath(dir, t.id)).catch(() => {});
  const json = values.json ?? false;
  const say = (line: string) => console.error(json ? JSON.stringify({ note: line }) : line);
  say(
    `sparsedyn study: ${plan.tasks.length} tasks, ${
      plan.tasks.length - todo.length
    } up to date, ${todo.length} to run (${executor})`,
  );
  const report = progress("study", json);
  let failed: { id: string; error: string; log: string; slurmLog?: string }[] = [];
  if (executor === "local") {
    const r = await runLocal(plan, todo, {
      jobs,
      onProgress: (done, total, m, id) => {
        report(done, total);
        if (m?.status !== "done") {
          say(`sparsedyn study: ${id} failed: ${m?.error ?? "no record"}`);
        }
      },
    });
    failed = r.ran.filter((x) => x.marker?.status !== "done").map((x) => ({
      id: x.id,
      error: x.marker?.error ?? "did not finish",
      log: `${dir}/logs/${x.id}.log`,
    }));
  } else {
    const resources: Record<string, SlurmResources> = structuredClone(manifest.slurm);
    const all: SlurmResources = {
      ...(values.partition ? { partition: values.partition } : {}),
      ...(values.time ? { time: values.time } : {}),
      ...(values.mem ? { mem: values.mem } : {}),
      ...(cpus ? { cpus } : {}),
    };
    for (const s of ["default", "train", "encode", "fit", "test", "summary"]) {
      resources[s] = { ...resources[s], ...all };
    }
    if (values.gres) resources.train = { ...resources.train, gres: values.gres };
    const submitted = await submitSlurm(plan, todo, { resources });
    for (const s of submitted) {
      say(
        `sparsedyn study: ${s.stage}: job ${s.jobId}, ${s.tasks.length} array task(s), ${s.script}`,
      );
    }
    const outcomes = await waitSlurm(dir, submitted, report);
    failed = outcomes.filter((o) => o.marker?.status !== "done").map((o) => ({
      id: o.id,
      error: o.marker?.error ?? "did not finish (killed without a record)",
      log: `${dir}/${o.log}`,
      slurmLog: `${dir}/${o.slurmLog} (array task ${o.jobId}_${o.index})`,
    }));
  }
  // Failures kept from an earlier run (not retried) are failures of the study too.
  for (const t of plan.tasks) {
    if (failed.some((f) => f.id === t.id)) continue;
    const m = await readMarker(dir, t.id);
    if (m?.status !== "done") {
      failed.push({
        id: t.id,
        error: `${m?.error ?? "did not finish"} (from an earlier run; --retry redoes it)`,
        log: `${dir}/logs/${t.id}.log`,
      });
    }
  }
  for (const f of failed) {
    say(
      `sparsedyn study: failed ${f.id}: ${f.error}\n  log: ${f.log}${
        f.slurmLog ? `\n  slurm: ${f.slurmLog}` : ""
      }`,
    );
  }
  let summary;
  try {
    summary = JSON.parse(await Deno.readTextFile(`${dir}/summary.json`));
  } catch {
    summary = undefined;
  }
  if (json) {
    console.log(JSON.stringify({ out: dir, ran: todo.map((t) => t.id), failed, summary }));
  } else {
    console.log(`sparsedyn study: ${dir}: ran ${todo.length} task(s), ${failed.length} failed`);
    for (const r of summary?.animals ?? []) {
      console.log(
        r.error
          ? `  ${r.animal}: not tested: ${r.error}${r.file ? ` (${r.file})` : ""}`
          : `  ${r.animal}: ${r.a} vs ${r.b}: p ${r.p.toPrecision(3)}, q ${r.q.toPrecision(3)}${
            r.differs ? " (differ)" : ""
          }, effect z ${r.effectZ?.toFixed(2) ?? "—"}`,
      );
    }
    if (summary) console.log(`  summary: ${dir}/summary.json, ${dir}/summary.csv`);
    if (failed.length) console.log(`  rerun failed tasks with --retry`);
  }
  return failed.length ? 1 : 0;
}

export function absolute(p: string): string {
  const a = p.startsWith("/") ? p : `${Deno.cwd()}/${p}`;
  return a.replace(/\/+$/, "").replace(/\/\.(?=\/|$)/g, "");
}

export async function init(
  rest: string[],
  flags: { labels?: string; out?: string; per?: string; config?: string; test?: string },
) {
  if (rest.length !== 1) throw new UsageError("study init takes one folder of movies");
  if (!flags.labels) throw new UsageError("--labels FILE.csv is required", "--labels");
  const per = flags.per;
  if (per !== undefined && per !== "animal" && per !== "study") {
    throw new UsageError(`--per must be animal or study; got "${per}"`, "--per");
  }
  const test = flags.test?.split(",").map((c) => c.trim());
  if (test && (test.length !== 2 || test.some((c) => c === "") || test[0] === test[1])) {
    throw new UsageError(
      `--test must be two different conditions A,B; got "${flags.test}"`,
      "--test",
    );
  }
  // Checked now, as the manifest will be: a bad config is named with its own file.
  const config = flags.config
    ? (await readTrainConfig(flags.config)) as Record<string, unknown>
    : undefined;
  const target = flags.out ?? "study.json";
  const slash = target.lastIndexOf("/");
  const manifestDir = slash < 0 ? "." : target.slice(0, slash) || "/";
  const { manifest, unlisted } = await studyFromLabels(rest[0], flags.labels, manifestDir, {
    per,
    config,
    test: test ? { a: test[0], b: test[1] } : undefined,
  });
  // The manifest as `study run` will read it: a condition that is not in the labels is
  // said now, not at the run.
  checkManifest(manifest, absolute(target));
  try {
    await Deno.stat(target);
    throw new SparsedynError("IO", `"${target}" exists; it is never replaced (choose --out)`, {
      file: target,
      argument: "--out",
    });
  } catch (err) {
    if (!(err instanceof Deno.errors.NotFound)) throw err;
  }
  await writeFileAtomic(target, new TextEncoder().encode(JSON.stringify(manifest, null, 2) + "\n"));
  const n = (manifest.recordings as unknown[]).length;
  console.log(`sparsedyn study: wrote ${target}: ${n} recording(s)`);
  if (unlisted.length) {
    console.log(`  not in the labels (left out): ${unlisted.join(", ")}`);
  }
  return 0;
}

/** One task's process: runs it, its command as a child process, and records the outcome. */
export async function task(dirArg: string, id: string): Promise<number> {
  const dir = absolute(dirArg);
  let child: Deno.ChildProcess | undefined;
  let stopping = false;
  // scancel (or a time limit) sends SIGTERM: say so in the marker, so that the study
  // lists the task as cancelled and --retry redoes it.
  const onTerm = () => {
    if (stopping) return;
    stopping = true;
    try {
      child?.kill("SIGTERM");
    } catch { /* already gone */ }
    markCancelled(dir, id, "SIGTERM").finally(() => Deno.exit(143));
  };
  Deno.addSignalListener("SIGTERM", onTerm);
  try {
    const m = await runTask(dir, id, async (args) => {
      const [program, ...rest] = sparsedynCommand(args);
      console.error(`sparsedyn study task ${id}: sparsedyn ${args.join(" ")}`);
      child = new Deno.Command(program, { args: rest, stdout: "inherit", stderr: "piped" })
        .spawn();
      // The child's stderr goes to ours (the log) and is kept, to find its error.
      let tail = "";
      const dec = new TextDecoder();
      for await (const chunk of child.stderr) {
        await Deno.stderr.write(chunk);
        tail = (tail + dec.decode(chunk, { stream: true })).slice(-20000);
      }
      const { code } = await child.status;
      return { code, stderr: tail };
    }, async (plan) => {
      await writeStudySummary(plan);
    }, () => stopping);
    if (stopping) await new Promise(() => {}); // the SIGTERM handler exits
    console.error(
      `sparsedyn study task ${id}: ${m.skipped ? "up to date" : m.status}${
        m.error ? `: ${m.error}` : ""
      }`,
    );
    return m.status === "done" ? 0 : 1;
  } finally {
    Deno.removeSignalListener("SIGTERM", onTerm);
  }
}
