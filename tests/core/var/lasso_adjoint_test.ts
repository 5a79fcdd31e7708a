// lassoAdjoint() against central finite differences in float64, in both modes: fixed λ,
// and a fixed breakpoint (steps / active-set size) where λ itself moves with G and C.
import {
  EVENT_DROP,
  EVENT_JOIN,
  lassoAdjoint,
  lassoAt,
  lassoAtBatch,
  type LassoFit,
  lassoPathBatch,
  type LassoTarget,
} from "../../../mod.ts";
import { assert } from "../../_helpers/assert.ts";
import { normals, problem, rng } from "../../_helpers/random.ts";

const N = 120, M = 9, D = 3;

/** Σ gB ⊙ β(G, C) for the fit recomputed at (G, C). */
function loss(
  G: Float64Array,
  C: Float64Array,
  target: LassoTarget,
  gB: Float64Array,
  method: "lar" | "lasso",
) {
  const fit = lassoAtBatch(G, C, N, target, { method });
  let s = 0;
  for (let i = 0; i < gB.length; i++) s += gB[i] * fit.beta[i];
  return { s, fit };
}

/** Same discrete path (events) as the reference fit: finite differences are valid. */
function sameChoices(a: LassoFit, b: LassoFit) {
  return a.active.join() === b.active.join() && a.eventKind.join() === b.eventKind.join() &&
    a.eventVariable.join() === b.eventVariable.join();
}

/**
 * Compares the adjoint with central differences over every entry of G (G_ij and G_ji
 * moved together, as a real Gram matrix moves) and of C. Returns the relative error
 * max|fd − adjoint| / max|adjoint|.
 */
function fdError(
  G: Float64Array,
  C: Float64Array,
  target: LassoTarget,
  method: "lar" | "lasso",
  seed: number,
) {
  const gB = normals(rng(seed), M * D);
  const { fit } = loss(G, C, target, gB, method);
  const { gradG, gradC } = lassoAdjoint(G, C, N, fit, gB);
  let maxErr = 0, maxAbs = 0;
  const probe = (get: () => number, set: (v: number) => void, analytic: number) => {
    const v0 = get();
    const h = 1e-6 * Math.max(Math.abs(v0), 1);
    set(v0 + h);
    const up = loss(G, C, target, gB, method);
    set(v0 - h);
    const dn = loss(G, C, target, gB, method);
    set(v0);
    assert(
      sameChoices(up.fit, fit) && sameChoices(dn.fit, fit),
      "perturbation crossed a breakpoint",
    );
    const fd = (up.s - dn.s) / (2 * h);
    maxErr = Math.max(maxErr, Math.abs(fd - analytic));
    maxAbs = Math.max(maxAbs, Math.abs(analytic));
  };
  for (let i = 0; i < M; i++) {
    for (let j = i; j < M; j++) {
      const a = i === j ? gradG[i * M + i] : gradG[i * M + j] + gradG[j * M + i];
      probe(() => G[i * M + j], (v) => {
        G[i * M + j] = v;
        G[j * M + i] = v;
      }, a);
    }
  }
  for (let k = 0; k < M * D; k++) probe(() => C[k], (v) => (C[k] = v), gradC[k]);
  assert(maxAbs > 0, "the gradient is not identically zero");
  return { rel: maxErr / maxAbs, fit, gradG, gradC };
}

/** A λ in the middle of a segment of every response's path. */
function safeLambda(G: Float64Array, C: Float64Array, frac: number) {
  const paths = lassoPathBatch(G, C, N);
  const bps = paths.flatMap((p) => Array.from(p.lambdas));
  const lam0 = Math.min(...paths.map((p) => p.lambdas[0]));
  let lam = frac * lam0;
  // Move away from any breakpoint by at least 1e-3 relative.
  for (let tries = 0; tries < 50 && bps.some((b) => Math.abs(b - lam) < 1e-3 * lam); tries++) {
    lam *= 0.97;
  }
  return lam;
}

