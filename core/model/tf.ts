/**
 * TensorFlow.js as the project uses it: the one place that names the npm packages, with
 * their pinned versions (deno.json pins the same). Written in full, not through the import
 * map, so that `mod.ts` also works when imported by URL.
 *
 * @example
 * ```ts
 * import { tf } from "./tf.ts";
 *
 * await tf.setBackend("cpu"); // or useBackend() from backend.ts, which also sets up wasm
 * const s = tf.tidy(() => tf.sum(tf.tensor1d([1, 2, 3])).dataSync()[0]);
 * if (s !== 6) throw new Error(String(s));
 * ```
 *
 * @module
 */
// deno-lint-ignore no-import-prefix
import * as tf from "npm:@tensorflow/tfjs@4.22.0";
// deno-lint-ignore no-import-prefix
import * as tfWasm from "npm:@tensorflow/tfjs-backend-wasm@4.22.0";

export { tf, tfWasm };

// TensorFlow.js takes Deno for Node.js and has its cpu backend print, on first use, a banner
// that recommends installing tfjs-node. sparsedyn names its backends itself (`--backend`;
// TENSORFLOW_UNAVAILABLE says what tfjs-node would need), so the banner only confuses.
const cpuBackend = tf.findBackend("cpu") as { firstUse?: boolean } | null;
if (cpuBackend) cpuBackend.firstUse = false;

/** A TensorFlow.js tensor. */
export type Tensor = tf.Tensor;
/** A 2-D tensor. */
export type Tensor2D = tf.Tensor2D;
/** A 4-D tensor (batch, height, width, channels). */
export type Tensor4D = tf.Tensor4D;
/** A scalar tensor. */
export type Scalar = tf.Scalar;
/** A trainable variable. */
export type Variable = tf.Variable;

/**
 * Loads the `webgpu` backend (registers it with TensorFlow.js); only when asked for, so
 * that machines without WebGPU never load it.
 *
 * @returns When the backend is registered.
 */
export async function loadWebgpuBackend(): Promise<void> {
  // deno-lint-ignore no-import-prefix
  await import("npm:@tensorflow/tfjs-backend-webgpu@4.22.0");
}

/**
 * Folder URL of the WebAssembly binaries of the `wasm` backend (inside its npm package).
 *
 * @returns A URL ending in "/".
 */
export function wasmBinariesUrl(): string {
  return new URL("./", import.meta.resolve("npm:@tensorflow/tfjs-backend-wasm@4.22.0")).href;
}
