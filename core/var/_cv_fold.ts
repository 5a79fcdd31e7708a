// One fold of the λ cross-validation as a self-contained job (plain typed arrays, so it
// can run on the calling thread or be posted to a worker and give the same bits): the
// lasso paths of a block of equations on the fold's training statistics, and each
// equation's validation squared error at its grid λ from the validation block's
// quadratic form.
//
// The error of β on the block is ỹᵀỹ − 2βᵀc + βᵀGβ (c, G of the block about the training
// means). β is sparse, so only its non-zeros count. Variables are renumbered in the order
// in which they first enter the path: at any λ the non-zeros then lie in a prefix
// 0 … L−1 (L = variables seen so far; a variable that has left again contributes an exact
// zero), and the quadratic form runs over the packed lower triangle of G in that order —
// contiguous rows, no index gathers — at ≈ L²/2 multiply-adds per grid point.
import { visitPathChunks } from "./_equation_blocks.ts";
import { chunkSize } from "./_path_select.ts";
import { checkNonNegative, shapes } from "./_lasso_inputs.ts";

/** A fold's inputs for `e` equations (columns of the fold's C, Cv, yy, grid rows). */
export interface FoldJob {
  /** Training Gram matrix (centred), m×m. */
  G: Float64Array;
  /** Training Xᵀy of the job's equations, m×e. */
  C: Float64Array;
  /** Training rows. */
  n: number;
  /** Validation Σx̃x̃ᵀ about the training means, m×m. */
  Gv: Float64Array;
  /** Validation Σx̃ỹ of the job's equations, m×e. */
  Cv: Float64Array;
  /** Validation Σỹ² per equation, e. */
  yy: Float64Array;
  /** Grid λ, e×Gs, descending per row. */
  grid: Float64Array;
  /** Grid points per equation. */
  Gs: number;
  /** Where every path stops (the smallest grid λ over all equations of the fit). */
  lambdaMin: number;
  /** Doubles of path storage per chunk of equations (default 2²³, 64 MiB; see chunkSize). */
  budget?: number;
}

/** Validation SSE per equation and grid point, e×Gs (not divided by the block's rows). */
export function foldErrors(job: FoldJob): Float64Array {
  const { G, C, n, Gv, Cv, yy, grid, Gs, lambdaMin } = job;
  const { m, d: e } = shapes(G, C, n, "C");
  const out = new Float64Array(e * Gs);
  const perm = new Int32Array(m), unseen = new Int32Array(m);
  const Gp = new Float64Array((m * (m + 1)) / 2), cp = new Float64Array(m);
  const bp = new Float64Array(m);
  const run = { lasso: true, lambdaMin: checkNonNegative("lambdaMin", lambdaMin)!, keepPath: true };
  // The paths are read where the core left them (no copy out); λ = ℓ/n as lassoPathBatch has it.
  // A chunk of equations at a time, so that the core holds one chunk's paths (about 64 MiB),
  // not all e of them: at 512 series the folds' paths grew the core's memory to 1.2 GiB.
  visitPathChunks(G, C, n, m, e, chunkSize(m, n, e, job.budget), run, (i, ell, coefs) => {
    const k = ell.length;
    const lambdas = new Float64Array(k);
    for (let s = 0; s < k; s++) lambdas[s] = ell[s] / n;
    // Order of first entry; seen[s] = how many variables are non-zero somewhere in 0 … s.
    // Only the variables not yet seen are checked (kept in ascending order, compacted).
    const seen = new Int32Array(k);
    let L = 0, left = m;
    for (let a = 0; a < m; a++) unseen[a] = a;
    for (let s = 0; s < k; s++) {
      const row = s * m;
      let w = 0;
      for (let r = 0; r < left; r++) {
        const a = unseen[r];
        if (coefs[row + a] !== 0) perm[L++] = a;
        else unseen[w++] = a;
      }
      left = w;
      seen[s] = L;
    }
    for (let u = 0; u < L; u++) {
      const ra = perm[u] * m, off = (u * (u + 1)) / 2;
      for (let v = 0; v <= u; v++) Gp[off + v] = Gv[ra + perm[v]];
      cp[u] = Cv[perm[u] * e + i];
    }
    let s = 0;
    for (let g = 0; g < Gs; g++) {
      const lam = grid[i * Gs + g];
      // β(λ) in the new order, as pathAt interpolates it.
      let len: number;
      if (lam >= lambdas[0]) {
        len = k === 1 ? seen[0] : 0;
        for (let u = 0; u < len; u++) bp[u] = coefs[perm[u]];
      } else if (lam <= lambdas[k - 1]) {
        len = L;
        const b = (k - 1) * m;
        for (let u = 0; u < len; u++) bp[u] = coefs[b + perm[u]];
        s = k - 1;
      } else {
        while (s + 1 < k && lambdas[s + 1] > lam) s++;
        const hi = lambdas[s], lo = lambdas[s + 1];
        const f = hi === lo ? 0 : (hi - lam) / (hi - lo);
        const a = s * m, b = (s + 1) * m;
        len = seen[s + 1];
        for (let u = 0; u < len; u++) {
          const j = perm[u], ca = coefs[a + j], cb = coefs[b + j];
          bp[u] = ca === cb ? ca : ca + f * (cb - ca);
        }
      }
      out[i * Gs + g] = Math.max(quadraticError(Gp, cp, bp, len, yy[i]), 0);
    }
  });
  return out;
}

/** ỹᵀỹ − 2βᵀc + βᵀGβ over a prefix of length len, G packed lower-triangular. */
function quadraticError(
  Gp: Float64Array,
  cp: Float64Array,
  bp: Float64Array,
  len: number,
  yy: number,
): number {
  let e = yy;
  let u = 0;
  // Four rows at a time: each β_v is loaded once for all four (≈ 2× the speed of one row
  // at a time in V8). Row u+r also meets β_u … β_{u+r−1} inside the block.
  for (; u + 3 < len; u += 4) {
    const o0 = (u * (u + 1)) / 2, o1 = o0 + u + 1, o2 = o1 + u + 2, o3 = o2 + u + 3;
    let g0 = 0, g1 = 0, g2 = 0, g3 = 0;
    for (let v = 0; v < u; v++) {
      const bv = bp[v];
      g0 += Gp[o0 + v] * bv;
      g1 += Gp[o1 + v] * bv;
      g2 += Gp[o2 + v] * bv;
      g3 += Gp[o3 + v] * bv;
    }
    const b0 = bp[u], b1 = bp[u + 1], b2 = bp[u + 2], b3 = bp[u + 3];
    g1 += Gp[o1 + u] * b0;
    g2 += Gp[o2 + u] * b0 + Gp[o2 + u + 1] * b1;
    g3 += Gp[o3 + u] * b0 + Gp[o3 + u + 1] * b1 + Gp[o3 + u + 2] * b2;
    e += b0 * (2 * g0 + Gp[o0 + u] * b0 - 2 * cp[u]);
    e += b1 * (2 * g1 + Gp[o1 + u + 1] * b1 - 2 * cp[u + 1]);
    e += b2 * (2 * g2 + Gp[o2 + u + 2] * b2 - 2 * cp[u + 2]);
    e += b3 * (2 * g3 + Gp[o3 + u + 3] * b3 - 2 * cp[u + 3]);
  }
  for (; u < len; u++) {
    const o0 = (u * (u + 1)) / 2, b0 = bp[u];
    let g0 = 0;
    for (let v = 0; v < u; v++) g0 += Gp[o0 + v] * bp[v];
    e += b0 * (2 * g0 + Gp[o0 + u] * b0 - 2 * cp[u]);
  }
  return e;
}
