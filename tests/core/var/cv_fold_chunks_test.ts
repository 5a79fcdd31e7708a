// A cross-validation fold walks its equations' paths a chunk at a time (so that the core
// holds one chunk's paths, not all of them): the validation errors must not depend on the
// chunking, bit for bit — one equation per chunk, uneven chunks and one chunk alike.
import { foldErrors, type FoldJob } from "../../../core/var/_cv_fold.ts";
import { chunkSize } from "../../../core/var/_path_select.ts";
import { simulateVar } from "../../../core/data/synthetic_var.ts";
import { assert, assertEquals } from "../../_helpers/assert.ts";

/** A fold of a simulated VAR(1): training statistics on rows [0, nt), validation on the rest. */
function fold(m: number, T: number, nt: number): FoldJob {
  const z = simulateVar({ d: m, p: 1, T, seed: m, density: 0.2, radius: 0.9 }).series;
  const means = (lo: number, hi: number, off: number) =>
    Array.from({ length: m }, (_, j) => {
      let s = 0;
      for (let t = lo; t < hi; t++) s += z[(t + off) * m + j];
      return s / (hi - lo);
    });
  const mx = means(0, nt, 0), my = means(0, nt, 1);
  const G = new Float64Array(m * m), C = new Float64Array(m * m);
  const Gv = new Float64Array(m * m), Cv = new Float64Array(m * m), yy = new Float64Array(m);
  for (let t = 0; t < T - 1; t++) {
    const train = t < nt;
    for (let i = 0; i < m; i++) {
      const x = z[t * m + i] - mx[i];
      for (let j = 0; j < m; j++) {
        (train ? G : Gv)[i * m + j] += x * (z[t * m + j] - mx[j]);
        (train ? C : Cv)[i * m + j] += x * (z[(t + 1) * m + j] - my[j]);
      }
      if (!train) yy[i] += (z[(t + 1) * m + i] - my[i]) ** 2;
    }
  }
  // A grid per equation from its λ_max down to 1% of it.
  const Gs = 12, grid = new Float64Array(m * Gs);
  let lambdaMin = Infinity;
  for (let j = 0; j < m; j++) {
    let top = 0;
    for (let a = 0; a < m; a++) top = Math.max(top, Math.abs(C[a * m + j]) / nt);
    for (let g = 0; g < Gs; g++) grid[j * Gs + g] = top * 0.01 ** (g / (Gs - 1));
    lambdaMin = Math.min(lambdaMin, grid[j * Gs + Gs - 1]);
  }
  return { G, C, n: nt, Gv, Cv, yy, grid, Gs, lambdaMin };
}

for (const [m, T] of [[10, 120], [37, 200]]) {
  Deno.test(`a fold's validation errors do not depend on the chunking (${m} series)`, () => {
    const job = fold(m, T, Math.floor(0.75 * (T - 1)));
    const whole = foldErrors(job);
    assert(whole.some((v) => v > 0) && whole.every(Number.isFinite), "finite, non-trivial errors");
    // The budget that makes chunks of one equation, of three (m not a multiple of 3), of all.
    const perEquation = job.G.length / m * (3 * Math.min(m, job.n) + 2);
    for (const budget of [1, 3 * perEquation, 1e12]) {
      const chunk = chunkSize(m, job.n, m, budget);
      const got = foldErrors({ ...job, budget });
      assertEquals(
        Array.from(new BigUint64Array(got.buffer), String),
        Array.from(new BigUint64Array(whole.buffer), String),
        `chunks of ${chunk}`,
      );
    }
    assertEquals(chunkSize(m, job.n, m, 1), 1);
    assertEquals(chunkSize(m, job.n, m, 3 * perEquation), 3);
  });
}
