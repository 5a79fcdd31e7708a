// λ by AIC/BIC/EBIC along a path: BIC is n·ln(RSS/n) + ln(n)·df written out here, EBIC with γ = 0 is BIC,
// EBIC's extra term is 2γ·ln C(m, df), and the O(m) KKT residual sum of squares used by
// fitVar equals the quadratic form.
import { assert, assertAlmostEquals, assertEquals } from "../../_helpers/assert.ts";
import { problem } from "../../_helpers/random.ts";
import { addKktRss } from "../../../core/var/_path_rss.ts";
import { logBinomial, selectByBic, selectByCriterion } from "../../../core/var/lambda_criteria.ts";
import { lassoPathBatch } from "../../../core/var/lasso_path.ts";

Deno.test("BIC is n ln(RSS/n) + ln(n) df; EBIC(γ = 0) equals BIC; EBIC adds 2γ ln C(m, df)", () => {
  const n = 80, m = 12, d = 3;
  const { G, C, Y } = problem(7, n, m, d);
  const yty = new Float64Array(d);
  for (let t = 0; t < n; t++) for (let r = 0; r < d; r++) yty[r] += Y[t * d + r] ** 2;
  for (const path of lassoPathBatch(G, C, n, { yty })) {
    const bic = selectByCriterion(path, "bic");
    assertEquals(bic.index, selectByBic(path).index);
    // The formula written out, on the path's own RSS (all positive here: n > m).
    let best = 0;
    for (let k = 0; k < path.lambdas.length; k++) {
      let df = 0;
      for (let j = 0; j < m; j++) if (path.coefs[k * m + j] !== 0) df++;
      const want = n * Math.log(path.rss![k] / n) + Math.log(n) * df;
      assertAlmostEquals(bic.criterion[k], want, 1e-9 * Math.abs(want) + 1e-12);
      if (want < n * Math.log(path.rss![best] / n) + Math.log(n) * dfAt(path.coefs, best, m)) {
        best = k;
      }
    }
    assertEquals(bic.index, best);
    assertEquals(
      Array.from(selectByCriterion(path, "ebic", { gamma: 0 }).criterion),
      Array.from(bic.criterion),
    );
    const ebic = selectByCriterion(path, "ebic", { gamma: 0.5 });
    for (let k = 0; k < path.lambdas.length; k++) {
      let df = 0;
      for (let j = 0; j < m; j++) if (path.coefs[k * m + j] !== 0) df++;
      assertAlmostEquals(ebic.criterion[k] - bic.criterion[k], logBinomial(m, df), 1e-9);
    }
    const aic = selectByCriterion(path, "aic");
    assert(aic.lambda <= bic.lambda && bic.lambda <= ebic.lambda, "penalties are ordered");
  }
  assertAlmostEquals(logBinomial(10, 3), Math.log(120), 1e-12);
  assertEquals(logBinomial(10, 0), 0);
});

Deno.test("the KKT residual sum of squares equals yᵀy − 2βᵀc + βᵀGβ along lasso paths", () => {
  for (const [n, m] of [[200, 10], [30, 40]]) {
    const d = 2;
    const { G, C, Y } = problem(n + m, n, m, d);
    const yty = new Float64Array(d);
    for (let t = 0; t < n; t++) for (let r = 0; r < d; r++) yty[r] += Y[t * d + r] ** 2;
    const ref = lassoPathBatch(G, C, n, { yty });
    const ours = lassoPathBatch(G, C, n);
    addKktRss(ours, C, d, yty);
    ours.forEach((p, r) => {
      p.rss!.forEach((v, k) => {
        assertAlmostEquals(v, ref[r].rss![k], 1e-10 * yty[r], `n ${n}, m ${m}, path ${r}, k ${k}`);
      });
    });
  }
});

function dfAt(coefs: Float64Array, k: number, m: number): number {
  let df = 0;
  for (let j = 0; j < m; j++) if (coefs[k * m + j] !== 0) df++;
  return df;
}
