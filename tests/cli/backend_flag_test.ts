// One list of backends for every command that takes --backend: each command rejects a
// name outside core/model/backend.ts's BACKEND_NAMES with the same message, which lists
// all of them, and accepts every name on it (torch included, for `sparsedyn test`).
import { assert, assertEquals } from "../_helpers/assert.ts";
import { BACKEND_NAMES } from "../../core/model/backend.ts";
import { cli } from "./_run.ts";

// Arguments that get each command as far as its --backend check and no further work.
const COMMANDS: Record<string, string[]> = {
  test: ["test", "--a", "a.npy", "--b", "b.npy"],
  encode: ["encode", "no-run", "no-movie.npy", "--engine", "tfjs"],
  experiment: ["experiment", "--real-only", "--no-real"],
  train: ["train", "no-movie.npy", "--out", "no-out"],
};

Deno.test("every command rejects an unknown --backend naming the whole list", async () => {
  const list = `${BACKEND_NAMES.slice(0, -1).join(", ")} or ${BACKEND_NAMES.at(-1)}`;
  for (const [name, args] of Object.entries(COMMANDS)) {
    const r = await cli([...args, "--backend", "nope"]);
    assertEquals(r.code, 2, `${name}: ${r.stderr}`);
    assert(
      r.stderr.includes(`--backend must be ${list}; got "nope"`),
      `${name}: ${r.stderr}`,
    );
  }
});

Deno.test("sparsedyn test takes every backend on the list, torch too", async () => {
  for (const backend of BACKEND_NAMES) {
    // Without a run folder the next check fails: proof that the name itself passed.
    const r = await cli([...COMMANDS.test, "--backend", backend]);
    assertEquals(r.code, 2, r.stderr);
    assert(r.stderr.includes("--backend needs a run folder"), `${backend}: ${r.stderr}`);
  }
});
