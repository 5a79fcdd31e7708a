/**
 * Choosing the TensorFlow.js backend: `cpu` (pure JS, the reference for tests), `wasm`
 * (XNNPACK with SIMD; our missing gradient kernels registered), `webgpu` (Deno's WebGPU:
 * any GPU through Vulkan/Metal, or Mesa's software "llvmpipe" adapter where there is none),
 * `tensorflow` (TensorFlow's native library through `@tensorflow/tfjs-node` or
 * `tfjs-node-gpu`, when the caller has loaded one), and `auto` = webgpu with a hardware
 * adapter, else wasm.
 *
 * `wasm` runs XNNPACK on as many threads as the machine has cores (at most 8; tfjs's cap),
 * through the package's threaded SIMD build with its pthreads in Deno workers
 * (wasm_threads.ts). Set the count with the `wasmThreads` option or the environment
 * variable `SPARSEDYN_WASM_THREADS` (1 = the single-threaded build). Results do not depend
 * on it: XNNPACK splits work by output tiles, never inside a sum, so every thread count
 * gives the same bits.
 *
 * @example
 * ```ts
 * import { useBackend } from "./backend.ts";
 * import { tf } from "./tf.ts";
 *
 * await useBackend("cpu");
 * if (tf.getBackend() !== "cpu") throw new Error(tf.getBackend());
 * ```
 *
 * @module
 */
import { SparsedynError } from "../errors.ts";
import { registerMissingKernels } from "./kernels/mod.ts";
import { loadWebgpuBackend, tf } from "./tf.ts";
import { configureWasmThreads, wasmThreadsConfigured } from "./wasm_threads.ts";

/** Backends this module can set up. */
export type BackendName = "cpu" | "wasm" | "webgpu" | "tensorflow" | "auto";

/** Why the `tensorflow` backend is absent; sparsedyn never downloads native libraries. */
export const TENSORFLOW_UNAVAILABLE =
  'Backend "tensorflow" is not available: it is registered by @tensorflow/tfjs-node or ' +
  "@tensorflow/tfjs-node-gpu (version 4.22.0, to share sparsedyn's TensorFlow.js), and " +
  "neither is loaded. They need TensorFlow's native library, which their install script " +
  "downloads and which sparsedyn does not fetch; install one with its scripts allowed and " +
  "import it before sparsedyn in your own code, or use --backend wasm or webgpu";

/** What WebGPU offers here: no adapter, a software one (Mesa's llvmpipe) or hardware. */
export async function webgpuAdapter(): Promise<
  { kind: "none" | "software" | "hardware"; description: string }
> {
  type Info = { description?: string; device?: string; vendor?: string };
  const gpu =
    (navigator as Navigator & { gpu?: { requestAdapter(): Promise<{ info?: Info } | null> } }).gpu;
  if (!gpu) return { kind: "none", description: "navigator.gpu is absent" };
  const adapter = await gpu.requestAdapter().catch(() => null);
  if (!adapter) {
    return {
      kind: "none",
      description: "no adapter (install mesa-vulkan-drivers for a software one)",
    };
  }
  const info: Info = adapter.info ?? {};
  const description = [info.description, info.device, info.vendor].filter(Boolean).join(" ") ||
    "unknown adapter";
  return {
    kind: /llvmpipe|swiftshader|software|lavapipe/i.test(description) ? "software" : "hardware",
    description,
  };
}

/**
 * Whether a hardware GPU may be present, without loading any Vulkan driver: on Linux, a DRM
 * render node or an NVIDIA device. Deno lets a process look at /dev only with --allow-all;
 * without it the answer is no (auto then means wasm): asking WebGPU instead would load every
 * installed Vulkan driver, and Mesa's software ones print noise and can abort the process at
 * exit on machines without a GPU. Elsewhere (macOS, Windows) the answer is yes.
 */
function mayHaveGpu(): boolean {
  if (Deno.build.os !== "linux") return true;
  try {
    if ([...Deno.readDirSync("/dev/dri")].some((e) => e.name.startsWith("renderD"))) return true;
  } catch (err) {
    if (!(err instanceof Deno.errors.NotFound)) return false; // not allowed to look
  }
  try {
    Deno.statSync("/dev/nvidia0");
    return true;
  } catch {
    return false;
  }
}

/** The environment variable that sets the `wasm` backend's thread count. */
export const WASM_THREADS_ENV = "SPARSEDYN_WASM_THREADS";

/** tfjs-backend-wasm never runs more threads than this (its pthread pool's cap). */
export const MAX_WASM_THREADS = 8;

/** Options of {@link useBackend}. */
export interface BackendOptions {
  /**
   * Threads of the `wasm` backend, 1 to 8. Default: `SPARSEDYN_WASM_THREADS` if set, else
   * the number of logical cores (at most 8). Fixed once `wasm` has started in a process.
   */
  wasmThreads?: number;
}

/**
 * The `wasm` thread count that {@link useBackend} uses: the option, else
 * `SPARSEDYN_WASM_THREADS`, else the number of logical cores, at most 8.
 *
 * @example
 * ```ts
 * import { wasmThreads } from "./backend.ts";
 *
 * if (wasmThreads(3).threads !== 3) throw new Error("the option wins");
 * ```
 *
 * @param option The caller's `wasmThreads`, if any.
 * @returns The count, and whether the caller or the environment chose it.
 * @throws {SparsedynError} When the option or the variable is not an integer from 1 to 8.
 */
