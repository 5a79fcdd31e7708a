// `sparsedyn study run --executor slurm` against a real one-node Slurm cluster started on
// this machine (tests/study/slurm_cluster.sh: Debian's slurm-wlm and munge). The same
// synthetic study gives the same summary as the local pool; a task cancelled mid-way is
// redone by --retry and nothing else is; a broken recording fails its own task only.
import { assert, assertEquals } from "../_helpers/assert.ts";
import { cli, cliArgs } from "../cli/_run.ts";
import { writeSyntheticStudy } from "./_synthetic_study.ts";

const SCRIPT = new URL("./slurm_cluster.sh", import.meta.url).pathname;

async function sh(cmd: string, args: string[]) {
  try {
    const o = await new Deno.Command(cmd, { args, stdout: "piped", stderr: "piped" }).output();
    const dec = new TextDecoder();
    return { ok: o.success, out: dec.decode(o.stdout), err: dec.decode(o.stderr) };
  } catch (err) {
    return { ok: false, out: "", err: (err as Error).message };
  }
}

// Up already (a developer's cluster): used and left running. Else started here, stopped
// after the last test.
const wasUp = (await sh("sinfo", ["-h", "-o", "%T"])).out.includes("idle");
const start = wasUp ? { ok: true, out: "", err: "" } : await sh("bash", [SCRIPT, "start"]);
const skip = start.ok
  ? undefined
  : `no one-node Slurm cluster could start here: ${start.err.trim()}`;
if (skip) console.warn(`study_slurm_test: skipped: ${skip}`);

const ROOT = await Deno.makeTempDir();
await Deno.mkdir(`${ROOT}/study`);
const manifest = await writeSyntheticStudy(`${ROOT}/study`);
let localSummary: unknown;

async function summary(dir: string) {
  return JSON.parse(await Deno.readTextFile(`${dir}/summary.json`));
}

async function markers(dir: string): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  const walk = async (d: string) => {
    for await (const e of Deno.readDir(d)) {
      if (e.isDirectory) await walk(`${d}/${e.name}`);
      else {
        out.set(
          `${d}/${e.name}`.slice(dir.length + 7).replace(/\.json$/, ""),
          await Deno.readTextFile(`${d}/${e.name}`),
        );
      }
    }
  };
  await walk(`${dir}/tasks`);
  return out;
}

Deno.test({
  name:
    "study run --executor slurm: the same summary as --executor local, from the scripts in DIR/slurm",
  ignore: skip !== undefined,
  async fn() {
    const local = await cli(["study", "run", manifest, "--out", `${ROOT}/local`, "--jobs", "2"]);
    assertEquals(local.code, 0, local.stderr);
    localSummary = await summary(`${ROOT}/local`);
    const out = `${ROOT}/slurm`;
    const r = await cli([
      "study",
      "run",
      manifest,
      "--out",
      out,
      "--executor",
      "slurm",
      "--time",
      "10:00",
    ]);
    assertEquals(r.code, 0, r.stderr);
    assertEquals(await summary(out), localSummary);
    // One array job per stage, after the one before it; the scripts are kept.
    const jobs = JSON.parse(await Deno.readTextFile(`${out}/slurm/jobs.json`));
    assertEquals(jobs.map((j: { stage: string; tasks: string[] }) => [j.stage, j.tasks.length]), [
      ["train", 2],
      ["encode", 8],
      ["fit", 8],
      ["test", 2],
      ["summary", 1],
    ]);
    const script = await Deno.readTextFile(`${out}/slurm/encode.sh`);
    assert(script.includes("#SBATCH --time=10:00"), script);
    assert(script.includes("study task"), script);
    // Every array task left its Slurm output file, and ran in Slurm (not here).
    for (const j of jobs) {
      for (let i = 0; i < j.tasks.length; i++) {
        await Deno.stat(`${out}/slurm/logs/${j.stage}_${j.jobId}_${i}.out`);
      }
    }
  },
});

