// Summary images against NumPy (fixtures/make_cell_score_fixtures.py: np.mean, np.std,
// np.max, and np.corrcoef pair by pair for the local correlation), by hand on tiny
// frames, and on degenerate movies: constant, one frame, 1×1, 1×N, N×1.
import { summaryImages } from "../../../core/heldout/summary_images.ts";
import { SparsedynError } from "../../../core/errors.ts";
import { assert, assertAlmostEquals, assertEquals, assertThrows } from "../../_helpers/assert.ts";

interface MovieCase {
  name: string;
  T: number;
  H: number;
  W: number;
  frames: number[];
  mean: number[];
  std: number[];
  max: number[];
  localCorrelation: number[];
}
const fixture = JSON.parse(
  await Deno.readTextFile(new URL("../../../fixtures/cell_score_numpy.json", import.meta.url)),
) as { movies: MovieCase[] };

/** |a − b| ≤ 1e-10 · max(1, max |b|): relative to the image's scale, so that values near 0 compare sensibly. */
function assertImage(actual: Float64Array, expected: number[], what: string) {
  assertEquals(actual.length, expected.length, `${what}: length`);
  const scale = Math.max(1, ...expected.map(Math.abs));
  for (let i = 0; i < expected.length; i++) {
    assertAlmostEquals(actual[i], expected[i], 1e-10 * scale, `${what}[${i}]`);
  }
}

for (const c of fixture.movies) {
  Deno.test(`summaryImages() matches NumPy on ${c.name} (${c.T}×${c.H}×${c.W})`, () => {
    // The fixture's values lie on a 1/16 grid: float32 holds them exactly.
    const frames = Float32Array.from(c.frames);
    const s = summaryImages(frames, c.T, c.H, c.W);
    assertImage(s.mean, c.mean, "mean");
    assertImage(s.std, c.std, "std");
    assertImage(s.max, c.max, "max");
    assertImage(s.localCorrelation, c.localCorrelation, "localCorrelation");
  });
}

Deno.test("summaryImages() by hand: a 2×2 frame where pixel 3 runs against the others", () => {
  // Series: p0 = (0, 1, 2), p1 = (0, 2, 4), p2 = (1, 2, 3), p3 = (2, 1, 0).
  // p0, p1, p2 correlate +1 with each other and −1 with p3; each pixel has 3 neighbours.
  const frames = Float32Array.of(0, 0, 1, 2, 1, 2, 2, 1, 2, 4, 3, 0);
  const s = summaryImages(frames, 3, 2, 2);
  assertEquals(Array.from(s.mean), [1, 2, 2, 1]);
  assertEquals(Array.from(s.max), [2, 4, 3, 2]);
  assertAlmostEquals(s.std[1], Math.sqrt(8 / 3), 1e-15);
  const lc = Array.from(s.localCorrelation);
  for (const [p, want] of [[0, 1 / 3], [1, 1 / 3], [2, 1 / 3], [3, -1]] as const) {
    assertAlmostEquals(lc[p], want, 1e-12, `pixel ${p}`);
  }
});

Deno.test("summaryImages() gives a constant movie std 0 and local correlation 0", () => {
  // 0.1 is not a binary fraction: the float64 mean of many copies need not be exact, and
  // only the min = max test keeps the spread at exactly 0.
  const T = 1900, H = 3, W = 4;
  const s = summaryImages(new Float32Array(T * H * W).fill(0.1), T, H, W);
  for (let p = 0; p < H * W; p++) {
    assertEquals(s.std[p], 0);
    assertEquals(s.localCorrelation[p], 0);
    assertAlmostEquals(s.mean[p], Math.fround(0.1), 1e-15);
    assertEquals(s.max[p], Math.fround(0.1));
  }
});

