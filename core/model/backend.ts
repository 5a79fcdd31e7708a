/**
 * Choosing the TensorFlow.js backend. `cpu` (pure JS, the reference for tests) and `wasm`
 * (XNNPACK with SIMD; our missing gradient kernels registered) are set up here; `webgpu`
 * and `tensorflow` come with the model work.
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
import { tf, tfWasm, wasmBinariesUrl } from "./tf.ts";

/** Backends this module can set up. */
export type BackendName = "cpu" | "wasm";

let wasmPathsSet = false;

/**
 * Makes `name` the active backend.
 *
 * @param name "cpu" or "wasm".
 * @throws {SparsedynError} When the backend cannot start.
 */
export async function useBackend(name: BackendName): Promise<void> {
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
}
