/**
 * libtorch through Deno's FFI: PyTorch's stable C ABI (`aoti_torch_*`, `torch_*`), opened
 * from an installed torch with `Deno.dlopen`. No C++ is compiled: tensors are opaque handles
 * (`AtenTensorHandle`), and any ATen operator is reached by name through
 * `torch_call_dispatcher` (torch ≥ 2.10) with a stack of 64-bit values.
 *
 * What the dispatcher's stack can carry decides how the kernels are written: tensors,
 * integers, doubles, booleans, dtypes, lists and `None` pass; a `Scalar` argument does not
 * (the call fails), and a present optional needs a heap value whose allocator changed in
 * 2.13. So the kernels use Scalar-free overloads (`mul.Tensor`, `sum_to_size`, `narrow`) and
 * pass optionals only as `None`; `add` with its Scalar `alpha` goes through the per-device
 * C shim (`aoti_torch_{cpu,cuda}_add_Tensor`, present since 2.5).
 *
 * @example
 * ```ts
 * import { openLibtorch } from "./libtorch.ts";
 *
 * try {
 *   const lib = openLibtorch("cpu");
 *   const h = lib.fromJs(new Float32Array([1, 2, 3]), [3], "float32");
 *   const doubled = lib.add(h, h);
 *   const out = lib.toJs(doubled, [3], "float32");
 *   lib.free(h);
 *   lib.free(doubled);
 *   if (out[2] !== 6) throw new Error(String(out));
 * } catch (err) {
 *   // No torch here: the error says why (no torch, a CPU-only build, no GPU).
 *   if (!(err instanceof Error) || !/torch/.test(err.message)) throw err;
 * }
 * ```
 *
 * @module
 */
import { SparsedynError } from "../../errors.ts";
import { findTorch, libraryName } from "./find_torch.ts";

/** The oldest libtorch whose C ABI has everything used here (`torch_call_dispatcher`, lists). */
export const MIN_TORCH = [2, 10] as const;

/** Where a tensor lives. */
export type TorchDevice = "cpu" | "cuda";

/** Element types shared with TensorFlow.js. */
export type TorchDtype = "float32" | "int32" | "bool";

/** One argument on the dispatcher's stack. */
export type Arg =
  | { t: bigint } // a tensor (the call gets its own reference)
  | { ints: number[] } // int[] / SymInt[]
  | { bools: boolean[] } // bool[N]
  | { tensors: bigint[] } // Tensor[]
  | { f: number } // float (double)
  | { dtype: TorchDtype }
  | number // int
  | boolean
  | null; // None

const cpuSymbols = {
  aoti_torch_abi_version: { parameters: [], result: "u64", optional: true },
  aoti_torch_empty_strided: {
    parameters: ["i64", "buffer", "buffer", "i32", "i32", "i32", "buffer"],
    result: "i32",
  },
  aoti_torch_create_tensor_from_blob: {
    parameters: ["buffer", "i64", "buffer", "buffer", "i64", "i32", "i32", "i32", "buffer"],
    result: "i32",
  },
  aoti_torch_delete_tensor_object: { parameters: ["usize"], result: "i32" },
  aoti_torch_new_tensor_handle: { parameters: ["usize", "buffer"], result: "i32" },
  aoti_torch_get_dim: { parameters: ["usize", "buffer"], result: "i32" },
  aoti_torch_get_sizes: { parameters: ["usize", "buffer"], result: "i32" },
  aoti_torch_get_dtype: { parameters: ["usize", "buffer"], result: "i32" },
  aoti_torch_copy_: { parameters: ["usize", "usize", "i32"], result: "i32" },
  torch_call_dispatcher: { parameters: ["buffer", "buffer", "buffer", "u64"], result: "i32" },
  torch_new_list_reserve_size: { parameters: ["usize", "buffer"], result: "i32" },
  torch_list_push_back: { parameters: ["usize", "u64"], result: "i32" },
  aoti_torch_dtype_float32: { parameters: [], result: "i32" },
  aoti_torch_dtype_int32: { parameters: [], result: "i32" },
  aoti_torch_dtype_int64: { parameters: [], result: "i32" },
  aoti_torch_dtype_bool: { parameters: [], result: "i32" },
  aoti_torch_device_type_cpu: { parameters: [], result: "i32" },
  aoti_torch_device_type_cuda: { parameters: [], result: "i32" },
  aoti_torch_memory_format_contiguous_format: { parameters: [], result: "i32" },
  aoti_torch_cpu_add_Tensor: { parameters: ["usize", "usize", "f64", "buffer"], result: "i32" },
} as const;

