// Splitting the d equations of a VAR that share one Gram matrix into chunks that go
// through the core one after another, so that only one chunk's paths are in memory at a
// time (the split across workers is _worker_blocks.ts). An equation's path does not
// depend on the others in its batch, so the chunks give the same numbers, bit for bit,
// as one call on all d.
import { type CoreRun, visitCorePaths } from "./_core_path.ts";

/** Columns lo … hi−1 of the m×d row-major C, as an m×(hi−lo) matrix. */
export function columns(C: Float64Array, m: number, d: number, lo: number, hi: number) {
  const dk = hi - lo;
  const Ck = new Float64Array(m * dk);
  for (let a = 0; a < m; a++) for (let r = 0; r < dk; r++) Ck[a * dk + r] = C[a * d + lo + r];
  return Ck;
}

/**
 * {@link visitCorePaths} on the d equations `chunk` at a time: `visit` gets each
 * equation's index in 0 … d−1, and `afterChunk` the equations done after each chunk.
 */
export function visitPathChunks(
  G: Float64Array,
  C: Float64Array,
  n: number,
  m: number,
  d: number,
  chunk: number,
  run: CoreRun,
  visit: (r: number, ell: Float64Array, coefs: Float64Array, stop: number) => void,
  afterChunk?: (done: number) => void,
): void {
  for (let lo = 0; lo < d; lo += chunk) {
    const hi = Math.min(d, lo + chunk);
    visitCorePaths(
      G,
      columns(C, m, d, lo, hi),
      n,
      m,
      hi - lo,
      run,
      (rk, ell, coefs, stop) => visit(lo + rk, ell, coefs, stop),
    );
    afterChunk?.(hi);
  }
}
