/**
 * The TensorFlow.js backend `torch`: every tensor is a libtorch tensor on one device (CPU or
 * CUDA) and every kernel an ATen call, so the one model definition (`cae.ts`), its gradients
 * (TensorFlow.js's tape, whose backward kernels land here too), Adam, the VAR layer, encode
 * and maps all run on libtorch unchanged. Kernels without a libtorch version here run on the
 * `cpu` backend's code (values copied across and back), so nothing fails for lack of one;
 * {@link fallbackKernelsUsed} lists them, for benchmarks and tests to keep the hot path native.
 *
 * Tensors keep whatever strides libtorch returned (a transposed view stays a view); they are
 * made contiguous only when read.
 *
 * @example
 * ```ts
 * import { registerTorchBackend } from "./torch_backend.ts";
 * import { tf } from "../tf.ts";
 *
 * try {
 *   registerTorchBackend("cpu");
 *   await tf.setBackend("torch");
 *   const y = tf.add(tf.tensor1d([1, 2]), tf.tensor1d([3, 4]));
 *   if (y.dataSync()[1] !== 6) throw new Error("add");
 *   await tf.setBackend("cpu");
 * } catch (err) {
 *   if (!(err instanceof Error) || !/torch/.test(err.message)) throw err; // no torch here
 * }
 * ```
 *
 * @module
 */
import { SparsedynError } from "../../errors.ts";
import { tf } from "../tf.ts";
import { type Libtorch, openLibtorch, type TorchDevice, type TorchDtype } from "./libtorch.ts";
import { torchKernels } from "./torch_kernels.ts";

type DataId = object;
type TensorInfo = { dataId: DataId; shape: number[]; dtype: tf.DataType };
type Values = Float32Array | Int32Array | Uint8Array;

interface Entry {
  h: bigint;
  shape: number[];
  dtype: TorchDtype;
  refCount: number;
}

function torchDtype(dtype: tf.DataType): TorchDtype {
  if (dtype === "float32" || dtype === "int32" || dtype === "bool") return dtype;
  throw new SparsedynError(
    "INVALID_ARGUMENT",
    `the torch backend holds float32, int32 and bool tensors, not ${dtype}`,
    { argument: "backend" },
  );
}

const sameShape = (a: readonly number[], b: readonly number[]) =>
  a.length === b.length && a.every((v, i) => v === b[i]);

/** A TensorFlow.js backend whose tensors are libtorch tensors. */
export class TorchBackend extends tf.KernelBackend {
  /** The library, on this backend's device. */
  readonly lib: Libtorch;
  #data = new WeakMap<DataId, Entry>();
  #count = 0;
  #constants = new Map<string, bigint>();
  #scalars = new Map<string, bigint>();
  #temps: bigint[] = [];

  /** @param lib An opened libtorch. */
  constructor(lib: Libtorch) {
    super();
    this.lib = lib;
  }

  /** Handles the backend itself holds: one per tensor, its constants and cached scalars. */
  heldHandles(): number {
    return this.#count + this.#constants.size + this.#scalars.size;
  }

  /** Device of the tensors. */
  get device(): TorchDevice {
    return this.lib.device;
  }

  override write(values: tf.backend_util.BackendValues, shape: number[], dtype: tf.DataType) {
    const dataId = {};
    this.#set(dataId, this.#upload(values, shape, dtype), shape, dtype, 1);
    return dataId;
  }

  override move(
    dataId: DataId,
    values: tf.backend_util.BackendValues,
    shape: number[],
    dtype: tf.DataType,
    refCount: number,
  ): void {
    this.#set(dataId, this.#upload(values, shape, dtype), shape, dtype, refCount);
  }

