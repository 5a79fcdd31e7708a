// selectAlongPaths on worker threads: the d equations split into one block per worker,
// each worker choosing λ along its block's paths (in chunks, as selectAlongPaths does) and
// sending back only the chosen coefficients. Each equation goes through the same code on
// the same numbers as in selectAlongPaths, so the choices are identical, bit for bit.
import type { PathChoices, PathSelectOptions } from "./_path_select.ts";
import { runOnWorker } from "./_worker_pool.ts";
import { onEquationBlocks } from "./_worker_blocks.ts";

/** {@link selectAlongPaths} with the equations split into one block per worker. */
export async function selectAlongPathsParallel(
  G: Float64Array,
  C: Float64Array,
  n: number,
  m: number,
  d: number,
  options: PathSelectOptions,
  workers?: number,
): Promise<PathChoices> {
  const { onProgress, ...select } = options;
  let done = 0;
  const { parts, B } = await onEquationBlocks(
    C,
    m,
    d,
    workers,
    (w, block) =>
      runOnWorker<PathChoices>(w, {
        kind: "select",
        G,
        C: block.C,
        n,
        m,
        d: block.hi - block.lo,
        select: { ...select, yty: options.yty.slice(block.lo, block.hi) },
      }).then((part) => {
        done += block.hi - block.lo;
        onProgress?.(done, d);
        return part;
      }),
  );
  const lambdas = new Float64Array(d), index = new Int32Array(d);
  let lo = 0, breakpoints = 0;
  for (const part of parts) {
    lambdas.set(part.lambdas, lo);
    index.set(part.index, lo);
    breakpoints += part.breakpoints;
    lo += part.lambdas.length;
  }
  return { B, lambdas, index, breakpoints };
}
