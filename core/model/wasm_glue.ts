/**
 * Evaluating the emscripten glue of tfjs-backend-wasm's threaded SIMD build
 * (`wasm-out/tfjs-backend-wasm-threaded-simd.js`) in a scope that Deno can run: the glue's
 * Node.js branch (taken because Deno has `process.versions.node`) would start pthreads with
 * `node:worker_threads` and a classic worker script, and its browser branch with
 * `new Worker(url)` (a classic worker); Deno runs module workers only. Shadowing the names
 * the glue looks up (`process`, `require`, `Worker`, `startWorker`, ...) makes it take its
 * plain-JavaScript branch and start our module worker (wasm_pthread_worker.ts) instead.
 * Shared by the main thread (wasm_threads.ts) and each pthread worker.
 *
 * @example
 * ```ts
 * import { evalThreadedGlue } from "./wasm_glue.ts";
 *
 * const factory = evalThreadedGlue("var WasmBackendModuleThreadedSimd = (m) => m;", {});
 * if (factory(7) !== 7) throw new Error("glue not evaluated");
 * ```
 *
 * @module
 */

/** What the glue may find instead of the host's globals of the same names. */
export interface GlueScope {
  /** The Worker constructor the glue calls as `new Worker(url)` (main thread). */
  Worker?: unknown;
  /** Called by the glue in a pthread worker once its module is ready. */
  startWorker?: (module: unknown) => void;
  /**
   * What the glue reads `hardwareConcurrency` from (emscripten_num_logical_cores); the
   * host's `navigator` when absent.
   */
  navigator?: { hardwareConcurrency: number };
  /** How a pthread's glue posts to the main thread (its `postMessage(...)` calls). */
  postMessage?: (message: unknown, transfer?: unknown[]) => void;
}

/**
 * Evaluates the glue's text and returns its factory, `WasmBackendModuleThreadedSimd`.
 *
 * @param text The glue's source (the file named above, version 4.22.0).
 * @param scope Replacements for `Worker` and `startWorker`.
 * @returns The emscripten module factory: `(config) => Promise<module>`.
 */
export function evalThreadedGlue(
  text: string,
  scope: GlueScope,
): (config: unknown) => unknown {
  // The names are parameters of a new function, so the glue sees ours: `process`, `require`,
  // `module`, `exports`, `define`, `__filename`, `__dirname` undefined (no Node/UMD branch),
  // `importScripts` undefined (no classic worker branch).
  const params = [
    "process",
    "require",
    "module",
    "exports",
    "define",
    "__filename",
    "__dirname",
    "importScripts",
    "Worker",
    "startWorker",
    "navigator",
    "postMessage",
  ];
  const fn = new Function(...params, `${text}\n;return WasmBackendModuleThreadedSimd;`);
  return fn(
    undefined,
    undefined,
    undefined,
    undefined,
    undefined,
    undefined,
    undefined,
    undefined,
    scope.Worker,
    scope.startWorker,
    scope.navigator ?? globalThis.navigator,
    scope.postMessage,
  ) as (config: unknown) => unknown;
}
