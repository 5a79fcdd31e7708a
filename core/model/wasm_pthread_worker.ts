/**
 * A pthread of tfjs-backend-wasm's threaded SIMD build, as a module worker (Deno runs no
 * classic workers), started through `node:worker_threads` (whose workers, unlike web
 * workers in Deno, can be unref'd so that an idle pool does not keep the process alive). It
 * does what emscripten's `tfjs-backend-wasm-threaded-simd.worker.js`
 * does (version 4.22.0, emscripten 3.1.x): on "load" it evaluates the glue with the main
 * thread's compiled module and shared memory, on "run" it enters the thread's start routine.
 * Started by wasm_threads.ts, never imported.
 *
 * @module
 */
import { parentPort } from "node:worker_threads";
import { evalThreadedGlue } from "./wasm_glue.ts";

// deno-lint-ignore no-explicit-any
type EmModule = Record<string, any>;

if (!parentPort) throw new Error("wasm_pthread_worker.ts runs only as a worker_threads worker");
const port = parentPort;
const post = (message: unknown, transfer?: unknown[]) =>
  port.postMessage(message, transfer as Parameters<typeof port.postMessage>[1]);

let Module: EmModule = {};
let initializedJS = false;
let pendingQueues: unknown[] = [];
// Messages that arrive while the glue is being fetched wait for it (the official worker
// reads the glue synchronously with importScripts and so never sees this case).
let loading: Promise<void> | null = null;

function handle(data: EmModule): void {
  if (data.cmd === "run") {
    Module["__emscripten_thread_init"](data.pthread_ptr, 0, 0, 1);
    Module["establishStackSpace"]();
    Module["PThread"].receiveObjectTransfer(data);
    Module["PThread"].threadInitTLS();
    if (!initializedJS) {
      for (const q of pendingQueues) Module["executeNotifiedProxyingQueue"](q);
      pendingQueues = [];
      initializedJS = true;
    }
    try {
      Module["invokeEntryPoint"](data.start_routine, data.arg);
    } catch (ex) {
      if (ex === "unwind") return;
      if (ex instanceof Module["ExitStatus"]) {
        if (!Module["keepRuntimeAlive"]()) {
          Module["__emscripten_thread_exit"]((ex as { status: number }).status);
        }
      } else throw ex;
    }
  } else if (data.cmd === "cancel") {
    if (Module["_pthread_self"]()) Module["__emscripten_thread_exit"](-1);
  } else if (data.target === "setimmediate") {
    // nothing: the glue's setImmediate polyfill is not used by this build
  } else if (data.cmd === "processProxyingQueue") {
    if (initializedJS) Module["executeNotifiedProxyingQueue"](data.queue);
    else pendingQueues.push(data.queue);
  } else if (data.cmd) {
    console.error(`wasm pthread worker: unknown command ${data.cmd}`);
  }
}

async function load(data: EmModule): Promise<void> {
  const m: EmModule = {
    wasmModule: data.wasmModule,
    wasmMemory: data.wasmMemory,
    buffer: data.wasmMemory.buffer,
    ENVIRONMENT_IS_PTHREAD: true,
    instantiateWasm(info: WebAssembly.Imports, receive: (i: WebAssembly.Instance) => void) {
      const instance = new WebAssembly.Instance(m.wasmModule, info);
      receive(instance);
      m.wasmModule = null;
      return instance.exports;
    },
  };
  for (const handler of data.handlers as string[]) {
    m[handler] = (...args: unknown[]) => post({ cmd: "callHandler", handler, args });
  }
  const text = await (await fetch(data.urlOrBlob as string)).text();
  const factory = evalThreadedGlue(text, {
    startWorker: (instance) => {
      Module = instance as EmModule;
      post({ cmd: "loaded" });
    },
    postMessage: post,
  });
  Module = m;
  factory(m);
  loading = null;
}

port.on("message", (message: unknown) => {
  const data = message as EmModule;
  try {
    if (data.cmd === "load") {
      loading = load(data);
      return;
    }
    if (loading) {
      // In order: these callbacks run when the glue is loaded, before any later message.
      loading.then(() => handle(data));
      return;
    }
    handle(data);
  } catch (ex) {
    Module["__emscripten_thread_crashed"]?.();
    throw ex;
  }
});
