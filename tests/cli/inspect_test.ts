// `sparsedyn inspect`: every format, JSON and text, and errors that name the file.
import { assert, assertEquals } from "../_helpers/assert.ts";
import { cli } from "./_run.ts";

const dir = new URL("../../fixtures/movies/", import.meta.url).pathname;

Deno.test("sparsedyn inspect summarises a movie of every format", async () => {
  for (
    const [file, format, extra] of [
      ["u16_lzw.tif", "tiff", []],
      ["imagej_hyperstack.tif", "tiff", ["--channel", "1", "--plane", "1"]],
      ["i16_c_v2.npy", "npy", []],
      ["tiny_two_photon.nwb", "nwb", []],
      ["suite2p/plane0/data.bin", "suite2p", []],
    ] as const
  ) {
    const r = await cli(["inspect", dir + file, "--json", ...extra]);
    assertEquals(r.code, 0, r.stderr);
    const s = JSON.parse(r.stdout);
    assertEquals(s.format, format, file);
    assert(s.frames > 0 && s.height === 8 && s.width === 10, `${file}: shape`);
    assertEquals(s.loadBytes, s.frames * 8 * 10 * 4, "a float32 load");
    assert(
      s.min <= s.mean && s.mean <= s.max && s.frameMeans.length === s.frames,
      `${file}: statistics`,
    );
  }
  const text = await cli(["inspect", dir + "tiny_two_photon.nwb"]);
  assertEquals(text.code, 0, text.stderr);
  assert(
    text.stdout.includes("30 Hz") && /frame mean\s+[▁▂▃▄▅▆▇█]+/.test(text.stdout),
    text.stdout,
  );
});

Deno.test("sparsedyn inspect exits non-zero and names the file for bad input", async () => {
  const missing = await cli(["inspect", dir + "nope.tif"]);
  assertEquals(missing.code, 1);
  assert(missing.stderr.includes("nope.tif"), missing.stderr);
  const bad = await cli(["inspect", dir + "bad/mixed_sizes.tif", "--json"]);
  assertEquals(bad.code, 1);
  const err = JSON.parse(bad.stderr).error;
  assertEquals([err.code, err.file], ["BAD_FILE", dir + "bad/mixed_sizes.tif"]);
  const none = await cli(["inspect"]);
  assertEquals(none.code, 2);
});
