// Block sufficient statistics of a lagged VAR design (built from lagged cross-products of
// the series) against sums over the explicit design rows.
import { assert, assertAlmostEquals, assertEquals } from "../../_helpers/assert.ts";
import { normals, uniform } from "../../../core/data/random.ts";
import { laggedBlocks, sumBlocks } from "../../../core/var/_lagged_blocks.ts";

Deno.test("laggedBlocks equals sums over the explicit design rows, block by block", () => {
  // [d, p, T, t0, bounds]: odd and even d, t0 > p (order selection's common sample), one-row
  // and empty-free blocks of uneven length.
  const cases: [number, number, number, number, number[]][] = [
    [4, 2, 120, 2, [0, 23, 46, 69, 92, 118]],
    [5, 3, 90, 3, [0, 87]],
    [3, 1, 50, 4, [0, 1, 2, 30, 46]],
    [7, 4, 80, 6, [0, 10, 11, 40, 74]],
    [1, 2, 30, 2, [0, 14, 28]],
  ];
  let seed = 1;
  for (const [d, p, T, t0, bounds] of cases) {
    const z = normals(uniform(seed++), T * d).map((v, q) => v + (q % d) * 3); // offsets: means ≠ 0
    const lb = laggedBlocks(z, T, d, p, t0, bounds);
    const m = p * d;
    assertEquals([lb.m, lb.n, lb.blocks.length], [m, T - t0, bounds.length - 1]);
    for (let b = 0; b + 1 < bounds.length; b++) {
      const sx = new Float64Array(m), sy = new Float64Array(d);
      const Sxx = new Float64Array(m * m), Sxy = new Float64Array(m * d);
      const Syy = new Float64Array(d * d);
      for (let r = bounds[b]; r < bounds[b + 1]; r++) {
        const t = t0 + r;
        // The explicit row, about the reference the blocks subtract.
        const x = Float64Array.from(
          { length: m },
          (_, a) => z[(t - 1 - Math.floor(a / d)) * d + (a % d)] - lb.ref[a % d],
        );
        const y = Float64Array.from({ length: d }, (_, i) => z[t * d + i] - lb.ref[i]);
        for (let a = 0; a < m; a++) {
          sx[a] += x[a];
          for (let c = 0; c < m; c++) Sxx[a * m + c] += x[a] * x[c];
          for (let i = 0; i < d; i++) Sxy[a * d + i] += x[a] * y[i];
        }
        for (let i = 0; i < d; i++) {
          sy[i] += y[i];
          for (let j = 0; j < d; j++) Syy[i * d + j] += y[i] * y[j];
        }
      }
      const got = lb.blocks[b];
      assertEquals(got.count, bounds[b + 1] - bounds[b]);
      for (
        const [name, want, have] of [
          ["sx", sx, got.sx],
          ["sy", sy, got.sy],
          ["Sxx", Sxx, got.Sxx],
          ["Sxy", Sxy, got.Sxy],
          ["Syy", Syy, got.Syy],
        ] as const
      ) {
        assertEquals(have.length, want.length, name);
        for (let q = 0; q < want.length; q++) {
          assertAlmostEquals(have[q], want[q], 1e-11 * (1 + Math.abs(want[q])), `${name}[${q}]`);
        }
      }
      for (let a = 0; a < m; a++) {
        for (let c = 0; c < a; c++) assert(got.Sxx[a * m + c] === got.Sxx[c * m + a], "symmetric");
      }
    }
    // The reference is the column mean of the whole series.
    for (let j = 0; j < d; j++) {
      let s = 0;
      for (let t = 0; t < T; t++) s += z[t * d + j];
      assertAlmostEquals(lb.ref[j], s / T, 1e-12 * (1 + Math.abs(s / T)));
    }
    assertEquals(sumBlocks(lb, 0, lb.blocks.length).count, T - t0);
  }
});
