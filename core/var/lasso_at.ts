/**
 * The lasso (or LAR) solution at one point of the path — a fixed λ, a fixed number of
 * steps, or a maximum active-set size — for d responses sharing one Gram matrix. Only
 * the endpoint is kept, so this is the form to use inside a training loop; the result
 * carries what {@link lassoAdjoint} needs to differentiate it.
 *
 * @module
 */
import { SparsedynError } from "../errors.ts";
import {
  checkCount,
  checkMethod,
  checkNonNegative,
  type CoreTolerances,
  shapes,
} from "./_lasso_inputs.ts";
import { type RawPath, runCorePath } from "./_core_path.ts";
import type { PathMethod, PathStop } from "./lasso_path.ts";

/**
 * Where on the path to stop: at a fixed λ; after `steps` steps (at breakpoint λ_steps);
 * or at the breakpoint where the active set would grow beyond `maxActive`.
 */
export type LassoTarget = { lambda: number } | { steps: number } | { maxActive: number };

/** Options of {@link lassoAt}. */
export interface LassoAtOptions extends CoreTolerances {
  /** "lasso" (default) or "lar". */
  method?: PathMethod;
}

/** Solutions of d responses at one point of their paths. */
export interface LassoFit {
  /** "lar" or "lasso". */
  method: PathMethod;
  /**
   * "lambda": λ was fixed by the caller. "breakpoint": λ is a breakpoint of the path
   * (fixed steps or active-set size) and moves with G and C — the adjoint includes that.
   */
  mode: "lambda" | "breakpoint";
  /** Regressors. */
  m: number;
  /** Responses. */
  d: number;
  /** Samples. */
  n: number;
  /** Coefficients, m×d row-major (for d = 1, simply β). */
  beta: Float64Array;
  /** λ of each response's solution. */
  lambdas: Float64Array;
  /** Active sets, concatenated: response r owns `active[activeStart[r] .. activeStart[r+1]]`. */
  active: Int32Array;
  /** Offsets into `active`, length d + 1. */
  activeStart: Int32Array;
  /** Signs of the active variables. */
  signs: Int8Array;
  /** The event at each solution's breakpoint (0 none, 1 join, 2 drop), its variable and sign. */
  eventKind: Int8Array;
  /** The variable of each response's event (−1 for none). */
  eventVariable: Int32Array;
  /** The sign of each response's event. */
  eventSign: Int8Array;
  /** Why each response's path stopped there. */
  stop: PathStop[];
  /** Degenerate regressors refused on the way, per response. */
  degenerate: Int32Array;
}

const STOPS: PathStop[] = ["end", "lambdaMin", "maxSteps", "maxActive"];

/** The solutions at `target` of one response (`cName` "c") or of d (`cName` "C"): one core call. */
function fitAt(
  G: Float64Array,
  C: Float64Array,
  n: number,
  target: LassoTarget,
  options: LassoAtOptions,
  cName: "c" | "C",
): LassoFit {
  const { m, d } = shapes(G, C, n, cName);
  const { mode, lambdaMin, maxSteps, maxActive } = coreStop(target);
  const method = checkMethod(options.method ?? "lasso");
  const raws = runCorePath(G, C, n, m, d, {
    ...options,
    lasso: method === "lasso",
    lambdaMin,
    maxSteps,
    maxActive,
    keepPath: false,
  }, cName);
  return { method, mode, m, d, n, ...endpoints(raws, m, d, n) };
}

/** Where the core's path stops for a target, and whether λ is fixed or a breakpoint. */
interface CoreStop {
  mode: LassoFit["mode"];
  lambdaMin: number;
  maxSteps?: number;
  maxActive?: number;
}