export function wasmThreads(option?: number): { threads: number; explicit: boolean } {
  let value: unknown = option, argument = "wasmThreads", shown = String(option);
  if (option === undefined) {
    let env: string | undefined;
    try {
      env = Deno.env.get(WASM_THREADS_ENV);
    } catch {
      env = undefined; // no --allow-env: the default
    }
    if (env === undefined || env.trim() === "") {
      const cores = navigator.hardwareConcurrency || 1;
      return { threads: Math.min(cores, MAX_WASM_THREADS), explicit: false };
    }
    value = Number(env.trim());
    argument = WASM_THREADS_ENV;
    shown = JSON.stringify(env);
  }
  if (!Number.isInteger(value) || (value as number) < 1 || (value as number) > MAX_WASM_THREADS) {
    throw new SparsedynError(
      "INVALID_ARGUMENT",
      `${argument} must be an integer from 1 to ${MAX_WASM_THREADS} (threads of the wasm ` +
        `backend), got ${shown}`,
      { argument },
    );
  }
  return { threads: value as number, explicit: true };
}

/**
 * Makes the requested backend the active one.
 *
 * @param requested "cpu", "wasm", "webgpu", "tensorflow" or "auto".
 * @param options `wasmThreads`: threads of the `wasm` backend (see {@link wasmThreads}).
 * @returns The backend now active.
 * @throws {SparsedynError} When the backend cannot start (webgpu: no adapter; tensorflow:
 *   tfjs-node not loaded; wasm: another thread count than the one it started with).
 */
export async function useBackend(
  requested: BackendName,
  options: BackendOptions = {},
): Promise<"cpu" | "wasm" | "webgpu" | "tensorflow"> {
  if (requested === "tensorflow" && !tf.findBackendFactory("tensorflow")) {
    throw new SparsedynError("INVALID_ARGUMENT", TENSORFLOW_UNAVAILABLE, { argument: "backend" });
  }
  let name: "cpu" | "wasm" | "webgpu" | "tensorflow" = requested === "auto" ? "wasm" : requested;
  // auto only wants a hardware adapter; where the OS shows no GPU device, asking for one
  // would load every Vulkan driver (and their exit-time teardown) for nothing.
  if ((requested === "auto" && mayHaveGpu()) || requested === "webgpu") {
    const a = await webgpuAdapter();
    if (requested === "auto" && a.kind === "hardware") name = "webgpu";
    if (requested === "webgpu" && a.kind === "none") {
      throw new SparsedynError(
        "INVALID_ARGUMENT",
        `Backend "webgpu" is not available: ${a.description}`,
        { argument: "backend" },
      );
    }
    if (name === "webgpu") await loadWebgpuBackend();
  }
  let threads = { threads: 1, explicit: false };
  if (name === "wasm") {
    threads = wasmThreads(options.wasmThreads);
    // tfjs keeps one wasm backend per process: another count would start a second module
    // and lose every tensor of the first.
    if ("wasm" in tf.engine().registry && wasmThreadsConfigured() !== threads.threads) {
      if (threads.explicit) {
        throw new SparsedynError(
          "INVALID_ARGUMENT",
          `The wasm backend already runs ${wasmThreadsConfigured()} thread(s) in this ` +
            `process; its thread count (${threads.threads} asked) is fixed once it has started`,
          { argument: options.wasmThreads === undefined ? WASM_THREADS_ENV : "wasmThreads" },
        );
      }
      threads = { threads: wasmThreadsConfigured(), explicit: false };
    }
    configureWasmThreads(threads.threads);
  }
  registerMissingKernels();
  let ok = false;
  try {
    ok = await tf.setBackend(name);
    await tf.ready();
  } catch (err) {
    throw new SparsedynError(
      "INVALID_ARGUMENT",
      `Backend "${name}" could not start: ${err instanceof Error ? err.message : err}`,
      {
        argument: "backend",
        cause: err,
      },
    );
  }
  if (!ok && name === "wasm" && threads.threads > 1 && !threads.explicit) {
    // Threads were only the default: run single-threaded rather than not at all.
    console.warn(
      `sparsedyn: the multi-threaded wasm backend did not start; using 1 thread ` +
        `(set ${WASM_THREADS_ENV}=1 to skip the attempt)`,
    );
    configureWasmThreads(1);
    ok = await tf.setBackend(name);
    await tf.ready();
  }
  if (!ok && name === "wasm" && threads.threads > 1) {
    throw new SparsedynError(
      "INVALID_ARGUMENT",
      `Backend "wasm" with ${threads.threads} threads could not start (TensorFlow.js printed ` +
        `why above); ${WASM_THREADS_ENV}=1 uses the single-threaded build`,
      { argument: options.wasmThreads === undefined ? WASM_THREADS_ENV : "wasmThreads" },
    );
  }
  if (!ok) {
    throw new SparsedynError("INVALID_ARGUMENT", `Backend "${name}" is not available`, {
      argument: "backend",
    });
  }
  return name;
}
