// Worker of the pool in _worker_pool.ts. Two kinds of job:
//   "path": the core on a block of responses (lassoPathBatchParallel); the raw results go
//           back with their buffers transferred, not copied;
//   "fold": one fold of the λ cross-validation for a block of equations (_cv_fold.ts);
//           the validation errors go back.
import { parentPort } from "node:worker_threads";
import { type CoreRun, runCorePath } from "./_core_path.ts";
import { foldErrors, type FoldJob } from "./_cv_fold.ts";
import { SparsedynError } from "../errors.ts";

export interface WorkerJob {
  id: number;
  kind?: "path";
  G: Float64Array;
  C: Float64Array;
  n: number;
  m: number;
  d: number;
  run: CoreRun;
}

export interface FoldWorkerJob {
  id: number;
  kind: "fold";
  job: FoldJob;
}

parentPort!.on("message", (msg: WorkerJob | FoldWorkerJob) => {
  if (msg.id < 0) return;
  try {
    if (msg.kind === "fold") {
      const result = foldErrors(msg.job);
      parentPort!.postMessage({ id: msg.id, result }, [result.buffer as ArrayBuffer]);
      return;
    }
    const job = msg;
    const raws = runCorePath(job.G, job.C, job.n, job.m, job.d, job.run, "C");
    // Coefficients of all responses share one buffer: list each buffer once.
    const transfer = new Set<ArrayBuffer>();
    for (const r of raws) {
      for (const a of [r.ell, r.coefs, r.events, r.active, r.signs]) {
        transfer.add(a.buffer as ArrayBuffer);
      }
    }
    parentPort!.postMessage({ id: job.id, result: raws }, [...transfer]);
  } catch (err) {
    const e = err instanceof SparsedynError
      ? { code: err.code, message: err.message, argument: err.argument }
      : { code: "INVALID_ARGUMENT", message: String(err) };
    parentPort!.postMessage({ id: msg.id, error: e });
  }
});

// The core loads by top-level await before this line runs; a message posted earlier
// would find no listener, so the pool waits for this one.
parentPort!.postMessage({ id: -1, ready: true });
