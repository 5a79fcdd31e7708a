// The README's demo on a fresh clone needs no root, no apt-get and no toolchain: the task runs
// with nothing on its PATH but deno (so no bash, emcc, f2c or apt-get could run), in a copy of
// what a clone holds (no wasm/dist, no wasm/.build), and its first part runs the WebAssembly
// core. npm packages come from Deno's cache, as on any second run.
import { assert, assertEquals } from "../_helpers/assert.ts";
import { freshClone } from "../_helpers/fresh_clone.ts";

Deno.test("deno task demo runs the numeric core in a fresh clone with only deno on the PATH", async () => {
  const clone = await freshClone();
  const bin = await Deno.makeTempDir({ prefix: "sparsedyn-bin-" });
  try {
    await Deno.symlink(Deno.execPath(), `${bin}/deno`);
    const out = await new Deno.Command(Deno.execPath(), {
      args: ["task", "demo", "--core-only", "--json", "--series", "4", "--samples", "300"],
      cwd: clone,
      env: { PATH: bin, NO_COLOR: "1" },
      stdout: "piped",
      stderr: "piped",
    }).output();
    const stderr = new TextDecoder().decode(out.stderr);
    assert(out.success, `deno task demo failed in the clone: ${stderr.slice(-2000)}`);
    const { core } = JSON.parse(new TextDecoder().decode(out.stdout));
    assertEquals([core.series, core.lags, core.samples], [4, 2, 300]);
    // The lasso path ran: every true coefficient found, with its sign, along a real path.
    assertEquals(core.recall, 1, "every true non-zero coefficient recovered");
    assertEquals(core.signAgreement, 1, "with the right sign");
    assert(core.breakpoints > core.trueNonzero, `a path of ${core.breakpoints} breakpoints`);
    for (const built of ["wasm/dist", "wasm/.build"]) {
      const made = await Deno.lstat(`${clone}/${built}`).then(() => true, () => false);
      assert(!made, `the demo built nothing (${built} appeared)`);
    }
  } finally {
    await Deno.remove(clone, { recursive: true });
    await Deno.remove(bin, { recursive: true });
  }
});
