// The worker threads shared by the parallel VAR tools (lassoPathBatchParallel, the
// parallel cross-validation): each runs its own instance of the WASM core (see
// _lasso_worker.ts). Workers start on first use and are kept, unreferenced while idle so
// they never hold the process open.
import { Worker } from "node:worker_threads";
import { SparsedynError, type SparsedynErrorCode } from "../errors.ts";
import { checkCount } from "./_lasso_inputs.ts";
import { workerUrl } from "../worker_url.ts";

const pool: Promise<Worker>[] = [];
let nextId = 0;
/** Jobs in flight per worker: a worker holds the process open exactly while it has one. */
const inFlight = new Map<Worker, number>();

function hold(w: Worker) {
  const k = inFlight.get(w) ?? 0;
  if (k === 0) w.ref();
  inFlight.set(w, k + 1);
}

function release(w: Worker) {
  const k = (inFlight.get(w) ?? 1) - 1;
  inFlight.set(w, k);
  if (k === 0) w.unref();
}

/** The i-th worker, started on first use; resolves once its core has loaded. */
function worker(i: number): Promise<Worker> {
  while (pool.length <= i) {
    const w = new Worker(workerUrl(new URL("./_lasso_worker.ts", import.meta.url)));
    pool.push(
      new Promise((resolve, reject) => {
        const onReady = (msg: { id: number }) => {
          if (msg.id !== -1) return;
          w.off("message", onReady);
          w.off("error", reject);
          w.unref();
          resolve(w);
        };
        w.on("message", onReady);
        w.once("error", reject);
      }),
    );
  }
  return pool[i];
}

/** Number of workers to use: the request (validated) or the cores, within 1 … jobs. */
export function workerCount(requested: number | undefined, jobs: number): number {
  const want = checkCount("workers", requested) ?? navigator.hardwareConcurrency ?? 1;
  return Math.max(1, Math.min(want, jobs));
}

/** Terminates the pool's worker threads (a later job starts new ones). */
export async function closeWorkerPool(): Promise<void> {
  const all = pool.splice(0);
  await Promise.all(all.map(async (w) => {
    const worker = await w;
    inFlight.delete(worker);
    await worker.terminate();
  }));
}

/**
 * Runs a job on worker i and resolves with its `result`; a typed error in the worker
 * arrives as the same SparsedynError.
 */
export async function runOnWorker<T>(
  i: number,
  job: Record<string, unknown>,
  transfer: ArrayBuffer[] = [],
): Promise<T> {
  const w = await worker(i);
  const id = nextId++;
  return new Promise((resolve, reject) => {
    const onMessage = (
      msg: {
        id: number;
        result?: T;
        error?: { code: string; message: string; argument?: string };
      },
    ) => {
      if (msg.id !== id) return;
      w.off("message", onMessage);
      w.off("error", onError);
      release(w);
      if (msg.error) {
        reject(
          new SparsedynError(msg.error.code as SparsedynErrorCode, msg.error.message, {
            argument: msg.error.argument,
          }),
        );
      } else resolve(msg.result as T);
    };
    const onError = (err: unknown) => {
      w.off("message", onMessage);
      release(w);
      reject(err);
    };
    hold(w);
    w.on("message", onMessage);
    w.once("error", onError);
    w.postMessage({ ...job, id }, transfer);
  });
}
