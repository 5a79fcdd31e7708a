// `sparsedyn train` under faults, injected: a kill (SIGKILL) before every write, rename and
// removal of the run's write sequence, a full disk at each of them (injected, and a real
// small tmpfs), SIGTERM and a second Ctrl-C, and two processes with one --out. After each,
// `--resume` must give a run folder equal, byte for byte, to one never interrupted (the
// metrics' frames/s aside, a timing), or refuse with its reason; and nothing may be left
// beside it: no lock, no checkpoint, no temporary frames, no partial folder.
import { assert, assertEquals } from "../_helpers/assert.ts";
import { cliArgs, synth16 } from "./_run.ts";

const dir = await Deno.makeTempDir({ prefix: "sparsedyn-train-faults-" });
const MOVIE = `${dir}/s/movie.npy`;
await synth16(`${dir}/s`, 48);
const args = (out: string, epochs = 2) => [
  "train",
  MOVIE,
  "--out",
  out,
  "--epochs",
  String(epochs),
  "--window",
  "24",
  "--json",
];

interface Result {
  code: number;
  stderr: string;
}

/** Runs the CLI with the fault-injection variable set (or not). */
async function run(argv: string[], fault?: string): Promise<Result> {
  const out = await new Deno.Command(Deno.execPath(), {
    args: cliArgs(argv),
    env: { NO_COLOR: "1", ...(fault ? { SPARSEDYN_FAULT: fault } : {}) },
    stdout: "null",
    stderr: "piped",
  }).output();
  return { code: out.code, stderr: new TextDecoder().decode(out.stderr) };
}

/** Every file of a run folder, by relative path; metrics without their timing. */
async function contents(root: string): Promise<Map<string, string>> {
  const files = new Map<string, string>();
  const walk = async (rel: string) => {
    for await (const e of Deno.readDir(`${root}/${rel}`)) {
      const path = rel ? `${rel}/${e.name}` : e.name;
      if (e.isDirectory) await walk(path);
      else if (path === "metrics.jsonl") {
        const lines = (await Deno.readTextFile(`${root}/${path}`)).trim().split("\n");
        files.set(
          path,
          lines.map((l) => JSON.stringify({ ...JSON.parse(l), framesPerSecond: 0 })).join("\n"),
        );
      } else {
        const bytes = await Deno.readFile(`${root}/${path}`);
        files.set(path, Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join(""));
      }
    }
  };
  await walk("");
  return files;
}

async function assertSameRun(actual: string, expected: Map<string, string>, label: string) {
  const got = await contents(actual);
  assertEquals([...got.keys()].sort(), [...expected.keys()].sort(), `${label}: the same files`);
  for (const [k, v] of expected) assert(got.get(k) === v, `${label}: ${k} differs`);
}

/** What is left in `parent` of the run `name` and of any training's temporaries. */
function leftovers(parent: string, name: string): string[] {
  return [...Deno.readDirSync(parent)].map((e) => e.name)
    .filter((n) => n !== name && (n.startsWith(`${name}.`) || n.startsWith(".sparsedyn-frames-")))
    .sort();
}

const whole = await run(args(`${dir}/whole`));
assertEquals(whole.code, 0, whole.stderr);
const REFERENCE = await contents(`${dir}/whole`);

let traced: string[] | undefined;

/** The numbered fault points of one whole run (printed with SPARSEDYN_FAULT=trace). */
async function faultPoints(): Promise<string[]> {
  if (traced) return traced;
  const r = await run(args(`${dir}/traced`), "trace");
  assertEquals(r.code, 0, r.stderr);
  await assertSameRun(`${dir}/traced`, REFERENCE, "traced");
  traced = [...r.stderr.matchAll(/fault point (\d+): (.*)/g)].map((m) => m[2]);
  return traced;
}

/** After a fault in run `name`: `--resume` ends with the reference run, or refuses why. */
async function resumeAndCompare(name: string, label: string) {
  const resumed = await run([...args(`${dir}/${name}`), "--resume"]);
  if (resumed.code !== 0) {
    // Only when the run was complete already (a kill after its last step): said, and done.
    assert(resumed.stderr.includes("is complete"), `${label}: ${resumed.stderr}`);
  }
  await assertSameRun(`${dir}/${name}`, REFERENCE, label);
  assertEquals(leftovers(dir, name), [], `${label}: nothing left beside the run`);
}

