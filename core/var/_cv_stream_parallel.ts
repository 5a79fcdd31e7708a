// coefficientsAtLambdas on worker threads (fitVarAsync's "cv"): one block of equations
// per worker, each worker streaming its block's paths in chunks and sending back only the
// m×dk coefficients at the equations' λ. The same code on the same numbers per equation
// as on the main thread, so the same bits.
import type { AtLambdasJob } from "./_cv_stream.ts";
import { runOnWorker } from "./_worker_pool.ts";
import { onEquationBlocks } from "./_worker_blocks.ts";

/**
 * {@link coefficientsAtLambdas} with the equations split over `workers` (default the
 * machine's cores): β of each equation at its λ, m×d row-major.
 */
export async function coefficientsAtLambdasParallel(
  job: AtLambdasJob,
  workers?: number,
): Promise<Float64Array> {
  const { C, m, d } = job;
  const { B } = await onEquationBlocks(C, m, d, workers, (w, block) => {
    const part: AtLambdasJob = {
      ...job,
      C: block.C,
      d: block.hi - block.lo,
      lambda: job.lambda.slice(block.lo, block.hi),
    };
    return runOnWorker<{ B: Float64Array }>(w, { kind: "atLambdas", job: part });
  });
  return B;
}