for (const method of ["lasso", "lar"] as const) {
  for (const seed of [1, 2, 3]) {
    Deno.test(`lassoAdjoint() matches finite differences at a fixed λ (${method}, seed ${seed})`, () => {
      const { G, C } = problem(seed, N, M, D);
      const lam = safeLambda(G, C, [0.3, 0.1, 0.02][seed - 1]);
      const { rel } = fdError(G, C, { lambda: lam }, method, seed + 10);
      assert(rel < 1e-6, `relative error ${rel}`);
    });
    Deno.test(`lassoAdjoint() matches finite differences at a fixed step count (${method}, seed ${seed})`, () => {
      const { G, C } = problem(seed + 100, N, M, D);
      const { rel, fit } = fdError(G, C, { steps: 2 + seed }, method, seed + 20);
      assert(
        fit.mode === "breakpoint" && fit.eventKind.every((k) => k === EVENT_JOIN),
        "stopped at join events",
      );
      assert(rel < 1e-6, `relative error ${rel}`);
    });
  }
}

Deno.test("lassoAdjoint() matches finite differences at a maximum active-set size", () => {
  const { G, C } = problem(7, N, M, D);
  const { rel } = fdError(G, C, { maxActive: 4 }, "lasso", 77);
  assert(rel < 1e-6, `relative error ${rel}`);
});

Deno.test("lassoAdjoint() matches finite differences at a breakpoint where a variable leaves", () => {
  // Search seeds of a correlated design for a lasso path with a drop; stop right at it.
  for (let seed = 0; seed < 200; seed++) {
    const { G, C } = problem(1000 + seed, N, M, D, 0.9);
    const paths = lassoPathBatch(G, C, N);
    const k = Array.from(paths[0].eventKind).indexOf(EVENT_DROP);
    if (k < 1 || paths.some((p, r) => r > 0 && p.lambdas.length <= k)) continue;
    const fit = lassoAtBatch(G, C, N, { steps: k });
    if (fit.eventKind[0] !== EVENT_DROP) continue;
    const { rel } = fdError(G, C, { steps: k }, "lasso", seed);
    assert(rel < 1e-6, `relative error ${rel} (seed ${seed}, step ${k})`);
    return;
  }
  throw new Error("no path with a drop found");
});

Deno.test("lassoAdjoint() at λ = 0 with n > m is the least-squares adjoint", () => {
  const { G, C } = problem(5, N, M, 1);
  const fit = lassoAt(G, C, N, { lambda: 0 });
  const gB = normals(rng(9), M);
  const { gradG, gradC } = lassoAdjoint(G, C, N, fit, gB);
  // β = G⁻¹c: c̄ = G⁻¹ḡ, Ḡ = −c̄ βᵀ. Solve G x = ḡ by Gaussian elimination here.
  const A = Array.from({ length: M }, (_, i) => [...G.subarray(i * M, (i + 1) * M), gB[i]]);
  for (let p = 0; p < M; p++) {
    for (let i = p + 1; i < M; i++) {
      const f = A[i][p] / A[p][p];
      for (let j = p; j <= M; j++) A[i][j] -= f * A[p][j];
    }
  }
  const x = new Float64Array(M);
  for (let i = M - 1; i >= 0; i--) {
    let s = A[i][M];
    for (let j = i + 1; j < M; j++) s -= A[i][j] * x[j];
    x[i] = s / A[i][i];
  }
  for (let i = 0; i < M; i++) {
    assert(Math.abs(gradC[i] - x[i]) < 1e-10 * (1 + Math.abs(x[i])), `c̄_${i}`);
    for (let j = 0; j < M; j++) {
      const want = -x[i] * fit.beta[j];
      assert(Math.abs(gradG[i * M + j] - want) < 1e-10 * (1 + Math.abs(want)), `Ḡ_${i}${j}`);
    }
  }
});

