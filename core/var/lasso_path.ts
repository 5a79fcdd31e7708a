/**
 * The LARS and lasso solution paths on sufficient statistics, one response or a batch of
 * responses that share one Gram matrix (the d equations of a VAR).
 *
 * Objective, on scikit-learn's scale (`lars_path_gram`), for one response y:
 *
 *     minimise over β   (1 / 2n)·‖y − Xβ‖² + λ·‖β‖₁
 *
 * given only G = XᵀX (m×m), c = Xᵀy (m) and n. The lasso path is piecewise linear in λ;
 * its breakpoints λ₀ > λ₁ > … are where a variable joins or (lasso only) leaves the
 * active set. LAR (least angle regression) never drops a variable; its coefficients may
 * change sign.
 *
 * References: B. Efron, T. Hastie, I. Johnstone, R. Tibshirani (2004), "Least angle
 * regression", Annals of Statistics 32(2), 407–499.
 *
 * @module
 */
import { SparsedynError } from "../errors.ts";
import {
  checkCount,
  checkNonNegative,
  checkYty,
  type CoreTolerances,
  shapes,
} from "./_lasso_inputs.ts";
import { runCorePath } from "./_core_path.ts";
import { addRss, toPath } from "./_path_result.ts";

/** Which path: plain least angle regression, or its lasso modification. */
export type PathMethod = "lar" | "lasso";

/** Why a path ended. */
export type PathStop = "end" | "lambdaMin" | "maxSteps" | "maxActive";

/** Event codes in {@link LassoPath.eventKind}. */
export const EVENT_NONE = 0;
/** A variable joins the active set at this breakpoint. */
export const EVENT_JOIN = 1;
/** A variable leaves the active set at this breakpoint (lasso only). */
export const EVENT_DROP = 2;

/** Options of {@link lassoPath} and {@link larsPath}. */
export interface PathOptions extends CoreTolerances {
  /** Stop at this λ (scikit-learn's `alpha_min`), interpolating the last segment. Default 0. */
  lambdaMin?: number;
  /** Stop after this many steps: at most maxSteps + 1 breakpoints. Default 50·m + 500. */
  maxSteps?: number;
  /** Stop at the breakpoint where the next join would make the active set larger than this. */
  maxActive?: number;
  /** yᵀy of each response; when given, the path carries the residual sum of squares. */
  yty?: number | Float64Array;
}

/** A solution path of one response. */
export interface LassoPath {
  /** "lar" or "lasso". */
  method: PathMethod;
  /** Number of regressors (columns of X). */
  m: number;
  /** Number of samples the statistics came from. */
  n: number;
  /** Breakpoints λ₀ ≥ λ₁ ≥ … (equal values only for simultaneous events). */
  lambdas: Float64Array;
  /** Coefficients at each breakpoint, row-major: `coefs[k * m + j]` is β_j at λ_k. */
  coefs: Float64Array;
  /** Event at each breakpoint: {@link EVENT_JOIN}, {@link EVENT_DROP} or {@link EVENT_NONE}. */
  eventKind: Int8Array;
  /** Variable of each event (−1 for none). */
  eventVariable: Int32Array;
  /** Sign of each event: the joining variable's correlation sign, or the leaving coefficient's. */
  eventSign: Int8Array;
  /** Active set in force at the last breakpoint, in order of entry (before that breakpoint's event). */
  active: Int32Array;
  /** Signs of the active set. */
  signs: Int8Array;
  /** Why the path ended. */
  stop: PathStop;
  /** How many times a degenerate regressor was refused (see `degenerateTolerance`). */
  degenerate: number;
  /** Residual sum of squares ‖y − Xβ‖² at each breakpoint, when `yty` was given. */
  rss?: Float64Array;
}

