// selectAlongPaths on worker threads: the d equations split into one block per worker,
// each worker choosing λ along its block's paths (in chunks, as selectAlongPaths does) and
// sending back only the chosen coefficients. Each equation goes through the same code on
// the same numbers as in selectAlongPaths, so the choices are identical, bit for bit.
import type { PathChoices, PathSelectOptions } from "./_path_select.ts";
import { runOnWorker, workerCount } from "./_worker_pool.ts";

export async function selectAlongPathsParallel(
  G: Float64Array,
  C: Float64Array,
  n: number,
  m: number,
  d: number,
  options: PathSelectOptions,
  workers?: number,
): Promise<PathChoices> {
  const nw = workerCount(workers, d);
  const { onProgress, ...select } = options;
  let done = 0;
  const jobs: Promise<PathChoices>[] = [];
  for (let w = 0; w < nw; w++) {
    const lo = Math.floor((w * d) / nw), hi = Math.floor(((w + 1) * d) / nw), dk = hi - lo;
    const Ck = new Float64Array(m * dk);
    for (let a = 0; a < m; a++) for (let r = 0; r < dk; r++) Ck[a * dk + r] = C[a * d + lo + r];
    jobs.push(
      runOnWorker<PathChoices>(w, {
        kind: "select",
        G,
        C: Ck,
        n,
        m,
        d: dk,
        select: { ...select, yty: options.yty.slice(lo, hi) },
      }).then((part) => {
        done += dk;
        onProgress?.(done, d);
        return part;
      }),
    );
  }
  const parts = await Promise.all(jobs);
  const B = new Float64Array(m * d), lambdas = new Float64Array(d), index = new Int32Array(d);
  let lo = 0, breakpoints = 0;
  for (const part of parts) {
    const dk = part.lambdas.length;
    for (let a = 0; a < m; a++) for (let r = 0; r < dk; r++) B[a * d + lo + r] = part.B[a * dk + r];
    lambdas.set(part.lambdas, lo);
    index.set(part.index, lo);
    breakpoints += part.breakpoints;
    lo += dk;
  }
  return { B, lambdas, index, breakpoints };
}
