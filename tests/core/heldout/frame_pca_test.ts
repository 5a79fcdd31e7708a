// PCA of frames against scikit-learn's PCA (fixtures/baselines_numpy.json, made by
// fixtures/make_baseline_fixtures.py) on both routes (T < P: Gram; T ≥ P: scatter), and on
// degenerate movies.
import {
  assert,
  assertAlmostEquals,
  assertEquals,
  assertThrows,
  maxAbsDiff,
} from "../../_helpers/assert.ts";
import { normals, uniform } from "../../../core/data/random.ts";
import { SparsedynError } from "../../../core/errors.ts";
import {
  fitFramePca,
  type FramePca,
  pcaReconstruct,
  pcaScores,
} from "../../../core/heldout/frame_pca.ts";

interface MovieCase {
  name: string;
  P: number;
  Ttr: number;
  Tte: number;
  train: string;
  test: string;
  expected: { reconstruction: { pca: { k: number; mse: number }[] } };
  info: { var: { k: number; variances: number[] }[] };
}
const fx = JSON.parse(
  await Deno.readTextFile(new URL("../../../fixtures/baselines_numpy.json", import.meta.url)),
) as { movies: MovieCase[] };

/** Float32 frames stored as base64 of little-endian bytes. */
function frames(b64: string): Float32Array {
  const bin = atob(b64), view = new DataView(new ArrayBuffer(bin.length));
  for (let i = 0; i < bin.length; i++) view.setUint8(i, bin.charCodeAt(i));
  return Float32Array.from({ length: bin.length / 4 }, (_, i) => view.getFloat32(4 * i, true));
}

/** max |U Uᵀ − I| over the rows of the components. */
function orthonormality(pca: FramePca): number {
  const { k, P, components: U } = pca;
  let worst = 0;
  for (let a = 0; a < k; a++) {
    for (let b = 0; b <= a; b++) {
      let s = 0;
      for (let q = 0; q < P; q++) s += U[a * P + q] * U[b * P + q];
      worst = Math.max(worst, Math.abs(s - (a === b ? 1 : 0)));
    }
  }
  return worst;
}

/** Mean squared error of x̂ = mean + scores·U against the frames, in float64. */
function reconstructionMse(pca: FramePca, x: Float32Array, T: number): number {
  const { k, P, mean, components: U } = pca;
  const s = pcaScores(pca, x, T);
  let sse = 0;
  for (let t = 0; t < T; t++) {
    for (let q = 0; q < P; q++) {
      let v = mean[q];
      for (let c = 0; c < k; c++) v += s[t * k + c] * U[c * P + q];
      sse += (x[t * P + q] - v) ** 2;
    }
  }
  return sse / (T * P);
}

/** A low-rank movie plus noise, T×P, with a non-zero mean. */
function lowRankMovie(T: number, P: number, rank: number, noise: number, seed: number) {
  const u = uniform(seed);
  const F = normals(u, rank * P), Z = normals(u, T * rank), E = normals(u, T * P);
  return Float32Array.from({ length: T * P }, (_, q) => {
    const t = Math.floor(q / P), p = q % P;
    let v = 5 + noise * E[q];
    for (let c = 0; c < rank; c++) v += (rank - c) * Z[t * rank + c] * F[c * P + p];
    return v;
  });
}

for (const m of fx.movies) {
  Deno.test(`fitFramePca() matches scikit-learn's PCA: ${m.name}`, () => {
    const train = frames(m.train), test = frames(m.test);
    for (const [i, { k, mse }] of m.expected.reconstruction.pca.entries()) {
      const pca = fitFramePca(train, m.Ttr, m.P, k);
      assertEquals([pca.k, pca.P, pca.components.length], [k, m.P, k * m.P]);
      const sk = m.info.var[i].variances;
      sk.forEach((v, c) => assertAlmostEquals(pca.variances[c], v, 1e-10 * v, `variance ${c}`));
      assert(orthonormality(pca) < 1e-13, `orthonormal rows: ${orthonormality(pca)}`);
      const ours = reconstructionMse(pca, test, m.Tte);
      assertAlmostEquals(ours, mse, 1e-8 * mse, `reconstruction MSE, k = ${k}`);
    }
  });
}

Deno.test("fitFramePca() returns covariance eigenvectors on both routes (T < P, T = P, T > P)", () => {
  // The Gram route (T < P) and the scatter route (T ≥ P) share no computation; each is
  // checked against the definition: U's rows are eigenvectors of the covariance (divided
  // by T − 1) with the stated variances.
  for (const [T, P] of [[40, 60], [40, 39], [40, 40], [41, 40]]) {
    const x = lowRankMovie(T, P, 6, 0.1, T + P);
    const pca = fitFramePca(x, T, P, 8);
    const { mean, components: U, variances } = pca;
    const C = new Float64Array(P * P);
    for (let t = 0; t < T; t++) {
      for (let a = 0; a < P; a++) {
        const xa = x[t * P + a] - mean[a];
        for (let b = 0; b < P; b++) C[a * P + b] += (xa * (x[t * P + b] - mean[b])) / (T - 1);
      }
    }
    for (let c = 0; c < 8; c++) {
      for (let a = 0; a < P; a++) {
        let s = 0;
        for (let b = 0; b < P; b++) s += C[a * P + b] * U[c * P + b];
        assertAlmostEquals(s, variances[c] * U[c * P + a], 1e-9 * variances[0], `T ${T} P ${P}`);
      }
      if (c > 0) assert(variances[c] <= variances[c - 1], "decreasing");
    }
    assert(orthonormality(pca) < 1e-13, "orthonormal");
  }
});

