/**
 * Multi-threaded `wasm` backend under Deno. tfjs-backend-wasm ships a threaded SIMD build
 * (XNNPACK's thread pool on emscripten pthreads), but never uses it here: it sees Deno as
 * Node.js (`IS_NODE`) and reports `WASM_HAS_MULTITHREAD_SUPPORT` false (tfjs issue 3830),
 * and even when forced, its emscripten glue would start classic or `worker_threads`
 * workers, which Deno cannot run. This module registers a `wasm` backend factory of its
 * own that loads the same threaded build with pthreads in Deno module workers
 * (wasm_pthread_worker.ts) and hands the module to the package's own `BackendWasm`, so every
 * kernel of the package (and ours) runs unchanged.
 *
 * @example
 * ```ts
 * import { configureWasmThreads } from "./wasm_threads.ts";
 * import { tf, tfWasm } from "./tf.ts";
 *
 * configureWasmThreads(2);
 * await tf.setBackend("wasm");
 * if (tfWasm.getThreadsCount() !== 2) throw new Error("not threaded");
 * const s = tf.tidy(() => tf.matMul(tf.ones([64, 64]), tf.ones([64, 64])).dataSync()[0]);
 * if (s !== 64) throw new Error(String(s));
 * ```
 *
 * @module
 */
import { Worker as NodeWorker } from "node:worker_threads";
import { tf, tfWasm, wasmBinariesUrl } from "./tf.ts";
import { evalThreadedGlue } from "./wasm_glue.ts";

// deno-lint-ignore no-explicit-any
type EmModule = Record<string, any>;

/** The pool size the glue hard-codes (PTHREAD_POOL_SIZE=8), which we set to what we use. */
const POOL_SIZE_TEXT = "var pthreadPoolSize=8;";

/**
 * A pthread worker as emscripten's glue drives it (web Worker style: `onmessage`, `onerror`,
 * `postMessage`, `terminate`), on a `node:worker_threads` worker: Deno's web workers keep
 * the process alive while they exist, worker_threads ones can be unref'd. Each is unref'd
 * once it has loaded the module: after that the main thread waits for its pthreads
 * synchronously inside each kernel, so an idle pool does not keep the process alive and
 * an unref'd one never lets it end in the middle of work.
 */
class PthreadWorker {
  onmessage: ((e: { data: unknown }) => void) | null = null;
  onerror: ((e: unknown) => void) | null = null;
  readonly #worker: NodeWorker;
  #loaded = false;

  constructor(url: string | URL) {
    this.#worker = new NodeWorker(new URL(url));
    this.#worker.on("message", (data: unknown) => {
      // Ref'd until loaded: the module's start waits for this message (asynchronously).
      if ((data as { cmd?: string }).cmd === "loaded") {
        this.#loaded = true;
        this.#worker.unref();
      }
      this.onmessage?.({ data });
    });
    this.#worker.on("error", (e: unknown) => {
      // Before "loaded" the glue would wait forever (its handler only rethrows): fail the
      // backend's start instead, which useBackend reports (or, for the default thread
      // count, answers with the single-threaded build).
      if (!this.#loaded && startFailed) startFailed(e);
      else this.onerror?.(e);
    });
    workers.push(this);
  }

  postMessage(message: unknown, transfer?: unknown[]): void {
    this.#worker.postMessage(message, transfer as Parameters<NodeWorker["postMessage"]>[1]);
  }

  terminate(): void {
    this.#worker.terminate();
  }
}

/** The workers of the threaded module now loaded, to end them when the backend goes. */
const workers: PthreadWorker[] = [];
/** Rejects the threaded module's start in progress (a worker failed before loading). */
let startFailed: ((e: unknown) => void) | null = null;

/** The package's own `wasm` factory (single-threaded SIMD build), kept to return to it. */
const packageFactory = tf.engine().registryFactory["wasm"];
/** Threads of the factory now registered. */
let configured = 1;
let pathsSet = false;

/**
 * The thread count the `wasm` backend's registered factory uses (1 until
 * {@link configureWasmThreads} asks for more).
 *
 * @example
 * ```ts
 * import { configureWasmThreads, wasmThreadsConfigured } from "./wasm_threads.ts";
 *
 * configureWasmThreads(2); // registers only; nothing starts before tf.setBackend("wasm")
 * if (wasmThreadsConfigured() !== 2) throw new Error("not configured");
 * ```
 *
 * @returns Threads of XNNPACK's pool: the main thread plus its pthread workers.
 */
export function wasmThreadsConfigured(): number {
  return configured;
}

