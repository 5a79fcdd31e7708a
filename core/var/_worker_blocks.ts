// Splitting the d equations of a VAR into one block per worker of the pool and merging
// what the blocks send back (fitVarAsync, fitVarLassoAsync). An equation's path does not
// depend on the others in its batch, so the blocks give the same numbers, bit for bit, as
// one call on all d.
import { columns } from "./_equation_blocks.ts";
import { workerCount } from "./_worker_pool.ts";

/** One worker's share of the equations. */
export interface EquationBlock {
  /** First equation. */
  lo: number;
  /** One past the last equation. */
  hi: number;
  /** Their columns of C, m×(hi−lo). */
  C: Float64Array;
}

/**
 * Runs `job` on one block of equations per worker (contiguous, sizes within one of each
 * other) and merges the blocks' m×(hi−lo) coefficient matrices `B` into one m×d.
 */
export async function onEquationBlocks<T extends { B: Float64Array }>(
  C: Float64Array,
  m: number,
  d: number,
  workers: number | undefined,
  job: (w: number, block: EquationBlock) => Promise<T>,
): Promise<{ parts: T[]; B: Float64Array }> {
  const nw = workerCount(workers, d);
  const bounds: [number, number][] = [];
  const jobs: Promise<T>[] = [];
  for (let w = 0; w < nw; w++) {
    const lo = Math.floor((w * d) / nw), hi = Math.floor(((w + 1) * d) / nw);
    bounds.push([lo, hi]);
    jobs.push(job(w, { lo, hi, C: columns(C, m, d, lo, hi) }));
  }
  const parts = await Promise.all(jobs);
  const B = new Float64Array(m * d);
  parts.forEach((part, w) => {
    const [lo, hi] = bounds[w], dk = hi - lo;
    for (let a = 0; a < m; a++) for (let r = 0; r < dk; r++) B[a * d + lo + r] = part.B[a * dk + r];
  });
  return { parts, B };
}
