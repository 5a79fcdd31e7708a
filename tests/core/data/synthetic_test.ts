// The synthetic generator against its own truth: the VAR in truth.json is the one that
// produced the activity (OLS on the noise-free activity recovers it to 1e-6), condition B
// differs exactly where truth.json says, the movie is what the model says on average, and
// everything is reproducible from the seed.
import { decodeNpy } from "../../../core/data/npy.ts";
import { planSynthetic, renderFrames, simulateActivity } from "../../../core/data/synthetic.ts";
import { writeSynthetic } from "../../../core/data/synthetic_write.ts";
import { poisson } from "../../../core/data/poisson.ts";
import { uniform } from "../../../core/data/random.ts";
import { SparsedynError } from "../../../core/errors.ts";
import { assert, assertEquals, assertThrows } from "../../_helpers/assert.ts";

/** Solves the normal equations (Gaussian elimination with partial pivoting). */
function ols(X: number[][], y: number[]): number[] {
  const m = X[0].length;
  const A = Array.from({ length: m }, (_, i) => {
    const row = new Array(m + 1).fill(0);
    for (let t = 0; t < X.length; t++) {
      for (let j = 0; j < m; j++) row[j] += X[t][i] * X[t][j];
      row[m] += X[t][i] * y[t];
    }
    return row;
  });
  for (let p = 0; p < m; p++) {
    let piv = p;
    for (let i = p + 1; i < m; i++) if (Math.abs(A[i][p]) > Math.abs(A[piv][p])) piv = i;
    [A[p], A[piv]] = [A[piv], A[p]];
    for (let i = p + 1; i < m; i++) {
      const f = A[i][p] / A[p][p];
      for (let j = p; j <= m; j++) A[i][j] -= f * A[p][j];
    }
  }
  const x = new Array(m).fill(0);
  for (let i = m - 1; i >= 0; i--) {
    let s = A[i][m];
    for (let j = i + 1; j < m; j++) s -= A[i][j] * x[j];
    x[i] = s / A[i][i];
  }
  return x;
}

Deno.test("synthetic activity follows the VAR of truth.json: OLS on the noise-free part recovers it to 1e-6", () => {
  for (const lags of [1, 2]) {
    const plan = planSynthetic({
      cells: 6,
      lags,
      frames: 300,
      seed: 11,
      conditions: { effect: 0.15, edges: 2 },
    });
    for (const c of plan.truth.conditions) {
      const { z, innovations } = simulateActivity(plan, c);
      const K = 6, T = 300;
      const X: number[][] = [];
      for (let t = lags; t < T; t++) {
        const row: number[] = [];
        for (let k = 1; k <= lags; k++) for (let j = 0; j < K; j++) row.push(z[(t - k) * K + j]);
        X.push(row);
      }
      for (let i = 0; i < K; i++) {
        const y = [];
        for (let t = lags; t < T; t++) y.push(z[t * K + i] - innovations[t * K + i]);
        const b = ols(X, y);
        for (let k = 0; k < lags; k++) {
          for (let j = 0; j < K; j++) {
            const want = plan.truth.A[c][k][i][j];
            assert(
              Math.abs(b[k * K + j] - want) < 1e-6,
              `${c} A${k + 1}[${i}][${j}] = ${b[k * K + j]} vs ${want}`,
            );
          }
        }
      }
    }
  }
});

Deno.test("condition B differs from A exactly at the changed coefficients, by the effect size", () => {
  const plan = planSynthetic({
    cells: 8,
    lags: 2,
    seed: 4,
    conditions: { effect: -0.1, edges: 5 },
  });
  const { A, changed } = plan.truth;
  assertEquals(changed.length, 5);
  let differing = 0;
  for (let k = 0; k < 2; k++) {
    for (let i = 0; i < 8; i++) {
      for (let j = 0; j < 8; j++) {
        const d = A.b[k][i][j] - A.a[k][i][j];
        if (d === 0) continue;
        differing++;
        const ch = changed.find((c) => c.lag === k + 1 && c.to === i && c.from === j);
        assert(ch !== undefined, `A${k + 1}[${i}][${j}] changed but is not listed`);
        assert(Math.abs(Math.abs(d) - 0.1) < 1e-12 && i !== j, `change of ${d}`);
      }
    }
  }
  assertEquals(differing, 5, "only the listed coefficients differ");
  assert(
    plan.truth.spectralRadius.b < 1 && plan.truth.spectralRadius.a < 1,
    "both conditions stable",
  );
  // who-drives-whom lists match the matrices
  for (const c of ["a", "b"]) {
    for (const e of plan.truth.edges[c]) assertEquals(A[c][e.lag - 1][e.to][e.from], e.weight);
  }
});

