// One writer per output: a live owner (this process, or a child that holds the lock) makes
// a second taker fail at once with its pid; a lock whose process ended is taken over.
import { lockOutput, lockPath } from "../../../core/files/output_lock.ts";
import { SparsedynError } from "../../../core/errors.ts";
import { assert, assertEquals, assertRejects } from "../../_helpers/assert.ts";

/** The pid of a process that has ended. */
async function deadPid(): Promise<number> {
  const child = new Deno.Command("true").spawn();
  await child.status;
  return child.pid;
}

Deno.test("lockOutput() refuses a second taker, names the owner, and frees the output on release", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const lock = await lockOutput(`${dir}/run/`);
    assertEquals(lock.path, `${dir}/run.lock`);
    const owner = JSON.parse(await Deno.readTextFile(lock.path));
    assertEquals([owner.pid, owner.host], [Deno.pid, Deno.hostname()]);
    const err = await assertRejects(() => lockOutput(`${dir}/run`), SparsedynError);
    assert(err.message.includes(`"${dir}/run" is in use`), err.message);
    assert(err.message.includes(`pid ${Deno.pid}`), err.message);
    await lock.release();
    assert(!(await Deno.lstat(lock.path).then(() => true, () => false)), "released");
    const again = await lockOutput(`${dir}/run`);
    await again.release();
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("lockOutput() takes over a lock whose process has ended, and refuses one of a live process", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const pid = await deadPid();
    const stale = { pid, host: Deno.hostname(), started: "2020-01-01T00:00:00Z", token: "x" };
    await Deno.writeTextFile(lockPath(`${dir}/a`), JSON.stringify(stale));
    const lock = await lockOutput(`${dir}/a`);
    assertEquals(JSON.parse(await Deno.readTextFile(lock.path)).pid, Deno.pid, "taken over");
    await lock.release();
    // A live process holds the lock of `b` (a child deno that took it and waits).
    const child = new Deno.Command(Deno.execPath(), {
      args: [
        "eval",
        `const { lockOutput } = await import(${
          JSON.stringify(new URL("../../../core/files/output_lock.ts", import.meta.url).href)
        });
         await lockOutput(${JSON.stringify(`${dir}/b`)}); console.log("held");
         await new Promise((r) => setTimeout(r, 60000));`,
      ],
      stdout: "piped",
    }).spawn();
    const reader = child.stdout.pipeThrough(new TextDecoderStream()).getReader();
    assertEquals((await reader.read()).value?.trim(), "held");
    try {
      const err = await assertRejects(() => lockOutput(`${dir}/b`), SparsedynError);
      assert(err.message.includes(`pid ${child.pid}`), err.message);
      assertEquals(err.code, "IO");
    } finally {
      child.kill("SIGKILL");
      await child.status;
      await reader.cancel();
    }
    // Killed, it left its lock; the lock is stale now and taken over.
    assert(await Deno.lstat(lockPath(`${dir}/b`)).then(() => true, () => false), "left by a kill");
    const taken = await lockOutput(`${dir}/b`);
    await taken.release();
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("lockOutput() says when the output's folder is missing, and refuses an unreadable lock", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const missing = await assertRejects(() => lockOutput(`${dir}/no/run`), SparsedynError);
    assert(missing.message.includes(`the folder "${dir}/no" does not exist`), missing.message);
    await Deno.writeTextFile(lockPath(`${dir}/c`), "{not json");
    const torn = await assertRejects(() => lockOutput(`${dir}/c`), SparsedynError);
    assert(torn.message.includes(`remove ${dir}/c.lock`), torn.message);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
