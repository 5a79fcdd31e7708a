/**
 * Simulation of a sparse, stable vector autoregression VAR(p) with known coefficients:
 * the ground truth for checking that the lasso recovers who drives whom.
 *
 *     z_t = A_1 z_{t−1} + … + A_p z_{t−p} + ε_t,   ε_t ~ N(0, σ² I)
 *
 * @example
 * ```ts
 * import { simulateVar } from "./synthetic_var.ts";
 *
 * const sim = simulateVar({ d: 4, p: 2, T: 100, seed: 1 });
 * if (sim.series.length !== 400 || sim.spectralRadius >= 1) throw new Error("stable");
 * ```
 *
 * @module
 */
import { normals, uniform } from "./random.ts";
import { spectralRadiusEstimate } from "../var/stability.ts";

/** Settings of {@link simulateVar}. */
export interface VarSimulationOptions {
  /** Number of series. */
  d: number;
  /** Number of lags. */
  p: number;
  /** Samples returned (after the burn-in). */
  T: number;
  /** Probability that an off-diagonal coefficient is non-zero, per lag. Default 0.05. */
  density?: number;
  /** Target spectral radius of the companion matrix (< 1). Default 0.9. */
  radius?: number;
  /** Innovation standard deviation. Default 1. */
  noise?: number;
  /** Samples discarded so the series starts in its stationary regime. Default 500. */
  burnIn?: number;
  /** Seed. Default 1. */
  seed?: number;
}

/** A simulated VAR and its truth. */
export interface SimulatedVar {
  /** T×d row-major: `series[t * d + i]`. */
  series: Float64Array;
  /** Time points. */
  T: number;
  /** Series. */
  d: number;
  /** Lags. */
  p: number;
  /** Coefficients p×d×d: `A[(k * d + i) * d + j]` is the effect of series j at lag k+1 on series i. */
  A: Float64Array;
  /** Spectral radius of the companion matrix (estimate, see `spectralRadiusEstimate`). */
  spectralRadius: number;
  /** The innovations ε_t of the returned samples, T×d: z_t − Σ A_k z_{t−k} = ε_t exactly. */
  innovations: Float64Array;
}

/**
 * Simulates a sparse stable VAR(p). Each A_k has non-zeros at random off-diagonal
 * places (probability `density`) with magnitudes in [0.2, 0.5] and random signs; A_1 also
 * has a diagonal in [0.2, 0.5] (each series remembers itself). A_k is then scaled by s^k,
 * which scales every eigenvalue of the companion matrix by s, to reach `radius`.
 *
 * @param options Sizes, sparsity, seed.
 * @returns The series and the true coefficients.
 */
export function simulateVar(options: VarSimulationOptions): SimulatedVar {
  const { d, p, T } = options;
  const u = uniform(options.seed ?? 1);
  const { A, spectralRadius } = sparseStableCoefficients(
    d,
    p,
    u,
    options.density ?? 0.05,
    options.radius ?? 0.9,
  );
  const { series, innovations } = simulateVarWith(
    A,
    d,
    p,
    T,
    u,
    options.noise ?? 1,
    options.burnIn ?? 500,
  );
  return { series, innovations, T, d, p, A, spectralRadius };
}

/**
 * Sparse VAR coefficients with a target companion spectral radius (see {@link simulateVar}).
 *
 * @param d Series.
 * @param p Lags.
 * @param u Uniform generator (consumed).
 * @param density Probability of an off-diagonal non-zero per lag.
 * @param target Spectral radius to reach.
 * @returns A (p×d×d) and its spectral radius.
 */
export function sparseStableCoefficients(
  d: number,
  p: number,
  u: () => number,
  density: number,
  target: number,
): { A: Float64Array; spectralRadius: number } {
  const A = new Float64Array(p * d * d);
  for (let k = 0; k < p; k++) {
    for (let i = 0; i < d; i++) {
      for (let j = 0; j < d; j++) {
        const onDiag = i === j && k === 0;
        if (onDiag || (i !== j && u() < density)) {
          const mag = 0.2 + 0.3 * u();
          A[(k * d + i) * d + j] = onDiag ? mag : (u() < 0.5 ? -mag : mag);
        }
      }
    }
  }
  let rho = spectralRadiusEstimate(A, d, p);
  if (rho > 0) {
    const s = target / rho;
    for (let k = 0; k < p; k++) {
      const f = s ** (k + 1);
      for (let q = k * d * d; q < (k + 1) * d * d; q++) A[q] *= f;
    }
    rho = spectralRadiusEstimate(A, d, p);
  }
  return { A, spectralRadius: rho };
}

/**
 * Simulates z_t = Σ A_k z_{t−k} + noise·ε_t with given coefficients, after a burn-in.
 *
 * @param A p×d×d coefficients.
 * @param d Series.
 * @param p Lags.
 * @param T Samples returned.
 * @param u Uniform generator (consumed).
 * @param noise Innovation standard deviation.
 * @param burnIn Samples discarded first.
 * @returns The series and its innovations (already multiplied by `noise`), both T×d.
 */
export function simulateVarWith(
  A: Float64Array,
  d: number,
  p: number,
  T: number,
  u: () => number,
  noise: number,
  burnIn: number,
): { series: Float64Array; innovations: Float64Array } {
  const total = T + burnIn + p;
  const eps = normals(u, total * d);
  const z = new Float64Array(total * d);
  for (let t = p; t < total; t++) {
    for (let i = 0; i < d; i++) {
      let s = noise * eps[t * d + i];
      for (let k = 0; k < p; k++) {
        const row = (k * d + i) * d, prev = (t - k - 1) * d;
        for (let j = 0; j < d; j++) s += A[row + j] * z[prev + j];
      }
      z[t * d + i] = s;
    }
  }
  const innovations = eps.slice((total - T) * d).map((e) => noise * e);
  return { series: z.slice((total - T) * d), innovations };
}
