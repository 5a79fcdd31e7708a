/**
 * Choosing the TensorFlow.js backend: `cpu` (pure JS, the reference for tests), `wasm`
 * (XNNPACK with SIMD; our missing gradient kernels registered), `webgpu` (Deno's WebGPU:
 * any GPU through Vulkan/Metal, or Mesa's software "llvmpipe" adapter where there is none),
 * `tensorflow` (TensorFlow's native library through `@tensorflow/tfjs-node` or
 * `tfjs-node-gpu`, when the caller has loaded one), and `auto` = webgpu with a hardware
 * adapter, else wasm.
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
import { loadWebgpuBackend, tf, tfWasm, wasmBinariesUrl } from "./tf.ts";

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

let wasmPathsSet = false;

/**
 * Makes the requested backend the active one.
 *
 * @param requested "cpu", "wasm", "webgpu", "tensorflow" or "auto".
 * @returns The backend now active.
 * @throws {SparsedynError} When the backend cannot start (webgpu: no adapter; tensorflow:
 *   tfjs-node not loaded).
 */
export async function useBackend(
  requested: BackendName,
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
  if (name === "wasm" && !wasmPathsSet) {
    tfWasm.setWasmPaths(wasmBinariesUrl());
    wasmPathsSet = true;
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
  if (!ok) {
    throw new SparsedynError("INVALID_ARGUMENT", `Backend "${name}" is not available`, {
      argument: "backend",
    });
  }
  return name;
}