Deno.test("lassoAdjoint() at a breakpoint is finite and equals a one-sided derivative", () => {
  const { G, C } = problem(11, N, M, 1);
  const path = lassoPathBatch(G, C, N)[0];
  const gB = normals(rng(12), M);
  for (const k of [1, 2, 3]) {
    const lk = path.lambdas[k];
    const at = lassoAdjoint(G, C, N, lassoAt(G, C, N, { lambda: lk }), gB);
    const above = lassoAdjoint(G, C, N, lassoAt(G, C, N, { lambda: lk * (1 + 1e-9) }), gB);
    const below = lassoAdjoint(G, C, N, lassoAt(G, C, N, { lambda: lk * (1 - 1e-9) }), gB);
    assert([...at.gradG, ...at.gradC].every(Number.isFinite), "finite");
    const close = (a: Float64Array, b: Float64Array) =>
      a.every((v, i) => Math.abs(v - b[i]) <= 1e-6 * (1 + Math.abs(b[i])));
    const sideA = close(at.gradG, above.gradG) && close(at.gradC, above.gradC);
    const sideB = close(at.gradG, below.gradG) && close(at.gradC, below.gradC);
    assert(sideA || sideB, `breakpoint ${k}: neither one-sided derivative`);
    // The same holds in breakpoint mode, where the event's derivative enters.
    const fitK = lassoAt(G, C, N, { steps: k });
    const g = lassoAdjoint(G, C, N, fitK, gB);
    assert([...g.gradG, ...g.gradC].every(Number.isFinite), "finite in breakpoint mode");
  }
});

Deno.test("lassoAdjoint() scales consistently when X is scaled by t", () => {
  // X → tX: G → t²G, c → tc, λ → tλ keeps β → β/t. Then c̄ → c̄/t², Ḡ → Ḡ/t³.
  const { G, C } = problem(21, N, M, 1);
  const lam = safeLambda(G, C, 0.2);
  const gB = normals(rng(22), M);
  const base = lassoAdjoint(G, C, N, lassoAt(G, C, N, { lambda: lam }), gB);
  const t = 1000;
  const Gt = G.map((v) => v * t * t), Ct = C.map((v) => v * t);
  const scaled = lassoAdjoint(Gt, Ct, N, lassoAt(Gt, Ct, N, { lambda: lam * t }), gB);
  for (let i = 0; i < M; i++) {
    assert(
      Math.abs(scaled.gradC[i] * t * t - base.gradC[i]) < 1e-9 * (1 + Math.abs(base.gradC[i])),
      "c̄",
    );
  }
  for (let i = 0; i < M * M; i++) {
    assert(
      Math.abs(scaled.gradG[i] * t ** 3 - base.gradG[i]) < 1e-9 * (1 + Math.abs(base.gradG[i])),
      "Ḡ",
    );
  }
});

Deno.test("lassoAdjoint() gives ∂L/∂λ at a fixed λ (finite differences in λ), and 0 at a breakpoint", () => {
  const { G, C } = problem(41, N, M, D);
  const lam = safeLambda(G, C, 0.15);
  const gB = normals(rng(42), M * D);
  const { gradLambda } = lassoAdjoint(G, C, N, lassoAtBatch(G, C, N, { lambda: lam }), gB);
  const h = 1e-7 * lam;
  const f = (l: number) => lassoAtBatch(G, C, N, { lambda: l }).beta;
  const up = f(lam + h), dn = f(lam - h);
  for (let r = 0; r < D; r++) {
    let fd = 0;
    for (let j = 0; j < M; j++) fd += gB[j * D + r] * (up[j * D + r] - dn[j * D + r]) / (2 * h);
    assert(
      Math.abs(fd - gradLambda[r]) <= 1e-6 * (1 + Math.abs(fd)),
      `response ${r}: ${gradLambda[r]} vs ${fd}`,
    );
  }
  const atBreak = lassoAdjoint(G, C, N, lassoAtBatch(G, C, N, { steps: 2 }), gB);
  assert(atBreak.gradLambda.every((v) => v === 0), "no separate λ at a breakpoint");
});
