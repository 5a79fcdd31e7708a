// The pixel-space baselines against numpy and scikit-learn (fixtures/baselines_numpy.json,
// made by fixtures/make_baseline_fixtures.py: sklearn's PCA, sklearn's lasso path with
// fitVarLasso's BIC computed in numpy, forecasts and errors in pixel space), and on
// degenerate inputs.
import { assert, assertAlmostEquals, assertEquals, assertThrows } from "../../_helpers/assert.ts";
import { normals, uniform } from "../../../core/data/random.ts";
import { SparsedynError } from "../../../core/errors.ts";
import {
  type BaselineMeasures,
  baselineMeasures,
  type BaselineOptions,
  coveringWindows,
  targetForecasts,
} from "../../../core/heldout/baselines.ts";
import { forecast } from "../../../core/var/forecast.ts";

interface MovieCase {
  name: string;
  P: number;
  Ttr: number;
  Tte: number;
  train: string;
  test: string;
  options: BaselineOptions;
  expected: BaselineMeasures;
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

/** |a − b| ≤ tol·|b|. */
function rel(a: number, b: number, tol: number, msg: string) {
  assertAlmostEquals(a, b, tol * Math.abs(b), msg);
}

/** A small noisy movie, T×P, values around 2. */
function noisyMovie(T: number, P: number, seed: number): Float32Array {
  const e = normals(uniform(seed), T * P);
  return Float32Array.from(e, (v, q) => 2 + 0.1 * Math.sin(q / P) + v);
}

const OPTIONS: BaselineOptions = {
  windowLength: 4,
  components: [2],
  horizons: [1, 3],
  lags: 2,
  firstTarget: 4,
};

for (const m of fx.movies) {
  Deno.test(`baselineMeasures() matches numpy and scikit-learn: ${m.name}`, () => {
    const got = baselineMeasures(frames(m.train), m.Ttr, frames(m.test), m.Tte, m.P, m.options);
    const want = m.expected;
    // Everything agrees to ~1e-14 relative; 1e-8 leaves room for another platform's
    // summation order. pcaVar passes through a PCA and a lasso path per equation, whose BIC
    // choices here win by ≥ 0.12 (the fixture's info.bicMargin), far above rounding.
    rel(got.reconstruction.windowMean, want.reconstruction.windowMean, 1e-8, "windowMean");
    assertEquals(got.reconstruction.pca.map((r) => r.k), m.options.components);
    got.reconstruction.pca.forEach((r, i) => {
      rel(r.mse, want.reconstruction.pca[i].mse, 1e-8, `pca k = ${r.k}`);
    });
    got.reconstruction.windowMeanPca.forEach((r, i) => {
      assertEquals(r.k, want.reconstruction.windowMeanPca[i].k);
      // The departures from the window means are float32, as the frames are (numpy's are
      // float64): 1e-6.
      rel(r.mse, want.reconstruction.windowMeanPca[i].mse, 1e-6, `window mean + pca k = ${r.k}`);
    });
    assertEquals(got.prediction.horizons, m.options.horizons);
    m.options.horizons.forEach((h, i) => {
      rel(
        got.prediction.persistence[i],
        want.prediction.persistence[i],
        1e-8,
        `persistence h ${h}`,
      );
      rel(got.prediction.trainMean[i], want.prediction.trainMean[i], 1e-8, `trainMean h ${h}`);
      rel(got.prediction.recentMean[i], want.prediction.recentMean[i], 1e-8, `recentMean h ${h}`);
    });
    got.prediction.pcaVar.forEach((r, i) => {
      const w = want.prediction.pcaVar[i];
      assertEquals(r.k, w.k);
      r.mse.forEach((v, j) =>
        rel(v, w.mse[j], 1e-8, `pcaVar k = ${r.k} h = ${m.options.horizons[j]}`)
      );
      assertAlmostEquals(
        r.lambdaMedian!,
        w.lambdaMedian!,
        1e-8 * w.lambdaMedian! + 1e-12,
        "λ median",
      );
    });
  });
}

Deno.test("coveringWindows() cuts T frames into windows of L, the last one shorter", () => {
  assertEquals(coveringWindows(10, 4), [0, 4, 8]);
  assertEquals(coveringWindows(12, 4), [0, 4, 8]);
  assertEquals(coveringWindows(3, 7), [0]);
  assertEquals(coveringWindows(1, 1), [0]);
  assertEquals(coveringWindows(0, 5), []);
  assertThrows(() => coveringWindows(5, 0), SparsedynError, { argument: "L" });
  assertThrows(() => coveringWindows(-1, 2), SparsedynError, { argument: "T" });
});

Deno.test("baselineMeasures() with the test shorter than the window: one window, its mean", () => {
  const P = 6, Tte = 5, test = noisyMovie(Tte, P, 3), train = noisyMovie(20, P, 4);
  const got = baselineMeasures(train, 20, test, Tte, P, { ...OPTIONS, windowLength: 50 });
  const mean = new Float64Array(P);
  for (let t = 0; t < Tte; t++) for (let q = 0; q < P; q++) mean[q] += test[t * P + q] / Tte;
  let sse = 0;
  for (let t = 0; t < Tte; t++) for (let q = 0; q < P; q++) sse += (test[t * P + q] - mean[q]) ** 2;
  assertAlmostEquals(got.reconstruction.windowMean, sse / (Tte * P), 1e-14);
  // A window of one frame is the frame itself.
  const one = baselineMeasures(train, 20, test, Tte, P, { ...OPTIONS, windowLength: 1 });
  assertEquals(one.reconstruction.windowMean, 0);
});

Deno.test("baselineMeasures() on a constant movie: every error is 0", () => {
  const P = 9,
    train = new Float32Array(30 * P).fill(1.5),
    test = new Float32Array(12 * P).fill(1.5);
  const got = baselineMeasures(train, 30, test, 12, P, { ...OPTIONS, components: [0, 3] });
  assertEquals(got.reconstruction.windowMean, 0);
  assertEquals(got.reconstruction.pca.map((r) => r.mse), [0, 0]);
  assertEquals(got.prediction.persistence, [0, 0]);
  assertEquals(got.prediction.trainMean, [0, 0]);
  assertEquals(got.prediction.pcaVar.map((r) => r.mse), [[0, 0], [0, 0]]);
});

Deno.test("baselineMeasures() when the test level differs from a constant training movie", () => {
  // Training frames all 2, test frames all 3: the mean misses by 1 everywhere; the VAR on
  // zero training scores forecasts zero scores, i.e. the training mean again.
  const P = 4, train = new Float32Array(20 * P).fill(2), test = new Float32Array(10 * P).fill(3);
  const got = baselineMeasures(train, 20, test, 10, P, { ...OPTIONS, components: [2] });
  assertEquals(got.prediction.trainMean, [1, 1]);
  assertEquals(got.prediction.persistence, [0, 0]);
  got.prediction.pcaVar[0].mse.forEach((v) => assertAlmostEquals(v, 1, 1e-15));
  assertAlmostEquals(got.reconstruction.pca[0].mse, 0.5, 1e-15, "two of four pixels rebuilt");
});

Deno.test("baselineMeasures() with k = 0: PCA is the training mean, pcaVar is trainMean", () => {
  const P = 5, train = noisyMovie(40, P, 1), test = noisyMovie(15, P, 2);
  const got = baselineMeasures(train, 40, test, 15, P, { ...OPTIONS, components: [0, 1, 0] });
  assertEquals(got.reconstruction.pca.map((r) => r.k), [0, 1, 0], "in the order asked");
  const k0 = got.prediction.pcaVar[0];
  k0.mse.forEach((v, i) => assertAlmostEquals(v, got.prediction.trainMean[i], 1e-15));
  assertEquals(k0.lambdaMedian, undefined);
  assert(got.prediction.pcaVar[1].lambdaMedian !== undefined, "k = 1 fits a VAR");
  // The mean over all test frames (k = 0) against a direct sum.
  const mean = new Float64Array(P);
  for (let t = 0; t < 40; t++) for (let q = 0; q < P; q++) mean[q] += train[t * P + q] / 40;
  let sse = 0;
  for (let t = 0; t < 15; t++) for (let q = 0; q < P; q++) sse += (test[t * P + q] - mean[q]) ** 2;
  assertAlmostEquals(got.reconstruction.pca[0].mse, sse / (15 * P), 1e-14);
  assert(got.reconstruction.pca[1].mse < got.reconstruction.pca[0].mse, "one component helps");
});

Deno.test("baselineMeasures() with no horizons measures reconstruction only", () => {
  const P = 5, train = noisyMovie(40, P, 1), test = noisyMovie(15, P, 2);
  const got = baselineMeasures(train, 40, test, 15, P, {
    ...OPTIONS,
    horizons: [],
    firstTarget: 0,
  });
  assertEquals(got.prediction.persistence, []);
  assertEquals(got.prediction.pcaVar.map((r) => r.mse), [[]]);
});

Deno.test("baselineMeasures() rejects k too large, firstTarget too small, bad sizes", () => {
  const P = 5, train = noisyMovie(10, P, 1), test = noisyMovie(15, P, 2);
  const run = (o: Partial<BaselineOptions>, Ttr = 10, Tte = 15) =>
    baselineMeasures(train.subarray(0, Ttr * P), Ttr, test.subarray(0, Tte * P), Tte, P, {
      ...OPTIONS,
      ...o,
    });
  assertThrows(() => run({ components: [6] }), SparsedynError, {
    code: "INVALID_ARGUMENT",
    argument: "components",
  }, "[0, 5]; got [6]");
  assertThrows(() => run({ components: [3] }, 3), SparsedynError, {
    argument: "components",
  }, "[0, 2]; got [3]");
  assertThrows(() => run({ firstTarget: 3 }), SparsedynError, {
    argument: "firstTarget",
  }, "(lags − 1) + max(horizons) = 4");
  assertThrows(
    () => run({ firstTarget: 15 }),
    SparsedynError,
    { argument: "firstTarget" },
    "below",
  );
  assertThrows(() => run({ horizons: [1, 0] }), SparsedynError, { argument: "horizons" });
  assertThrows(() => run({ windowLength: 0 }), SparsedynError, { argument: "windowLength" });
  assertThrows(() => run({ lags: 0 }), SparsedynError, { argument: "lags" });
  assertThrows(() => run({ lags: 3, firstTarget: 6, components: [1] }, 3), SparsedynError, {
    argument: "lags",
  }, "below the training frames");
  assertThrows(() => run({}, 10, 0), SparsedynError, { argument: "Tte" });
  assertThrows(
    () => baselineMeasures(train, 9, test, 15, P, OPTIONS),
    SparsedynError,
    { argument: "train" },
    "9×5",
  );
  const bad = Float32Array.from(test);
  bad[7] = Infinity;
  assertThrows(() => baselineMeasures(train, 10, bad, 15, P, OPTIONS), SparsedynError, {
    code: "NON_FINITE",
  }, "test frame 1 has Infinity at pixel 2");
});

Deno.test("targetForecasts() is forecast() from each target's origin t − h", () => {
  const d = 3, p = 2, T = 25, f = 7, horizons = [1, 2, 5];
  const u = uniform(5);
  const model = {
    A: normals(u, p * d * d).map((v) => 0.3 * v),
    intercept: normals(u, d),
    d,
    p,
  };
  const series = normals(u, T * d);
  const got = targetForecasts(model, series, T, f, horizons);
  horizons.forEach((h, hi) => {
    assertEquals(got[hi].length, (T - f) * d);
    for (let t = f; t < T; t++) {
      const o = t - h;
      const direct = forecast(model, series.subarray((o - p + 1) * d, (o + 1) * d), h);
      for (let i = 0; i < d; i++) {
        assertEquals(got[hi][(t - f) * d + i], direct[(h - 1) * d + i], `h ${h} t ${t}`);
      }
    }
  });
  assertEquals(targetForecasts(model, series, T, T, horizons).map((a) => a.length), [0, 0, 0]);
  assertThrows(() => targetForecasts(model, series, T, 5, horizons), SparsedynError, {
    argument: "firstTarget",
  }, "[6, 25]");
  assertThrows(() => targetForecasts(model, series, T + 1, 7, horizons), SparsedynError, {
    argument: "series",
  });
});
