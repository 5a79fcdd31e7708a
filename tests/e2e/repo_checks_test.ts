// Repository hygiene that CI enforces through the test suite: every export of mod.ts is
// documented (deno doc --lint), the code passes deno lint, and it is formatted.
import { assert } from "../_helpers/assert.ts";

const root = new URL("../../", import.meta.url).pathname;

async function deno(args: string[]) {
  const out = await new Deno.Command(Deno.execPath(), {
    args,
    cwd: root,
    env: { NO_COLOR: "1" },
    stdout: "piped",
    stderr: "piped",
  }).output();
  const dec = new TextDecoder();
  return { ok: out.success, text: dec.decode(out.stdout) + dec.decode(out.stderr) };
}

Deno.test("every export of mod.ts is documented (deno doc --lint)", async () => {
  const r = await deno(["doc", "--lint", "mod.ts"]);
  assert(r.ok, r.text);
});

Deno.test("the code passes deno lint", async () => {
  const r = await deno(["lint"]);
  assert(r.ok, r.text);
});

Deno.test("the code is formatted (deno fmt --check)", async () => {
  const r = await deno(["fmt", "--check"]);
  assert(r.ok, r.text);
});

Deno.test("npm dependencies written in full in the code have the versions pinned in deno.json", async () => {
  const cfg = JSON.parse(await Deno.readTextFile(`${root}deno.json`)) as {
    imports: Record<string, string>;
  };
  const pinned = new Set(Object.values(cfg.imports));
  const files = ["core/data/nwb_movie.ts", "core/model/tf.ts"];
  for (const f of files) {
    const text = await Deno.readTextFile(`${root}${f}`);
    for (const m of text.matchAll(/(?:import\(|from |resolve\()"(npm:[^"]+)"/g)) {
      assert(pinned.has(m[1]), `${f} imports ${m[1]}, which deno.json's imports do not pin`);
    }
  }
});
