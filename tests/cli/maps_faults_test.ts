// `sparsedyn maps` under faults: two processes on one run's maps (the second fails at once,
// naming the first), and a kill before every step of `maps --force`'s swap of the folder.
// After a kill, the next `maps` finds a complete maps/ (the old one or the new one), and
// nothing else: no lock, no partial folder, no folder moved aside.
import { assert, assertEquals } from "../_helpers/assert.ts";
import { cli, cliArgs, synth16 } from "./_run.ts";

const dir = await Deno.makeTempDir({ prefix: "sparsedyn-maps-faults-" });
const RUN = `${dir}/run`;
{
  await synth16(`${dir}/s`, 72);
  const t = await cli([
    "train",
    `${dir}/s/movie.npy`,
    "--out",
    RUN,
    "--mode",
    "two-stage",
    "--epochs",
    "1",
    "--window",
    "24",
  ]);
  assertEquals(t.code, 0, t.stderr);
}
const maps = (...extra: string[]) => [
  "maps",
  RUN,
  "--frames",
  "4",
  "--steps",
  "2",
  "--method",
  "saliency",
  "--json",
  ...extra,
];

async function run(argv: string[], fault?: string) {
  const out = await new Deno.Command(Deno.execPath(), {
    args: cliArgs(argv),
    env: { NO_COLOR: "1", ...(fault ? { SPARSEDYN_FAULT: fault } : {}) },
    stdout: "null",
    stderr: "piped",
  }).output();
  return { code: out.code, stderr: new TextDecoder().decode(out.stderr) };
}

/** maps/ is whole: its index lists files that are all there. */
async function assertCompleteMaps(label: string) {
  const index = JSON.parse(await Deno.readTextFile(`${RUN}/maps/maps.json`));
  for (const m of index.maps) {
    assert((await Deno.stat(`${RUN}/maps/${m.file}`)).size > 0, `${label}: ${m.file}`);
  }
  const left = [...Deno.readDirSync(RUN)].map((e) => e.name).filter((n) => n.startsWith("maps"));
  assertEquals(left, ["maps"], `${label}: nothing beside maps/`);
}

const first = await run(maps());
assertEquals(first.code, 0, first.stderr);

Deno.test("maps killed before any step of replacing maps/: the next start finds it whole", async () => {
  const traced = await run(maps("--force"), "trace");
  assertEquals(traced.code, 0, traced.stderr);
  const points = [...traced.stderr.matchAll(/fault point (\d+): (.*)/g)].map((m) => m[2]);
  assert(points.some((p) => p.includes("maps.old-")), points.join("\n"));
  for (let k = 1; k <= points.length; k++) {
    const label = `kill@${k} (${points[k - 1]})`;
    const killed = await run(maps("--force"), `kill@${k}`);
    assertEquals(killed.code, 137, `${label}: ${killed.stderr}`);
    // The next maps (without --force) cleans up first, then refuses the existing maps/.
    const next = await run(maps());
    assertEquals(next.code, 1, `${label}: ${next.stderr}`);
    assert(next.stderr.includes("exists"), `${label}: ${next.stderr}`);
    await assertCompleteMaps(label);
  }
});

Deno.test("two maps on one run: the second fails at once, naming the first", async () => {
  const a = new Deno.Command(Deno.execPath(), {
    args: cliArgs(maps("--force")),
    env: { NO_COLOR: "1" },
    stdout: "null",
    stderr: "null",
  }).spawn();
  let stopped = false;
  try {
    let status: Deno.CommandStatus | undefined;
    a.status.then((s) => status = s);
    while (!status && !(await Deno.lstat(`${RUN}/maps.lock`).then(() => true, () => false))) {
      await new Promise((r) => setTimeout(r, 20));
    }
    assert(!status, "the first maps holds a lock file while it works");
    a.kill("SIGSTOP");
    stopped = true;
    const b = await run(maps("--force"));
    assertEquals(b.code, 1, b.stderr);
    assert(b.stderr.includes("is in use") && b.stderr.includes(`pid ${a.pid}`), b.stderr);
  } finally {
    if (stopped) a.kill("SIGCONT");
  }
  assertEquals((await a.status).code, 0);
  await assertCompleteMaps("after two writers");
});

globalThis.addEventListener("unload", () => Deno.removeSync(dir, { recursive: true }));
