// The scripts and submissions of --executor slurm, checked without a cluster: `sbatch` and
// `squeue` on PATH are stand-ins that record their arguments (the real cluster's tests are
// study_slurm_test.ts).
import { assert, assertEquals } from "../_helpers/assert.ts";
import { cliArgs } from "../cli/_run.ts";

Deno.test("study run --executor slurm: an array per stage, each after the ones before (afterany), resources by stage, --gres for train only", async () => {
  const dir = await Deno.makeTempDir();
  try {
    await Deno.mkdir(`${dir}/bin`);
    // sbatch: records its arguments, answers job ids 101, 102, ...; squeue: an empty queue.
    await Deno.writeTextFile(
      `${dir}/bin/sbatch`,
      `#!/bin/bash\nn=$(( $(wc -l < "${dir}/sbatch.log" 2>/dev/null || echo 0) + 101 ))\necho "$*" >> "${dir}/sbatch.log"\necho "$n"\n`,
    );
    await Deno.writeTextFile(
      `${dir}/bin/squeue`,
      `#!/bin/bash\ncat "${dir}/queue" 2>/dev/null\nexit 0\n`,
    );
    await Deno.chmod(`${dir}/bin/sbatch`, 0o755);
    await Deno.chmod(`${dir}/bin/squeue`, 0o755);
    await Deno.writeTextFile(
      `${dir}/study.json`,
      JSON.stringify({
        recordings: [
          { path: "a.npy", animal: "m1", session: "1", condition: "a" },
          { path: "b.npy", animal: "m1", session: "1", condition: "b" },
        ],
        slurm: { default: { mem: "2G" }, encode: { cpus: 2, time: "30:00" } },
      }),
    );
    const out = await new Deno.Command(Deno.execPath(), {
      args: cliArgs([
        "study",
        "run",
        `${dir}/study.json`,
        "--out",
        `${dir}/out`,
        "--executor",
        "slurm",
        "--partition",
        "short",
        "--gres",
        "gpu:1",
      ]),
      env: { PATH: `${dir}/bin:${Deno.env.get("PATH")}` },
      stdout: "piped",
      stderr: "piped",
    }).output();
    const stderr = new TextDecoder().decode(out.stderr);
    // No task ran (the stand-in ran nothing): each is listed as failed, with its Slurm log.
    assertEquals(out.code, 1, stderr);
    assert(stderr.includes("slurm/logs/train_101_0.out (array task 101_0)"), stderr);
    const calls = (await Deno.readTextFile(`${dir}/sbatch.log`)).trim().split("\n");
    const scripts = ["train", "encode", "fit", "test", "summary"].map((s) =>
      `${dir}/out/slurm/${s}.sh`
    );
    assertEquals(calls, [
      `--parsable --array=0-0 ${scripts[0]}`,
      `--parsable --array=0-1 --dependency=afterany:101 ${scripts[1]}`,
      `--parsable --array=0-1 --dependency=afterany:101:102 ${scripts[2]}`,
      `--parsable --array=0-0 --dependency=afterany:101:102:103 ${scripts[3]}`,
      `--parsable --array=0-0 --dependency=afterany:101:102:103:104 ${scripts[4]}`,
    ]);
    const sbatchLines = async (s: string) =>
      (await Deno.readTextFile(`${dir}/out/slurm/${s}.sh`)).split("\n").filter((l) =>
        l.startsWith("#SBATCH")
      );
    assertEquals(await sbatchLines("train"), [
      "#SBATCH --job-name=sparsedyn-train",
      `#SBATCH --output=${dir}/out/slurm/logs/train_%A_%a.out`,
      "#SBATCH --partition=short",
      "#SBATCH --mem=2G",
      "#SBATCH --cpus-per-task=1",
      "#SBATCH --gres=gpu:1",
    ]);
    assertEquals((await sbatchLines("encode")).slice(2), [
      "#SBATCH --partition=short",
      "#SBATCH --time=30:00",
      "#SBATCH --mem=2G",
      "#SBATCH --cpus-per-task=2",
    ]);
    assertEquals(
      await Deno.readTextFile(`${dir}/out/slurm/encode.tasks`),
      "encode/m1_1_a\nencode/m1_1_b\n",
    );
    const jobs = JSON.parse(await Deno.readTextFile(`${dir}/out/slurm/jobs.json`));
    assertEquals(jobs.map((j: { jobId: string }) => j.jobId), ["101", "102", "103", "104", "105"]);

    // While a job of that submission is still queued, a new run is refused, naming it, and
    // submits nothing.
    await Deno.writeTextFile(`${dir}/queue`, "103\n");
    const again = await new Deno.Command(Deno.execPath(), {
      args: cliArgs([
        "study",
        "run",
        `${dir}/study.json`,
        "--out",
        `${dir}/out`,
        "--executor",
        "slurm",
      ]),
      env: { PATH: `${dir}/bin:${Deno.env.get("PATH")}` },
      stdout: "piped",
      stderr: "piped",
    }).output();
    const err = new TextDecoder().decode(again.stderr);
    assertEquals(again.code, 1, err);
    assert(
      err.includes("jobs 103 of an earlier submission of this study are still in Slurm's queue"),
      err,
    );
    assertEquals((await Deno.readTextFile(`${dir}/sbatch.log`)).trim().split("\n").length, 5);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