/**
 * Registers the `wasm` backend factory for `threads` threads; it takes effect at the next
 * `tf.setBackend("wasm")`. 1: the package's own single-threaded SIMD build. 2 or more: the
 * threaded SIMD build, the main thread plus threads − 1 pthread workers (tfjs caps the
 * pool at 8). A `wasm` backend already started with another count is removed first (its
 * tensors are lost; useBackend refuses that case).
 *
 * @example
 * ```ts
 * import { configureWasmThreads } from "./wasm_threads.ts";
 * import { tf, tfWasm } from "./tf.ts";
 *
 * configureWasmThreads(1); // the package's single-threaded SIMD build
 * await tf.setBackend("wasm");
 * if (tfWasm.getThreadsCount() !== 1) throw new Error("not single-threaded");
 * ```
 *
 * @param threads Threads for XNNPACK's pool, an integer from 1 to 8.
 */
export function configureWasmThreads(threads: number): void {
  if (!pathsSet) {
    tfWasm.setWasmPaths(wasmBinariesUrl());
    pathsSet = true;
  }
  if (threads === configured) return;
  // Not tf.findBackend: it would start the registered factory.
  if ("wasm" in tf.engine().registry) endWorkers();
  tf.removeBackend("wasm");
  configured = threads;
  if (threads === 1) {
    tf.registerBackend("wasm", packageFactory.factory, packageFactory.priority);
    return;
  }
  tf.registerBackend("wasm", () => startThreaded(threads), packageFactory.priority);
}

/** Loads the threaded build with `threads` threads and wraps it in the package's backend. */
async function startThreaded(threads: number): Promise<tfWasm.BackendWasm> {
  const base = wasmBinariesUrl();
  const glueUrl = new URL("../wasm-out/tfjs-backend-wasm-threaded-simd.js", base);
  const wasmUrl = new URL("tfjs-backend-wasm-threaded-simd.wasm", base);
  const workerUrl = new URL("./wasm_pthread_worker.ts", import.meta.url);
  const [text, bytes] = await Promise.all([
    fetch(glueUrl).then((r) => r.text()),
    fetch(wasmUrl).then((r) => r.arrayBuffer()),
  ]);
  if (!text.includes(POOL_SIZE_TEXT)) {
    throw new Error(`${glueUrl.pathname}: not the glue of tfjs-backend-wasm 4.22.0`);
  }
  const compiled = await WebAssembly.compile(bytes);
  const factory = evalThreadedGlue(
    // The pool is started with the module; only threads − 1 workers are ever used.
    text.replace(POOL_SIZE_TEXT, `var pthreadPoolSize=${threads - 1};`),
    // tfjs caps the pool at emscripten_num_logical_cores() / 2 (it assumes two hardware
    // threads per core), which is 1 on a 2-core machine: report twice what we want.
    { Worker: PthreadWorker, navigator: { hardwareConcurrency: 2 * threads } },
  );
  const failed = new Promise<never>((_, reject) => {
    startFailed = (e) => reject(new Error(`a pthread worker failed to load: ${errorText(e)}`));
  });
  const started = factory({
    locateFile: (path: string) => path.endsWith(".worker.js") ? workerUrl.href : path,
    // What each pthread worker evaluates (wasm_pthread_worker.ts fetches it).
    mainScriptUrlOrBlob: glueUrl.href,
    instantiateWasm(
      info: WebAssembly.Imports,
      receive: (i: WebAssembly.Instance, m: WebAssembly.Module) => void,
    ) {
      WebAssembly.instantiate(compiled, info).then((instance) => receive(instance, compiled));
      return {};
    },
    // The main thread waits for the pool with Atomics.wait, which Deno allows; the glue,
    // not knowing Deno, warns about blocking "the main browser thread".
    printErr: (s: string) => {
      if (!s.startsWith("Blocking on the main thread")) console.error(s);
    },
  }) as Promise<EmModule>;
  let module: EmModule;
  try {
    module = await Promise.race([started, failed]);
  } catch (e) {
    endWorkers();
    throw e;
  } finally {
    startFailed = null;
  }
  // What the package's init() adds before it builds its backend.
  module.tfjs = {
    init: module.cwrap("init", null, []),
    initWithThreadsCount: module.cwrap("init_with_threads_count", null, ["number"]),
    getThreadsCount: module.cwrap("get_threads_count", "number", []),
    registerTensor: module.cwrap("register_tensor", null, ["number", "number", "number"]),
    disposeData: module.cwrap("dispose_data", null, ["number"]),
    dispose: module.cwrap("dispose", null, []),
  };
  tfWasm.setThreadsCount(threads);
  type WasmModule = ConstructorParameters<typeof tfWasm.BackendWasm>[0];
  const backend = new tfWasm.BackendWasm(module as unknown as WasmModule);
  const got = tfWasm.getThreadsCount();
  if (got !== threads) {
    throw new Error(`the threaded module started ${got} threads, not ${threads}`);
  }
  return backend;
}

function errorText(e: unknown): string {
  return e instanceof Error ? e.message : (e as { message?: string })?.message ?? String(e);
}

/** Ends the pthread workers of the threaded module. */
function endWorkers(): void {
  for (const w of workers.splice(0)) w.terminate();
}
