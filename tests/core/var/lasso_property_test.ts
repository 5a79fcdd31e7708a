// Properties every correct path has, on many random and degenerate designs: the KKT
// conditions at every breakpoint, the least-squares end point, linearity between
// breakpoints, covariance under scaling (1e±20, 1e-32), and finite, sane behaviour on a
// Hilbert design (condition number ~1e13).
import { larsPath, type LassoPath, lassoPath } from "../../../mod.ts";
import { assert, assertEquals } from "../../_helpers/assert.ts";
import { gram, normals, problem, rng } from "../../_helpers/random.ts";

/** Max violation of the KKT conditions along a path, relative to λ₀. */
function kktViolation(G: Float64Array, c: Float64Array, n: number, p: LassoPath, lasso: boolean) {
  const { m } = p;
  let worst = 0;
  for (let k = 0; k < p.lambdas.length; k++) {
    const b = p.coefs.subarray(k * m, (k + 1) * m), l = p.lambdas[k];
    for (let j = 0; j < m; j++) {
      if (G[j * m + j] === 0) continue;
      let r = c[j];
      for (let i = 0; i < m; i++) r -= G[j * m + i] * b[i];
      r /= n;
      worst = Math.max(worst, Math.abs(r) - l); // |r_j| ≤ λ everywhere
      if (b[j] !== 0) {
        worst = Math.max(worst, Math.abs(Math.abs(r) - l)); // |r_j| = λ on the active set
        if (lasso && l > 1e-9 * p.lambdas[0] && Math.sign(r) !== Math.sign(b[j])) worst = Infinity;
      }
    }
  }
  return worst / p.lambdas[0];
}

Deno.test("lassoPath() and larsPath() satisfy the KKT conditions on 60 random designs", () => {
  for (let seed = 0; seed < 60; seed++) {
    const u = rng(seed);
    const n = 20 + Math.floor(u() * 80), m = 2 + Math.floor(u() * 25);
    const { G, C } = problem(500 + seed, n, m, 1, u() * 0.95);
    for (const [fn, lasso] of [[lassoPath, true], [larsPath, false]] as const) {
      const p = fn(G, C, n);
      const v = kktViolation(G, C, n, p, lasso);
      assert(
        v < 1e-9,
        `seed ${seed} (n ${n}, m ${m}, ${lasso ? "lasso" : "lar"}): KKT violated by ${v}`,
      );
      assert(p.stop === "end", `seed ${seed}: ended (${p.stop})`);
      // λ never increases, and ends at 0.
      for (let k = 1; k < p.lambdas.length; k++) {
        assert(p.lambdas[k] <= p.lambdas[k - 1], `λ decreasing at ${k}`);
      }
      assertEquals(p.lambdas[p.lambdas.length - 1], 0, "ends at λ = 0");
    }
  }
});

Deno.test("the path ends at least squares when n > m (normal equations hold)", () => {
  for (let seed = 0; seed < 10; seed++) {
    const { G, C } = problem(700 + seed, 80, 10, 1, 0.7);
    const p = lassoPath(G, C, 80);
    const b = p.coefs.subarray((p.lambdas.length - 1) * 10);
    for (let j = 0; j < 10; j++) {
      let r = C[j];
      for (let i = 0; i < 10; i++) r -= G[j * 10 + i] * b[i];
      assert(Math.abs(r) < 1e-9 * Math.abs(C[j]) + 1e-9, `normal equation ${j}: residual ${r}`);
    }
  }
});

Deno.test("scaling X by t scales λ by t and β by 1/t, for t from 1e-32 to 1e20", () => {
  const { G, C } = problem(801, 60, 8, 1, 0.5);
  const base = lassoPath(G, C, 60);
  for (const t of [1e-32, 1e-8, 1e8, 1e20]) {
    // X → tX: G → t²G, c → tc. For t = 1e-32, G's entries are ~1e-62: still normal floats.
    const p = lassoPath(G.map((v) => v * t * t), C.map((v) => v * t), 60);
    assertEquals(p.lambdas.length, base.lambdas.length, `t = ${t}: same breakpoints`);
    assertEquals(Array.from(p.active), Array.from(base.active), `t = ${t}: same active set`);
    for (let k = 0; k < p.lambdas.length; k++) {
      const want = base.lambdas[k] * t;
      assert(Math.abs(p.lambdas[k] - want) <= 1e-10 * base.lambdas[0] * t, `t = ${t}: λ_${k}`);
    }
    for (let q = 0; q < p.coefs.length; q++) {
      const want = base.coefs[q] / t;
      assert(
        Math.abs(p.coefs[q] - want) <= 1e-9 * (Math.abs(want) + 1 / t),
        `t = ${t}: β entry ${q}`,
      );
    }
  }
});

Deno.test("scaling y by t scales λ and β by t", () => {
  const { G, C } = problem(802, 60, 8, 1, 0.5);
  const base = lassoPath(G, C, 60);
  for (const t of [1e-20, 1e20]) {
    const p = lassoPath(G, C.map((v) => v * t), 60);
    assertEquals(p.lambdas.length, base.lambdas.length, `t = ${t}`);
    for (let k = 0; k < p.lambdas.length; k++) {
      assert(
        Math.abs(p.lambdas[k] - base.lambdas[k] * t) <= 1e-10 * base.lambdas[0] * t,
        `t = ${t}: λ_${k}`,
      );
    }
  }
});

Deno.test("a Hilbert design (condition ~1e13) gives a finite path that keeps the KKT conditions", () => {
  // Columns x_j(s) = 1/(s + j + 1): XᵀX is close to a Hilbert matrix, nearly singular.
  const n = 40, m = 10;
  const X = new Float64Array(n * m);
  for (let s = 0; s < n; s++) for (let j = 0; j < m; j++) X[s * m + j] = 1 / (s + j + 1);
  const y = normals(rng(5), n);
  const { G, C } = gram(X, y, n, m, 1);
  for (const [fn, lasso] of [[lassoPath, true], [larsPath, false]] as const) {
    const p = fn(G, C, n);
    assert(p.coefs.every(Number.isFinite) && p.lambdas.every(Number.isFinite), "finite");
    // Columns this close to each other's span are refused (degenerateTolerance) rather
    // than entered with a pivot of rounding noise (here 4 of 10 are). The refused ones
    // keep a residual correlation at λ = 0, so the KKT conditions hold to 1e-6 of λ₀,
    // not to rounding; without the refusals the factor would be numerically singular.
    assert(p.degenerate > 0, "nearly dependent columns are refused");
    const v = kktViolation(G, C, n, p, lasso);
    assert(v < 1e-6, `KKT violated by ${v}`);
    assert(p.active.length >= 5, `the well-separated directions enter (${p.active.length})`);
  }
});
