// Symmetric eigen-decomposition against numpy.linalg.eigh (fixtures/baselines_numpy.json,
// made by fixtures/make_baseline_fixtures.py), against its own definition (A·v = λv,
// orthonormal vectors) on random matrices, and on degenerate ones.
import { assert, assertAlmostEquals, assertEquals, assertThrows } from "../../_helpers/assert.ts";
import { normals, uniform } from "../../../core/data/random.ts";
import { SparsedynError } from "../../../core/errors.ts";
import { type SymmetricEigen, symmetricEigen } from "../../../core/heldout/symmetric_eigen.ts";

interface EigenCase {
  name: string;
  n: number;
  A: number[];
  values: number[];
  vectors: number[][];
}
const fx = JSON.parse(
  await Deno.readTextFile(new URL("../../../fixtures/baselines_numpy.json", import.meta.url)),
) as { eigen: EigenCase[] };

const EPS = 2 ** -52;

function randomSymmetric(n: number, seed: number): Float64Array {
  const g = normals(uniform(seed), n * n);
  const A = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j <= i; j++) A[i * n + j] = A[j * n + i] = g[i * n + j];
  }
  return A;
}

function maxAbs(A: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < A.length; i++) m = Math.max(m, Math.abs(A[i]));
  return m;
}

/** max over kept pairs of ‖A v − λ v‖∞ / max|A|, and max |VVᵀ − I|. */
function quality(A: Float64Array, e: SymmetricEigen) {
  const { n, count, vectors: V, values } = e;
  const norm = maxAbs(A) || 1;
  let residual = 0, orthogonality = 0;
  for (let c = 0; c < count; c++) {
    for (let i = 0; i < n; i++) {
      let s = 0;
      for (let j = 0; j < n; j++) s += A[i * n + j] * V[c * n + j];
      residual = Math.max(residual, Math.abs(s - values[c] * V[c * n + i]) / norm);
    }
    for (let c2 = 0; c2 <= c; c2++) {
      let s = 0;
      for (let j = 0; j < n; j++) s += V[c * n + j] * V[c2 * n + j];
      orthogonality = Math.max(orthogonality, Math.abs(s - (c === c2 ? 1 : 0)));
    }
  }
  return { residual, orthogonality };
}

function assertGood(A: Float64Array, e: SymmetricEigen, msg: string) {
  const q = quality(A, e);
  const tol = 20 * Math.max(e.n, 1) * EPS;
  assert(q.residual <= tol, `${msg}: ‖Av − λv‖/‖A‖ = ${q.residual} > ${tol}`);
  assert(q.orthogonality <= tol, `${msg}: |VVᵀ − I| = ${q.orthogonality} > ${tol}`);
  for (let i = 1; i < e.n; i++) assert(e.values[i - 1] >= e.values[i], `${msg}: decreasing`);
  assert(e.converged, `${msg}: converged`);
}

/** Groups of indices whose eigenvalues agree to `tol` (an eigenspace each). */
function groups(values: number[], tol: number): number[][] {
  const out: number[][] = [];
  values.forEach((v, i) => {
    const last = out.at(-1);
    if (last && Math.abs(values[last.at(-1)!] - v) <= tol) last.push(i);
    else out.push([i]);
  });
  return out;
}

for (const c of fx.eigen) {
  for (const count of [c.n, 3]) {
    Deno.test(`symmetricEigen() matches numpy.linalg.eigh: ${c.name}, count ${count}`, () => {
      const A = Float64Array.from(c.A), n = c.n;
      const e = symmetricEigen(A, n, { count });
      const scale = maxAbs(c.values);
      c.values.forEach((v, i) => assertAlmostEquals(e.values[i], v, 1e-13 * scale, `λ${i}`));
      // Within an eigenspace numpy's basis is arbitrary: compare projectors Σ v vᵀ;
      // a one-dimensional one is a vector up to its sign.
      for (const g of groups(c.values, 1e-9 * scale)) {
        if (g.some((i) => i >= count)) continue;
        for (let a = 0; a < n; a++) {
          for (let b = 0; b < n; b++) {
            let ours = 0, theirs = 0;
            for (const i of g) {
              ours += e.vectors[i * n + a] * e.vectors[i * n + b];
              theirs += c.vectors[i][a] * c.vectors[i][b];
            }
            assertAlmostEquals(ours, theirs, 1e-11, `projector of λ${g} [${a}, ${b}]`);
          }
        }
      }
      assertGood(A, e, c.name);
    });
  }
}