  #upload(values: tf.backend_util.BackendValues, shape: number[], dtype: tf.DataType): bigint {
    const t = torchDtype(dtype);
    if (values == null) return this.lib.empty(shape, t);
    if (shape.length === 0 && t !== "bool") {
      return this.#scalar(Number((values as ArrayLike<number>)[0]), t);
    }
    const n = shape.reduce((a, b) => a * b, 1);
    const typed = t === "float32"
      ? (values instanceof Float32Array ? values : Float32Array.from(values as ArrayLike<number>))
      : t === "int32"
      ? (values instanceof Int32Array ? values : Int32Array.from(values as ArrayLike<number>))
      : (values instanceof Uint8Array ? values : Uint8Array.from(values as ArrayLike<number>));
    if (typed.length !== n) {
      throw new SparsedynError(
        "INVALID_ARGUMENT",
        `torch backend: ${typed.length} values for a tensor of shape [${shape}]`,
        { argument: "values" },
      );
    }
    return this.lib.fromJs(typed, shape, t);
  }

  /**
   * A 0-d tensor, from a cache by value: TensorFlow.js makes a new scalar for every constant
   * of every step (Adam's β's, 1 − β, …), and each would be a copy to the device — on CUDA a
   * copy from pageable memory that waits for the GPU's queue. Tensors are never written in
   * place here, so one device tensor per value serves them all.
   */
  #scalar(value: number, dtype: TorchDtype): bigint {
    const key = `${dtype}:${Object.is(value, -0) ? "-0" : value}`;
    let h = this.#scalars.get(key);
    if (h === undefined) {
      if (this.#scalars.size >= 4096) {
        // The schedule's learning rates are new each step: drop the oldest.
        const [k0, h0] = this.#scalars.entries().next().value!;
        this.#scalars.delete(k0);
        this.lib.free(h0);
      }
      h = this.lib.fromJs(
        dtype === "float32" ? Float32Array.of(value) : Int32Array.of(value),
        [],
        dtype,
      );
      this.#scalars.set(key, h);
    }
    return this.lib.dup(h);
  }

  #set(dataId: DataId, h: bigint, shape: number[], dtype: tf.DataType, refCount: number) {
    this.#data.set(dataId, { h, shape: [...shape], dtype: torchDtype(dtype), refCount });
    this.#count++;
  }

  override readSync(dataId: DataId): Values {
    const e = this.#entry(dataId);
    return this.lib.toJs(e.h, e.shape, e.dtype);
  }

  override read(dataId: DataId): Promise<Values> {
    return Promise.resolve(this.readSync(dataId));
  }

  override disposeData(dataId: DataId, force = false): boolean {
    const e = this.#data.get(dataId);
    if (!e) return true;
    e.refCount--;
    if (!force && e.refCount > 0) return false;
    this.#data.delete(dataId);
    this.#count--;
    this.lib.free(e.h);
    return true;
  }

  override refCount(dataId: DataId): number {
    return this.#data.get(dataId)?.refCount ?? 0;
  }

  override incRef(dataId: DataId): void {
    this.#entry(dataId).refCount++;
  }

  override numDataIds(): number {
    return this.#count;
  }

  override memory() {
    return { unreliable: true, reasons: ["libtorch's caching allocator is not asked"] };
  }

  override async time(f: () => void) {
    const t0 = performance.now();
    f();
    return await Promise.resolve({ kernelMs: performance.now() - t0 });
  }

  override timerAvailable(): boolean {
    return true;
  }

  override floatPrecision(): 32 {
    return 32;
  }

  override epsilon(): number {
    return 1e-7;
  }

  override dispose(): void {
    for (const h of [...this.#constants.values(), ...this.#scalars.values()]) this.lib.free(h);
    this.#constants.clear();
    this.#scalars.clear();
  }

  #entry(dataId: DataId): Entry {
    const e = this.#data.get(dataId);
    if (!e) {
      throw new SparsedynError(
        "INVALID_ARGUMENT",
        "torch backend: a tensor was used after it was disposed",
        { argument: "tensor" },
      );
    }
    return e;
  }

  /**
   * The libtorch handle of a kernel's input, shaped as the input says (TensorFlow.js may
   * share one buffer between shapes); borrowed: the backend frees it.
   */
  h(info: TensorInfo): bigint {
    const e = this.#entry(info.dataId);
    if (sameShape(e.shape, info.shape)) return e.h;
    const r = this.lib.op("aten::reshape", "", { t: e.h }, { ints: info.shape });
    this.#temps.push(r);
    return r;
  }

  /** A handle made inside a kernel, freed when the kernel returns. */
  temp(h: bigint): bigint {
    this.#temps.push(h);
    return h;
  }

  /** Frees the kernel's temporaries (called after every kernel). */
  endKernel(): void {
    for (const h of this.#temps) this.lib.free(h);
    this.#temps.length = 0;
  }

  /**
   * A 0-d constant on the device, kept for the backend's life (kernels that need a number
   * as a tensor: the dispatcher takes no Scalar).
   */
  constant(value: number, dtype: TorchDtype = "float32"): bigint {
    const key = `${dtype}:${value}`;
    let h = this.#constants.get(key);
    if (h === undefined) {
      const arr = dtype === "float32"
        ? Float32Array.of(value)
        : dtype === "int32"
        ? Int32Array.of(value)
        : Uint8Array.of(value);
      h = this.lib.fromJs(arr, [], dtype);
      this.#constants.set(key, h);
    }
    return h;
  }

  /**
   * Registers a handle a kernel made as its output, as a tensor of `dtype` (cast when
   * libtorch's type promotion chose another, e.g. int64 for a sum of int32).
   */
  out(h: bigint, dtype: tf.DataType): TensorInfo {
    const got = this.lib.shapeOf(h);
    const want = torchDtype(dtype);
    if (got.dtype !== want) {
      const cast = this.lib.op("aten::to", "dtype", { t: h }, { dtype: want }, false, false, null);
      this.lib.free(h);
      h = cast;
    }
    const dataId = {};
    this.#set(dataId, h, got.shape, dtype, 1);
    return { dataId, shape: got.shape, dtype };
  }
}

const used = new Set<string>();

/**
 * The kernels that ran on the `cpu` backend's code since the process started (none
 * should, on the training path).
 *
 * @returns Their names, sorted.
 */
export function fallbackKernelsUsed(): string[] {
  return [...used].sort();
}

type KernelFunc = (args: {
  inputs: Record<string, TensorInfo> | TensorInfo[];
  backend: unknown;
  attrs?: Record<string, unknown>;
}) => TensorInfo | TensorInfo[];

/** A `cpu` kernel run for the torch backend: inputs copied to it, outputs copied back. */
function fallback(name: string, cpuFunc: KernelFunc): KernelFunc {
  return ({ inputs, backend, attrs }) => {
    used.add(name);
    const torch = backend as TorchBackend;
    const cpu = tf.findBackend("cpu") as tf.KernelBackend;
    const made: DataId[] = [];
    const move = (t: TensorInfo | undefined) => {
      if (!t) return t;
      const dataId = cpu.write(torch.readSync(t.dataId), t.shape, t.dtype);
      made.push(dataId);
      return { dataId, shape: t.shape, dtype: t.dtype };
    };
    const ins = Array.isArray(inputs)
      ? inputs.map(move)
      : Object.fromEntries(Object.entries(inputs).map(([k, t]) => [k, move(t)]));
    const res = cpuFunc({ inputs: ins as Record<string, TensorInfo>, backend: cpu, attrs });
    const outs = Array.isArray(res) ? res : [res];
    const back = outs.map((o) => ({
      dataId: torch.write(cpu.readSync(o.dataId), o.shape, o.dtype),
      shape: o.shape,
      dtype: o.dtype,
    }));
    const gone = new Set<DataId>();
    for (const id of [...made, ...outs.map((o) => o.dataId)]) {
      if (!gone.has(id)) cpu.disposeData(id, true);
      gone.add(id);
    }
    return Array.isArray(res) ? back : back[0];
  };
}

let registeredDevice: TorchDevice | undefined;

/**
 * Registers the `torch` backend for a device with TensorFlow.js (once per process: its
 * tensors live on that device), with its kernels and the `cpu` fallbacks.
 *
 * @param device "cpu" or "cuda".
 * @returns The description of the torch found (version, CUDA, folder, device).
 * @throws {SparsedynError} When libtorch cannot be used (see `openLibtorch`), or when the
 *   backend was registered for the other device in this process.
 */
export function registerTorchBackend(device: TorchDevice): string {
  if (registeredDevice !== undefined) {
    if (registeredDevice !== device) {
      throw new SparsedynError(
        "INVALID_ARGUMENT",
        `The torch backend already runs on ${registeredDevice} in this process; its device ` +
          `(${device} asked) is fixed once it has started`,
        { argument: "device" },
      );
    }
    return openLibtorch(device).description;
  }
  const lib = openLibtorch(device);
  tf.registerBackend("torch", () => new TorchBackend(lib), 0);
  const native = torchKernels();
  for (const [kernelName, fn] of Object.entries(native)) {
    tf.registerKernel({
      kernelName,
      backendName: "torch",
      kernelFunc: ((args: Parameters<KernelFunc>[0]) => {
        const b = args.backend as TorchBackend;
        try {
          return fn(args.inputs as Record<string, TensorInfo>, args.attrs ?? {}, b);
        } finally {
          b.endKernel();
        }
      }) as unknown as tf.KernelFunc,
    });
  }
  for (const k of tf.getKernelsForBackend("cpu")) {
    if (k.kernelName in native) continue;
    tf.registerKernel({
      kernelName: k.kernelName,
      backendName: "torch",
      kernelFunc: fallback(
        k.kernelName,
        k.kernelFunc as unknown as KernelFunc,
      ) as unknown as tf.KernelFunc,
    });
  }
  registeredDevice = device;
  return lib.description;
}
