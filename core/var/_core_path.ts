// One call of the core's batched path solver, with memory handled and results copied out.
import { core, put, raise, takeF64, takeI32 } from "../../wasm/mod.ts";
import { type CoreTolerances, defaultMaxSteps, tolerances } from "./_lasso_inputs.ts";

export interface RawPath {
  /** Breakpoints on the correlation scale l = n·λ. */
  ell: Float64Array;
  coefs: Float64Array;
  events: Int32Array;
  active: Int32Array;
  signs: Int32Array;
  stop: number;
  degenerate: number;
}

export interface CoreRun extends CoreTolerances {
  lasso: boolean;
  lambdaMin: number;
  maxSteps?: number;
  maxActive?: number;
  keepPath: boolean;
}

/** Runs the core; on success the results stay in core memory until `sd_res_free`. */
function callCore(
  ex: ReturnType<typeof core>,
  pG: number,
  pC: number,
  n: number,
  m: number,
  d: number,
  run: CoreRun,
  cName: "c" | "C",
) {
  const tol = tolerances(run);
  const info = ex.sd_path(
    m,
    d,
    pG,
    pC,
    n,
    run.lasso ? 1 : 0,
    run.lambdaMin * n,
    run.maxSteps ?? defaultMaxSteps(m),
    run.maxActive ?? m,
    tol.symmetryTolerance,
    tol.tieTolerance,
    tol.degenerateTolerance,
    run.keepPath ? 1 : 0,
  );
  if (info !== 0) raise(ex, info, "path", { d, cName });
}

export function runCorePath(
  G: Float64Array,
  C: Float64Array,
  n: number,
  m: number,
  d: number,
  run: CoreRun,
  cName: "c" | "C" = "C",
): RawPath[] {
  const ex = core();
  const pG = put(ex, G);
  const pC = put(ex, C);
  try {
    callCore(ex, pG, pC, n, m, d, run, cName);
    const out: RawPath[] = [];
    // One allocation for every response's coefficients (the bulk of the output), each
    // path holding a view of it: cheaper than d allocations and d copies.
    let total = 0;
    for (let r = 0; r < d; r++) total += ex.sd_res_count(r) * m;
    const all = new Float64Array(total);
    let offset = 0;
    for (let r = 0; r < d; r++) {
      const k = ex.sd_res_count(r);
      const na = ex.sd_res_nactive(r);
      const coefs = all.subarray(offset, offset + k * m);
      coefs.set(new Float64Array(ex.memory.buffer, ex.sd_res_coef(r) >>> 0, k * m));
      offset += k * m;
      out.push({
        ell: takeF64(ex, ex.sd_res_lambda(r) >>> 0, k),
        coefs,
        events: takeI32(ex, ex.sd_res_event(r) >>> 0, 3 * k),
        active: takeI32(ex, ex.sd_res_active(r) >>> 0, na),
        signs: takeI32(ex, ex.sd_res_sign(r) >>> 0, na),
        stop: ex.sd_res_stop(r),
        degenerate: ex.sd_res_ndegenerate(r),
      });
    }
    return out;
  } finally {
    ex.sd_res_free();
    ex.free(pG);
    ex.free(pC);
  }
}

/**
 * Runs the core and hands each response's breakpoints (ℓ = n·λ), coefficients and stop
 * code (an index of `STOPS` in _path_result.ts) to `visit`, the arrays as views of core
 * memory, not copied out (they are gone after the call; `visit` must not call the core).
 * Same numbers as {@link runCorePath}.
 */
export function visitCorePaths(
  G: Float64Array,
  C: Float64Array,
  n: number,
  m: number,
  d: number,
  run: CoreRun,
  visit: (r: number, ell: Float64Array, coefs: Float64Array, stop: number) => void,
): void {
  const ex = core();
  const pG = put(ex, G);
  const pC = put(ex, C);
  try {
    callCore(ex, pG, pC, n, m, d, run, "C");
    for (let r = 0; r < d; r++) {
      const k = ex.sd_res_count(r);
      const buf = ex.memory.buffer;
      visit(
        r,
        // Pointers come back as signed 32-bit integers: above 2 GiB they read negative.
        new Float64Array(buf, ex.sd_res_lambda(r) >>> 0, k),
        new Float64Array(buf, ex.sd_res_coef(r) >>> 0, k * m),
        ex.sd_res_stop(r),
      );
    }
  } finally {
    ex.sd_res_free();
    ex.free(pG);
    ex.free(pC);
  }
}
