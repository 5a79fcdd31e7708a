/**
 * `Identity` for the `wasm` backend without the copy: the backend's own kernel copies the
 * whole tensor, and the engine clones every tensor it saves for the backward pass, so a
 * training step copied each large activation once more (7 ms per step on the default
 * model). Tensor data is never written in place, so — as the cpu backend does — the clone
 * can share its input's data: one more reference, no copy.
 *
 * @example
 * ```ts
 * import { identityKernel } from "./identity.ts";
 * import { tf } from "../tf.ts";
 *
 * const k = identityKernel(() => {
 *   throw new Error("the backend's own kernel is not used on a wasm backend");
 * });
 * if (typeof k !== "function") throw new Error("a kernel function");
 * ```
 *
 * @module
 */
import type { tf } from "../tf.ts";
import { isWasmBackend } from "./heap.ts";

/**
 * The replacement kernel, given the backend's own.
 *
 * @param own The backend's Identity kernel function (used off the wasm backend).
 * @returns The kernel function.
 */
export function identityKernel(own: tf.KernelFunc): tf.KernelFunc {
  return (args) => {
    const { inputs, backend } = args;
    const x = inputs.x as tf.TensorInfo;
    if (!isWasmBackend(backend)) return own(args);
    (backend as tf.KernelBackend).incRef(x.dataId);
    return { dataId: x.dataId, shape: [...x.shape], dtype: x.dtype };
  };
}