function runPaths(
  G: Float64Array,
  C: Float64Array,
  n: number,
  method: PathMethod,
  options: PathOptions,
  cName: "c" | "C",
  d?: number,
): LassoPath[] {
  const shape = shapes(G, C, n, cName, d);
  const lambdaMin = checkNonNegative("lambdaMin", options.lambdaMin) ?? 0;
  const maxSteps = checkCount("maxSteps", options.maxSteps);
  const maxActive = checkCount("maxActive", options.maxActive);
  const yty = options.yty === undefined ? undefined : checkYty(options.yty, shape.d);
  const raws = runCorePath(G, C, n, shape.m, shape.d, {
    ...options,
    lasso: method === "lasso",
    lambdaMin,
    maxSteps,
    maxActive,
    keepPath: true,
  }, cName);
  return raws.map((raw, r) => {
    const p = toPath(raw, method, shape.m, n);
    if (yty) addRss(p, G, C, shape.d, r, yty[r]);
    return p;
  });
}

/**
 * The lasso path of one response from its sufficient statistics.
 *
 * @param G Gram matrix XᵀX, m×m row-major, symmetric.
 * @param c Xᵀy, length m.
 * @param n Number of samples (rows of X), > 0.
 * @param options Stopping rules and tolerances.
 * @returns Breakpoints, coefficients at each, and the events.
 * @throws {SparsedynError} On a wrong shape, a non-finite entry, a non-symmetric G
 *   (`code` names the reason, `argument` the argument).
 *
 * @example Two orthogonal regressors
 * ```ts
 * import { lassoPath } from "../../mod.ts";
 *
 * // X = [[1, 0], [0, 1], [0, 0], [0, 0]], y = [3, 1, 0, 0]: G = I, c = [3, 1], n = 4.
 * const path = lassoPath(Float64Array.of(1, 0, 0, 1), Float64Array.of(3, 1), 4);
 * // λ₀ = max|c|/n = 0.75; the second variable joins at 1/4; the path ends at λ = 0 (OLS).
 * if (path.lambdas.join() !== "0.75,0.25,0") throw new Error(String(path.lambdas));
 * if (path.coefs.slice(4).join() !== "3,1") throw new Error("OLS at the end");
 * ```
 */
export function lassoPath(
  G: Float64Array,
  c: Float64Array,
  n: number,
  options: PathOptions = {},
): LassoPath {
  return runPaths(G, c, n, "lasso", options, "c")[0];
}

/**
 * The LAR (least angle regression) path of one response: like {@link lassoPath}, but no
 * variable ever leaves the active set.
 *
 * @param G Gram matrix XᵀX, m×m row-major, symmetric.
 * @param c Xᵀy, length m.
 * @param n Number of samples, > 0.
 * @param options Stopping rules and tolerances.
 * @returns Breakpoints, coefficients and events.
 * @throws {SparsedynError} On invalid input.
 *
 * @example Stop after one step
 * ```ts
 * import { larsPath } from "../../mod.ts";
 *
 * const path = larsPath(Float64Array.of(1, 0, 0, 1), Float64Array.of(3, 1), 4, { maxSteps: 1 });
 * if (path.lambdas.length !== 2 || path.stop !== "maxSteps") throw new Error("one step");
 * ```
 */
export function larsPath(
  G: Float64Array,
  c: Float64Array,
  n: number,
  options: PathOptions = {},
): LassoPath {
  return runPaths(G, c, n, "lar", options, "c")[0];
}

/**
 * Lasso paths of d responses that share one Gram matrix, in one call of the core (the d
 * equations of a VAR). `C` is m×d row-major: column r is Xᵀy_r.
 *
 * @param G Gram matrix, m×m row-major.
 * @param C Xᵀ[y₁ … y_d], m×d row-major.
 * @param n Number of samples, > 0.
 * @param options Stopping rules and tolerances (`yty` as one value per response).
 * @returns One path per response.
 * @throws {SparsedynError} On invalid input.
 *
 * @example Two responses
 * ```ts
 * import { lassoPathBatch } from "../../mod.ts";
 *
 * const C = Float64Array.of(3, 0, 1, 2); // c₁ = [3, 1], c₂ = [0, 2]
 * const [p1, p2] = lassoPathBatch(Float64Array.of(1, 0, 0, 1), C, 4);
 * if (p1.lambdas[0] !== 0.75 || p2.lambdas[0] !== 0.5) throw new Error("λ₀ per response");
 * ```
 */
