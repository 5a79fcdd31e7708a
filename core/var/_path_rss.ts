// The residual sum of squares at every breakpoint of lasso paths in O(m) per breakpoint,
// from the lasso's optimality (KKT) conditions instead of the O(|S|²) quadratic form:
// on the path every non-zero β_j satisfies c_j − (Gβ)_j = n·λ·sign(β_j), hence
// βᵀGβ = βᵀc − n·λ·‖β‖₁ and
//
//     RSS(λ) = yᵀy − 2βᵀc + βᵀGβ = yᵀy − βᵀc − n·λ·‖β‖₁.
//
// It agrees with the quadratic form to ~1e-15·yᵀy (checked in tests); use it only for
// lasso paths (LAR's coefficients need not satisfy the sign condition).
import type { LassoPath } from "./lasso_path.ts";

export function addKktRss(
  paths: LassoPath[],
  C: Float64Array,
  d: number,
  yty: Float64Array,
): void {
  paths.forEach((path, r) => {
    const { m, n, coefs, lambdas } = path;
    const k = lambdas.length;
    const rss = new Float64Array(k);
    for (let s = 0; s < k; s++) {
      let bc = 0, l1 = 0;
      const off = s * m;
      for (let j = 0; j < m; j++) {
        const b = coefs[off + j];
        if (b === 0) continue;
        bc += b * C[j * d + r];
        l1 += Math.abs(b);
      }
      rss[s] = Math.max(yty[r] - bc - n * lambdas[s] * l1, 0);
    }
    path.rss = rss;
  });
}