Deno.test("train killed before any step of its writes: --resume gives the same run, byte for byte", async () => {
  const points = await faultPoints();
  // Two epochs' checkpoints (tensors, manifest, old tensors removed, live metrics), the
  // owner, the run folder's completion and rename, the checkpoint's removal.
  assert(points.length >= 18, `${points.length} fault points:\n${points.join("\n")}`);
  assert(points.some((p) => p.includes("state.json")), "the manifest is among them");
  for (let k = 1; k <= points.length; k++) {
    const name = `kill${k}`;
    const killed = await run(args(`${dir}/${name}`), `kill@${k}`);
    assertEquals(killed.code, 137, `kill@${k} (${points[k - 1]}): ${killed.stderr}`);
    assert(killed.stderr.includes(`kill at step ${k}`), killed.stderr);
    await resumeAndCompare(name, `kill@${k} (${points[k - 1]})`);
  }
});

Deno.test("train on a full disk at any step: a typed error naming the file, the previous checkpoint intact, --resume gives the same run", async () => {
  const points = await faultPoints();
  for (let k = 1; k <= points.length; k++) {
    const name = `full${k}`, label = `enospc@${k} (${points[k - 1]})`;
    const failed = await run(args(`${dir}/${name}`), `enospc@${k}`);
    if (failed.code === 0) {
      // A step whose failure costs nothing (removing a file already replaced): the run is
      // written all the same.
      assert(/remove/.test(points[k - 1]), `${label}: ${failed.stderr}`);
    } else {
      assertEquals(failed.code, 1, `${label}: ${failed.stderr}`);
      assert(failed.stderr.includes("No space left on device"), `${label}: ${failed.stderr}`);
      assert(!failed.stderr.includes("internal error"), `${label}: typed: ${failed.stderr}`);
      // The process ended by itself: its lock and its temporary frames are gone.
      assert(
        leftovers(dir, name).every((n) => n === `${name}.checkpoint`),
        `${label}: ${leftovers(dir, name)}`,
      );
      if (k > points.findLastIndex((p) => p.includes("metrics.jsonl")) + 1) {
        // After training: where the trained model is, and how to finish.
        assert(failed.stderr.includes(`${name}.checkpoint`), `${label}: ${failed.stderr}`);
        assert(failed.stderr.includes("--resume"), `${label}: ${failed.stderr}`);
      }
    }
    if (failed.code !== 0) await resumeAndCompare(name, label);
    else await assertSameRun(`${dir}/${name}`, REFERENCE, label);
  }
});

Deno.test("train on a real full disk (a small tmpfs): the epoch-1 checkpoint survives, and resumes to the same run", async () => {
  const mnt = `${dir}/disk`;
  await Deno.mkdir(mnt);
  // The frames (~50 kB), the owner and one checkpoint (~570 kB of tensors) fit; a second
  // checkpoint's tensors do not.
  const mount = await new Deno.Command("mount", {
    args: ["-t", "tmpfs", "-o", "size=900k", "tmpfs", mnt],
    stderr: "piped",
  }).output().catch((e) => ({ success: false, stderr: new TextEncoder().encode(String(e)) }));
  if (!mount.success) {
    // Not root (or no mount): the same full disk, injected at the second checkpoint's
    // tensors — never skipped.
    console.warn(`no tmpfs (${new TextDecoder().decode(mount.stderr).trim()}); injecting`);
    const points = await faultPoints();
    const k = points.findIndex((p) => p.startsWith("write") && p.includes("tensors-2")) + 1;
    const failed = await run(args(`${mnt}/run`), `enospc@${k}`);
    assertEquals(failed.code, 1, failed.stderr);
    const resumed = await run([...args(`${mnt}/run`), "--resume"]);
    assertEquals(resumed.code, 0, resumed.stderr);
    await assertSameRun(`${mnt}/run`, REFERENCE, "injected full disk");
    return;
  }
  try {
    const failed = await run(args(`${mnt}/run`));
    assertEquals(failed.code, 1, failed.stderr);
    assert(failed.stderr.includes("No space left on device"), failed.stderr);
    assert(failed.stderr.includes(`${mnt}/run.checkpoint`), failed.stderr);
    assert(failed.stderr.includes("checkpoint after epoch 1 is kept"), failed.stderr);
    assert(failed.stderr.includes("--resume continues from it"), failed.stderr);
    assertEquals(leftovers(mnt, "run"), ["run.checkpoint"], "only the checkpoint is left");
    const state = JSON.parse(await Deno.readTextFile(`${mnt}/run.checkpoint/state.json`));
    assertEquals(state.epoch, 1, "the epoch-1 checkpoint is the one in place");
    // Space again: the same command with --resume ends with the run never interrupted.
    const grow = await new Deno.Command("mount", {
      args: ["-o", "remount,size=16m", mnt],
    }).output();
    assert(grow.success, "remount");
    const resumed = await run([...args(`${mnt}/run`), "--resume"]);
    assertEquals(resumed.code, 0, resumed.stderr);
    await assertSameRun(`${mnt}/run`, REFERENCE, "after a full disk");
    assertEquals(leftovers(mnt, "run"), []);
  } finally {
    await new Deno.Command("umount", { args: [mnt] }).output();
  }
});

