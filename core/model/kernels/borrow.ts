/**
 * A kernel's inputs as tensors, and its output back, for kernels built from other ops. The engine's
 * `makeTensorFromTensorInfo` wraps a data id without taking a reference, so disposing the
 * wrapper (as every `tf.tidy` does) would free the caller's data; taking one reference on
 * the backend per wrapper keeps the count balanced.
 *
 * @example
 * ```ts
 * import { borrow } from "./borrow.ts";
 * import { tf } from "../tf.ts";
 *
 * await tf.setBackend("cpu");
 * const x = tf.tensor([1, 2]);
 * tf.tidy(() => borrow(x, tf.backend()).dispose());
 * if (x.dataSync()[1] !== 2) throw new Error("the caller's data survives");
 * ```
 *
 * @module
 */
import { tf } from "../tf.ts";

/**
 * Wraps a kernel input as a tensor that owns one reference to its data.
 *
 * @param info The input.
 * @param backend The kernel's backend.
 * @returns A tensor; dispose it (or let a tidy do it).
 */
export function borrow<T extends tf.Tensor>(info: tf.TensorInfo, backend: unknown): T {
  (backend as tf.KernelBackend).incRef(info.dataId);
  return tf.engine().makeTensorFromTensorInfo(info) as T;
}

/**
 * Hands a kernel's result, computed with other ops, to the engine as the kernel's output
 * without copying it: the backend takes one more reference to its data and the tensor is
 * disposed, so the data now belongs to the output alone (as the backend's own Reshape
 * forwards its input). Copying it out of the wasm heap and back in cost two passes over
 * outputs of up to 16 MB per training step.
 *
 * @param r The result, computed with other ops (still alive).
 * @param backend The kernel's backend.
 * @returns The kernel's output.
 */
export function handOver(r: tf.Tensor, backend: unknown): tf.TensorInfo {
  (backend as tf.KernelBackend).incRef(r.dataId);
  const out = { dataId: r.dataId, shape: r.shape, dtype: r.dtype };
  r.dispose();
  return out;
}
