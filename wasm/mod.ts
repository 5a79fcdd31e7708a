/**
 * Loader and low-level binding of the WebAssembly numeric core (`wasm/src/*.c`, built by
 * `wasm/build.sh` into the committed `wasm/sparsedyn_core.generated.ts`).
 *
 * The module's bytes come from a static import of that generated file, so they travel with
 * the code: a clone, `deno cache` or `deno install` of a URL holds them, and nothing is
 * built or fetched at run time. Instantiation happens once, at import; a module that does not
 * instantiate is reported by the first call, as a typed error.
 *
 * Everything here works on the core's "correlation scale" l = n·λ and on raw pointers;
 * the public API in `core/var/` converts and validates shapes.
 *
 * @example Check that the core is loaded
 * ```ts
 * import { core } from "./mod.ts";
 *
 * if (typeof core().sd_path !== "function") throw new Error("core not loaded");
 * ```
 *
 * @module
 */
import { SparsedynError } from "./sparsedyn_error.ts";
import { CORE_WASM_BASE64 } from "./sparsedyn_core.generated.ts";

/** The raw exports of the core (see the C headers for their contracts). */
export interface CoreExports {
  memory: WebAssembly.Memory;
  malloc(bytes: number): number;
  free(ptr: number): void;
  sd_path(
    m: number,
    d: number,
    G: number,
    C: number,
    n: number,
    lasso: number,
    lmin: number,
    maxSteps: number,
    maxActive: number,
    symTol: number,
    tie: number,
    degen: number,
    keepPath: number,
  ): number;
  sd_adjoint(
    m: number,
    d: number,
    G: number,
    C: number,
    n: number,
    symTol: number,
    ell: number,
    nact: number,
    act: number,
    sgn: number,
    ev: number,
    moving: number,
    gB: number,
    gG: number,
    gC: number,
    gL: number,
  ): number;
  sd_res_count(r: number): number;
  sd_res_lambda(r: number): number;
  sd_res_coef(r: number): number;
  sd_res_event(r: number): number;
  sd_res_nactive(r: number): number;
  sd_res_active(r: number): number;
  sd_res_sign(r: number): number;
  sd_res_stop(r: number): number;
  sd_res_ndegenerate(r: number): number;
  sd_res_free(): void;
  sd_error_reason(): number;
  sd_error_i(): number;
  sd_error_j(): number;
  _initialize(): void;
}

/** The generated module the core's bytes come from (named in errors). */
const GENERATED = "wasm/sparsedyn_core.generated.ts";

async function instantiate(): Promise<CoreExports> {
  const bytes = Uint8Array.fromBase64(CORE_WASM_BASE64);
  const { instance } = await WebAssembly.instantiate(bytes, {
    // Growth needs no notice on our side: views are re-created after every call.
    env: { emscripten_notify_memory_growth: () => {} },
  });
  const ex = instance.exports as unknown as CoreExports;
  ex._initialize();
  return ex;
}

let loaded: CoreExports | undefined;
let loadError: unknown;
try {
  loaded = await instantiate();
} catch (err) {
  loadError = err;
}

/**
 * The loaded core. Throws `SparsedynError("CORE_NOT_BUILT")` when the committed module
 * could not be instantiated (regenerate it with `bash wasm/build.sh`).
 *
 * @returns The raw exports.
 * @throws {SparsedynError} When the module is invalid.
 */
export function core(): CoreExports {
  if (loaded) return loaded;
  throw new SparsedynError(
    "CORE_NOT_BUILT",
    `Cannot instantiate the WebAssembly core from ${GENERATED}: ${
      loadError instanceof Error ? loadError.message : String(loadError)
    } (regenerate it with "bash wasm/build.sh")`,
    { file: GENERATED, cause: loadError },
  );
}

