// Worker of the pool in _worker_pool.ts. Four kinds of job:
//   "path":   the core on a block of responses (lassoPathBatchParallel); the raw results go
//             back with their buffers transferred, not copied;
//   "fold":   one fold of the λ cross-validation for a block of equations (_cv_fold.ts);
//             the validation errors go back;
//   "select": λ by a criterion along the paths of a block of equations (_path_select.ts);
//             only the chosen coefficients go back (fitVarAsync);
//   "atLambdas": the coefficients of a block of equations at their own λ along their
//             paths (_cv_stream.ts); only those go back (fitVarAsync's "cv").
import { parentPort } from "node:worker_threads";
import { type CoreRun, runCorePath } from "./_core_path.ts";
import { foldErrors, type FoldJob } from "./_cv_fold.ts";
import { type AtLambdasJob, coefficientsAtLambdas } from "./_cv_stream.ts";
import { type PathSelectOptions, selectAlongPaths } from "./_path_select.ts";
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

export interface SelectWorkerJob {
  id: number;
  kind: "select";
  G: Float64Array;
  C: Float64Array;
  n: number;
  m: number;
  d: number;
  select: Omit<PathSelectOptions, "onProgress">;
}

/** β of a block of equations at their own λ (_cv_stream.ts). */
export interface AtLambdasWorkerJob {
  id: number;
  kind: "atLambdas";
  job: AtLambdasJob;
}

type Job = WorkerJob | FoldWorkerJob | SelectWorkerJob | AtLambdasWorkerJob;

parentPort!.on("message", (msg: Job) => {
  if (msg.id < 0) return;
  try {
    if (msg.kind === "atLambdas") {
      const B = coefficientsAtLambdas(msg.job);
      parentPort!.postMessage({ id: msg.id, result: { B } }, [B.buffer as ArrayBuffer]);
      return;
    }
    if (msg.kind === "select") {
      const r = selectAlongPaths(msg.G, msg.C, msg.n, msg.m, msg.d, msg.select);
      parentPort!.postMessage({ id: msg.id, result: r }, [
        r.B.buffer as ArrayBuffer,
        r.lambdas.buffer as ArrayBuffer,
        r.index.buffer as ArrayBuffer,
      ]);
      return;
    }
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
