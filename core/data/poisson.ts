/**
 * Seeded Poisson draws, exact in distribution: multiplication of uniforms for small means
 * (Knuth) and the transformed rejection method PTRS (Hörmann 1993, "The transformed
 * rejection method for generating Poisson random variables") for means ≥ 10.
 *
 * @example
 * ```ts
 * import { poisson } from "./poisson.ts";
 * import { uniform } from "./random.ts";
 *
 * const u = uniform(1);
 * let sum = 0;
 * for (let i = 0; i < 20000; i++) sum += poisson(u, 50);
 * if (Math.abs(sum / 20000 - 50) > 0.5) throw new Error("mean 50");
 * ```
 *
 * @module
 */

/** ln Γ(x) for x > 0 (Lanczos, g = 7, 9 terms; relative error ~1e-15). */
export function lgamma(x: number): number {
  if (x < 0.5) return Math.log(Math.PI / Math.sin(Math.PI * x)) - lgamma(1 - x);
  const c = [
    0.99999999999980993,
    676.5203681218851,
    -1259.1392167224028,
    771.32342877765313,
    -176.61502916214059,
    12.507343278686905,
    -0.13857109526572012,
    9.9843695780195716e-6,
    1.5056327351493116e-7,
  ];
  x -= 1;
  let a = c[0];
  const t = x + 7.5;
  for (let i = 1; i < 9; i++) a += c[i] / (x + i);
  return 0.5 * Math.log(2 * Math.PI) + (x + 0.5) * Math.log(t) - t + Math.log(a);
}

/**
 * One Poisson(λ) draw.
 *
 * @param u A uniform generator in [0, 1).
 * @param lambda The mean, ≥ 0.
 * @returns A non-negative integer.
 */
export function poisson(u: () => number, lambda: number): number {
  if (!(lambda > 0)) return 0;
  if (lambda < 10) {
    const limit = Math.exp(-lambda);
    let k = 0, prod = u();
    while (prod > limit) {
      k++;
      prod *= u();
    }
    return k;
  }
  const slam = Math.sqrt(lambda), loglam = Math.log(lambda);
  const b = 0.931 + 2.53 * slam, a = -0.059 + 0.02483 * b;
  const invalpha = 1.1239 + 1.1328 / (b - 3.4), vr = 0.9277 - 3.6224 / (b - 2);
  for (;;) {
    const U = u() - 0.5, V = u(), us = 0.5 - Math.abs(U);
    const k = Math.floor((2 * a / us + b) * U + lambda + 0.43);
    if (us >= 0.07 && V <= vr) return k;
    if (k < 0 || (us < 0.013 && V > us)) continue;
    if (
      Math.log(V) + Math.log(invalpha) - Math.log(a / (us * us) + b) <=
        -lambda + k * loglam - lgamma(k + 1)
    ) {
      return k;
    }
  }
}