const cudaSymbols = {
  aoti_torch_cuda_add_Tensor: { parameters: ["usize", "usize", "f64", "buffer"], result: "i32" },
} as const;

type CpuLib = Deno.DynamicLibrary<typeof cpuSymbols>;
type CudaLib = Deno.DynamicLibrary<typeof cudaSymbols>;

/** Version `2.13.0+cpu` → [2, 13]. */
function majorMinor(version: string): [number, number] {
  const m = /^(\d+)\.(\d+)/.exec(version);
  return m ? [Number(m[1]), Number(m[2])] : [0, 0];
}

function readVersionFile(libDir: string): { version: string; cuda: string | null } {
  try {
    const text = Deno.readTextFileSync(`${libDir}/../version.py`);
    const version = /__version__\s*=\s*'([^']+)'/.exec(text)?.[1] ?? "unknown";
    const cuda = /^cuda\s*(?::[^=]*)?=\s*'([^']+)'/m.exec(text)?.[1] ?? null;
    return { version, cuda };
  } catch {
    return { version: "unknown", cuda: null };
  }
}

const unavailable = (why: string): never => {
  throw new SparsedynError("INVALID_ARGUMENT", `Backend "torch" is not available: ${why}`, {
    argument: "backend",
  });
};

const enc = new TextEncoder();
const names = new Map<string, Uint8Array>();
function cstr(s: string): Uint8Array {
  let b = names.get(s);
  if (!b) names.set(s, b = enc.encode(s + "\0"));
  return b;
}

function contiguousStrides(shape: readonly number[]): BigInt64Array {
  const st = new BigInt64Array(shape.length);
  let s = 1n;
  for (let i = shape.length - 1; i >= 0; i--) {
    st[i] = s;
    s *= BigInt(shape[i]);
  }
  return st;
}

/** An opened libtorch, on one device. */
export class Libtorch {
  /** The torch package's version, e.g. "2.13.0+cpu". */
  readonly version: string;
  /** The CUDA version of the build, or null for a CPU-only build. */
  readonly cudaVersion: string | null;
  /** Folder of the libraries. */
  readonly libDir: string;
  /** Where tensors are made. */
  readonly device: TorchDevice;
  /** Sentence for people: which torch, where, on what. */
  readonly description: string;
  #lib: CpuLib;
  #cuda?: CudaLib;
  #out = new BigUint64Array(1);
  #i32 = new Int32Array(1);
  #live = 0;
  #dtype: Record<TorchDtype | "int64", number>;
  #deviceType: number;
  #cpuType: number;
  #contiguous: number;

