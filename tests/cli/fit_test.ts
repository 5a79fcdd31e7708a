// `sparsedyn fit` on NPY, CSV, Suite2p F.npy and run folders: the library's numbers, the
// tables, typed errors naming the file (exit 1) or the flag (exit 2), atomic --out.
import { assert, assertAlmostEquals, assertEquals } from "../_helpers/assert.ts";
import { encodeNpy } from "../../core/data/npy.ts";
import { simulateVar } from "../../core/data/synthetic_var.ts";
import { fitVar } from "../../core/var/fit_var.ts";
import { cli, cliArgs } from "./_run.ts";

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

/** 24 persistent series sharing a slow drive, 200 time points (a small run's latents). */
function latentsLike(T: number, dd: number, seed: number): Float64Array {
  let s = seed >>> 0;
  const rnd = () => (s = (s * 1664525 + 1013904223) >>> 0) / 2 ** 32;
  const gauss = () => Math.sqrt(-2 * Math.log(rnd() + 1e-300)) * Math.cos(2 * Math.PI * rnd());
  const z = new Float64Array(T * dd), common = new Float64Array(T);
  for (let t = 1; t < T; t++) common[t] = 0.98 * common[t - 1] + gauss();
  for (let t = 1; t < T; t++) {
    for (let i = 0; i < dd; i++) {
      z[t * dd + i] = 0.9 * z[(t - 1) * dd + i] + 0.3 * common[t] * ((i % 3) - 1) + gauss();
    }
  }
  return z;
}

Deno.test("sparsedyn fit on a short 24-dim series: the data-bounded orders, inadmissible ones marked and never chosen", async () => {
  await withDir(async (dir) => {
    const Tz = 200, dz = 24;
    await Deno.writeFile(`${dir}/z.npy`, encodeNpy(latentsLike(Tz, dz, 3), [Tz, dz]));
    const byDefault = await cli(["fit", `${dir}/z.npy`]);
    assertEquals(byDefault.code, 0, byDefault.stderr);
    assert(
      byDefault.stdout.includes("orders 1 … 5 — bounded by the data"),
      `the bound is stated:\n${byDefault.stdout}`,
    );
    // Orders 1 … 8 as before: 6 … 8 leave fewer than 24 residual degrees of freedom on
    // 152 rows (7 and 8 had criteria of −∞, and 7 was chosen): marked, not fitted.
    const wide = await cli(["fit", `${dir}/z.npy`, "--max-lags", "8"]);
    assertEquals(wide.code, 0, wide.stderr);
    const table = wide.stdout.slice(
      wide.stdout.indexOf("HQIC"),
      wide.stdout.indexOf("λ per equation"),
    );
    const rows = table.split("\n").filter((l) => /^\s+\d [ *x] /.test(l));
    assertEquals(rows.length, 8, wide.stdout);
    for (const r of rows) {
      const [p, mark] = r.trim().split(/\s+/);
      if (Number(p) >= 6) {
        assertEquals(mark, "x", `p = ${p} is not admissible: ${r}`);
        assert(r.includes("—"), `p = ${p} is not fitted: ${r}`);
      }
      if (r.includes("-Infinity")) assert(!r.includes("*"), `chosen at −∞: ${r}`);
    }
    assert(rows.some((r) => r.includes("*")), "one order is chosen");
    const chosen = rows.find((r) => r.includes("*"))!;
    assert(Number(chosen.trim().split(/\s+/)[0]) <= 5, chosen);
  });
});

Deno.test("sparsedyn fit: warnings as plain lines off a terminal, red on one; --json progress and warnings on stderr", async () => {
  await withDir(async (dir) => {
    // Training part z_t = −0.8 z_{t−1} + ε, held-out part +0.8: worse than persistence.
    const Tz = 400, dz = 2;
    let s = 11;
    const rnd = () => (s = (s * 1664525 + 1013904223) >>> 0) / 2 ** 32 - 0.5;
    const z = new Float64Array(Tz * dz);
    for (let t = 1; t < Tz; t++) {
      for (let i = 0; i < dz; i++) {
        z[t * dz + i] = (t < 300 ? -0.8 : 0.8) * z[(t - 1) * dz + i] + rnd();
      }
    }
    await Deno.writeFile(`${dir}/flip.npy`, encodeNpy(z, [Tz, dz]));
    const plain = await cli(["fit", `${dir}/flip.npy`, "--lags", "1", "--holdout", "0.25"]);
    assertEquals(plain.code, 0, plain.stderr);
    assert(plain.stdout.includes("  warning: the fitted VAR forecasts the held-out tail worse"));
    assert(!plain.stdout.includes("\x1b["), "no colour off a terminal");

    const json = await cli([
      "fit",
      `${dir}/flip.npy`,
      "--lags",
      "1",
      "--holdout",
      "0.25",
      "--json",
    ]);
    assertEquals(json.code, 0, json.stderr);
    const out = JSON.parse(json.stdout);
    assert(out.warnings.some((w: string) => w.includes("worse than persistence")));
    const lines = json.stderr.trim().split("\n");
    const progressLines = lines.filter((l) => l.startsWith("{")).map((l) => JSON.parse(l));
    const last = progressLines.filter((l) => l.progress === "fit: λ per equation").at(-1);
    assertEquals([last.done, last.total], [dz, dz], json.stderr);
    assert(lines.some((l) => l.startsWith("warning: the fitted VAR forecasts")), json.stderr);

    // On a terminal (a pseudo-terminal from util-linux's script), the warning is red.
    const cmd = [Deno.execPath(), ...cliArgs(["fit", `${dir}/flip.npy`, "--lags", "1"])]
      .concat(["--holdout", "0.25"]).map((a) => `'${a}'`).join(" ");
    const env = { ...Deno.env.toObject() };
    delete env.NO_COLOR;
    const tty = await new Deno.Command("script", {
      args: ["-qec", cmd, "/dev/null"],
      env,
      clearEnv: true,
      stdout: "piped",
      stderr: "piped",
    }).output();
    const ttyOut = new TextDecoder().decode(tty.stdout);
    assertEquals(tty.code, 0, ttyOut);
    assert(ttyOut.includes("\x1b[1;31mwarning: the fitted VAR forecasts"), ttyOut);
  });
});
