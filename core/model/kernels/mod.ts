/**
 * The kernels this project adds to TensorFlow.js backends that lack them, the ones it
 * replaces with faster ones, and the ones it takes over in part (the cases the backend
 * handles slowly), registered together by {@link registerMissingKernels}. Each is tested
 * against the `cpu` backend.
 *
 * @example
 * ```ts
 * import { MISSING_KERNELS } from "./mod.ts";
 *
 * if (!MISSING_KERNELS.some((k) => k.kernelName === "Conv2DBackpropFilter")) throw new Error("listed");
 * ```
 *
 * @module
 */
import { tf } from "../tf.ts";
import { conv2dBackpropFilterConfig } from "./conv2d_backprop_filter.ts";
import { conv2dBackpropInputConfig } from "./conv2d_backprop_input.ts";
import { conv2dOneOutputKernel } from "./conv2d_one_output.ts";
import { identityKernel } from "./identity.ts";
import { padKernel } from "./pad.ts";
import { sumKernel } from "./sum.ts";
import { transposeKernel } from "./transpose.ts";

/** Every added kernel. */
export const MISSING_KERNELS: tf.KernelConfig[] = [conv2dBackpropFilterConfig];

/** Kernels that replace a backend's own, slower one. */
export const REPLACED_KERNELS: tf.KernelConfig[] = [conv2dBackpropInputConfig];

/**
 * Kernels that take over the cases a backend's own handles slowly and pass the rest to it:
 * each is built from the backend's own kernel function.
 */
export const WRAPPED_KERNELS: {
  kernelName: string;
  backendName: string;
  wrap: (own: tf.KernelFunc) => tf.KernelFunc;
}[] = [
  { kernelName: tf.Transpose, backendName: "wasm", wrap: transposeKernel },
  { kernelName: tf.PadV2, backendName: "wasm", wrap: padKernel },
  { kernelName: tf.Sum, backendName: "wasm", wrap: sumKernel },
  { kernelName: tf.Conv2D, backendName: "wasm", wrap: conv2dOneOutputKernel },
  { kernelName: tf.Identity, backendName: "wasm", wrap: identityKernel },
];

// Our wrappers, so that registering twice does not wrap a wrapper.
const wrappers = new WeakSet<tf.KernelFunc>();

/**
 * Whether a kernel function is one of our wrappers (see {@link WRAPPED_KERNELS}).
 *
 * @param fn A registered kernel function.
 * @returns True for our wrappers.
 */
export function isWrapper(fn: tf.KernelFunc | undefined): boolean {
  return fn !== undefined && wrappers.has(fn);
}

/** Registers the added kernels, the replacements and the wrappers (idempotent). */
export function registerMissingKernels(): void {
  for (const k of MISSING_KERNELS) {
    if (!tf.getKernel(k.kernelName, k.backendName)) tf.registerKernel(k);
  }
  for (const k of REPLACED_KERNELS) {
    const current = tf.getKernel(k.kernelName, k.backendName);
    if (current?.kernelFunc === k.kernelFunc) continue;
    if (current) tf.unregisterKernel(k.kernelName, k.backendName);
    tf.registerKernel(k);
  }
  for (const k of WRAPPED_KERNELS) {
    const own = tf.getKernel(k.kernelName, k.backendName);
    // Not registered yet (the backend's package not loaded), or wrapped already.
    if (!own || wrappers.has(own.kernelFunc)) continue;
    const kernelFunc = k.wrap(own.kernelFunc);
    wrappers.add(kernelFunc);
    tf.unregisterKernel(k.kernelName, k.backendName);
    // The backend's setup (e.g. binding its wasm function) stays with the kernel.
    tf.registerKernel({ ...own, kernelFunc });
  }
}