Deno.test("symmetricEigen() satisfies A·v = λv with orthonormal v on random matrices", () => {
  for (const n of [1, 2, 3, 4, 5, 10, 33, 80, 150]) {
    const A = randomSymmetric(n, 100 + n);
    const all = symmetricEigen(A, n);
    assertGood(A, all, `n = ${n}, all`);
    const some = symmetricEigen(A, n, { count: Math.ceil(n / 3) });
    assertGood(A, some, `n = ${n}, leading ${some.count}`);
    assertEquals(Array.from(some.values), Array.from(all.values), "the same QL eigenvalues");
    // Distinct eigenvalues: both routes give the same vectors (same sign convention).
    for (let q = 0; q < some.count * n; q++) {
      assertAlmostEquals(some.vectors[q], all.vectors[q], 1e-10, `n = ${n} entry ${q}`);
    }
  }
});

Deno.test("symmetricEigen() makes each vector's largest-magnitude entry positive", () => {
  const n = 20, A = randomSymmetric(n, 7);
  for (const count of [n, 4]) {
    const e = symmetricEigen(A, n, { count });
    for (let c = 0; c < count; c++) {
      const row = Array.from(e.vectors.subarray(c * n, c * n + n));
      const big = row.reduce((b, v, j) => (Math.abs(v) > Math.abs(row[b]) ? j : b), 0);
      assert(row[big] > 0, `vector ${c}`);
    }
  }
});

Deno.test("symmetricEigen() handles n = 0, n = 1 and the zero matrix", () => {
  const e0 = symmetricEigen(new Float64Array(0), 0);
  assertEquals([e0.values.length, e0.vectors.length, e0.count], [0, 0, 0]);
  const e1 = symmetricEigen(Float64Array.of(-3.5), 1);
  assertEquals([e1.values[0], e1.vectors[0]], [-3.5, 1]);
  const n = 6, Z = symmetricEigen(new Float64Array(n * n), n);
  assert(Z.values.every((v) => v === 0), "zero eigenvalues");
  assertGood(new Float64Array(n * n), Z, "zero matrix");
});

Deno.test("symmetricEigen() handles the identity and repeated eigenvalues", () => {
  const n = 12;
  const I = new Float64Array(n * n);
  for (let i = 0; i < n; i++) I[i * n + i] = 1;
  for (const count of [n, 5]) {
    const e = symmetricEigen(I, n, { count });
    assert(e.values.every((v) => v === 1), "all ones");
    assertGood(I, e, `identity, count ${count}`);
  }
  // R·diag(4, 4, 4, 1, 1, −2, …)·Rᵀ with R a product of plane rotations: no longer
  // diagonal, so the repeated eigenvalues go through the whole reduction.
  const lam = [4, 4, 4, 1, 1, -2, -2, -2, -2, 0.5, 0.5, 0.5];
  const R = new Float64Array(n * n);
  for (let i = 0; i < n; i++) R[i * n + i] = 1;
  const u = uniform(3);
  for (let r = 0; r < 40; r++) {
    const i = Math.floor(u() * n), j = (i + 1 + Math.floor(u() * (n - 1))) % n;
    const th = u() * Math.PI, c = Math.cos(th), s = Math.sin(th);
    for (let q = 0; q < n; q++) {
      const a = R[q * n + i], b = R[q * n + j];
      R[q * n + i] = c * a - s * b;
      R[q * n + j] = s * a + c * b;
    }
  }
  const A = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j <= i; j++) {
      let s = 0;
      for (let q = 0; q < n; q++) s += R[i * n + q] * lam[q] * R[j * n + q];
      A[i * n + j] = A[j * n + i] = s;
    }
  }
  const sorted = [...lam].sort((a, b) => b - a);
  for (const count of [n, 3, 7]) {
    const e = symmetricEigen(A, n, { count });
    sorted.forEach((v, i) => assertAlmostEquals(e.values[i], v, 1e-13, `λ${i}`));
    assertGood(A, e, `repeated, count ${count}`);
  }
});

