// The VAR layer's forward pass in float64, written independently of the layer: the
// reference its gradient is checked against by finite differences (every backend).
import { lassoAt, lassoAtBatch } from "../../core/var/lasso_at.ts";
import { lassoPath } from "../../core/var/lasso_path.ts";
import { selectByBic } from "../../core/var/lambda_criteria.ts";

/** Σ W ⊙ Ŷ(z) in float64, with the same design, centring and λ rule as the layer. */
export function loss64(
  z: Float64Array,
  L: number,
  d: number,
  p: number,
  W: Float64Array,
  rule: { lambda?: number; steps?: number; bic?: boolean },
) {
  const n = L - p, m = p * d;
  const X = new Float64Array(n * m), Y = new Float64Array(n * d);
  for (let t = 0; t < n; t++) {
    for (let k = 1; k <= p; k++) {
      for (let j = 0; j < d; j++) X[t * m + (k - 1) * d + j] = z[(t + p - k) * d + j];
    }
    for (let j = 0; j < d; j++) Y[t * d + j] = z[(t + p) * d + j];
  }
  const xm = new Float64Array(m), ym = new Float64Array(d);
  for (let t = 0; t < n; t++) {
    for (let a = 0; a < m; a++) xm[a] += X[t * m + a] / n;
    for (let j = 0; j < d; j++) ym[j] += Y[t * d + j] / n;
  }
  for (let t = 0; t < n; t++) {
    for (let a = 0; a < m; a++) X[t * m + a] -= xm[a];
    for (let j = 0; j < d; j++) Y[t * d + j] -= ym[j];
  }
  const G = new Float64Array(m * m), C = new Float64Array(m * d);
  for (let t = 0; t < n; t++) {
    for (let a = 0; a < m; a++) {
      for (let b = 0; b < m; b++) G[a * m + b] += X[t * m + a] * X[t * m + b];
      for (let j = 0; j < d; j++) C[a * d + j] += X[t * m + a] * Y[t * d + j];
    }
  }
  let target: { lambda: number } | { steps: number };
  let fit;
  if (rule.bic) {
    // Per equation: its own path, the breakpoint of smallest BIC (scikit-learn's
    // LassoLarsIC criterion on the path's residual sums of squares), the fit there.
    const beta = new Float64Array(m * d);
    const actives: string[] = [];
    for (let j = 0; j < d; j++) {
      const c = Float64Array.from({ length: m }, (_, a) => C[a * d + j]);
      let yty = 0;
      for (let t = 0; t < n; t++) yty += Y[t * d + j] ** 2;
      const path = lassoPath(G, c, n, { yty });
      const one = lassoAt(G, c, n, { steps: selectByBic(path).index });
      one.beta.forEach((v, a) => (beta[a * d + j] = v));
      actives.push(Array.from(one.active).join(" "));
    }
    fit = { beta, active: actives };
  } else {
    if (rule.steps !== undefined) target = { steps: rule.steps };
    else {
      let cmax = 0;
      for (const v of C) cmax = Math.max(cmax, Math.abs(v));
      target = { lambda: (rule.lambda! * cmax) / n };
    }
    fit = lassoAtBatch(G, C, n, target);
  }
  let s = 0;
  for (let t = 0; t < n; t++) {
    for (let j = 0; j < d; j++) {
      let y = ym[j];
      for (let a = 0; a < m; a++) y += X[t * m + a] * fit.beta[a * d + j];
      s += W[t * d + j] * y;
    }
  }
  return { s, active: Array.from(fit.active as ArrayLike<string | number>).join() };
}
