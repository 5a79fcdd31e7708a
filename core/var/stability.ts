/**
 * Stability of a VAR(p): the spectral radius of its companion matrix (the VAR is stable,
 * i.e. stationary, when it is < 1).
 *
 * @example
 * ```ts
 * import { spectralRadiusEstimate } from "./stability.ts";
 *
 * // z_t = 0.5 z_{t−1}: radius 0.5.
 * const r = spectralRadiusEstimate(Float64Array.of(0.5), 1, 1);
 * if (Math.abs(r - 0.5) > 1e-6) throw new Error(String(r));
 * ```
 *
 * @module
 */

/**
 * Spectral radius of the companion matrix of A_1 … A_p, by Gelfand's formula
 * ρ = lim ‖Cᵏv‖^{1/k}, with k = 2000 renormalised products from a fixed start. Unlike
 * power iteration this converges for complex or repeated dominant eigenvalues too; the
 * relative error falls like 1/k (about 1e-3 here), ample for a stability check.
 *
 * @param A p×d×d coefficients, `A[(k * d + i) * d + j]` = effect of series j at lag k+1 on i.
 * @param d Number of series.
 * @param p Number of lags.
 * @returns The estimated spectral radius.
 */
export function spectralRadiusEstimate(A: Float64Array, d: number, p: number): number {
  const size = d * p;
  let v = new Float64Array(size).map((_, i) => 1 + ((i * 7919) % 13) / 13);
  let w = new Float64Array(size);
  const iters = 2000, burn = 200;
  let logSum = 0;
  for (let it = 0; it < iters; it++) {
    // w = C v: the first block row is [A_1 … A_p]; the others shift the blocks down.
    for (let i = 0; i < d; i++) {
      let s = 0;
      for (let k = 0; k < p; k++) {
        const row = (k * d + i) * d;
        for (let j = 0; j < d; j++) s += A[row + j] * v[k * d + j];
      }
      w[i] = s;
    }
    for (let q = d; q < size; q++) w[q] = v[q - d];
    let norm = 0;
    for (let q = 0; q < size; q++) norm += w[q] * w[q];
    norm = Math.sqrt(norm);
    if (norm === 0) return 0;
    if (it >= burn) logSum += Math.log(norm);
    for (let q = 0; q < size; q++) w[q] /= norm;
    [v, w] = [w, v];
  }
  return Math.exp(logSum / (iters - burn));
}