Deno.test("symmetricEigen() handles rank one: u uᵀ has λ = ‖u‖² along u, then zeros", () => {
  const n = 25, uvec = normals(uniform(11), n);
  const A = new Float64Array(n * n);
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) A[i * n + j] = uvec[i] * uvec[j];
  const norm2 = uvec.reduce((s, v) => s + v * v, 0);
  for (const count of [n, 1]) {
    const e = symmetricEigen(A, n, { count });
    assertAlmostEquals(e.values[0], norm2, 1e-13 * norm2, "λ₁");
    for (let i = 1; i < n; i++) assertAlmostEquals(e.values[i], 0, 1e-13 * norm2, `λ${i}`);
    const sign = Math.sign(e.vectors[0] * uvec[0]);
    for (let j = 0; j < n; j++) {
      assertAlmostEquals(e.vectors[j], (sign * uvec[j]) / Math.sqrt(norm2), 1e-13, `v[${j}]`);
    }
    assertGood(A, e, `rank 1, count ${count}`);
  }
});

Deno.test("symmetricEigen() separates Wilkinson's W21+ near-equal pairs (inverse iteration clusters)", () => {
  // Tridiagonal, diagonal |10 − i|, off-diagonal 1: its largest eigenvalues come in pairs
  // that agree to ~1e-14, the hard case for inverse iteration.
  const n = 21, A = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    A[i * n + i] = Math.abs(10 - i);
    if (i + 1 < n) A[i * n + i + 1] = A[(i + 1) * n + i] = 1;
  }
  const all = symmetricEigen(A, n);
  assert(all.values[0] - all.values[1] < 1e-12, "a near-equal pair at the top");
  assertAlmostEquals(all.values[0], 10.746194182903393, 1e-12, "λ₁ (Wilkinson 1965)");
  for (const count of [n, 2, 6]) assertGood(A, symmetricEigen(A, n, { count }), `count ${count}`);
});

Deno.test("symmetricEigen() keeps relative accuracy for entries of 1e20 and 1e-32", () => {
  const n = 15, B = randomSymmetric(n, 21), ref = symmetricEigen(B, n);
  for (const s of [1e20, 1e-32, 1e200]) {
    const A = B.map((v) => v * s);
    for (const count of [n, 4]) {
      const e = symmetricEigen(A, n, { count });
      assertGood(A, e, `scale ${s}`);
      for (let i = 0; i < n; i++) {
        assertAlmostEquals(e.values[i] / s, ref.values[i], 1e-13 * maxAbs(ref.values), `λ${i}`);
      }
    }
  }
});

Deno.test("symmetricEigen() handles a diagonal matrix (every off-diagonal splits)", () => {
  const d = [3, -1, 7, 0, 7, 2], n = d.length, A = new Float64Array(n * n);
  d.forEach((v, i) => (A[i * n + i] = v));
  for (const count of [n, 3]) {
    const e = symmetricEigen(A, n, { count });
    assertEquals(Array.from(e.values), [7, 7, 3, 2, 0, -1]);
    assertGood(A, e, `diagonal, count ${count}`);
  }
});

Deno.test("symmetricEigen() rejects bad sizes, counts, non-finite and non-symmetric input", () => {
  assertThrows(() => symmetricEigen(new Float64Array(5), 2), SparsedynError, {
    code: "INVALID_ARGUMENT",
    argument: "A",
  });
  assertThrows(() => symmetricEigen(new Float64Array(4), -2), SparsedynError, { argument: "n" });
  assertThrows(() => symmetricEigen(new Float64Array(4), 2, { count: 3 }), SparsedynError, {
    argument: "count",
  }, "[0, 2]");
  assertThrows(() => symmetricEigen(Float64Array.of(1, NaN, NaN, 1), 2), SparsedynError, {
    code: "NON_FINITE",
  }, "A[0, 1] is NaN");
  assertThrows(() => symmetricEigen(Float64Array.of(1, 2, 2.1, 1), 2), SparsedynError, {
    code: "NOT_SYMMETRIC",
    argument: "A",
  }, "A[0, 1] = 2 but A[1, 0] = 2.1");
  // Rounding-level asymmetry is accepted (and the upper triangle used).
  const e = symmetricEigen(Float64Array.of(1, 2, 2 * (1 + 1e-14), 1), 2);
  assertAlmostEquals(e.values[0], 3, 1e-12);
});
