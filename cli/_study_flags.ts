// The flags and help of `sparsedyn study`, as a table (cli/_command.ts), and the check of
// the flags that belong to one executor.
import type { Flags, FlagTable } from "./_command.ts";
import { UsageError } from "./_flags.ts";

const INIT = "init", RUN = "run";

export const STUDY_DESCRIPTION =
  `Runs a whole study: the recordings of study.json (each with its animal, session and
condition; docs/study.md) go through train (a model per animal, or one shared) → encode →
fit (a sparse VAR per recording) → test (each comparison of two conditions, per animal) →
summary (a table over animals × comparisons: p, BH q across animals, effect sizes;
DIR/summary.json and .csv). Each task
is one sparsedyn command with its log in DIR/logs/; its outcome is recorded in DIR/tasks/.
A task done with the same inputs is skipped, so a rerun does only what is missing.`;

export const STUDY_FLAGS = {
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
} as const satisfies FlagTable;

/**
 * The executor of `study run`, once each flag given is one of its own.
 *
 * @throws {UsageError} Naming --jobs without the local executor, or a Slurm flag without Slurm.
 */
export function checkExecutorFlags(values: Flags<typeof STUDY_FLAGS>): "local" | "slurm" {
  const executor = values.executor as "local" | "slurm";
  if (values.jobs !== undefined && executor !== "local") {
    throw new UsageError("--jobs is for --executor local (Slurm sizes its own)", "--jobs");
  }
  const slurmFlags = ["partition", "time", "mem", "cpus", "gres"] as const;
  for (const f of slurmFlags) {
    if (values[f] !== undefined && executor !== "slurm") {
      throw new UsageError(`--${f} is for --executor slurm`, `--${f}`);
    }
  }
  return executor;
}
