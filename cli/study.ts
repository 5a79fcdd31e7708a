// `sparsedyn study`: many recordings as one study. `init` writes study.json from a folder of
// movies and a CSV of labels; `run` runs train → encode → fit → test → summary on a local
// pool of processes or on Slurm, skipping what is done; `task` is one task's process (what
// both executors start).
import { SparsedynError } from "../core/errors.ts";
import { readManifest } from "../core/study/manifest.ts";
import { runStudy } from "../core/study/run_study.ts";
import { UsageError } from "./_flags.ts";
import { defineCommand } from "./_command.ts";
import { checkExecutorFlags, STUDY_DESCRIPTION, STUDY_FLAGS } from "./_study_flags.ts";
import { absolute, init, task } from "./_study_steps.ts";
import { printStudyRun, studyNote } from "./_study_report.ts";
import { progress } from "./_progress.ts";

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
    const executor = checkExecutorFlags(values);
    const jobs = values.jobs ?? navigator.hardwareConcurrency;
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
    const json = values.json ?? false;
    const say = studyNote(json);
    const run = await runStudy(manifest, dir, {
      executor,
      jobs,
      retry: values.retry,
      slurm: {
        partition: values.partition,
        time: values.time,
        mem: values.mem,
        cpus: values.cpus,
        gres: values.gres,
      },
      onNote: (line) => say(`sparsedyn study: ${line}`),
      onProgress: progress("study", json),
    });
    return printStudyRun(dir, run, json);
  },
});
