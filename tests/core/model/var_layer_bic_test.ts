// The VAR layer's λ rule "bic" scores the lasso paths as the core produces them instead of
// keeping them (512 latents kept whole took about 356 MB per window). Its choice must be
// the stored-path one: every equation's whole path (lassoPathBatch), its BIC breakpoint
// (selectByBic), the fit at that many steps — here written out independently, and compared
// bit for bit.
import { fitWindowLasso } from "../../../core/model/var_layer.ts";
import { larsPathBatch, lassoPathBatch } from "../../../core/var/lasso_path.ts";
import { selectByBic } from "../../../core/var/lambda_criteria.ts";
import { lassoAtBatch } from "../../../core/var/lasso_at.ts";
import { simulateVar } from "../../../core/data/synthetic_var.ts";
import { SparsedynError } from "../../../core/errors.ts";
import { assertEquals, assertThrows } from "../../_helpers/assert.ts";

/** A window's lag-1 statistics of a simulated sparse VAR: G = XcᵀXc, C = XcᵀYc, diag(YcᵀYc). */
function windowStatistics(d: number, L: number, seed: number) {
  const z = simulateVar({ d, p: 1, T: L, seed, density: 0.3, radius: 0.9 }).series;
  const n = L - 1,
    mean = (off: number, j: number) => {
      let s = 0;
      for (let t = 0; t < n; t++) s += z[(t + off) * d + j];
      return s / n;
    };
  const mx = Array.from({ length: d }, (_, j) => mean(0, j));
  const my = Array.from({ length: d }, (_, j) => mean(1, j));
  const G = new Float64Array(d * d), C = new Float64Array(d * d), yty = new Float64Array(d);
  for (let t = 0; t < n; t++) {
    for (let i = 0; i < d; i++) {
      const x = z[t * d + i] - mx[i];
      for (let j = 0; j < d; j++) {
        G[i * d + j] += x * (z[t * d + j] - mx[j]);
        C[i * d + j] += x * (z[(t + 1) * d + j] - my[j]);
      }
      yty[i] += (z[(t + 1) * d + i] - my[i]) ** 2;
    }
  }
  return { G, C, n, yty };
}

for (const method of ["lasso", "lar"] as const) {
  for (const [d, L] of [[3, 30], [12, 40], [40, 64], [96, 64]]) {
    Deno.test(`var layer, rule "bic" (${method}, ${d} latents, ${L} frames): the stored-path choice, bit for bit`, () => {
      const { G, C, n, yty } = windowStatistics(d, L, d + L);
      const got = fitWindowLasso(G, C, n, { lags: 1, bic: true, method }, yty).fit;
      const paths = (method === "lar" ? larsPathBatch : lassoPathBatch)(G, C, n, { yty });
      const beta = new Float64Array(d * d);
      let active = 0;
      paths.forEach((path, r) => {
        const c = new Float64Array(d);
        for (let a = 0; a < d; a++) c[a] = C[a * d + r];
        const one = lassoAtBatch(G, c, n, { steps: selectByBic(path).index }, { method });
        for (let a = 0; a < d; a++) beta[a * d + r] = one.beta[a];
        active += one.beta.filter((b) => b !== 0).length;
      });
      assertEquals(Array.from(got.beta), Array.from(beta));
      // Not a trivial agreement: the series has dynamics, and BIC keeps some of them.
      assertEquals(active > 0, true, "some coefficient is kept");
    });
  }
}

Deno.test(`var layer, rule "bic": bad statistics are refused as the path functions refuse them`, () => {
  const { G, C, n, yty } = windowStatistics(3, 30, 1);
  const code = (f: () => unknown) => assertThrows(f, SparsedynError).argument;
  assertEquals(code(() => fitWindowLasso(G, C, 0, { lags: 1, bic: true }, yty)), "n");
  assertEquals(code(() => fitWindowLasso(G, C, n, { lags: 1, bic: true }, [NaN, 1, 1])), "yty");
  assertEquals(code(() => fitWindowLasso(G, C, n, { lags: 1, bic: true }, [1, 1])), "yty");
});