Deno.test({
  name:
    "study run --executor slurm: a task cancelled mid-way (scancel) is redone by --retry, and nothing else is",
  ignore: skip !== undefined,
  async fn() {
    const out = `${ROOT}/cancel`;
    const child = new Deno.Command(Deno.execPath(), {
      args: cliArgs(["study", "run", manifest, "--out", out, "--executor", "slurm"]),
      stdout: "piped",
      stderr: "piped",
    }).spawn();
    // The first train array task seen running is cancelled.
    let cancelled: string | undefined, jobIndex: string | undefined;
    for (let i = 0; i < 600 && !cancelled; i++) {
      const q = await sh("squeue", [
        "-h",
        "-r",
        "-n",
        "sparsedyn-train",
        "-t",
        "RUNNING",
        "-o",
        "%i",
      ]);
      const running = q.out.trim().split("\n").filter((l) => /_\d+$/.test(l));
      if (running.length) {
        jobIndex = running[0];
        // Training is under way (its log has started) before it is stopped.
        const index = Number(jobIndex.split("_")[1]);
        const id = (await Deno.readTextFile(`${out}/slurm/train.tasks`)).split("\n")[index];
        const log = await Deno.readTextFile(`${out}/logs/${id}.log`).catch(() => "");
        if (!log.includes("sparsedyn train")) {
          await new Promise((r) => setTimeout(r, 50));
          continue;
        }
        assert((await sh("scancel", [jobIndex])).ok);
        cancelled = id;
      } else await new Promise((r) => setTimeout(r, 100));
    }
    assert(cancelled, "a train task ran");
    const first = await child.output();
    const stderr = new TextDecoder().decode(first.stderr);
    assertEquals(first.code, 1, stderr);
    assert(stderr.includes(`failed ${cancelled}: stopped by SIGTERM`), stderr);
    assert(stderr.includes(`slurm/logs/train_${jobIndex!.split("_")[0]}_`), stderr);
    const animal = cancelled!.slice("train/".length);
    const s1 = await summary(out);
    const failed = s1.failed.map((f: { task: string }) => f.task);
    const downstream = [
      ...["s1_a", "s1_b", "s2_a", "s2_b"].map((r) => `encode/${animal}_${r}`),
      ...["s1_a", "s1_b", "s2_a", "s2_b"].map((r) => `fit/${animal}_${r}`),
      `test/${animal}/a_vs_b`,
    ];
    assertEquals(failed.sort(), [cancelled!, ...downstream].sort());

    const before = await markers(out);
    const plain = await cli([
      "study",
      "run",
      manifest,
      "--out",
      out,
      "--executor",
      "slurm",
      "--json",
    ]);
    assertEquals(plain.code, 1, "without --retry the cancelled task stays failed");
    assertEquals(JSON.parse(plain.stdout).ran, []);

    const retry = await cli([
      "study",
      "run",
      manifest,
      "--out",
      out,
      "--executor",
      "slurm",
      "--retry",
      "--json",
    ]);
    assertEquals(retry.code, 0, retry.stderr);
    assertEquals(
      JSON.parse(retry.stdout).ran.sort(),
      [cancelled!, ...downstream, "summary"].sort(),
    );
    const after = await markers(out);
    for (const [id, text] of before) {
      if (id !== cancelled && !downstream.includes(id) && id !== "summary") {
        assertEquals(after.get(id), text, `${id} was not redone`);
      }
    }
    if (localSummary) assertEquals(await summary(out), localSummary);
  },
});

Deno.test({
  name:
    "study run --executor slurm: a broken recording fails its own task, named in the summary; the others finish",
  ignore: skip !== undefined,
  async fn() {
    const dir = `${ROOT}/broken`;
    await Deno.mkdir(dir);
    const m = await writeSyntheticStudy(dir, { broken: ["m1_s2_a"] });
    const out = `${dir}/out`;
    const r = await cli(["study", "run", m, "--out", out, "--executor", "slurm"]);
    assertEquals(r.code, 1, r.stderr);
    const s = await summary(out);
    assertEquals(s.failed.map((f: { task: string }) => f.task), ["encode/m1_s2_a", "fit/m1_s2_a"]);
    assertEquals(s.failed[0].file, `${dir}/m1_s2/movie_a.npy`);
    assertEquals(s.tasks.done, 18);
    assertEquals(s.animals.map((a: { animal: string; p?: number }) => [a.animal, typeof a.p]), [
      ["m1", "number"],
      ["m2", "number"],
    ]);
    assertEquals(s.animals[0].excluded, [`${dir}/m1_s2/movie_a.npy`]);
    assert(r.stderr.includes("movie_a.npy"), r.stderr);
  },
});

Deno.test({
  name: "study slurm tests: clean up",
  ignore: skip !== undefined,
  sanitizeResources: false,
  async fn() {
    await Deno.remove(ROOT, { recursive: true });
    if (!wasUp) assert((await sh("bash", [SCRIPT, "stop"])).ok);
  },
});
