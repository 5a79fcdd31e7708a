/**
 * The adjoint (vector–Jacobian product) of {@link lassoAt}: given ∂L/∂β, the gradients
 * ∂L/∂G and ∂L/∂C, so that a lasso fit can sit inside a network trained by gradient
 * descent.
 *
 * For a fit at a fixed λ, β_A = G_AA⁻¹(c_A − nλ s_A) and only that formula is
 * differentiated. For a fit at a breakpoint (fixed steps or active-set size), λ itself
 * is a function of G and C — the event equation of that breakpoint — and its derivative
 * is included. Exact away from breakpoints; at one, the one-sided derivative of the side
 * the forward pass took (never NaN). Entries of G are treated as independent: chain to X
 * through G = XᵀX with ∂L/∂X = X(Ḡ + Ḡᵀ) + Y C̄ᵀ.
 *
 * @module
 */
import { SparsedynError } from "../errors.ts";
import { alloc, core, put, raise, takeF64 } from "../../wasm/mod.ts";
import { checkArray, DEFAULTS } from "./_lasso_inputs.ts";
import type { LassoFit } from "./lasso_at.ts";

/** Gradients with respect to the sufficient statistics. */
export interface LassoGradients {
  /** ∂L/∂G, m×m row-major. */
  gradG: Float64Array;
  /** ∂L/∂C, m×d row-major (for d = 1, ∂L/∂c). */
  gradC: Float64Array;
  /**
   * ∂L/∂λ of each response, for a fit at a fixed λ (zeros for a fit at a breakpoint, where
   * λ's dependence on G and C is already in the gradients above). Callers whose λ is itself
   * a function of the data (a fraction of λ_max, say) chain through it.
   */
  gradLambda: Float64Array;
}

/**
 * Vector–Jacobian product of a lasso/LARS fit.
 *
 * @param G The Gram matrix the fit was computed from, m×m.
 * @param C The statistics Xᵀy (m) or XᵀY (m×d row-major) of the fit.
 * @param n Number of samples.
 * @param fit The result of {@link lassoAt} or `lassoAtBatch` on the same G, C, n.
 * @param gradBeta ∂L/∂β, the shape of `fit.beta` (m×d row-major).
 * @param options `symmetryTolerance` as for the fit.
 * @returns ∂L/∂G and ∂L/∂C.
 * @throws {SparsedynError} When shapes disagree with the fit, or an input is not finite.
 *
 * @example The gradient of Σβ at a fixed λ
 * ```ts
 * import { lassoAdjoint, lassoAt } from "../../mod.ts";
 *
 * const G = Float64Array.of(2, 0, 0, 1), c = Float64Array.of(3, 1);
 * const fit = lassoAt(G, c, 4, { lambda: 0.125 }); // β = [(3 − 0.5)/2, (1 − 0.5)/1]
 * const { gradC } = lassoAdjoint(G, c, 4, fit, Float64Array.of(1, 1));
 * // ∂β₀/∂c₀ = 1/G₀₀ = 0.5, ∂β₁/∂c₁ = 1.
 * if (Math.abs(gradC[0] - 0.5) > 1e-15 || Math.abs(gradC[1] - 1) > 1e-15) throw new Error(String(gradC));
 * ```
 */
export function lassoAdjoint(
  G: Float64Array,
  C: Float64Array,
  n: number,
  fit: LassoFit,
  gradBeta: Float64Array,
  options: { symmetryTolerance?: number } = {},
): LassoGradients {
  checkArray("G", G);
  checkArray("C", C);
  checkArray("gradBeta", gradBeta);
  const { m, d } = fit;
  if (G.length !== m * m || C.length !== m * d || n !== fit.n) {
    throw new SparsedynError(
      "INVALID_ARGUMENT",
      `G, C and n must be those of the fit (m = ${m}, d = ${d}, n = ${fit.n}); got ${G.length} and ${C.length} entries and n = ${n}`,
      { argument: G.length !== m * m ? "G" : C.length !== m * d ? "C" : "n" },
    );
  }
  if (gradBeta.length !== m * d) {
    throw new SparsedynError(
      "INVALID_ARGUMENT",
      `gradBeta must have the shape of fit.beta (${m * d} entries); got ${gradBeta.length}`,
      { argument: "gradBeta" },
    );
  }
  const ex = core();
  const ell = new Float64Array(d);
  const nact = new Int32Array(d);
  const ev = new Int32Array(3 * d);
  for (let r = 0; r < d; r++) {
    ell[r] = fit.lambdas[r] * n;
    nact[r] = fit.activeStart[r + 1] - fit.activeStart[r];
    ev[3 * r] = fit.eventKind[r];
    ev[3 * r + 1] = fit.eventVariable[r];
    ev[3 * r + 2] = fit.eventSign[r];
  }
  const ptrs: number[] = [];
  try {
    const pG = put(ex, G), pC = put(ex, C), pEll = put(ex, ell), pN = put(ex, nact);
    const pA = put(ex, fit.active), pS = put(ex, Int32Array.from(fit.signs)), pEv = put(ex, ev);
    const pGB = put(ex, gradBeta),
      pgG = alloc(ex, m * m),
      pgC = alloc(ex, m * d),
      pgL = alloc(ex, d);
    ptrs.push(pG, pC, pEll, pN, pA, pS, pEv, pGB, pgG, pgC, pgL);
    const info = ex.sd_adjoint(
      m,
      d,
      pG,
      pC,
      n,
      options.symmetryTolerance ?? DEFAULTS.symmetryTolerance,
      pEll,
      pN,
      pA,
      pS,
      pEv,
      fit.mode === "breakpoint" ? 1 : 0,
      pGB,
      pgG,
      pgC,
      pgL,
    );
    if (info !== 0) raise(ex, info, "adjoint", { d, cName: d === 1 ? "c" : "C" });
    // The core returns dL/dl (l = nλ); dL/dλ = n·dL/dl.
    const gradLambda = takeF64(ex, pgL, d).map((v) => v * n);
    return { gradG: takeF64(ex, pgG, m * m), gradC: takeF64(ex, pgC, m * d), gradLambda };
  } finally {
    for (const p of ptrs) ex.free(p);
  }
}
