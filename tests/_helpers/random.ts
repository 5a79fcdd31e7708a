// Seeded random regression problems for tests.
import { normals, uniform as rng } from "../../core/data/random.ts";

export { normals, rng };

/** G = XᵀX (m×m) and C = XᵀY (m×d) of row-major X (n×m) and Y (n×d), exactly symmetric. */
export function gram(X: Float64Array, Y: Float64Array, n: number, m: number, d: number) {
  const G = new Float64Array(m * m), C = new Float64Array(m * d);
  for (let i = 0; i < m; i++) {
    for (let j = i; j < m; j++) {
      let s = 0;
      for (let t = 0; t < n; t++) s += X[t * m + i] * X[t * m + j];
      G[i * m + j] = G[j * m + i] = s;
    }
    for (let r = 0; r < d; r++) {
      let s = 0;
      for (let t = 0; t < n; t++) s += X[t * m + i] * Y[t * d + r];
      C[i * d + r] = s;
    }
  }
  return { G, C };
}

/** A random regression problem with correlated columns and a sparse truth. */
export function problem(seed: number, n: number, m: number, d: number, correlation = 0.5) {
  const u = rng(seed);
  const Z = normals(u, n);
  const X = normals(u, n * m);
  for (let t = 0; t < n; t++) {
    for (let j = 0; j < m; j++) {
      X[t * m + j] = Math.sqrt(1 - correlation) * X[t * m + j] + Math.sqrt(correlation) * Z[t];
    }
  }
  const B = normals(u, m * d).map((v) => (u() < 0.4 ? v : 0));
  const E = normals(u, n * d);
  const Y = new Float64Array(n * d);
  for (let t = 0; t < n; t++) {
    for (let r = 0; r < d; r++) {
      let s = E[t * d + r];
      for (let j = 0; j < m; j++) s += X[t * m + j] * B[j * d + r];
      Y[t * d + r] = s;
    }
  }
  return { X, Y, ...gram(X, Y, n, m, d) };
}
