/**
 * Direct access to the `wasm` backend's tensors from JavaScript, for kernels whose work is
 * pure data movement or summing (transposes, padding, interleaving, row sums). The
 * backend's own versions of those are scalar loops over generic index arithmetic, 3–5×
 * slower than a JavaScript loop over the same heap with the contiguous runs found up front.
 *
 * @example
 * ```ts
 * import { allocate, heapF32 } from "./heap.ts";
 * import { useBackend } from "../backend.ts";
 * import { tf } from "../tf.ts";
 *
 * await useBackend("wasm");
 * const x = tf.tensor([1, 2, 3]);
 * const out = allocate(tf.backend(), [3], "float32");
 * heapF32(tf.backend(), out).set(heapF32(tf.backend(), x).map((v) => 2 * v));
 * const y = tf.engine().makeTensorFromTensorInfo(out);
 * if (y.dataSync()[2] !== 6) throw new Error("doubled");
 * tf.dispose([x, y]);
 * ```
 *
 * @module
 */
import type { tf } from "../tf.ts";

/** What these helpers use of tfjs-backend-wasm's `BackendWasm`. */
interface WasmHeapBackend {
  wasm: { HEAPU8: Uint8Array };
  dataIdMap: { get(dataId: object): { memoryOffset: number } | undefined };
  makeOutput(shape: number[], dtype: tf.DataType): tf.TensorInfo;
}

function offsetAndSize(backend: unknown, info: tf.TensorInfo): [number, number] {
  const entry = (backend as WasmHeapBackend).dataIdMap.get(info.dataId);
  if (!entry) throw new Error("the tensor is not on the wasm backend");
  return [entry.memoryOffset, info.shape.reduce((a, c) => a * c, 1)];
}

/**
 * A float32 view of a tensor's data in the wasm heap. Take views afresh after every
 * allocation: a growing heap replaces the buffer.
 *
 * @param backend The wasm backend (a kernel's `backend` argument or `tf.backend()`).
 * @param info The tensor (float32).
 * @returns A view (no copy).
 */
export function heapF32(backend: unknown, info: tf.TensorInfo): Float32Array {
  const [offset, size] = offsetAndSize(backend, info);
  return new Float32Array((backend as WasmHeapBackend).wasm.HEAPU8.buffer, offset, size);
}

/**
 * An int32 view of a tensor's 4-byte values, for moving them: copies through an Int32Array
 * keep every bit (a float NaN's payload too), whatever the dtype.
 *
 * @param backend The wasm backend.
 * @param info The tensor (float32 or int32).
 * @returns A view (no copy).
 */
export function heapI32(backend: unknown, info: tf.TensorInfo): Int32Array {
  const [offset, size] = offsetAndSize(backend, info);
  return new Int32Array((backend as WasmHeapBackend).wasm.HEAPU8.buffer, offset, size);
}

/**
 * Allocates a kernel output on the wasm heap (uninitialised).
 *
 * @param backend The wasm backend.
 * @param shape Its shape.
 * @param dtype Its dtype.
 * @returns The output's tensor info (refCount 1: the engine takes it over when a kernel
 *   returns it).
 */
export function allocate(backend: unknown, shape: number[], dtype: tf.DataType): tf.TensorInfo {
  return (backend as WasmHeapBackend).makeOutput(shape, dtype);
}

/** Whether a backend is tfjs-backend-wasm (has a heap these helpers can read). */
export function isWasmBackend(backend: unknown): boolean {
  const b = backend as Partial<WasmHeapBackend>;
  return b?.wasm?.HEAPU8 instanceof Uint8Array && typeof b.makeOutput === "function";
}