/** Copies `data` into freshly allocated core memory; returns the pointer. */
export function put(ex: CoreExports, data: Float64Array | Int32Array): number {
  const ptr = ex.malloc(Math.max(data.byteLength, 8));
  if (ptr === 0) {
    throw new SparsedynError(
      "OUT_OF_MEMORY",
      `Cannot allocate ${data.byteLength} bytes in the core`,
    );
  }
  new Uint8Array(ex.memory.buffer, ptr, data.byteLength).set(
    new Uint8Array(data.buffer, data.byteOffset, data.byteLength),
  );
  return ptr;
}

/** Allocates `count` zeroed float64 slots in core memory; returns the pointer. */
export function alloc(ex: CoreExports, count: number): number {
  const bytes = Math.max(count * 8, 8);
  const ptr = ex.malloc(bytes);
  if (ptr === 0) {
    throw new SparsedynError("OUT_OF_MEMORY", `Cannot allocate ${bytes} bytes in the core`);
  }
  new Uint8Array(ex.memory.buffer, ptr, bytes).fill(0);
  return ptr;
}

/** Copies `count` float64 values out of core memory. */
export function takeF64(ex: CoreExports, ptr: number, count: number): Float64Array {
  return new Float64Array(ex.memory.buffer, ptr, count).slice();
}

/** Copies `count` int32 values out of core memory. */
export function takeI32(ex: CoreExports, ptr: number, count: number): Int32Array {
  return new Int32Array(ex.memory.buffer, ptr, count).slice();
}

const ARGUMENTS_PATH = [
  "",
  "m",
  "d",
  "G",
  "C",
  "n",
  "method",
  "lambdaMin",
  "maxSteps",
  "maxActive",
  "symmetryTolerance",
  "tieTolerance",
  "degenerateTolerance",
];
const ARGUMENTS_ADJOINT = [
  "",
  "m",
  "d",
  "G",
  "C",
  "n",
  "symmetryTolerance",
  "fit.lambda",
  "fit.active",
  "fit.active",
  "fit.signs",
  "fit.event",
  "fit.mode",
  "gradBeta",
];

/**
 * Turns a non-zero return code of the core into a typed error naming the argument.
 *
 * @param ex The core.
 * @param info The return code (-i: argument i; > 0: numerical failure).
 * @param which Which entry point returned it.
 * @param shape Sizes used to phrase indices (`d` for C's columns).
 * @throws {SparsedynError} Always.
 */
export function raise(
  ex: CoreExports,
  info: number,
  which: "path" | "adjoint",
  shape: { d: number; cName?: string },
): never {
  const reason = ex.sd_error_reason();
  const i = ex.sd_error_i();
  const j = ex.sd_error_j();
  const names = which === "path" ? ARGUMENTS_PATH : ARGUMENTS_ADJOINT;
  let arg = info < 0 ? names[-info] ?? `argument ${-info}` : undefined;
  if (arg === "C" && shape.cName) arg = shape.cName;
  switch (reason) {
    case 1: {
      const where = arg === "c" ? `[${i}]` : `[${i}][${j}]`;
      throw new SparsedynError("NON_FINITE", `${arg} has a non-finite entry at ${arg}${where}`, {
        argument: arg,
      });
    }
    case 2:
      throw new SparsedynError(
        "NOT_SYMMETRIC",
        `G is not symmetric: G[${i}][${j}] and G[${j}][${i}] differ beyond symmetryTolerance`,
        { argument: "G" },
      );
    case 3:
      throw new SparsedynError(
        "NEGATIVE_DIAGONAL",
        `G has a negative diagonal entry at G[${i}][${i}], so it is not a Gram matrix`,
        { argument: "G" },
      );
    case 5:
      throw new SparsedynError("OUT_OF_MEMORY", "The core ran out of memory");
    case 6:
      throw new SparsedynError(
        "NOT_POSITIVE_DEFINITE",
        `G restricted to the active set of response ${i} is not positive definite (pivot ${j})`,
        { argument: "G" },
      );
    default:
      throw new SparsedynError("INVALID_ARGUMENT", `${arg ?? "An argument"} is out of range`, {
        argument: arg,
      });
  }
}
