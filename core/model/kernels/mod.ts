/**
 * The kernels this project adds to TensorFlow.js backends that lack them, registered
 * together by {@link registerMissingKernels}. Each is tested against the `cpu` backend.
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

/** Every added kernel. */
export const MISSING_KERNELS: tf.KernelConfig[] = [conv2dBackpropFilterConfig];

/** Registers each added kernel whose backend does not already have one (idempotent). */
export function registerMissingKernels(): void {
  for (const k of MISSING_KERNELS) {
    if (!tf.getKernel(k.kernelName, k.backendName)) tf.registerKernel(k);
  }
}
