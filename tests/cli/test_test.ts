// `sparsedyn test`: series files (NPY, CSV) give the library's result, test.json is
// written atomically, a run folder's model encodes movies; exit status 0 / 1 / 2 with the
// file or flag named.
import { assert, assertEquals } from "../_helpers/assert.ts";
import { encodeNpy } from "../../core/data/npy.ts";
import { simulateVar } from "../../core/data/synthetic_var.ts";
import { writeSynthetic } from "../../core/data/synthetic_write.ts";
import { conditionTest } from "../../core/stats/condition_test.ts";
import { trainRun } from "../../core/train/train_run.ts";
import { useBackend } from "../../core/model/backend.ts";
import { cli } from "./_run.ts";

const T = 300, D = 3;

function series(seed: number) {
  return simulateVar({ d: D, p: 1, T, seed, density: 0.3 }).series;
}

async function files() {
  const dir = await Deno.makeTempDir();
  await Deno.writeFile(`${dir}/a1.npy`, encodeNpy(series(1), [T, D]));
  const rows = Array.from(
    { length: T },
    (_, t) => Array.from(series(2).subarray(t * D, (t + 1) * D)).join(","),
  );
  await Deno.writeTextFile(`${dir}/a2.csv`, ["x,y,z", ...rows].join("\n") + "\n");
  await Deno.writeFile(`${dir}/b1.npy`, encodeNpy(series(3), [T, D]));
  await Deno.writeFile(`${dir}/b2.npy`, encodeNpy(series(4), [T, D]));
  const nan = series(5);
  nan[40] = NaN;
  await Deno.writeFile(`${dir}/nan.npy`, encodeNpy(nan, [T, D]));
  await Deno.writeTextFile(
    `${dir}/nan.csv`,
    Array.from({ length: T }, (_, t) => Array.from(nan.subarray(t * D, (t + 1) * D)).join(","))
      .join("\n") + "\n",
  );
  await Deno.writeFile(`${dir}/short.npy`, encodeNpy(series(6).slice(0, 40 * D), [40, D]));
  await Deno.writeFile(`${dir}/movie.npy`, encodeNpy(new Float64Array(4 * 8 * 8), [4, 8, 8]));
  return dir;
}