Deno.test("fitFramePca() mean is the mean frame; the largest pixel of a component is positive", () => {
  const T = 30, P = 50, x = lowRankMovie(T, P, 3, 0.5, 4);
  const pca = fitFramePca(x, T, P, 4);
  for (let q = 0; q < P; q++) {
    let s = 0;
    for (let t = 0; t < T; t++) s += x[t * P + q];
    assertAlmostEquals(pca.mean[q], s / T, 1e-12, `pixel ${q}`);
  }
  for (let c = 0; c < 4; c++) {
    const row = Array.from(pca.components.subarray(c * P, c * P + P));
    assert(Math.max(...row) >= -Math.min(...row), `component ${c}`);
  }
});

Deno.test("pcaScores() and pcaReconstruct() round-trip with all min(T − 1, P) components", () => {
  for (const [T, P] of [[12, 30], [30, 12]]) {
    const x = lowRankMovie(T, P, 12, 1, 9);
    const k = Math.min(T - 1, P);
    const pca = fitFramePca(x, T, P, k);
    const back = pcaReconstruct(pca, pcaScores(pca, x, T), T);
    assert(maxAbsDiff(back, x) < 1e-4, `T ${T} P ${P}: ${maxAbsDiff(back, x)}`);
  }
});

Deno.test("pcaReconstruct() is mean + scores·components rounded to float32", () => {
  const T = 25, P = 40, x = lowRankMovie(T, P, 4, 0.2, 13);
  const pca = fitFramePca(x, T, P, 3);
  const s = pcaScores(pca, x, T);
  const back = pcaReconstruct(pca, s, T);
  for (let t = 0; t < T; t++) {
    for (let q = 0; q < P; q++) {
      let v = pca.mean[q];
      for (let c = 0; c < 3; c++) v += s[t * 3 + c] * pca.components[c * P + q];
      assertEquals(back[t * P + q], Math.fround(v), `frame ${t} pixel ${q}`);
    }
  }
});

Deno.test("fitFramePca() on a constant movie: zero variances, orthonormal components, x̂ = mean", () => {
  for (const [T, P] of [[10, 30], [30, 10]]) {
    const x = new Float32Array(T * P).fill(3.25);
    const pca = fitFramePca(x, T, P, 4);
    assert(pca.variances.every((v) => v === 0), "no variance");
    assert(pca.mean.every((v) => v === 3.25), "mean");
    assert(orthonormality(pca) < 1e-15, "orthonormal");
    assert(pcaScores(pca, x, T).every((v) => v === 0), "zero scores");
    assert(pcaReconstruct(pca, new Float64Array(T * 4), T).every((v) => v === 3.25), "mean");
  }
});

Deno.test("fitFramePca() completes directions of zero variance beyond the rank (Gram route)", () => {
  // Rank 2 without noise, T < P: components 3 … 6 are undetermined, yet orthonormal, and
  // the first two still rebuild the frames.
  const T = 20, P = 50, x = lowRankMovie(T, P, 2, 0, 17);
  const pca = fitFramePca(x, T, P, 6);
  assert(orthonormality(pca) < 1e-13, `orthonormal: ${orthonormality(pca)}`);
  for (let c = 2; c < 6; c++) assert(pca.variances[c] < 1e-10 * pca.variances[0], `variance ${c}`);
  const two = fitFramePca(x, T, P, 2);
  assert(reconstructionMse(two, x, T) < 1e-10, "rank 2 is exact (to float32 input)");
});

Deno.test("fitFramePca() with k = 0 keeps the mean only", () => {
  const T = 8, P = 5, x = lowRankMovie(T, P, 2, 0.3, 2);
  const pca = fitFramePca(x, T, P, 0);
  assertEquals([pca.k, pca.components.length, pca.variances.length], [0, 0, 0]);
  assertEquals(pcaScores(pca, x, T).length, 0);
  const back = pcaReconstruct(pca, new Float64Array(0), T);
  for (let q = 0; q < T * P; q++) assertEquals(back[q], Math.fround(pca.mean[q % P]));
  // One frame: nothing varies, k = 0 is the only choice.
  assertEquals(fitFramePca(x.subarray(0, P), 1, P, 0).k, 0);
});

Deno.test("fitFramePca() rejects k beyond min(T − 1, P), bad sizes and non-finite pixels", () => {
  const x = new Float32Array(6 * 4);
  assertThrows(() => fitFramePca(x, 6, 4, 5), SparsedynError, {
    code: "INVALID_ARGUMENT",
    argument: "k",
  }, "[0, 4]; got 5");
  assertThrows(() => fitFramePca(x, 4, 6, 4), SparsedynError, { argument: "k" }, "[0, 3]");
  assertThrows(() => fitFramePca(x, 6, 4, -1), SparsedynError, { argument: "k" });
  assertThrows(() => fitFramePca(x, 6, 4, 1.5), SparsedynError, { argument: "k" });
  assertThrows(() => fitFramePca(x, 5, 4, 1), SparsedynError, { argument: "frames" }, "5×4");
  assertThrows(() => fitFramePca(x, 0, 4, 0), SparsedynError, { argument: "T" });
  const bad = new Float32Array(6 * 4);
  bad[9] = NaN;
  assertThrows(() => fitFramePca(bad, 6, 4, 1), SparsedynError, {
    code: "NON_FINITE",
  }, "frames[2] has NaN at pixel 1");
  const pca = fitFramePca(x, 6, 4, 2);
  assertThrows(() => pcaScores(pca, x, 5), SparsedynError, { argument: "frames" });
  assertThrows(() => pcaReconstruct(pca, new Float64Array(5), 3), SparsedynError, {
    argument: "scores",
  });
});