  /** Use {@link openLibtorch}. */
  constructor(
    lib: CpuLib,
    cuda: CudaLib | undefined,
    info: { version: string; cuda: string | null; libDir: string; device: TorchDevice },
  ) {
    this.#lib = lib;
    this.#cuda = cuda;
    this.version = info.version;
    this.cudaVersion = info.cuda;
    this.libDir = info.libDir;
    this.device = info.device;
    const s = lib.symbols;
    this.#dtype = {
      float32: s.aoti_torch_dtype_float32(),
      int32: s.aoti_torch_dtype_int32(),
      int64: s.aoti_torch_dtype_int64(),
      bool: s.aoti_torch_dtype_bool(),
    };
    this.#cpuType = s.aoti_torch_device_type_cpu();
    this.#deviceType = info.device === "cuda" ? s.aoti_torch_device_type_cuda() : this.#cpuType;
    this.#contiguous = s.aoti_torch_memory_format_contiguous_format();
    this.description = `torch ${info.version}${info.cuda ? ` (CUDA ${info.cuda})` : ""} on ` +
      `${info.device} from ${info.libDir}`;
  }

  #check(rc: number, what: string): void {
    if (rc !== 0) {
      throw new SparsedynError(
        "INVALID_ARGUMENT",
        `libtorch's ${what} failed on ${this.device} (torch printed the reason above)`,
        { argument: "backend" },
      );
    }
  }

  /** Code of the contiguous memory format (for `aten::contiguous`). */
  get contiguousFormat(): number {
    return this.#contiguous;
  }

  /** An uninitialised contiguous tensor on the device. */
  empty(shape: readonly number[], dtype: TorchDtype | "int64"): bigint {
    const sizes = BigInt64Array.from(shape, BigInt);
    this.#check(
      this.#lib.symbols.aoti_torch_empty_strided(
        BigInt(shape.length),
        sizes,
        contiguousStrides(shape),
        this.#dtype[dtype],
        this.#deviceType,
        0,
        this.#out,
      ),
      "empty_strided",
    );
    this.#live++;
    return this.#out[0];
  }

  /** A tensor over JS memory (CPU), alive only while `values` is: copy out of it at once. */
  #blob(values: ArrayBufferView, shape: readonly number[], dtype: TorchDtype): bigint {
    this.#check(
      this.#lib.symbols.aoti_torch_create_tensor_from_blob(
        values as BufferSource,
        BigInt(shape.length),
        BigInt64Array.from(shape, BigInt),
        contiguousStrides(shape),
        0n,
        this.#dtype[dtype],
        this.#cpuType,
        0,
        this.#out,
      ),
      "create_tensor_from_blob",
    );
    this.#live++;
    return this.#out[0];
  }

  /** `dst.copy_(src)`: any strides, any devices. */
  copy(dst: bigint, src: bigint): void {
    this.#check(this.#lib.symbols.aoti_torch_copy_(dst, src, 0), "copy_");
  }

  /** A new tensor on the device holding `values` (copied). */
  fromJs(values: ArrayBufferView, shape: readonly number[], dtype: TorchDtype): bigint {
    const h = this.empty(shape, dtype);
    if (values.byteLength === 0) return h;
    const b = this.#blob(values, shape, dtype);
    try {
      this.copy(h, b);
    } finally {
      this.free(b);
    }
    return h;
  }

  /** The tensor's values, in a new array (row-major, whatever its strides). */
  toJs(
    h: bigint,
    shape: readonly number[],
    dtype: TorchDtype,
  ): Float32Array | Int32Array | Uint8Array {
    const n = shape.reduce((a, b) => a * b, 1);
    const out = dtype === "float32"
      ? new Float32Array(n)
      : dtype === "int32"
      ? new Int32Array(n)
      : new Uint8Array(n);
    if (n === 0) return out;
    const b = this.#blob(out, shape, dtype);
    try {
      this.copy(b, h);
    } finally {
      this.free(b);
    }
    return out;
  }

  /** The tensor's sizes and element type (null for one TensorFlow.js has no name for). */
  shapeOf(h: bigint): { shape: number[]; dtype: TorchDtype | "int64" | null } {
    const s = this.#lib.symbols;
    this.#check(s.aoti_torch_get_dim(h, this.#out), "get_dim");
    const dim = Number(this.#out[0]);
    const shape: number[] = [];
    if (dim > 0) {
      this.#check(s.aoti_torch_get_sizes(h, this.#out), "get_sizes");
      const view = new Deno.UnsafePointerView(Deno.UnsafePointer.create(this.#out[0])!);
      for (let i = 0; i < dim; i++) shape.push(Number(view.getBigInt64(8 * i)));
    }
    this.#check(s.aoti_torch_get_dtype(h, this.#i32), "get_dtype");
    const code = this.#i32[0];
    const dtype = (Object.keys(this.#dtype) as (TorchDtype | "int64")[])
      .find((k) => this.#dtype[k] === code) ?? null;
    return { shape, dtype };
  }

  /** Drops a reference. */
  free(h: bigint): void {
    this.#check(this.#lib.symbols.aoti_torch_delete_tensor_object(h), "delete_tensor_object");
    this.#live--;
  }

  /**
   * Handles made here and not yet freed: every one a caller owns (a test of the backend checks
   * that training leaves none behind but its tensors and caches).
   */
  get liveHandles(): number {
    return this.#live;
  }

  /** A second reference to the same tensor. */
  dup(h: bigint): bigint {
    this.#live++;
    return this.#ref(h);
  }

  /** A new reference, for the dispatcher's stack (which takes it over). */
  #ref(h: bigint): bigint {
    this.#check(this.#lib.symbols.aoti_torch_new_tensor_handle(h, this.#out), "new_tensor_handle");
    return this.#out[0];
  }

  /** `a + alpha·b` (the C shim: `aten::add`'s Scalar cannot pass the dispatcher). */
  add(a: bigint, b: bigint, alpha = 1): bigint {
    const rc = this.#cuda && this.device === "cuda"
      ? this.#cuda.symbols.aoti_torch_cuda_add_Tensor(a, b, alpha, this.#out)
      : this.#lib.symbols.aoti_torch_cpu_add_Tensor(a, b, alpha, this.#out);
    this.#check(rc, "add");
    this.#live++;
    return this.#out[0];
  }

  #list(values: readonly bigint[]): bigint {
    const s = this.#lib.symbols;
    this.#check(s.torch_new_list_reserve_size(BigInt(values.length), this.#out), "new_list");
    const list = this.#out[0];
    for (const v of values) this.#check(s.torch_list_push_back(list, v), "list_push_back");
    return list;
  }

  /**
   * Calls an ATen operator by name. The returned handles are new references (the caller
   * frees them).
   *
   * @param op E.g. "aten::mul".
   * @param overload E.g. "Tensor" ("" for the default).
   * @param args Every argument of the schema, in order (defaults too).
   * @param returns How many values the operator returns.
   * @returns Its returns (tensor handles for tensor returns).
   */
  call(op: string, overload: string, args: readonly Arg[], returns = 1): bigint[] {
    const stack = new BigUint64Array(Math.max(args.length, returns));
    args.forEach((a, i) => {
      stack[i] = this.#encode(a);
    });
    const rc = this.#lib.symbols.torch_call_dispatcher(
      cstr(op),
      cstr(overload),
      stack,
      TORCH_2_10,
    );
    this.#check(rc, `${op}${overload ? "." + overload : ""}`);
    const out = Array.from(stack.subarray(0, returns));
    for (const h of out) if (h !== 0n) this.#live++;
    return out;
  }

  /** {@link Libtorch.call} for one tensor result. */
  op(op: string, overload: string, ...args: Arg[]): bigint {
    return this.call(op, overload, args, 1)[0];
  }

  #encode(a: Arg): bigint {
    if (a === null) return 0n;
    if (typeof a === "boolean") return a ? 1n : 0n;
    if (typeof a === "number") return BigInt.asUintN(64, BigInt(a));
    if ("t" in a) return this.#ref(a.t);
    if ("ints" in a) return this.#list(a.ints.map((v) => BigInt.asUintN(64, BigInt(v))));
    if ("bools" in a) return this.#list(a.bools.map((v) => (v ? 1n : 0n)));
    if ("tensors" in a) return this.#list(a.tensors.map((t) => this.#ref(t)));
    if ("dtype" in a) return BigInt(this.#dtype[a.dtype]);
    f64[0] = a.f;
    return u64[0];
  }
}

const f64 = new Float64Array(1);
const u64 = new BigUint64Array(f64.buffer);
/** TORCH_VERSION_2_10_0: the schemas our calls are written against. */
const TORCH_2_10 = (2n << 56n) | (10n << 48n);

const opened = new Map<TorchDevice, Libtorch>();

/**
 * Opens libtorch for a device (once per process and device), checking its version and, for
 * CUDA, that the build has CUDA and that a GPU answers.
 *
 * @param device "cpu" or "cuda".
 * @returns The library.
 * @throws {SparsedynError} `INVALID_ARGUMENT` (argument "backend") saying why not: no torch,
 *   a torch older than 2.10, a CPU-only build, no GPU.
 */
export function openLibtorch(device: TorchDevice): Libtorch {
  const done = opened.get(device);
  if (done) return done;
  const where = findTorch();
  if ("why" in where) return unavailable(where.why);
  const { version, cuda } = readVersionFile(where.libDir);
  // libtorch's CPU kernels run on OpenMP, whose idle threads spin by default. Next to Deno's
  // own threads on a machine with few (or busy) cores, a spinning worker takes the core the
  // caller needs: measured on 2 busy cores, an AE step took 1 150 ms on 2 threads against
  // 160 ms on 1, and 240 ms with passive waiting. Unless the user chose, wait passively
  // (read by OpenMP when libtorch loads, below).
  try {
    if (Deno.env.get("OMP_WAIT_POLICY") === undefined) Deno.env.set("OMP_WAIT_POLICY", "PASSIVE");
  } catch {
    // no --allow-env: OpenMP's default
  }
  let lib: CpuLib;
  try {
    lib = Deno.dlopen(`${where.libDir}/${libraryName("torch_cpu")}`, cpuSymbols);
  } catch (err) {
    return unavailable(
      `${where.libDir}/${libraryName("torch_cpu")} (torch ${version}) could not be opened: ${
        err instanceof Error ? err.message : err
      }${
        majorMinor(version)[0] > 0 && compare(majorMinor(version), MIN_TORCH) < 0
          ? ` (torch ${MIN_TORCH.join(".")} or newer is needed)`
          : ""
      }`,
    );
  }
  const abi = lib.symbols.aoti_torch_abi_version?.();
  const abiMM: [number, number] = abi
    ? [Number(abi >> 56n), Number((abi >> 48n) & 0xffn)]
    : majorMinor(version);
  if (compare(abiMM, MIN_TORCH) < 0) {
    lib.close();
    return unavailable(
      `torch ${version} at ${where.libDir} has the C ABI of ${abiMM.join(".")}; ` +
        `${MIN_TORCH.join(".")} or newer is needed (pip install -U torch)`,
    );
  }
  let cudaLib: CudaLib | undefined;
  if (device === "cuda") {
    const path = `${where.libDir}/${libraryName("torch_cuda")}`;
    if (!cuda) {
      return unavailable(
        `--device cuda: torch ${version} at ${where.libDir} is a CPU-only build (install a ` +
          `CUDA build of torch, or use --device cpu)`,
      );
    }
    try {
      cudaLib = Deno.dlopen(path, cudaSymbols);
    } catch (err) {
      return unavailable(
        `--device cuda: ${path} could not be opened: ${err instanceof Error ? err.message : err}`,
      );
    }
  }
  const t = new Libtorch(lib, cudaLib, { version, cuda, libDir: where.libDir, device });
  if (device === "cuda") {
    try {
      t.free(t.empty([1], "float32"));
    } catch {
      return unavailable(
        `--device cuda: torch ${version} (CUDA ${cuda}) finds no usable GPU (no NVIDIA device ` +
          `or driver; torch printed why above)`,
      );
    }
  }
  opened.set(device, t);
  return t;
}

function compare(a: readonly number[], b: readonly number[]): number {
  return a[0] !== b[0] ? a[0] - b[0] : a[1] - b[1];
}
