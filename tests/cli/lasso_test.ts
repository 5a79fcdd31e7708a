// `sparsedyn lasso` on NPY and CSV files: the same numbers as the library, typed errors
// naming the file or flag, and no half-written output.
import { assert, assertEquals } from "../_helpers/assert.ts";
import { problem } from "../_helpers/random.ts";
import { encodeNpy } from "../../core/data/npy.ts";
import { larsPath, lassoAt, lassoPathBatch, regressionStatistics } from "../../mod.ts";
import { cli } from "./_run.ts";

const N = 60, M = 6, D = 2;
const { X, Y, G, C } = problem(41, N, M, D);

async function files() {
  const dir = await Deno.makeTempDir();
  await Deno.writeFile(`${dir}/X.npy`, encodeNpy(X, [N, M]));
  await Deno.writeFile(`${dir}/Y.npy`, encodeNpy(Y, [N, D]));
  await Deno.writeFile(`${dir}/G.npy`, encodeNpy(G, [M, M]));
  await Deno.writeFile(`${dir}/C.npy`, encodeNpy(C, [M, D]));
  const rows = Array.from(
    { length: N },
    (_, t) => Array.from(X.subarray(t * M, (t + 1) * M)).join(","),
  );
  await Deno.writeTextFile(`${dir}/X.csv`, ["x0,x1,x2,x3,x4,x5", ...rows].join("\n") + "\n");
  await Deno.writeTextFile(
    `${dir}/y.csv`,
    Array.from({ length: N }, (_, t) => String(Y[t * D])).join("\n") + "\n",
  );
  return dir;
}

Deno.test("sparsedyn lasso --x --y writes the library's paths to --out", async () => {
  const dir = await files();
  try {
    const r = await cli([
      "lasso",
      "--x",
      `${dir}/X.npy`,
      "--y",
      `${dir}/Y.npy`,
      "--out",
      `${dir}/path.json`,
    ]);
    assertEquals(r.code, 0, r.stderr);
    assert(r.stdout.includes("response 1:"), r.stdout);
    const out = JSON.parse(await Deno.readTextFile(`${dir}/path.json`));
    // The library's own statistics of X and Y (the CLI must not build them another way).
    const s = regressionStatistics(X, Y, N, M, D);
    const ref = lassoPathBatch(s.G, s.C, N);
    assertEquals(out.d, D);
    for (let r = 0; r < D; r++) {
      assertEquals(out.responses[r].lambdas, Array.from(ref[r].lambdas), `λ of response ${r}`);
      assertEquals(out.responses[r].coefs.flat(), Array.from(ref[r].coefs), `β of response ${r}`);
    }
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("sparsedyn lasso reads CSV with a header, statistics files, and targets", async () => {
  const dir = await files();
  try {
    const lar = await cli([
      "lasso",
      "--x",
      `${dir}/X.csv`,
      "--y",
      `${dir}/y.csv`,
      "--method",
      "lar",
      "--json",
    ]);
    assertEquals(lar.code, 0, lar.stderr);
    const y0 = Y.filter((_, k) => k % D === 0);
    const s = regressionStatistics(X, y0, N, M, 1);
    const ref = larsPath(s.G, s.C, N);
    assertEquals(
      JSON.parse(lar.stdout).responses[0].lambdas,
      Array.from(ref.lambdas),
      "LAR from CSV",
    );
    const at = await cli([
      "lasso",
      "--gram",
      `${dir}/G.npy`,
      "--xty",
      `${dir}/C.npy`,
      "--n",
      String(N),
      "--lambda",
      "0.05",
      "--json",
    ]);
    assertEquals(at.code, 0, at.stderr);
    const fit = lassoAt(G, C.filter((_, k) => k % D === 1), N, { lambda: 0.05 });
    assertEquals(JSON.parse(at.stdout).responses[1].beta, Array.from(fit.beta), "β at λ from G, C");
    const bic = await cli([
      "lasso",
      "--x",
      `${dir}/X.npy`,
      "--y",
      `${dir}/Y.npy`,
      "--center",
      "--select",
      "bic",
      "--json",
    ]);
    assertEquals(bic.code, 0, bic.stderr);
    assert(JSON.parse(bic.stdout).responses[0].selected.criterion === "bic", "BIC selection");
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("sparsedyn lasso rejects bad input by name, exits non-zero, and keeps the old --out intact", async () => {
  const dir = await files();
  try {
    await Deno.writeTextFile(`${dir}/old.json`, "previous result");
    await Deno.writeTextFile(`${dir}/bad.csv`, "1,2\n3,oops\n");
    await Deno.writeFile(`${dir}/trunc.npy`, (await Deno.readFile(`${dir}/X.npy`)).slice(0, 100));
    const cases: [string[], number, string][] = [
      [["--x", `${dir}/missing.npy`, "--y", `${dir}/Y.npy`], 1, "missing.npy"],
      [["--x", `${dir}/bad.csv`, "--y", `${dir}/y.csv`], 1, "bad.csv:2:2"],
      [["--x", `${dir}/trunc.npy`, "--y", `${dir}/Y.npy`], 1, "trunc.npy: not a readable NPY file"],
      [["--x", `${dir}/X.npy`, "--y", `${dir}/bad.csv`], 1, "bad.csv"],
      [["--x", `${dir}/X.npy`], 2, "--x and --y go together"],
      [
        ["--x", `${dir}/X.npy`, "--y", `${dir}/Y.npy`, "--lambda=-1"],
        2,
        "--lambda must be a number ≥ 0",
      ],
      [
        ["--x", `${dir}/X.npy`, "--y", `${dir}/Y.npy`, "--steps", "2", "--lambda", "1"],
        2,
        "at most one",
      ],
      [["--gram", `${dir}/X.npy`, "--xty", `${dir}/C.npy`, "--n", "60"], 1, "G must be square"],
      [
        ["--gram", `${dir}/G.npy`, "--xty", `${dir}/C.npy`, "--n", "0"],
        2,
        "--n must be a number > 0",
      ],
      [["--x", `${dir}/X.npy`, "--y", `${dir}/Y.npy`, "--method", "ridge"], 2, "--method"],
    ];
    for (const [args, code, msg] of cases) {
      const r = await cli(["lasso", ...args, "--out", `${dir}/old.json`]);
      assertEquals(r.code, code, `${args.join(" ")}: ${r.stderr}`);
      assert(r.stderr.includes(msg), `${args.join(" ")}: expected "${msg}" in ${r.stderr}`);
      assertEquals(
        await Deno.readTextFile(`${dir}/old.json`),
        "previous result",
        "the old output is untouched",
      );
    }
    const leftovers = [...Deno.readDirSync(dir)].filter((e) => e.name.includes("partial"));
    assertEquals(leftovers.length, 0, "no temporary files left");
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
