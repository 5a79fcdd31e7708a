// Benchmark: the synthetic study of the study tests (2 animals × 2 sessions × 2 conditions,
// 16×16 movies, one training epoch: 21 tasks) run by `sparsedyn study run` under the local
// pool with 1 and 2 jobs and under a one-node Slurm on this machine, in the same run. The
// pool's target is its own ideal: 2 jobs in about half the time of 1 on 2 cores (the
// tasks are separate processes; the train stage has 2 tasks, the others 8, 8, 2 and 1).
// Slurm's time adds its scheduling: array tasks start when slurmctld's scheduler passes,
// and each stage waits for the one before.
//
//   deno run -A tests/bench/study.ts
import { cliArgs } from "../cli/_run.ts";
import { writeSyntheticStudy } from "../study/_synthetic_study.ts";

const SCRIPT = new URL("../study/slurm_cluster.sh", import.meta.url).pathname;

async function timed(args: string[]): Promise<number> {
  const t0 = performance.now();
  const out = await new Deno.Command(Deno.execPath(), {
    args: cliArgs(args),
    stdout: "piped",
    stderr: "piped",
  }).output();
  if (!out.success) {
    throw new Error(`sparsedyn ${args.join(" ")} failed:\n${new TextDecoder().decode(out.stderr)}`);
  }
  return (performance.now() - t0) / 1000;
}

const dir = await Deno.makeTempDir({ prefix: "sparsedyn-bench-study-" });
try {
  const manifest = await writeSyntheticStudy(dir);
  const rows: [string, number | string][] = [];
  const one = await timed(["study", "run", manifest, "--out", `${dir}/j1`, "--jobs", "1"]);
  rows.push(["local, --jobs 1", one]);
  const two = await timed(["study", "run", manifest, "--out", `${dir}/j2`, "--jobs", "2"]);
  rows.push(["local, --jobs 2", two]);
  // A cluster already up (a developer's) is used and left running; one started here stops.
  const wasUp = await new Deno.Command("sinfo", { args: ["-h", "-o", "%T"], stdout: "piped" })
    .output().then((o) => new TextDecoder().decode(o.stdout).includes("idle"), () => false);
  const up = await new Deno.Command("bash", {
    args: [SCRIPT, "start"],
    stdout: "null",
    stderr: "piped",
  })
    .output().catch((err) => ({ success: false, stderr: new TextEncoder().encode(String(err)) }));
  if (up.success) {
    rows.push([
      "slurm (one node, 2 CPUs)",
      await timed([
        "study",
        "run",
        manifest,
        "--out",
        `${dir}/slurm`,
        "--executor",
        "slurm",
      ]),
    ]);
    if (!wasUp) await new Deno.Command("bash", { args: [SCRIPT, "stop"], stdout: "null" }).output();
  } else {
    rows.push(["slurm", `skipped: ${new TextDecoder().decode(up.stderr).trim()}`]);
  }
  console.log(`study (21 tasks, ${navigator.hardwareConcurrency} cores):`);
  for (const [what, s] of rows) {
    console.log(`  ${what.padEnd(26)} ${typeof s === "number" ? `${s.toFixed(1)} s` : s}`);
  }
  console.log(`  --jobs 2 / --jobs 1: ${(two / one).toFixed(2)} (ideal 0.5)`);
} finally {
  await Deno.remove(dir, { recursive: true });
}
