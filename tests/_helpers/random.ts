// Seeded random numbers for tests (mulberry32 + Box–Muller): reproducible designs.

/** A seeded generator of uniform [0, 1) numbers. */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Standard normal draws from a uniform generator. */
export function normals(u: () => number, count: number): Float64Array {
  const out = new Float64Array(count);
  for (let i = 0; i < count; i += 2) {
    const r = Math.sqrt(-2 * Math.log(1 - u())), th = 2 * Math.PI * u();
    out[i] = r * Math.cos(th);
    if (i + 1 < count) out[i + 1] = r * Math.sin(th);
  }
  return out;
}

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
    for (let j = 0; j < m; j++) X[t * m + j] = Math.sqrt(1 - correlation) * X[t * m + j] + Math.sqrt(correlation) * Z[t];
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
