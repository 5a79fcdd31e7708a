import { minMaxEnvelope } from "../../server/downsample.ts";
import { assert, assertEquals } from "../_helpers/assert.ts";

function noisy(T: number, d: number, seed = 3): Float64Array {
  let s = seed;
  const r = () => ((s = (s * 16807) % 2147483647) / 2147483647) - 0.5;
  return Float64Array.from({ length: T * d }, r);
}

Deno.test("minMaxEnvelope: each bucket holds the brute-force min and max of its frames, in time order", () => {
  const T = 10_007, d = 3, data = noisy(T, d);
  const from = 13, to = 9_990, B = 97;
  const e = minMaxEnvelope(data, T, d, [2, 0], from, to, B);
  assertEquals(e.x.length, 2 * B);
  const n = to - from;
  for (let k = 0; k < B; k++) {
    const s = from + Math.floor((k * n) / B), end = from + Math.floor(((k + 1) * n) / B);
    assertEquals(e.x[2 * k], s);
    assertEquals(e.x[2 * k + 1], end - 1);
    [2, 0].forEach((j, c) => {
      let lo = Infinity, hi = -Infinity, tLo = 0, tHi = 0;
      for (let t = s; t < end; t++) {
        const v = data[t * d + j];
        if (v < lo) [lo, tLo] = [v, t];
        if (v > hi) [hi, tHi] = [v, t];
      }
      const pair = [e.ys[c][2 * k], e.ys[c][2 * k + 1]];
      const want = tLo <= tHi ? [lo, hi] : [hi, lo];
      assertEquals(pair, want.map(Math.fround), `bucket ${k} column ${j}`);
    });
  }
  // Buckets tile [from, to) exactly.
  assertEquals(e.x[0], from);
  assertEquals(e.x.at(-1), to - 1);
});

Deno.test("minMaxEnvelope: short spans come back whole; ranges are clamped; NaN buckets stay NaN", () => {
  const data = Float64Array.of(1, 2, 3, 4, 5);
  const e = minMaxEnvelope(data, 5, 1, [0], -4, 99, 10);
  assertEquals(Array.from(e.x), [0, 1, 2, 3, 4]);
  assertEquals(Array.from(e.ys[0]), [1, 2, 3, 4, 5]);
  const nan = new Float64Array(100).fill(NaN);
  nan[99] = 1;
  const f = minMaxEnvelope(nan, 100, 1, [0], 0, 100, 10);
  assert(Number.isNaN(f.ys[0][0]) && f.ys[0][19] === 1, "NaN only where a bucket has no value");
  assertEquals(minMaxEnvelope(data, 5, 1, [0], 4, 2, 10).x.length, 0);
});
