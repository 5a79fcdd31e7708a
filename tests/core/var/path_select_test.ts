// λ chosen along the paths without keeping them (core/var/_path_select.ts): the same
// models as the full paths and the criteria on them, at 512 latents in bounded memory.
import { fitVarLasso, fitVarLassoAsync } from "../../../core/var/fit_var_lasso.ts";
import { fitVar, fitVarAsync } from "../../../core/var/fit_var.ts";
import { closeLassoWorkers } from "../../../core/var/lasso_parallel.ts";
import { varStatistics } from "../../../core/var/design.ts";
import { larsPathBatch, lassoPath, lassoPathBatch } from "../../../core/var/lasso_path.ts";
import { selectByBic } from "../../../core/var/lambda_criteria.ts";
import { selectByCriterion } from "../../../core/var/lambda_criteria.ts";
import { addKktRss } from "../../../core/var/_path_rss.ts";
import { selectAlongPaths } from "../../../core/var/_path_select.ts";
import { simulateVar } from "../../../core/data/synthetic_var.ts";
import { core } from "../../../wasm/mod.ts";
import { assert, assertEquals } from "../../_helpers/assert.ts";

/** d latents of T time points: each an AR(1) driven by its neighbour (a ring), seeded. */
function ring(T: number, d: number, seed: number): Float64Array {
  let s = seed >>> 0;
  const u = () => (s = (s * 1664525 + 1013904223) >>> 0) / 2 ** 32 - 0.5;
  const z = new Float64Array(T * d);
  for (let t = 1; t < T; t++) {
    for (let i = 0; i < d; i++) {
      z[t * d + i] = 0.5 * z[(t - 1) * d + i] + 0.3 * z[(t - 1) * d + (i + 1) % d] + u();
    }
  }
  return z;
}

// First in the file, so that the core's memory (which never shrinks) reflects this call.
Deno.test("fitVarLasso on 512 latents keeps less than half the memory of the full paths, with their BIC choices", () => {
  // A training window's size: 64 frames of 512 latents, a lagged design of 63 rows × 512
  // columns, paths with drops (about 170 breakpoints per equation). Storing all 512 paths
  // took 508 MiB of core memory here; at 600 frames it passed 2 GiB and failed with
  // "RangeError: Start offset -2144… is outside the bounds of the buffer".
  const T = 64, d = 512;
  const z = ring(T, d, 5);
  const fit = fitVarLasso(z, T, d, 1);
  const fullPathBytes = fit.breakpoints * d * 8;
  const used = core().memory.buffer.byteLength;
  assert(
    used < fullPathBytes / 2,
    `core memory ${used} B, full paths ${fullPathBytes} B: the paths were kept`,
  );
  // Reference: the single-response path of a few equations and selectByBic on it.
  const s = varStatistics(z, T, d, 1);
  for (const i of [0, 137, 511]) {
    const c = new Float64Array(d);
    for (let a = 0; a < d; a++) c[a] = s.C[a * d + i];
    const sel = selectByBic(lassoPath(s.G, c, s.n, { yty: s.yty[i] }));
    assertEquals(fit.lambdas[i], sel.lambda, `λ of equation ${i}`);
    for (let j = 0; j < d; j++) {
      const a = fit.A[i * d + j], b = sel.beta[j];
      assert(Math.abs(a - b) <= 1e-12 * Math.max(1, Math.abs(b)), `A[${i}][${j}]: ${a} vs ${b}`);
    }
  }
});

Deno.test("fitVarLasso chooses what selectByBic chooses on the stored paths (lasso and LAR)", () => {
  for (const [d, p, T] of [[3, 1, 400], [10, 2, 300], [20, 1, 60], [40, 1, 100]]) {
    const sim = simulateVar({ d, p, T, seed: d + p });
    const s = varStatistics(sim.series, T, d, p);
    for (const method of ["lasso", "lar"] as const) {
      const paths = (method === "lar" ? larsPathBatch : lassoPathBatch)(s.G, s.C, s.n, {
        yty: s.yty,
      });
      const fit = fitVarLasso(sim.series, T, d, p, { method });
      let breakpoints = 0;
      paths.forEach((path, i) => {
        breakpoints += path.lambdas.length;
        const sel = selectByBic(path);
        assertEquals(fit.lambdas[i], sel.lambda, `${method} d=${d}: λ of equation ${i}`);
        for (let col = 0; col < s.m; col++) {
          const k = Math.floor(col / d), j = col % d;
          const a = fit.A[(k * d + i) * d + j], b = sel.beta[col];
          assert(Math.abs(a - b) <= 1e-12 * Math.max(1, Math.abs(b)), `${method}: ${a} vs ${b}`);
        }
      });
      assertEquals(fit.breakpoints, breakpoints, "every breakpoint visited");
    }
  }
});