Deno.test("summaryImages() of one frame: the frame, std 0, correlation 0", () => {
  const frame = Float64Array.of(3, -1, 7, 2, 0, 5);
  const s = summaryImages(frame, 1, 2, 3);
  assertEquals(Array.from(s.mean), Array.from(frame));
  assertEquals(Array.from(s.max), Array.from(frame));
  assertEquals(Array.from(s.std), [0, 0, 0, 0, 0, 0]);
  assertEquals(Array.from(s.localCorrelation), [0, 0, 0, 0, 0, 0]);
});

Deno.test("summaryImages() on a 1×1 frame: no neighbours, correlation 0", () => {
  const s = summaryImages(Float32Array.of(1, 3), 2, 1, 1);
  assertEquals([s.mean[0], s.std[0], s.max[0], s.localCorrelation[0]], [2, 1, 3, 0]);
});

Deno.test("summaryImages() on 1×N and N×1 frames: ends have one neighbour, inner pixels two", () => {
  // Pixels 0 and 1 move together; pixel 2 against them.
  const rows = Float32Array.of(0, 0, 1, 1, 2, 0);
  for (const [H, W] of [[1, 3], [3, 1]]) {
    const lc = summaryImages(rows, 2, H, W).localCorrelation;
    assertAlmostEquals(lc[0], 1, 1e-12, `${H}×${W} end`);
    assertAlmostEquals(lc[1], 0, 1e-12, `${H}×${W} middle: (1 + (−1)) / 2`);
    assertAlmostEquals(lc[2], -1, 1e-12, `${H}×${W} other end`);
  }
});

Deno.test("summaryImages() is symmetric: transposing the movie transposes the images", () => {
  const T = 7, H = 4, W = 5;
  const a = new Float64Array(T * H * W).map((_, i) => Math.sin(i * 1.7) + (i % 5) * 0.3);
  const b = new Float64Array(T * H * W);
  for (let t = 0; t < T; t++) {
    for (let y = 0; y < H; y++) {
      for (let x = 0; x < W; x++) b[t * H * W + x * H + y] = a[t * H * W + y * W + x];
    }
  }
  const sa = summaryImages(a, T, H, W), sb = summaryImages(b, T, W, H);
  for (let y = 0; y < H; y++) {
    for (let x = 0; x < W; x++) {
      assertAlmostEquals(sa.localCorrelation[y * W + x], sb.localCorrelation[x * H + y], 1e-14);
    }
  }
});

Deno.test("summaryImages() refuses wrong sizes and non-finite values, naming them", () => {
  assertThrows(() => summaryImages(new Float32Array(5), 2, 1, 3), SparsedynError, {
    code: "INVALID_ARGUMENT",
    argument: "frames",
  }, "2×1×3 = 6");
  assertThrows(() => summaryImages(new Float32Array(0), 0, 1, 1), SparsedynError, {
    argument: "T",
  });
  assertThrows(() => summaryImages(new Float32Array(2), 1, 2.5, 1), SparsedynError, {
    argument: "H",
  });
  assertThrows(
    () => summaryImages(Float32Array.of(0, 1, 2, NaN, 4, 5), 3, 1, 2),
    SparsedynError,
    { argument: "frames" },
    "NaN at frame 1, pixel (0, 1)",
  );
  assertThrows(
    () => summaryImages(Float64Array.of(1, Infinity), 2, 1, 1),
    SparsedynError,
    { argument: "frames" },
    "Infinity at frame 1",
  );
});

Deno.test("summaryImages() handles a 1900×200×200 movie in reasonable time", () => {
  // The size the `evaluate` command meets; a regression to O(T·P) memory or a slow inner
  // loop shows here. (Generous bound: two shared cores.)
  const T = 1900, H = 200, W = 200;
  const frames = new Float32Array(T * H * W);
  for (let i = 0; i < frames.length; i++) frames[i] = (i * 2654435761) % 1000;
  const t0 = performance.now();
  const s = summaryImages(frames, T, H, W);
  const ms = performance.now() - t0;
  assert(s.localCorrelation.every(Number.isFinite), "finite");
  assert(ms < 30_000, `took ${ms.toFixed(0)} ms`);
});
