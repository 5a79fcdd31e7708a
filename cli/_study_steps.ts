// The subcommands of `sparsedyn study` behind its flags: init (the manifest) and task (one
// task's process); run is the library's runStudy (core/study/run_study.ts).
import { SparsedynError } from "../core/errors.ts";
import { writeFileAtomic } from "../core/files/atomic_write.ts";
import { checkManifest } from "../core/study/manifest.ts";
import { markCancelled, runTask } from "../core/study/study_task.ts";
import { readTrainConfig } from "../core/train/train_config.ts";
import { writeStudySummary } from "../core/study/study_summary.ts";
import { studyFromLabels } from "../core/study/study_init.ts";
import { sparsedynCommand } from "../core/study/task_process.ts";
import { UsageError } from "./_flags.ts";

/** `p` as an absolute path without trailing slashes or "." segments. */
export function absolute(p: string): string {
  const a = p.startsWith("/") ? p : `${Deno.cwd()}/${p}`;
  return a.replace(/\/+$/, "").replace(/\/\.(?=\/|$)/g, "");
}

/**
 * `study init`: the manifest for a folder of movies and a CSV of labels, checked as `study
 * run` will read it and written to --out (never replacing a file).
 */
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