/** Checks a {@link LassoTarget} and translates it into the core's stopping rules. */
function coreStop(target: LassoTarget): CoreStop {
  if (typeof target !== "object" || target === null) throw badTarget();
  if ("lambda" in target) {
    return { mode: "lambda", lambdaMin: checkNonNegative("target.lambda", target.lambda)! };
  }
  if ("steps" in target) {
    return { mode: "breakpoint", lambdaMin: 0, maxSteps: checkCount("target.steps", target.steps) };
  }
  if ("maxActive" in target) {
    const maxActive = checkCount("target.maxActive", target.maxActive);
    return { mode: "breakpoint", lambdaMin: 0, maxActive };
  }
  throw badTarget();
}

/** The error for a target that is none of { lambda }, { steps }, { maxActive }. */
function badTarget(): SparsedynError {
  return new SparsedynError(
    "INVALID_ARGUMENT",
    "target must be { lambda }, { steps } or { maxActive }",
    { argument: "target" },
  );
}

/** The per-response arrays of a {@link LassoFit}, gathered from the core's endpoints. */
type Endpoints = Omit<LassoFit, "method" | "mode" | "m" | "d" | "n">;

/**
 * Gathers the d endpoints the core returned (one breakpoint each) into a fit's arrays: β as
 * m×d columns, λ back on the 1/n scale, the active sets concatenated with their offsets.
 */
function endpoints(raws: RawPath[], m: number, d: number, n: number): Endpoints {
  const beta = new Float64Array(m * d);
  const lambdas = new Float64Array(d);
  const activeStart = new Int32Array(d + 1);
  for (let r = 0; r < d; r++) activeStart[r + 1] = activeStart[r] + raws[r].active.length;
  const active = new Int32Array(activeStart[d]);
  const signs = new Int8Array(activeStart[d]);
  const eventKind = new Int8Array(d),
    eventVariable = new Int32Array(d),
    eventSign = new Int8Array(d);
  const degenerate = new Int32Array(d);
  const stop: PathStop[] = [];
  raws.forEach((raw, r) => {
    for (let j = 0; j < m; j++) beta[j * d + r] = raw.coefs[j];
    lambdas[r] = raw.ell[0] / n;
    active.set(raw.active, activeStart[r]);
    signs.set(raw.signs, activeStart[r]);
    eventKind[r] = raw.events[0];
    eventVariable[r] = raw.events[1];
    eventSign[r] = raw.events[2];
    degenerate[r] = raw.degenerate;
    stop.push(STOPS[raw.stop]);
  });
  return {
    beta,
    lambdas,
    active,
    activeStart,
    signs,
    eventKind,
    eventVariable,
    eventSign,
    stop,
    degenerate,
  };
}

/**
 * The solution of one response at a point of its path.
 *
 * @param G Gram matrix XᵀX, m×m row-major.
 * @param c Xᵀy, length m.
 * @param n Number of samples, > 0.
 * @param target `{ lambda }`, `{ steps }` or `{ maxActive }`.
 * @param options Method ("lasso" by default) and tolerances.
 * @returns The fit; `beta` has length m.
 * @throws {SparsedynError} On invalid input.
 *
 * @example At a fixed λ
 * ```ts
 * import { lassoAt } from "../../mod.ts";
 *
 * // G = I, c = [3, 1], n = 4: β(λ) = [3 − 4λ, 1 − 4λ]₊ (soft thresholding of c by nλ).
 * const fit = lassoAt(Float64Array.of(1, 0, 0, 1), Float64Array.of(3, 1), 4, { lambda: 0.5 });
 * if (fit.beta.join() !== "1,0") throw new Error(String(fit.beta));
 * ```
 */
export function lassoAt(
  G: Float64Array,
  c: Float64Array,
  n: number,
  target: LassoTarget,
  options: LassoAtOptions = {},
): LassoFit {
  return fitAt(G, c, n, target, options, "c");
}