Deno.test("the movie is, on average, background + footprints × cell fluorescence (noise averages out)", () => {
  const plan = planSynthetic({ height: 32, width: 32, cells: 5, frames: 400, drift: 0, seed: 8 });
  const act = simulateActivity(plan, "a");
  const frames = renderFrames(plan, act, 0, 400, plan.noiseGenerator("a"));
  const H = 32, W = 32, K = 5;
  let err = 0, norm = 0;
  for (let q = 0; q < H * W; q++) {
    let mean = 0;
    for (let t = 0; t < 400; t++) mean += frames[t * H * W + q] / 400;
    let model = plan.background[q];
    for (let k = 0; k < K; k++) {
      let level = 0;
      for (let t = 0; t < 400; t++) {
        level += (plan.truth.baseline[k] + plan.truth.amplitude[k] * act.calcium[t * K + k]) / 400;
      }
      model += plan.footprints[k * H * W + q] * level;
    }
    err += (mean - model) ** 2;
    norm += model ** 2;
  }
  // Poisson–Gaussian noise of a few units per pixel, averaged over 400 frames.
  assert(Math.sqrt(err / norm) < 0.01, `relative error ${Math.sqrt(err / norm)}`);
  // Footprints are localised: each peaks at its centre and vanishes far away.
  plan.truth.centers.forEach(([cy, cx], k) => {
    const at = (y: number, x: number) => plan.footprints[(k * H + y) * W + x];
    assert(at(Math.round(cy), Math.round(cx)) > 0.6, `cell ${k} peaks at its centre`);
    const far = [Math.round(cy) + 12, Math.round(cx) + 12];
    if (far[0] < H && far[1] < W) assertEquals(at(far[0], far[1]), 0, `cell ${k} is local`);
  });
});

