// `sparsedyn study`: many recordings as one study. `init` writes study.json from a folder of
// movies and a CSV of labels; `run` runs train → encode → fit → test → summary on a local
// pool of processes or on Slurm, skipping what is done; `task` is one task's process (what
// both executors start).
import { SparsedynError } from "../core/errors.ts";
import { readManifest } from "../core/study/manifest.ts";
import { lockOutput } from "../core/runs/output_lock.ts";
import { UsageError } from "./_flags.ts";
import { defineCommand } from "./_command.ts";
import { absolute, init, runStudy, task } from "./_study_steps.ts";

const INIT = "init", RUN = "run";

export const study = defineCommand("study", {
  summary: "run train → encode → fit → test → summary over many recordings (local or Slurm)",
  synopsis: `init <folder> --labels FILE.csv [--out study.json]
       sparsedyn study run <study.json> --out DIR [options]
       sparsedyn study task DIR ID`,
  description: `Runs a whole study: the recordings of study.json (each with its animal, session and
condition; docs/study.md) go through train (a model per animal, or one shared) → encode →
fit (a sparse VAR per recording) → test (each comparison of two conditions, per animal) →
summary (a table over animals × comparisons: p, BH q across animals, effect sizes;
DIR/summary.json and .csv). Each task
is one sparsedyn command with its log in DIR/logs/; its outcome is recorded in DIR/tasks/.
A task done with the same inputs is skipped, so a rerun does only what is missing.`,
  footer: `Exit status: 0 when every task finished, 1 when some failed (they are listed with their
logs; the summary names the files), 2 on a usage error.`,
  flags: {
    labels: {
      type: "string",
      arg: "FILE",
      group: INIT,
      help:
        "CSV with columns file, animal, session, condition (id optional);\nfile may be FILE[start:end]",
    },
    per: {
      type: "string",
      arg: "P",
      group: INIT,
      choices: ["animal", "study"],
      help: "animal (default: a model per animal) or study (one shared model)",
    },
    config: {
      type: "string",
      arg: "FILE",
      group: INIT,
      help: `training settings (sparsedyn train --config's JSON; default
{"epochs": 10}), written into the manifest`,
    },
    test: {
      type: "string",
      arg: "A,B",
      group: INIT,
      help: `compare conditions A and B per animal (default: every other
condition against the first; more comparisons: edit analyses.test)`,
    },
    out: {
      type: "string",
      arg: "PATH",
      group: RUN,
      help: `init: the manifest to write (default study.json; never replaced);
run: the study's output folder (created; reused by a rerun)`,
    },
    executor: {
      type: "string",
      arg: "E",
      group: RUN,
      choices: ["local", "slurm"],
      default: "local",
      help:
        "local (a pool of processes here) or slurm (one sbatch\n--array per stage; scripts kept in DIR/slurm/)",
    },
    jobs: {
      type: "integer",
      min: 1,
      arg: "N",
      group: RUN,
      help: "local: processes at once (default: the number of cores)",
    },
    retry: {
      type: "boolean",
      group: RUN,
      help: `run again the tasks that failed (a rerun without it keeps failures,
which a broken file would repeat, and does only what never finished)`,
    },
    partition: {
      type: "string",
      arg: "P",
      group: RUN,
      help: 'slurm: partition of every stage (over the manifest\'s "slurm")',
    },
    time: { type: "string", arg: "T", group: RUN, help: "slurm: time limit of every stage" },
    mem: { type: "string", arg: "M", group: RUN, help: "slurm: memory of every stage" },
    cpus: { type: "integer", min: 1, arg: "N", group: RUN, help: "slurm: CPUs of every stage" },
    gres: {
      type: "string",
      arg: "G",
      group: RUN,
      help: "slurm: generic resources of the train stage (e.g. gpu:1)",
    },
    json: {
      type: "boolean",
      group: RUN,
      help: "print the summary as JSON; progress as JSON lines on stderr",
    },
  },
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