Deno.test("selectAlongPaths: any chunking gives the same choice, bit for bit, as the stored paths with each criterion", () => {
  const T = 90, d = 30;
  const s = varStatistics(ring(T, d, 9), T, d, 2);
  const paths = lassoPathBatch(s.G, s.C, s.n);
  addKktRss(paths, s.C, d, s.yty);
  for (const criterion of ["bic", "aic", "ebic"] as const) {
    const whole = selectAlongPaths(s.G, s.C, s.n, s.m, d, {
      method: "lasso",
      criterion,
      yty: s.yty,
    });
    // A budget of one double forces one equation per core call.
    const one = selectAlongPaths(s.G, s.C, s.n, s.m, d, {
      method: "lasso",
      criterion,
      yty: s.yty,
      budget: 1,
    });
    assertEquals(Array.from(one.B), Array.from(whole.B), `${criterion}: coefficients`);
    assertEquals(Array.from(one.lambdas), Array.from(whole.lambdas), `${criterion}: λ`);
    paths.forEach((path, i) => {
      const sel = selectByCriterion(path, criterion);
      assertEquals(whole.index[i], sel.index, `${criterion}: breakpoint of equation ${i}`);
      assertEquals(whole.lambdas[i], sel.lambda);
      for (let a = 0; a < s.m; a++) assertEquals(whole.B[a * d + i], sel.beta[a]);
    });
  }
});

Deno.test("selectAlongPaths reports progress after each chunk, ending at d", () => {
  const T = 60, d = 25;
  const s = varStatistics(ring(T, d, 3), T, d, 1);
  const seen: number[] = [];
  selectAlongPaths(s.G, s.C, s.n, s.m, d, {
    method: "lasso",
    criterion: "bic",
    yty: s.yty,
    onProgress: (done, total) => {
      assertEquals(total, d);
      seen.push(done);
    },
  });
  assert(seen.length >= 2, `several reports: ${seen}`);
  assertEquals(seen[seen.length - 1], d);
  for (let k = 1; k < seen.length; k++) assert(seen[k] > seen[k - 1], "increasing");
});

Deno.test("fitVarLassoAsync and fitVarAsync on worker threads equal the synchronous fits, bit for bit", async () => {
  const T = 100, d = 40;
  const z = ring(T, d, 12);
  try {
    for (const method of ["lasso", "lar"] as const) {
      const seq = fitVarLasso(z, T, d, 2, { method });
      const seen: number[] = [];
      const par = await fitVarLassoAsync(z, T, d, 2, {
        method,
        workers: 2,
        onProgress: (done) => seen.push(done),
      });
      assertEquals(Array.from(par.A), Array.from(seq.A), `${method}: A`);
      assertEquals(Array.from(par.lambdas), Array.from(seq.lambdas), `${method}: λ`);
      assertEquals(Array.from(par.intercept), Array.from(seq.intercept), `${method}: intercept`);
      assertEquals(par.breakpoints, seq.breakpoints);
      assertEquals(seen.sort((a, b) => a - b).at(-1), d, "progress ends at d");
    }
    for (const select of ["bic", "ebic"] as const) {
      const seq = fitVar(z, T, d, { lags: 2, select });
      const par = await fitVarAsync(z, T, d, { lags: 2, select, workers: 2 });
      assertEquals(Array.from(par.A), Array.from(seq.A), `fitVarAsync ${select}: A`);
      assertEquals(Array.from(par.lambdas), Array.from(seq.lambdas));
    }
  } finally {
    await closeLassoWorkers();
  }
});
