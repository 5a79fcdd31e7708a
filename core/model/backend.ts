/**
 * Choosing the TensorFlow.js backend: `cpu` (pure JS, the reference for tests), `wasm`
 * (XNNPACK with SIMD; our missing gradient kernels registered), `webgpu` (Deno's WebGPU:
 * any GPU through Vulkan/Metal, or Mesa's software "llvmpipe" adapter where there is none),
 * `tensorflow` (TensorFlow's native library through `@tensorflow/tfjs-node` or
 * `tfjs-node-gpu`, when the caller has loaded one), `torch` (libtorch from an installed
 * PyTorch, through Deno's FFI: cuDNN/cuBLAS on an NVIDIA GPU with `device: "cuda"`, or
 * PyTorch's CPU kernels; see `torch/torch_backend.ts`), and `auto` = torch on CUDA where a
 * CUDA build of torch and an NVIDIA GPU are both there, else wasm. webgpu is opt-in: on a
 * real GPU it trains 60–230× slower than torch (its filter gradient and dispatch costs).
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
import { registerTorchBackend } from "./torch/torch_backend.ts";
import type { TorchDevice } from "./torch/libtorch.ts";

/** Backends this module can set up. */
export type BackendName = "cpu" | "wasm" | "webgpu" | "tensorflow" | "torch" | "auto";

/** The names `--backend` takes, for the CLI's checks and help. */
export const BACKEND_NAMES: readonly BackendName[] = [
  "auto",
  "wasm",
  "torch",
  "webgpu",
  "tensorflow",
  "cpu",
];

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
  /**
   * Device of the `torch` backend: "cuda" or "cpu". Default: cuda where torch has CUDA and
   * finds a GPU, else cpu. Fixed once `torch` has started in a process.
   */
  device?: TorchDevice;
}

let torchDescription = "";

/**
 * Which torch the `torch` backend runs (version, CUDA, folder, device), once it has started.
 *
 * @returns A sentence, or "" before the backend has started.
 */
export function torchBackendDescription(): string {
  return torchDescription;
}

