// `sparsedyn study`: many recordings as one study. `init` writes study.json from a folder of
// movies and a CSV of labels; `run` runs train → encode → fit → test → summary on a local
// pool of processes or on Slurm, skipping what is done; `task` is one task's process (what
// both executors start).
import { SparsedynError } from "../core/errors.ts";
import { readManifest } from "../core/study/manifest.ts";
import { lockOutput } from "../core/files/output_lock.ts";
import { UsageError } from "./_flags.ts";
import { defineCommand } from "./_command.ts";
import { STUDY_DESCRIPTION, STUDY_FLAGS } from "./_study_flags.ts";
import { absolute, init, runStudy, task } from "./_study_steps.ts";

export const study = defineCommand("study", {
  summary: "run train → encode → fit → test → summary over many recordings (local or Slurm)",
  synopsis: `init <folder> --labels FILE.csv [--out study.json]
       sparsedyn study run <study.json> --out DIR [options]
       sparsedyn study task DIR ID`,
  description: STUDY_DESCRIPTION,
  footer: `Exit status: 0 when every task finished, 1 when some failed (they are listed with their
logs; the summary names the files), 2 on a usage error.`,
  flags: STUDY_FLAGS,
  async run(values, positionals) {
    const [sub, ...rest] = positionals;
    if (sub === "init") return await init(rest, values);
    if (sub === "task") {
      if (rest.length !== 2) throw new UsageError("study task takes DIR and a task ID");
      return await task(rest[0], rest[1]);
    }
    if (sub !== "run") {
      throw new UsageError(
        sub === undefined
          ? "give init, run or task"
          : `unknown study command "${sub}" (init, run or task)`,
      );
    }
    if (rest.length !== 1) throw new UsageError("study run takes one study.json");
    if (!values.out) throw new UsageError("--out DIR is required", "--out");
    const executor = values.executor as "local" | "slurm";
    const jobs = values.jobs ?? navigator.hardwareConcurrency;
    if (values.jobs !== undefined && executor !== "local") {
      throw new UsageError("--jobs is for --executor local (Slurm sizes its own)", "--jobs");
    }
    const slurmFlags = ["partition", "time", "mem", "cpus", "gres"] as const;
    for (const f of slurmFlags) {
      if (values[f] !== undefined && executor !== "slurm") {
        throw new UsageError(`--${f} is for --executor slurm`, `--${f}`);
      }
    }
    const cpus = values.cpus;
    const manifest = await readManifest(rest[0]);
    const dir = absolute(values.out);
    try {
      await Deno.mkdir(dir, { recursive: true });
    } catch (err) {
      throw new SparsedynError("IO", `Cannot create "${values.out}": ${(err as Error).message}`, {
        file: values.out,
        argument: "--out",
        cause: err,
      });
    }
    // One run of a study at a time: two would run the same tasks and remove each other's
    // outputs. (A run that was killed leaves a stale lock, which the next one takes over.)
    const lock = await lockOutput(dir);
    try {
      return await runStudy(manifest, dir, executor, jobs, values, cpus);
    } finally {
      await lock.release();
    }
  },
});
