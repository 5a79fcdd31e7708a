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
  // A misspelt name: the closest file in that folder is suggested; a missing folder is named.
  const typo = await cli(["inspect", dir + "u16_lzv.tif"]);
  assertEquals(typo.code, 1);
  assert(
    typo.stderr.includes(
      `No such file in "${dir.replace(/\/$/, "")}" (did you mean "u16_lzw.tif"?)`,
    ),
    typo.stderr,
  );
  const folder = await cli(["inspect", dir + "nowhere/day1.tif"]);
  assert(folder.stderr.includes(`the folder "${dir}nowhere" does not exist`), folder.stderr);
  const none = await cli(["inspect"]);
  assertEquals(none.code, 2);
});

Deno.test("sparsedyn inspect: a truncated NWB gives one line with the cause, no HDF5 dump on stderr", async () => {
  const tmp = await Deno.makeTempDir();
  try {
    const full = await Deno.readFile(dir + "tiny_two_photon.nwb");
    await Deno.writeFile(`${tmp}/cut.nwb`, full.subarray(0, 3000));
    const r = await cli(["inspect", `${tmp}/cut.nwb`]);
    assertEquals(r.code, 1);
    assertEquals(
      r.stderr.trim(),
      `sparsedyn inspect: ${tmp}/cut.nwb is truncated: it holds 3000 bytes, but its header ` +
        `says the file is ${full.length} bytes long, so ${
          full.length - 3000
        } bytes are missing (an interrupted copy or download?)`,
    );
    assert(!r.stderr.includes("HDF5-DIAG"), r.stderr);
    // The same in JSON, with the file named.
    const j = await cli(["inspect", `${tmp}/cut.nwb`, "--json"]);
    const err = JSON.parse(j.stderr).error;
    assertEquals([err.code, err.file], ["BAD_FILE", `${tmp}/cut.nwb`]);
  } finally {
    await Deno.remove(tmp, { recursive: true });
  }
});

const data = Deno.env.get("SPARSEDYN_DATA") ??
  new URL("../../../shared/data", import.meta.url).pathname;
const nwb = `${data}/inscopix_1p_dandi_compliant_movie.nwb`;
const haveData = await Deno.stat(nwb).then(() => true, () => false);

Deno.test({
  name: "sparsedyn inspect: the real NWB cut at 3000 bytes says 601 096 bytes are missing",
  ignore: !haveData,
  async fn() {
    const tmp = await Deno.makeTempDir();
    try {
      const f = await Deno.open(nwb);
      const head = new Uint8Array(3000);
      let got = 0;
      while (got < head.length) got += (await f.read(head.subarray(got))) ?? 0;
      f.close();
      await Deno.writeFile(`${tmp}/movie.nwb`, head);
      const r = await cli(["inspect", `${tmp}/movie.nwb`]);
      assertEquals(r.code, 1);
      assert(
        r.stderr.includes(
          "is truncated: it holds 3000 bytes, but its header says the file is " +
            "604096 bytes long, so 601096 bytes are missing",
        ),
        r.stderr,
      );
      assertEquals(r.stderr.trim().split("\n").length, 1, r.stderr);
    } finally {
      await Deno.remove(tmp, { recursive: true });
    }
  },
});

Deno.test("sparsedyn inspect: a text file named .tif, and a folder, are called what they are", async () => {
  const tmp = await Deno.makeTempDir();
  try {
    await Deno.writeTextFile(`${tmp}/x.tif`, "time,dF/F\n0,0.1\n");
    const text = await cli(["inspect", `${tmp}/x.tif`]);
    assertEquals(text.code, 1);
    assert(
      text.stderr.includes(`${tmp}/x.tif is not a TIFF file: it is text, which begins "time,dF/F`),
      text.stderr,
    );
    assert(!text.stderr.includes("byte order"), text.stderr);
    const folder = await cli(["inspect", tmp]);
    assertEquals(folder.code, 1);
    assert(
      folder.stderr.includes(`"${tmp}" is a directory, not a movie file; it holds 1 movie file`),
      folder.stderr,
    );
    assert(!folder.stderr.includes("unknown movie format"), folder.stderr);
    // A Suite2p output folder is a movie.
    const s2p = await cli(["inspect", dir + "suite2p", "--json"]);
    assertEquals(s2p.code, 0, s2p.stderr);
    assertEquals(JSON.parse(s2p.stdout).format, "suite2p");
  } finally {
    await Deno.remove(tmp, { recursive: true });
  }
});
