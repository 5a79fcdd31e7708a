// Worker of lassoPathBatchParallel: runs the core on a block of responses and posts the
// raw results back (their buffers transferred, not copied).
import { parentPort } from "node:worker_threads";
import { type CoreRun, runCorePath } from "./_core_path.ts";
import { SparsedynError } from "../errors.ts";

export interface WorkerJob {
  id: number;
  G: Float64Array;
  C: Float64Array;
  n: number;
  m: number;
  d: number;
  run: CoreRun;
}

parentPort!.on("message", (job: WorkerJob) => {
  if (job.id < 0) return;
  try {
    const raws = runCorePath(job.G, job.C, job.n, job.m, job.d, job.run, "C");
    // Coefficients of all responses share one buffer: list each buffer once.
    const transfer = new Set<ArrayBuffer>();
    for (const r of raws) {
      for (const a of [r.ell, r.coefs, r.events, r.active, r.signs]) {
        transfer.add(a.buffer as ArrayBuffer);
      }
    }
    parentPort!.postMessage({ id: job.id, raws }, [...transfer]);
  } catch (err) {
    const e = err instanceof SparsedynError
      ? { code: err.code, message: err.message, argument: err.argument }
      : { code: "INVALID_ARGUMENT", message: String(err) };
    parentPort!.postMessage({ id: job.id, error: e });
  }
});

// The core loads by top-level await before this line runs; a message posted earlier
// would find no listener, so the pool waits for this one.
parentPort!.postMessage({ id: -1, ready: true });
