// `sparsedyn preprocess`: labeled inputs into a folder of NPY files with windows, no
// partial folder on failure, names the flag or file on bad input.
import { decodeNpy } from "../../core/data/npy.ts";
import { assert, assertEquals } from "../_helpers/assert.ts";
import { cli } from "./_run.ts";

const movies = new URL("../../fixtures/movies/", import.meta.url).pathname;

Deno.test("sparsedyn preprocess writes each labeled movie, its mean image and the windows", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const r = await cli([
      "preprocess",
      `familiar:${movies}u16_lzw.tif`,
      `novel:${movies}tiny_two_photon.nwb`,
      "--out",
      `${dir}/pp`,
      "--downsample",
      "2",
      "--normalize",
      "zscore",
      "--window",
      "2",
      "--stride",
      "1",
      "--validation",
      "0.34",
      "--json",
    ]);
    assertEquals(r.code, 0, r.stderr);
    const doc = JSON.parse(r.stdout);
    assertEquals(doc.inputs.map((i: { label: string }) => i.label), ["familiar", "novel"]);
    for (const inp of doc.inputs) {
      const a = decodeNpy(await Deno.readFile(`${dir}/pp/${inp.file}`), inp.file);
      assertEquals(a.shape, [6, 4, 5], "6 frames of 4×5 after 2×2 blocks");
      // z-scored: every pixel has mean 0 over time.
      for (let q = 0; q < 20; q++) {
        let s = 0;
        for (let t = 0; t < 6; t++) s += a.data[t * 20 + q];
        assert(Math.abs(s / 6) < 1e-5, `pixel ${q} mean ${s / 6}`);
      }
      const w = inp.windows;
      assert(
        w.train.every((t: number) => t + 2 <= w.cut) &&
          w.validation.every((v: number) => v >= w.cut),
        "split",
      );
    }
    assertEquals(doc.inputs[1].rate, 30, "the NWB rate is carried");
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("sparsedyn preprocess refuses bad input and leaves no partial folder", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const bad = await cli([
      "preprocess",
      `${movies}u16_lzw.tif`,
      `${movies}bad/mixed_sizes.tif`,
      "--out",
      `${dir}/pp`,
    ]);
    assertEquals(bad.code, 1);
    assert(
      bad.stderr.includes("mixed_sizes.tif") && bad.stderr.includes("pages differ in size"),
      bad.stderr,
    );
    const flag = await cli([
      "preprocess",
      `${movies}u16_lzw.tif`,
      "--out",
      `${dir}/pp`,
      "--crop",
      "1,2,3",
    ]);
    assertEquals(flag.code, 2);
    assert(flag.stderr.includes("--crop"), flag.stderr);
    const fit = await cli([
      "preprocess",
      `${movies}u16_lzw.tif`,
      "--out",
      `${dir}/pp`,
      "--downsample",
      "20",
    ]);
    assertEquals(fit.code, 1);
    assert(fit.stderr.includes("downsample"), fit.stderr);
    assertEquals([...Deno.readDirSync(dir)].length, 0, "nothing left behind");
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
