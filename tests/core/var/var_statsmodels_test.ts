// Least-squares VAR (λ = 0) and order selection against statsmodels 0.13
// (fixtures/var_statsmodels.json, made by fixtures/make_var_fixtures.py).
import { assert, assertAlmostEquals, assertEquals } from "../../_helpers/assert.ts";
import { varStatistics } from "../../../core/var/design.ts";
import { lassoPathBatch } from "../../../core/var/lasso_path.ts";
import { type OrderCriterion, selectOrder } from "../../../core/var/order.ts";
import { fitVar } from "../../../core/var/fit_var.ts";

interface Case {
  name: string;
  T: number;
  d: number;
  p: number;
  series: number[][];
  intercept: number[];
  A: number[][][];
  sigma_u: number[][];
  sigma_u_mle: number[][];
  df_resid: number;
  nobs: number;
}
const fx = JSON.parse(
  await Deno.readTextFile(new URL("../../../fixtures/var_statsmodels.json", import.meta.url)),
) as {
  cases: Case[];
  select_order: {
    case: string;
    maxlags: number;
    ics: Record<OrderCriterion, number[]>;
    selected: Record<OrderCriterion, number>;
  };
};

/** |a − b| ≤ tol·max(|b|, floor): relative, with a floor for coefficients near zero. */
function close(a: number, b: number, tol: number, msg: string, floor = 1e-2) {
  assertAlmostEquals(a, b, tol * Math.max(Math.abs(b), floor), msg);
}

for (const c of fx.cases) {
  const series = Float64Array.from(c.series.flat());
  for (const standardize of [true, false]) {
    Deno.test(`VAR at λ = 0 equals statsmodels' OLS: ${c.name} (standardize ${standardize})`, () => {
      const m = fitVar(series, c.T, c.d, { lags: c.p, select: "none", standardize });
      const { d, p } = c;
      for (let k = 0; k < p; k++) {
        for (let i = 0; i < d; i++) {
          for (let j = 0; j < d; j++) {
            close(m.A[(k * d + i) * d + j], c.A[k][i][j], 1e-8, `A_${k + 1}[${i},${j}]`);
          }
        }
      }
      c.intercept.forEach((v, i) => close(m.intercept[i], v, 1e-8, `intercept ${i}`));
      assertEquals(m.sigmaDenominator, c.df_resid, "statsmodels' dof: nobs − (p·d + 1)");
      assertEquals(m.n, c.nobs);
      for (let i = 0; i < d; i++) {
        for (let j = 0; j < d; j++) {
          const scale = Math.sqrt(c.sigma_u[i][i] * c.sigma_u[j][j]);
          assertAlmostEquals(m.sigma[i * d + j], c.sigma_u[i][j], 1e-8 * scale, `Σ[${i},${j}]`);
          const mle = m.sigma[i * d + j] * m.sigmaDenominator / m.n;
          assertAlmostEquals(mle, c.sigma_u_mle[i][j], 1e-8 * scale, `Σ_mle[${i},${j}]`);
        }
      }
      assertEquals(Array.from(m.df), new Array(d).fill(p * d), "every coefficient non-zero");
    });
  }

  Deno.test(`the end of the lasso path (λ = 0) equals statsmodels' OLS: ${c.name}`, () => {
    const s = varStatistics(series, c.T, c.d, c.p);
    const paths = lassoPathBatch(s.G, s.C, s.n);
    paths.forEach((path, i) => {
      const k = path.lambdas.length - 1;
      assertEquals([path.stop, path.lambdas[k]], ["end", 0], `path ${i} ends at λ = 0`);
      for (let a = 0; a < s.m; a++) {
        const lag = Math.floor(a / c.d), j = a % c.d;
        close(path.coefs[k * s.m + a], c.A[lag][i][j], 1e-8, `β end, equation ${i}, column ${a}`);
      }
    });
  });
}

Deno.test("selectOrder reproduces statsmodels' select_order: every criterion at every p", () => {
  const so = fx.select_order;
  const c = fx.cases.find((x) => x.name === so.case)!;
  const sel = selectOrder(Float64Array.from(c.series.flat()), c.T, c.d, so.maxlags, {
    fit: "ols",
  });
  assertEquals(sel.nobs, c.T - so.maxlags, "the same effective sample for every p");
  assertEquals(sel.table.map((r) => r.p), [1, 2, 3, 4, 5, 6]);
  for (const row of sel.table) {
    for (const k of ["aic", "bic", "hqic"] as const) {
      assertAlmostEquals(row[k], so.ics[k][row.p], 1e-9, `${k} at p = ${row.p}`);
    }
    close(row.fpe, so.ics.fpe[row.p], 1e-9, `fpe at p = ${row.p}`);
  }
  for (const k of ["aic", "bic", "hqic", "fpe"] as const) {
    assert(so.selected[k] >= 1, "the fixture's choice is a VAR (p ≥ 1)");
    const got = selectOrder(Float64Array.from(c.series.flat()), c.T, c.d, so.maxlags, {
      criterion: k,
    });
    assertEquals(got.p, so.selected[k], `order chosen by ${k}`);
  }
});
