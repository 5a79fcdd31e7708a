/**
 * The kernels this project adds to TensorFlow.js backends that lack them, and the ones it
 * replaces with faster ones, registered together by {@link registerMissingKernels}. Each is tested against the `cpu` backend.
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

/** Every added kernel. */
export const MISSING_KERNELS: tf.KernelConfig[] = [conv2dBackpropFilterConfig];

/** Kernels that replace a backend's own, slower one. */
export const REPLACED_KERNELS: tf.KernelConfig[] = [conv2dBackpropInputConfig];

/** Registers the added kernels and the replacements (idempotent). */
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
}