Deno.test("two trains with one --out: the second fails at once, naming the first's pid; the first finishes clean", async () => {
  const out = `${dir}/shared`;
  const first = new Deno.Command(Deno.execPath(), {
    args: cliArgs(args(out)),
    env: { NO_COLOR: "1" },
    stdout: "null",
    stderr: "null",
  }).spawn();
  let stopped = false;
  try {
    // Hold the first still once it has its lock, so that the two surely overlap.
    let status: Deno.CommandStatus | undefined;
    first.status.then((s) => status = s);
    while (!status && !(await Deno.lstat(`${out}.lock`).then(() => true, () => false))) {
      await new Promise((r) => setTimeout(r, 20));
    }
    assert(!status, "the first train holds a lock file while it works");
    first.kill("SIGSTOP");
    stopped = true;
    const second = await run(args(out));
    assertEquals(second.code, 1, second.stderr);
    assert(second.stderr.includes("is in use") && second.stderr.includes(out), second.stderr);
    assert(second.stderr.includes(`pid ${first.pid}`), second.stderr);
    // It did nothing: no frames of its own, no progress.
    assert(!second.stderr.includes("progress"), second.stderr);
    const frames = leftovers(dir, "shared").filter((n) => n.startsWith(".sparsedyn-frames-"));
    assert(
      frames.every((n) => n.startsWith(`.sparsedyn-frames-${first.pid}-`)),
      `only the first's frames: ${frames}`,
    );
  } finally {
    if (stopped) first.kill("SIGCONT");
  }
  assertEquals((await first.status).code, 0);
  await assertSameRun(out, REFERENCE, "the first train");
  assertEquals(leftovers(dir, "shared"), [], "no lock, no checkpoint, no frames left");
});

Deno.test("SIGTERM ends train at once and removes its frames and lock; the checkpoint is kept", async () => {
  for (const signals of [["SIGTERM"]] as Deno.Signal[][]) {
    const name = `signal-${signals.length}`;
    const child = new Deno.Command(Deno.execPath(), {
      args: cliArgs(args(`${dir}/${name}`, 400)),
      env: { NO_COLOR: "1" },
      stdout: "null",
      stderr: "piped",
    }).spawn();
    const reader = child.stderr.pipeThrough(new TextDecoderStream()).getReader();
    let seen = "";
    // The second epoch's report comes after the first epoch's checkpoint.
    while (!seen.includes('"done":2')) {
      const { value, done } = await reader.read();
      if (done) break;
      seen += value;
    }
    for (const s of signals) child.kill(s);
    for (;;) {
      const { value, done } = await reader.read();
      if (done) break;
      seen += value;
    }
    const status = await child.status;
    assertEquals(status.code, signals[0] === "SIGTERM" ? 143 : 130, seen);
    assertEquals(leftovers(dir, name), [`${name}.checkpoint`], `${signals}: ${seen}`);
    const state = JSON.parse(await Deno.readTextFile(`${dir}/${name}.checkpoint/state.json`));
    assert(state.epoch >= 1, "a checkpoint to resume from");
  }
});

Deno.test("a killed train's temporaries are cleaned by the next one; a run complete at the kill is finished", async () => {
  // A kill at the last rename leaves a complete run under its temporary name.
  const points = await faultPoints();
  const k = points.findIndex((p) => /^rename .*\/traced\.partial-\d+ → /.test(p)) + 1;
  assert(k > 0, points.join("\n"));
  const killed = await run(args(`${dir}/last`), `kill@${k}`);
  assertEquals(killed.code, 137, killed.stderr);
  const left = leftovers(dir, "last");
  assert(left.some((n) => /^last\.partial-\d+$/.test(n)), `${left}`);
  assert(left.some((n) => n.startsWith(".sparsedyn-frames-")), `${left}`);
  // The next train anywhere in the folder removes the frames; one for this run finishes it.
  const next = await run(args(`${dir}/last`));
  assertEquals(next.code, 1, next.stderr);
  assert(next.stderr.includes(`finished ${dir}/last`), next.stderr);
  assert(next.stderr.includes("already exists"), next.stderr);
  await assertSameRun(`${dir}/last`, REFERENCE, "finished at the next start");
  assertEquals(leftovers(dir, "last"), []);
});

globalThis.addEventListener("unload", () => {
  try {
    Deno.removeSync(dir, { recursive: true });
  } catch { /* a mount still in use */ }
});
