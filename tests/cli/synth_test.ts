// `sparsedyn synth`: writes a complete recording, refuses to overwrite, names bad flags.
import { assert, assertEquals } from "../_helpers/assert.ts";
import { cli } from "./_run.ts";

Deno.test("sparsedyn synth writes the recording and reports it", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const r = await cli([
      "synth",
      "--out",
      `${dir}/rec`,
      "--frames",
      "70",
      "--height",
      "24",
      "--width",
      "24",
      "--cells",
      "4",
      "--effect",
      "0.1",
      "--edges",
      "2",
      "--json",
    ]);
    assertEquals(r.code, 0, r.stderr);
    const out = JSON.parse(r.stdout);
    assertEquals(out.conditions, ["a", "b"]);
    assertEquals(out.changed, 2);
    for (const f of Object.values(out.files) as string[]) {
      assert((await Deno.stat(`${dir}/rec/${f}`)).size > 0, f);
    }
    const last = r.stderr.trim().split("\n").map((l) => JSON.parse(l)).pop();
    assertEquals([last.done, last.total], [140, 140], "progress as JSON lines, to the end");
    const again = await cli(["synth", "--out", `${dir}/rec`, "--frames", "70"]);
    assertEquals(again.code, 1);
    assert(again.stderr.includes("already exists"), again.stderr);
    const bad = await cli(["synth", "--out", `${dir}/x`, "--footprint", "square"]);
    assertEquals(bad.code, 2);
    assert(bad.stderr.includes("--footprint"), bad.stderr);
    const none = await cli(["synth"]);
    assertEquals(none.code, 2);
    assert(none.stderr.includes("--out DIR is required"), none.stderr);
    const left = [...Deno.readDirSync(dir)].map((e) => e.name);
    assertEquals(left, ["rec"], "no partial folders left");
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("sparsedyn synth --format tiff writes the movie as TIFF, and a bad format is named", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const args = ["--frames", "20", "--height", "16", "--width", "16", "--cells", "2"];
    const r = await cli(["synth", "--out", `${dir}/rec`, ...args, "--format", "tiff", "--json"]);
    assertEquals(r.code, 0, r.stderr);
    const files = Object.values(JSON.parse(r.stdout).files) as string[];
    assert(files.some((f) => f.endsWith(".tif")), `a TIFF movie: ${files}`);
    assert(!files.includes("movie.npy"), `no NPY movie: ${files}`);
    const names = [...Deno.readDirSync(`${dir}/rec`)].map((e) => e.name);
    assert(!names.includes("movie.npy"), `movie.npy not written: ${names}`);
    const bad = await cli(["synth", "--out", `${dir}/x`, ...args, "--format", "png"]);
    assertEquals(bad.code, 2);
    assert(bad.stderr.includes(`--format must be npy, tiff or both; got "png"`), bad.stderr);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