Deno.test("writeSynthetic() is reproducible from the seed and writes every file it lists", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const opts = {
      height: 20,
      width: 24,
      frames: 130,
      cells: 3,
      jitter: 1,
      seed: 5,
      conditions: { effect: 0.1, edges: 1 },
    };
    const t1 = await writeSynthetic(`${dir}/one`, opts);
    const t2 = await writeSynthetic(`${dir}/two`, opts);
    assertEquals(t1, t2, "same truth");
    for (const f of Object.values(t1.files)) {
      const a = await Deno.readFile(`${dir}/one/${f}`), b = await Deno.readFile(`${dir}/two/${f}`);
      assertEquals(a.length, b.length, f);
      assert(a.every((v, i) => v === b[i]), `${f} identical`);
    }
    const movie = decodeNpy(await Deno.readFile(`${dir}/one/${t1.files.movie_b}`), "movie_b.npy");
    assertEquals(movie.shape, [130, 20, 24]);
    assertEquals(movie.dtype, "<f4");
    const truth = JSON.parse(await Deno.readTextFile(`${dir}/one/truth.json`));
    assertEquals(truth.A, t1.A, "truth.json holds the coefficients");
    const other = await writeSynthetic(`${dir}/three`, { ...opts, seed: 6 });
    assert(JSON.stringify(other.A) !== JSON.stringify(t1.A), "another seed, another model");
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("writeSynthetic() never touches an existing folder and checks its settings", async () => {
  const dir = await Deno.makeTempDir();
  try {
    await Deno.writeTextFile(`${dir}/keep.txt`, "mine");
    let err: unknown;
    try {
      await writeSynthetic(dir, { frames: 10 });
    } catch (e) {
      err = e;
    }
    assert(err instanceof SparsedynError && err.code === "IO" && err.file === dir, String(err));
    assertEquals(await Deno.readTextFile(`${dir}/keep.txt`), "mine");
    assertEquals([...Deno.readDirSync(dir)].length, 1, "nothing added");
    assertThrows(() => planSynthetic({ cells: 0 }), SparsedynError, { argument: "cells" });
    assertThrows(() => planSynthetic({ radius: 1.2 }), SparsedynError, { argument: "radius" });
    assertThrows(() => planSynthetic({ height: 8, cellRadius: [2, 5] }), SparsedynError, {
      argument: "cellRadius",
    });
    assertThrows(() => planSynthetic({ conditions: { effect: 5, edges: 20 } }), SparsedynError, {
      argument: "conditions.effect",
    }, "unstable");
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("poisson() has the Poisson mean and variance, small and large λ", () => {
  const u = uniform(99);
  for (const lam of [0.5, 4, 12, 80, 1000]) {
    const n = 40000;
    let s = 0, s2 = 0;
    for (let i = 0; i < n; i++) {
      const k = poisson(u, lam);
      assert(Number.isInteger(k) && k >= 0, "non-negative integer");
      s += k;
      s2 += k * k;
    }
    const mean = s / n, vr = s2 / n - mean * mean;
    // Standard errors: √(λ/n) for the mean, about λ√(2/n) for the variance.
    assert(Math.abs(mean - lam) < 5 * Math.sqrt(lam / n), `λ = ${lam}: mean ${mean}`);
    assert(Math.abs(vr - lam) < 5 * lam * Math.sqrt(2 / n) + 0.05, `λ = ${lam}: variance ${vr}`);
  }
});

Deno.test("writeSynthetic() writes TIFF (uint16, rounded) that reads back as the NPY movie rounded", async () => {
  const { openMovie } = await import("../../../core/data/movie.ts");
  const dir = await Deno.makeTempDir();
  try {
    const t = await writeSynthetic(
      `${dir}/r`,
      { height: 16, width: 18, frames: 70, cells: 3, seed: 2 },
      undefined,
      { format: "both" },
    );
    const a = await openMovie(`${dir}/r/${t.files.movie_a}`),
      b = await openMovie(`${dir}/r/${t.files.movie_a_tiff}`);
    const x = await a.read(0, 70), y = await b.read(0, 70);
    a.close();
    b.close();
    assertEquals(b.dtype, "uint16");
    for (let i = 0; i < x.length; i++) {
      const want = Math.min(65535, Math.max(0, Math.round(x[i])));
      if (y[i] !== want) throw new Error(`value ${i}: ${y[i]} vs ${want}`);
    }
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("TiffWriter writes BigTIFF when asked for more than 4 GiB (checked on the header it plans)", async () => {
  const { TiffWriter } = await import("../../../core/data/tiff_writer.ts");
  const dir = await Deno.makeTempDir();
  try {
    // 70 000 frames of 256×128 uint16 = 4.3 GiB: only the header is written here.
    const w = await TiffWriter.create(`${dir}/big.tif`, {
      frames: 70000,
      height: 256,
      width: 128,
      type: "uint16",
    });
    await w.abort();
    const w2 = await TiffWriter.create(`${dir}/small.tif`, {
      frames: 2,
      height: 4,
      width: 4,
      type: "float32",
    });
    await w2.write(new Float32Array(16).fill(1.5));
    await w2.write(new Float32Array(16).fill(-2));
    await w2.close();
    const { openMovie } = await import("../../../core/data/movie.ts");
    const m = await openMovie(`${dir}/small.tif`);
    assertEquals(Array.from(await m.read(1, 1)).slice(0, 2), [-2, -2]);
    m.close();
    assertEquals(
      [...Deno.readDirSync(dir)].map((e) => e.name),
      ["small.tif"],
      "the aborted file is gone",
    );
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