export function lassoPathBatch(
  G: Float64Array,
  C: Float64Array,
  n: number,
  options: PathOptions = {},
): LassoPath[] {
  return runPaths(G, C, n, "lasso", options, "C");
}

/**
 * LAR paths of d responses that share one Gram matrix (see {@link lassoPathBatch}).
 *
 * @param G Gram matrix, m×m row-major.
 * @param C Xᵀ[y₁ … y_d], m×d row-major.
 * @param n Number of samples, > 0.
 * @param options Stopping rules and tolerances.
 * @returns One path per response.
 * @throws {SparsedynError} On invalid input.
 *
 * @example
 * ```ts
 * import { larsPathBatch } from "../../mod.ts";
 *
 * const paths = larsPathBatch(Float64Array.of(1, 0, 0, 1), Float64Array.of(3, 0, 1, 2), 4);
 * if (paths.length !== 2) throw new Error("two paths");
 * ```
 */
export function larsPathBatch(
  G: Float64Array,
  C: Float64Array,
  n: number,
  options: PathOptions = {},
): LassoPath[] {
  return runPaths(G, C, n, "lar", options, "C");
}

/**
 * The coefficients at any λ, by linear interpolation between the path's breakpoints.
 *
 * @param path A path from {@link lassoPath} or {@link larsPath}.
 * @param lambda λ ≥ 0; above λ₀ the solution is 0.
 * @returns β(λ), length m.
 * @throws {SparsedynError} When λ lies below the path's last breakpoint and the path was
 *   stopped early (the solution there is not on it).
 *
 * @example
 * ```ts
 * import { lassoPath, pathAt } from "../../mod.ts";
 *
 * const path = lassoPath(Float64Array.of(1, 0, 0, 1), Float64Array.of(3, 1), 4);
 * // Between 0.75 and 0.25 only β₀ moves: β₀(λ) = 3 − 4λ.
 * if (pathAt(path, 0.5).join() !== "1,0") throw new Error("interpolation");
 * ```
 */
export function pathAt(path: LassoPath, lambda: number): Float64Array {
  const { lambdas, coefs, m } = path;
  const k = lambdas.length;
  if (typeof lambda !== "number" || !Number.isFinite(lambda) || lambda < 0) {
    throw new SparsedynError(
      "INVALID_ARGUMENT",
      `lambda must be a finite number ≥ 0; got ${String(lambda)}`,
      {
        argument: "lambda",
      },
    );
  }
  if (lambda >= lambdas[0]) return k === 1 ? coefs.slice(0, m) : new Float64Array(m);
  if (lambda <= lambdas[k - 1]) {
    if (lambda < lambdas[k - 1] && path.stop !== "end") {
      throw new SparsedynError(
        "INVALID_ARGUMENT",
        `lambda = ${lambda} lies below the path's last breakpoint ${
          lambdas[k - 1]
        } (path stopped by ${path.stop})`,
        { argument: "lambda" },
      );
    }
    return coefs.slice((k - 1) * m, k * m);
  }
  let s = 0;
  while (lambdas[s + 1] > lambda) s++;
  const hi = lambdas[s], lo = lambdas[s + 1];
  const f = hi === lo ? 0 : (hi - lambda) / (hi - lo);
  const out = new Float64Array(m);
  for (let j = 0; j < m; j++) {
    out[j] = coefs[s * m + j] + f * (coefs[(s + 1) * m + j] - coefs[s * m + j]);
  }
  return out;
}
