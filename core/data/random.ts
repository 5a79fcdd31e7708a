/**
 * Seeded random numbers (mulberry32 and Box–Muller), so that simulations and tests are
 * reproducible bit for bit on every platform.
 *
 * @example
 * ```ts
 * import { normals, uniform } from "./random.ts";
 *
 * const a = normals(uniform(7), 3), b = normals(uniform(7), 3);
 * if (a.join() !== b.join()) throw new Error("same seed, same draws");
 * ```
 *
 * @module
 */

/**
 * A seeded generator of uniform numbers in [0, 1).
 *
 * @param seed Any 32-bit integer.
 * @returns A function returning the next draw.
 */
export function uniform(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * Standard normal draws.
 *
 * @param u A uniform generator from {@link uniform}.
 * @param count How many draws.
 * @returns `count` independent N(0, 1) values.
 */
export function normals(u: () => number, count: number): Float64Array {
  const out = new Float64Array(count);
  for (let i = 0; i < count; i += 2) {
    const r = Math.sqrt(-2 * Math.log(1 - u())), th = 2 * Math.PI * u();
    out[i] = r * Math.cos(th);
    if (i + 1 < count) out[i + 1] = r * Math.sin(th);
  }
  return out;
}
