// A signal ends a process that registered cleanups after running them; with none
// registered nothing listens, and an accepted interrupt leaves the process running.
import { assert, assertEquals } from "../../_helpers/assert.ts";

const MODULE = new URL("../../../core/files/abort_cleanup.ts", import.meta.url).href;

/** A child that makes a folder, registers its removal, says "ready" and waits. */
async function child(dir: string, code: string) {
  const p = new Deno.Command(Deno.execPath(), {
    args: [
      "eval",
      `const { onAbort, onInterrupt } = await import(${JSON.stringify(MODULE)});
       const tmp = ${JSON.stringify(dir)} + "/tmp";
       Deno.mkdirSync(tmp);
       ${code}
       console.log("ready");
       await new Promise((r) => setTimeout(r, 20000));
       console.log("timeout");`,
    ],
    stdout: "piped",
  }).spawn();
  const reader = p.stdout.pipeThrough(new TextDecoderStream()).getReader();
  assertEquals((await reader.read()).value?.trim(), "ready");
  return { p, reader };
}

const exists = (p: string) => Deno.lstat(p).then(() => true, () => false);

Deno.test("SIGTERM and SIGINT run the registered cleanups and end the process (143, 130)", async () => {
  for (const [signal, code] of [["SIGTERM", 143], ["SIGINT", 130]] as const) {
    const dir = await Deno.makeTempDir();
    try {
      const { p, reader } = await child(
        dir,
        `onAbort(() => Deno.removeSync(tmp, { recursive: true }));`,
      );
      p.kill(signal);
      assertEquals((await p.status).code, code, signal);
      await reader.cancel();
      assert(!(await exists(`${dir}/tmp`)), `${signal}: the folder is removed`);
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  }
});

Deno.test("an accepted interrupt keeps the process; the next one ends it with the cleanups", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const { p, reader } = await child(
      dir,
      `let n = 0;
       onAbort(() => Deno.removeSync(tmp, { recursive: true }));
       onInterrupt(() => { n++; if (n === 1) console.log("graceful"); return n === 1; });`,
    );
    p.kill("SIGINT");
    assertEquals((await reader.read()).value?.trim(), "graceful");
    assert(await exists(`${dir}/tmp`), "still there after the first");
    p.kill("SIGINT");
    assertEquals((await p.status).code, 130);
    await reader.cancel();
    assert(!(await exists(`${dir}/tmp`)), "removed after the second");
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("with every cleanup unregistered, nothing listens: the process ends by itself", async () => {
  const out = await new Deno.Command(Deno.execPath(), {
    args: [
      "eval",
      `const { onAbort } = await import(${JSON.stringify(MODULE)});
       const stop = onAbort(() => {}); stop(); console.log("done");`,
    ],
    stdout: "piped",
  }).output();
  assertEquals(new TextDecoder().decode(out.stdout).trim(), "done");
  assertEquals(out.code, 0);
});