Deno.test("sparsedyn test on NPY and CSV series: the library's result, test.json in --out", async () => {
  const dir = await files();
  try {
    const args = [
      "--a",
      `${dir}/a1.npy`,
      "--a",
      `${dir}/a2.csv`,
      "--b",
      `${dir}/b1.npy`,
      "--b",
      `${dir}/b2.npy`,
    ];
    const r = await cli(["test", ...args, "--window", "50", "--seed", "7", "--out", `${dir}/out`]);
    assertEquals(r.code, 0, r.stderr);
    assert(r.stdout.includes("p = ") && r.stdout.includes("between / within"), r.stdout);
    assert(r.stdout.includes(`written to ${dir}/out/test.json`), r.stdout);
    const j = JSON.parse(await Deno.readTextFile(`${dir}/out/test.json`));
    const rec = (s: Float64Array, name: string) => ({ series: s, T, d: D, name });
    const lib = conditionTest(
      [rec(series(1), `${dir}/a1.npy`), rec(series(2), `${dir}/a2.csv`)],
      [rec(series(3), `${dir}/b1.npy`), rec(series(4), `${dir}/b2.npy`)],
      { window: 50, seed: 7 },
    );
    assertEquals(j.pValue, lib.pValue);
    assertEquals(j.statistic, lib.statistic);
    assertEquals(j.windows.a, 12);
    assertEquals(j.inputs.a, [`${dir}/a1.npy`, `${dir}/a2.csv`]);
    assertEquals(j.coefficients.map((c: { q: number }) => c.q), lib.coefficients.map((c) => c.q));
    assertEquals([...Deno.readDirSync(`${dir}/out`)].map((e) => e.name), ["test.json"]);

    // A name ending in .json is the file itself (its folder made), not a folder named so.
    const named = await cli([
      "test",
      ...args,
      "--window",
      "50",
      "--seed",
      "7",
      "--out",
      `${dir}/res/p.json`,
    ]);
    assertEquals(named.code, 0, named.stderr);
    assert(named.stdout.includes(`written to ${dir}/res/p.json`), named.stdout);
    assertEquals(JSON.parse(await Deno.readTextFile(`${dir}/res/p.json`)), j);

    const js = await cli(["test", ...args, "--window", "50", "--seed", "7", "--json"]);
    assertEquals(js.code, 0, js.stderr);
    assertEquals(JSON.parse(js.stdout), j, "--json prints what test.json holds");
    // The window fits and the relabelings report their progress as JSON lines on stderr.
    const lines = js.stderr.split("\n").filter((l) => l.startsWith("{")).map((l) => JSON.parse(l));
    for (const stage of ["VAR per window", "relabelings"]) {
      assert(
        lines.some((l) => l.progress === stage && l.done === l.total && l.total > 0),
        `${stage}: ${js.stderr}`,
      );
    }
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("sparsedyn test FILE[start:end]: segments of one recording as conditions, as the library on the slices", async () => {
  const dir = await files();
  try {
    const a1 = `${dir}/a1.npy`;
    const r = await cli([
      "test",
      "--a",
      `${a1}[0:100]`,
      "--a",
      `${a1}[200:]`,
      "--b",
      `${a1}[100:200]`,
      "--b",
      `${dir}/b1.npy[:150]`,
      "--window",
      "25",
      "--json",
    ]);
    assertEquals(r.code, 0, r.stderr);
    const j = JSON.parse(r.stdout);
    const s = series(1), b = series(3);
    const seg = (x: Float64Array, from: number, to: number, name: string) => ({
      series: x.slice(from * D, to * D),
      T: to - from,
      d: D,
      name,
    });
    const lib = conditionTest(
      [seg(s, 0, 100, `${a1}[0:100]`), seg(s, 200, T, `${a1}[200:]`)],
      [seg(s, 100, 200, `${a1}[100:200]`), seg(b, 0, 150, `${dir}/b1.npy[:150]`)],
      { window: 25 },
    );
    assertEquals(j.statistic, lib.statistic);
    assertEquals(j.pValue, lib.pValue);
    assertEquals([j.windows.a, j.windows.b], [8, 10]);
    assertEquals(j.inputs.b, [`${a1}[100:200]`, `${dir}/b1.npy[:150]`]);
    // A segment past the end names the file and its length; an empty one is a usage error.
    const past = await cli(["test", "--a", `${a1}[0:400]`, "--b", `${dir}/b1.npy`]);
    assertEquals(past.code, 1, past.stderr);
    assert(past.stderr.includes("a1.npy") && past.stderr.includes(`${T} frames`), past.stderr);
    const empty = await cli(["test", "--a", `${a1}[50:50]`, "--b", `${dir}/b1.npy`]);
    assertEquals(empty.code, 2, empty.stderr);
    assert(empty.stderr.includes("--a") && empty.stderr.includes("empty"), empty.stderr);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("sparsedyn test: bad input exits 1 naming the file", async () => {
  const dir = await files();
  try {
    const base = ["test", "--b", `${dir}/b1.npy`, "--window", "50"];
    const nan = await cli([...base, "--a", `${dir}/a1.npy`, "--a", `${dir}/nan.npy`]);
    assertEquals(nan.code, 1, nan.stderr);
    assert(nan.stderr.includes(`${dir}/nan.npy (a[1])`) && nan.stderr.includes("NaN"), nan.stderr);
    const nanJson = await cli([...base, "--a", `${dir}/a1.npy`, "--a", `${dir}/nan.npy`, "--json"]);
    assertEquals(nanJson.code, 1);
    const err = JSON.parse(nanJson.stderr).error;
    assertEquals([err.code, err.file, err.argument], ["NON_FINITE", `${dir}/nan.npy`, "--a"]);
    // The CSV reader refuses a non-number cell itself, naming the file.
    const csv = await cli([...base, "--a", `${dir}/nan.csv`]);
    assertEquals(csv.code, 1, csv.stderr);
    assert(csv.stderr.includes(`${dir}/nan.csv`), csv.stderr);

    const movie = await cli([...base, "--a", `${dir}/movie.npy`]);
    assertEquals(movie.code, 1, movie.stderr);
    assert(
      movie.stderr.includes(`${dir}/movie.npy`) && movie.stderr.includes("run folder"),
      movie.stderr,
    );

    const missing = await cli([...base, "--a", `${dir}/nope.npy`]);
    assertEquals(missing.code, 1);
    assert(missing.stderr.includes(`${dir}/nope.npy`), missing.stderr);

    const short = await cli([...base, "--a", `${dir}/short.npy`]);
    assertEquals(short.code, 1);
    assert(
      short.stderr.includes(`${dir}/short.npy`) && short.stderr.includes("fewer than one window"),
      short.stderr,
    );

    // One window per condition: no relabeling could change the groups.
    const one = await cli([
      "test",
      "--a",
      `${dir}/a1.npy`,
      "--b",
      `${dir}/b1.npy`,
      "--window",
      "200",
    ]);
    assertEquals(one.code, 1, one.stderr);
    assert(one.stderr.includes("at least 2 blocks"), one.stderr);

    const noRun = await cli(
      [`${dir}/no_such_run`, ...base.slice(1), "--a", `${dir}/a1.npy`].toSpliced(0, 0, "test"),
    );
    assertEquals(noRun.code, 1, noRun.stderr);
    assert(noRun.stderr.includes(`${dir}/no_such_run`), noRun.stderr);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("sparsedyn test: usage errors exit 2 naming the flag", async () => {
  const dir = await files();
  try {
    const cases: [string[], string][] = [
      [["--a", `${dir}/a1.npy`], "--b"],
      [["--b", `${dir}/b1.npy`], "--a"],
      [["--a", `${dir}/a1.npy`, "--b", `${dir}/b1.npy`, "--permutations", "99"], "--permutations"],
      [["--a", `${dir}/a1.npy`, "--b", `${dir}/b1.npy`, "--alpha", "1"], "--alpha"],
      [["--a", `${dir}/a1.npy`, "--b", `${dir}/b1.npy`, "--lags", "0"], "--lags"],
      [["--a", `${dir}/a1.npy`, "--b", `${dir}/b1.npy`, "--bogus"], "--bogus"],
      [["--a", `${dir}/a1.npy`, "--b", `${dir}/b1.npy`, "--maps"], "--maps"],
      [["--a", `${dir}/a1.npy`, "--b", `${dir}/b1.npy`, "--components", "0"], "--components"],
    ];
    for (const [args, flag] of cases) {
      const r = await cli(["test", ...args]);
      assertEquals(r.code, 2, `${args.join(" ")}: ${r.stderr}`);
      assert(r.stderr.includes(flag), r.stderr);
    }
    const help = await cli(["test", "--help"]);
    assertEquals(help.code, 0);
    assert(help.stdout.includes("--permutations"), help.stdout);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("sparsedyn test <run>: movies encoded by the run's model, test.json in the run", async () => {
  const dir = await Deno.makeTempDir();
  try {
    await writeSynthetic(`${dir}/s`, {
      height: 16,
      width: 16,
      frames: 160,
      cells: 3,
      conditions: { effect: 0.1, edges: 1 },
    });
    await useBackend("wasm");
    await trainRun(`${dir}/s/movie_a.npy`, `${dir}/run`, {
      mode: "ae",
      epochs: 1,
      windowLength: 20,
    });
    const r = await cli([
      "test",
      `${dir}/run`,
      "--a",
      `${dir}/s/movie_a.npy`,
      "--b",
      `${dir}/s/movie_b.npy`,
      "--window",
      "20",
      "--backend",
      "wasm",
      "--maps",
    ]);
    assertEquals(r.code, 0, r.stderr);
    const j = JSON.parse(await Deno.readTextFile(`${dir}/run/test.json`));
    assertEquals([j.windows.a, j.windows.b], [8, 8]);
    assert(j.settings.d > 0 && j.pValue > 0 && j.pValue <= 1, JSON.stringify(j.settings));
    // The run's 2×2×2 = 8 latents are not reduced (default: components only above 8).
    assertEquals(j.settings.d, 8);
    assertEquals(j.components, undefined);
    // --maps: the same windows, maps on a 4×4 grid of 4×4-pixel cells.
    assertEquals([j.maps.windows.a, j.maps.windows.b], [8, 8]);
    assertEquals(j.maps.grid, { height: 4, width: 4, downsample: 4 });
    assert(j.maps.pValue > 0 && j.maps.pValue <= 1 && j.maps.cells.length === 16);
    assert(r.stdout.includes("maps: integrated-gradient maps"), r.stdout);
    assert(r.stdout.includes(`${dir}/run/test.json`), r.stdout);
    // A folder without a model is refused, naming it.
    await Deno.mkdir(`${dir}/empty`);
    const e = await cli([
      "test",
      `${dir}/empty`,
      "--a",
      `${dir}/s/movie_a.npy`,
      "--b",
      `${dir}/s/movie_b.npy`,
      "--backend",
      "wasm",
    ]);
    assertEquals(e.code, 1, e.stderr);
    assert(e.stderr.includes(`${dir}/empty`), e.stderr);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
