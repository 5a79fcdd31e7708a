// `sparsedyn fit` on NPY, CSV, Suite2p F.npy and run folders: the library's numbers, the
// tables, typed errors naming the file (exit 1) or the flag (exit 2), atomic --out.
import { assert, assertAlmostEquals, assertEquals } from "../_helpers/assert.ts";
import { encodeNpy } from "../../core/data/npy.ts";
import { simulateVar } from "../../core/data/synthetic_var.ts";
import { fitVar } from "../../core/var/var_model.ts";
import { cli } from "./_run.ts";

const sim = simulateVar({ d: 4, p: 2, T: 600, density: 0.3, seed: 11 });
const { series, T, d } = sim;

function transposed(x: Float64Array, rows: number, cols: number) {
  const out = new Float64Array(x.length);
  for (let i = 0; i < rows; i++) for (let j = 0; j < cols; j++) out[j * rows + i] = x[i * cols + j];
  return out;
}

async function withDir(fn: (dir: string) => Promise<void>) {
  const dir = await Deno.makeTempDir();
  try {
    await fn(dir);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

Deno.test("sparsedyn fit --json on an NPY equals fitVar, and prints the tables otherwise", async () => {
  await withDir(async (dir) => {
    await Deno.writeFile(`${dir}/z.npy`, encodeNpy(series, [T, d]));
    const r = await cli(["fit", `${dir}/z.npy`, "--max-lags", "4", "--json"]);
    assertEquals(r.code, 0, r.stderr);
    const out = JSON.parse(r.stdout);
    const ref = fitVar(series, T, d, { maxLags: 4, holdout: 0.2, horizon: 5 });
    assertEquals(out.p, ref.p, "order");
    assertEquals(out.input, { file: `${dir}/z.npy`, kind: "file", T, d, transposed: false });
    assertEquals(out.A.flat(2), Array.from(ref.A), "A");
    assertEquals(out.forecast.scores.length, 5, "horizons 1 … 5");
    assertEquals(out.order.table.length, 4, "orders 1 … 4");

    const text = await cli(["fit", `${dir}/z.npy`, "--max-lags", "4", "--top", "3"]);
    assertEquals(text.code, 0, text.stderr);
    for (
      const s of ["Order: p = ", "HQIC", "Network:", "strongest 3", "Stability:", "persistence"]
    ) {
      assert(text.stdout.includes(s), `missing "${s}" in:\n${text.stdout}`);
    }
  });
});

Deno.test("sparsedyn fit reads Suite2p's F.npy as cells × frames, CSV, and --transpose", async () => {
  await withDir(async (dir) => {
    await Deno.writeFile(`${dir}/F.npy`, encodeNpy(transposed(series, T, d), [d, T]));
    const f = await cli(["fit", `${dir}/F.npy`, "--lags", "2", "--holdout", "0", "--json"]);
    assertEquals(f.code, 0, f.stderr);
    const out = JSON.parse(f.stdout);
    const ref = fitVar(series, T, d, { lags: 2 });
    assertEquals(out.input.transposed, true);
    assertEquals([out.input.T, out.input.d], [T, d]);
    assertEquals(out.A.flat(2), Array.from(ref.A), "A from F.npy");
    assertEquals(out.forecast, undefined, "no holdout, no forecasts");

    const rows = Array.from(
      { length: d },
      (_, i) => Array.from({ length: T }, (_, t) => series[t * d + i]).join(","),
    );
    await Deno.writeTextFile(`${dir}/traces.csv`, rows.join("\n") + "\n");
    const c = await cli([
      "fit",
      `${dir}/traces.csv`,
      "--transpose",
      "--lags",
      "2",
      "--holdout",
      "0",
      "--select",
      "none",
      "--json",
    ]);
    assertEquals(c.code, 0, c.stderr);
    const ols = fitVar(series, T, d, { lags: 2, select: "none" });
    const got = JSON.parse(c.stdout).A.flat(2) as number[];
    got.forEach((v, q) => assertAlmostEquals(v, ols.A[q], 1e-12, `OLS A[${q}] from CSV`));
  });
});

Deno.test("sparsedyn fit on a run folder fits its latents; --out is written whole", async () => {
  await withDir(async (dir) => {
    await Deno.mkdir(`${dir}/run`);
    await Deno.writeFile(`${dir}/run/latents.npy`, encodeNpy(series, [T, d]));
    await Deno.writeTextFile(`${dir}/run/config.json`, "{}");
    const r = await cli([
      "fit",
      `${dir}/run`,
      "--lags",
      "2",
      "--select",
      "cv",
      "--folds",
      "4",
      "--relaxed",
      "--out",
      `${dir}/var.json`,
    ]);
    assertEquals(r.code, 0, r.stderr);
    assert(r.stdout.includes("(run latents)") && r.stdout.includes("cross-validation"), r.stdout);
    const out = JSON.parse(await Deno.readTextFile(`${dir}/var.json`));
    const ref = fitVar(series, T, d, {
      lags: 2,
      select: "cv",
      cv: { folds: 4 },
      relaxed: true,
      holdout: 0.2,
      horizon: 5,
    });
    assertEquals(out.input.kind, "run");
    assertEquals(out.cv.folds.length, 4);
    assertEquals(out.A.flat(2), Array.from(ref.A), "relaxed CV fit");
    const names = [...Deno.readDirSync(dir)].map((e) => e.name).sort();
    assertEquals(names, ["run", "var.json"], "no temporary file left");
  });
});

Deno.test("sparsedyn fit: bad input exits 1 naming the file and the place", async () => {
  await withDir(async (dir) => {
    const withNaN = series.slice();
    withNaN[37 * d + 2] = NaN;
    await Deno.writeFile(`${dir}/nan.npy`, encodeNpy(withNaN, [T, d]));
    const constant = series.slice();
    for (let t = 0; t < T; t++) constant[t * d + 1] = 3;
    await Deno.writeFile(`${dir}/const.npy`, encodeNpy(constant, [T, d]));
    await Deno.writeFile(`${dir}/short.npy`, encodeNpy(series.slice(0, 3 * d), [3, d]));
    await Deno.writeFile(`${dir}/empty.npy`, encodeNpy(new Float64Array(0), [0, d]));
    await Deno.writeFile(`${dir}/zero.npy`, new Uint8Array(0));
    await Deno.writeTextFile(`${dir}/empty.csv`, "");
    await Deno.mkdir(`${dir}/notarun`);
    const cases: [string[], string[]][] = [
      [[`${dir}/nan.npy`], ["nan.npy", "row 37, column 2"]],
      [[`${dir}/const.npy`], ["const.npy", "column 1 is constant"]],
      [[`${dir}/short.npy`, "--lags", "3"], ["short.npy", "too short"]],
      [[`${dir}/nan.npy`.replace("nan", "none")], ["none.npy"]],
      [[`${dir}/empty.npy`], ["empty.npy", "empty"]],
      [[`${dir}/zero.npy`], ["zero.npy"]],
      [[`${dir}/empty.csv`], ["empty.csv"]],
      [[`${dir}/notarun`], ["notarun", "latents.npy"]],
    ];
    // Too short for the cross-validation folds (but long enough for the lags).
    await Deno.writeFile(`${dir}/cvshort.npy`, encodeNpy(series.slice(0, 10 * d), [10, d]));
    cases.push([
      [`${dir}/cvshort.npy`, "--lags", "1", "--holdout", "0", "--select", "cv", "--folds", "5"],
      ["cvshort.npy", "folds"],
    ]);
    for (const [args, needles] of cases) {
      const r = await cli(["fit", ...args]);
      assertEquals(r.code, 1, `${args.join(" ")}: ${r.stderr}`);
      for (const s of needles) assert(r.stderr.includes(s), `"${s}" not in: ${r.stderr}`);
    }
    const j = await cli(["fit", `${dir}/nan.npy`, "--json"]);
    assertEquals(j.code, 1);
    const err = JSON.parse(j.stderr).error;
    assertEquals([err.code, err.file], ["NON_FINITE", `${dir}/nan.npy`]);
  });
});

Deno.test("sparsedyn fit: usage errors exit 2 naming the flag", async () => {
  const cases: [string[], string][] = [
    [[], "missing"],
    [["a.npy", "b.npy"], "one series"],
    [["z.npy", "--lags", "0"], "--lags"],
    [["z.npy", "--lags", "2", "--max-lags", "3"], "--max-lags"],
    [["z.npy", "--select", "lars"], "--select"],
    [["z.npy", "--order-criterion", "mdl"], "--order-criterion"],
    [["z.npy", "--holdout", "1"], "--holdout"],
    [["z.npy", "--folds", "3"], "--select cv"],
    [["z.npy", "--gamma", "0.3"], "--select ebic"],
    [["z.npy", "--bogus"], "--bogus"],
  ];
  for (const [args, needle] of cases) {
    const r = await cli(["fit", ...args]);
    assertEquals(r.code, 2, `${args.join(" ")}: ${r.stderr}`);
    assert(r.stderr.includes(needle), `"${needle}" not in: ${r.stderr}`);
  }
  const h = await cli(["fit", "--help"]);
  assertEquals(h.code, 0);
  assert(h.stdout.includes("Usage: sparsedyn fit"), h.stdout);
});