/**
 * Solutions of d responses sharing one Gram matrix at a point of their paths, in one
 * call of the core.
 *
 * @param G Gram matrix, m×m row-major.
 * @param C Xᵀ[y₁ … y_d], m×d row-major.
 * @param n Number of samples, > 0.
 * @param target `{ lambda }`, `{ steps }` or `{ maxActive }`, the same for every response.
 * @param options Method and tolerances.
 * @returns The fits; `beta` is m×d row-major.
 * @throws {SparsedynError} On invalid input.
 *
 * @example Two steps of each path
 * ```ts
 * import { lassoAtBatch } from "../../mod.ts";
 *
 * const fit = lassoAtBatch(Float64Array.of(1, 0, 0, 1), Float64Array.of(3, 0, 1, 2), 4, { steps: 1 });
 * if (fit.mode !== "breakpoint" || fit.lambdas.join() !== "0.25,0") throw new Error(String(fit.lambdas));
 * ```
 */
export function lassoAtBatch(
  G: Float64Array,
  C: Float64Array,
  n: number,
  target: LassoTarget,
  options: LassoAtOptions = {},
): LassoFit {
  return fitAt(G, C, n, target, options, "C");
}

/**
 * Fits of disjoint blocks of responses (same G, n and method) as one fit, the blocks' responses
 * in order: β's columns side by side, the per-response arrays concatenated. Used to merge
 * responses fitted separately (in parallel, or each at its own breakpoint).
 *
 * @param fits The blocks' fits, in response order.
 * @returns One fit of all their responses.
 *
 * @example
 * ```ts
 * import { concatFits, lassoAtBatch } from "./lasso_at.ts";
 *
 * const G = Float64Array.of(2, 0.5, 0.5, 1), C = Float64Array.of(1, -0.4, 0.2, 0.8); // m = 2, d = 2
 * const both = lassoAtBatch(G, C, 10, { lambda: 0.01 });
 * const col = (r: number) => Float64Array.of(C[r], C[2 + r]);
 * const merged = concatFits([0, 1].map((r) => lassoAtBatch(G, col(r), 10, { lambda: 0.01 })));
 * if (merged.beta.join() !== both.beta.join()) throw new Error("the same fit");
 * ```
 */
export function concatFits(fits: readonly LassoFit[]): LassoFit {
  const { method, mode, m, n } = fits[0];
  const d = fits.reduce((k, f) => k + f.d, 0);
  const beta = new Float64Array(m * d);
  let r0 = 0;
  for (const f of fits) {
    for (let a = 0; a < m; a++) {
      for (let r = 0; r < f.d; r++) beta[a * d + r0 + r] = f.beta[a * f.d + r];
    }
    r0 += f.d;
  }
  const activeStart = new Int32Array(d + 1);
  let o = 0, k = 0;
  for (const f of fits) {
    for (let r = 0; r < f.d; r++) activeStart[++k] = o + f.activeStart[r + 1];
    o += f.active.length;
  }
  const cat = <T extends Int32Array | Int8Array | Float64Array>(
    make: (length: number) => T,
    key: (f: LassoFit) => T,
  ) => {
    const out = make(fits.reduce((s, f) => s + key(f).length, 0));
    let at = 0;
    for (const f of fits) {
      out.set(key(f), at);
      at += key(f).length;
    }
    return out;
  };
  return {
    method,
    mode,
    m,
    d,
    n,
    beta,
    lambdas: cat((l) => new Float64Array(l), (f) => f.lambdas),
    active: cat((l) => new Int32Array(l), (f) => f.active),
    activeStart,
    signs: cat((l) => new Int8Array(l), (f) => f.signs),
    eventKind: cat((l) => new Int8Array(l), (f) => f.eventKind),
    eventVariable: cat((l) => new Int32Array(l), (f) => f.eventVariable),
    eventSign: cat((l) => new Int8Array(l), (f) => f.eventSign),
    stop: fits.flatMap((f) => f.stop),
    degenerate: cat((l) => new Int32Array(l), (f) => f.degenerate),
  };
}