/** Whether an NVIDIA GPU device is visible (Linux: /dev/nvidia0; elsewhere, no). */
function mayHaveNvidia(): boolean {
  if (Deno.build.os !== "linux") return false;
  try {
    Deno.statSync("/dev/nvidia0");
    return true;
  } catch {
    return false;
  }
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

/** A backend that tfjs starts by itself (every one but torch). */
type TfjsBackendName = "cpu" | "wasm" | "webgpu" | "tensorflow";

/** The `wasm` thread count and whether the caller or the environment chose it. */
type ThreadChoice = { threads: number; explicit: boolean };

/** Refuses what cannot work whatever the machine: tensorflow not loaded, a wrong device. */
function checkRequest(requested: BackendName, options: BackendOptions): void {
  if (requested === "tensorflow" && !tf.findBackendFactory("tensorflow")) {
    throw new SparsedynError("INVALID_ARGUMENT", TENSORFLOW_UNAVAILABLE, { argument: "backend" });
  }
  if (options.device !== undefined && options.device !== "cpu" && options.device !== "cuda") {
    throw new SparsedynError(
      "INVALID_ARGUMENT",
      `device must be cpu or cuda; got ${JSON.stringify(options.device)}`,
      { argument: "device" },
    );
  }
  if (options.device !== undefined && requested !== "torch") {
    throw new SparsedynError(
      "INVALID_ARGUMENT",
      `device (${options.device}) is for the torch backend, not ${requested}`,
      { argument: "device" },
    );
  }
}

/**
 * Starts the torch backend on the first device that works. auto: torch only on CUDA (its
 * CPU path is for machines without wasm's SIMD threads and for the tests); where it cannot
 * run there, undefined, and the caller falls back to wasm.
 *
 * @throws {SparsedynError} With `requested` "torch", when no device worked.
 */
async function startTorch(
  requested: "torch" | "auto",
  options: BackendOptions,
): Promise<"torch" | undefined> {
  const devices: TorchDevice[] = options.device
    ? [options.device]
    : requested === "auto"
    ? ["cuda"]
    : mayHaveNvidia()
    ? ["cuda", "cpu"]
    : ["cpu"];
  let lastError: unknown;
  for (const device of devices) {
    try {
      torchDescription = registerTorchBackend(device);
      registerMissingKernels();
      if (!(await tf.setBackend("torch"))) throw new Error("TensorFlow.js refused it");
      return "torch";
    } catch (err) {
      lastError = err;
    }
  }
  if (requested === "torch") {
    throw lastError instanceof SparsedynError ? lastError : new SparsedynError(
      "INVALID_ARGUMENT",
      `Backend "torch" could not start: ${
        lastError instanceof Error ? lastError.message : lastError
      }`,
      { argument: "backend", cause: lastError },
    );
  }
  return undefined;
}

/** Refuses webgpu where there is no adapter, and loads its backend where there is one. */
async function prepareWebgpu(): Promise<void> {
  const a = await webgpuAdapter();
  if (a.kind === "none") {
    throw new SparsedynError(
      "INVALID_ARGUMENT",
      `Backend "webgpu" is not available: ${a.description}`,
      { argument: "backend" },
    );
  }
  await loadWebgpuBackend();
}

/** The argument that chose the wasm thread count: the option, else the environment. */
function threadsArgument(options: BackendOptions): string {
  return options.wasmThreads === undefined ? WASM_THREADS_ENV : "wasmThreads";
}

/**
 * Sets the `wasm` backend's thread count before it starts: the one asked for, or, where
 * wasm already runs with another and none was asked for explicitly, the one it runs.
 */
function prepareWasmThreads(options: BackendOptions): ThreadChoice {
  let threads = wasmThreads(options.wasmThreads);
  // tfjs keeps one wasm backend per process: another count would start a second module
  // and lose every tensor of the first.
  if ("wasm" in tf.engine().registry && wasmThreadsConfigured() !== threads.threads) {
    if (threads.explicit) {
      throw new SparsedynError(
        "INVALID_ARGUMENT",
        `The wasm backend already runs ${wasmThreadsConfigured()} thread(s) in this ` +
          `process; its thread count (${threads.threads} asked) is fixed once it has started`,
        { argument: threadsArgument(options) },
      );
    }
    threads = { threads: wasmThreadsConfigured(), explicit: false };
  }
  configureWasmThreads(threads.threads);
  return threads;
}

/** Asks tfjs to start a backend; whether it did (a throw becomes a typed error). */
async function setTfjsBackend(name: TfjsBackendName): Promise<boolean> {
  try {
    const ok = await tf.setBackend(name);
    await tf.ready();
    return ok;
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
}

/**
 * Starts a backend that tfjs provides; a multi-threaded wasm that does not start falls back
 * to one thread where the threads were only the default.
 */
async function startTfjsBackend(
  name: TfjsBackendName,
  threads: ThreadChoice,
  options: BackendOptions,
): Promise<void> {
  registerMissingKernels();
  let ok = await setTfjsBackend(name);
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
      { argument: threadsArgument(options) },
    );
  }
  if (!ok) {
    throw new SparsedynError("INVALID_ARGUMENT", `Backend "${name}" is not available`, {
      argument: "backend",
    });
  }
}

/**
 * Makes the requested backend the active one.
 *
 * @param requested "cpu", "wasm", "webgpu", "tensorflow", "torch" or "auto".
 * @param options `wasmThreads`: threads of the `wasm` backend (see {@link wasmThreads});
 *   `device`: the `torch` backend's device.
 * @returns The backend now active.
 * @throws {SparsedynError} When the backend cannot start (webgpu: no adapter; tensorflow:
 *   tfjs-node not loaded; wasm: another thread count than the one it started with; torch:
 *   no torch, a torch older than 2.10, a CPU-only build or no GPU for `device: "cuda"`, or
 *   another device than the one it started with).
 */
export async function useBackend(
  requested: BackendName,
  options: BackendOptions = {},
): Promise<"cpu" | "wasm" | "webgpu" | "tensorflow" | "torch"> {
  checkRequest(requested, options);
  if (requested === "torch" || (requested === "auto" && mayHaveNvidia())) {
    if (await startTorch(requested, options)) return "torch";
  }
  const name: TfjsBackendName = requested === "auto" ? "wasm" : requested as TfjsBackendName;
  if (name === "webgpu") await prepareWebgpu();
  const threads = name === "wasm" ? prepareWasmThreads(options) : { threads: 1, explicit: false };
  await startTfjsBackend(name, threads, options);
  return name;
}
