/**
 * Choosing λ along a lasso path by an information criterion, evaluated at the path's
 * breakpoints (where the active set, hence the degrees of freedom, changes). With n
 * samples, RSS(λ) the residual sum of squares and df(λ) the number of non-zero
 * coefficients (the lasso's unbiased degrees of freedom: Zou, Hastie & Tibshirani 2007),
 * out of m candidates:
 *
 *     AIC(λ)  = n·ln(RSS/n) + 2·df
 *     BIC(λ)  = n·ln(RSS/n) + ln(n)·df
 *     EBIC(λ) = n·ln(RSS/n) + ln(n)·df + 2γ·ln C(m, df)        (γ ∈ [0, 1], default 0.5)
 *
 * EBIC is the extended BIC of J. Chen & Z. Chen (2008), "Extended Bayesian information
 * criteria for model selection with large model spaces", Biometrika 95(3): the extra
 * term, the log of the number of models of size df, keeps the criterion consistent when
 * m grows with n (as p·d does in a VAR). γ = 0 gives BIC; γ = 1 the full prior. The
 * intercept adds the same 1 to df everywhere and is left out.
 *
 * @example
 * ```ts
 * import { lassoPath } from "./lasso_path.ts";
 * import { selectByCriterion } from "./lambda_criteria.ts";
 *
 * const path = lassoPath(Float64Array.of(1, 0, 0, 1), Float64Array.of(3, 0.1), 10, { yty: 10 });
 * const bic = selectByCriterion(path, "bic"), aic = selectByCriterion(path, "aic");
 * if (bic.beta[1] !== 0) throw new Error("the weak regressor stays out under BIC");
 * if (aic.lambda > bic.lambda) throw new Error("AIC penalises less: never a larger λ");
 * ```
 *
 * @module
 */
import { SparsedynError } from "../errors.ts";
import type { LassoPath } from "./lasso_path.ts";

/** A criterion for λ along one path. */
export type LambdaCriterion = "bic" | "aic" | "ebic";

/** Options of {@link selectByCriterion}. */
export interface CriterionOptions {
  /** EBIC's γ in [0, 1]. Default 0.5. */
  gamma?: number;
}

/** The chosen point of a path. */
export interface Selection {
  /** Index of the chosen breakpoint. */
  index: number;
  /** Its λ. */
  lambda: number;
  /** Coefficients there (length m). */
  beta: Float64Array;
  /** The criterion at every breakpoint. */
  criterion: Float64Array;
}

/** ln C(m, k), as a sum of k logs (k ≤ m ≤ a few thousand here). */
export function logBinomial(m: number, k: number): number {
  const kk = Math.min(k, m - k);
  let s = 0;
  for (let j = 1; j <= kk; j++) s += Math.log((m - kk + j) / j);
  return s;
}

/**
 * The breakpoint with the smallest criterion.
 *
 * @param path A path computed with `yty`, so that it carries the residual sum of squares.
 * @param criterion "bic", "aic" or "ebic".
 * @param options EBIC's γ.
 * @returns The selection (index, λ, β, the criterion at every breakpoint).
 * @throws {SparsedynError} When the path has no `rss`, or the criterion or γ is invalid.
 */
export function selectByCriterion(
  path: LassoPath,
  criterion: LambdaCriterion,
  options: CriterionOptions = {},
): Selection {
  const { rss, n, m, coefs, lambdas } = path;
  if (!rss) {
    throw new SparsedynError(
      "INVALID_ARGUMENT",
      "path has no rss: compute it with the yty option",
      { argument: "path" },
    );
  }
  if (criterion !== "bic" && criterion !== "aic" && criterion !== "ebic") {
    throw new SparsedynError(
      "INVALID_ARGUMENT",
      `criterion must be "bic", "aic" or "ebic"; got "${String(criterion)}"`,
      { argument: "criterion" },
    );
  }
  const gamma = options.gamma ?? 0.5;
  if (!(gamma >= 0 && gamma <= 1)) {
    throw new SparsedynError("INVALID_ARGUMENT", `gamma must lie in [0, 1]; got ${gamma}`, {
      argument: "gamma",
    });
  }
  const score = criterionScore(criterion, n, m, gamma);
  const crit = new Float64Array(lambdas.length);
  const floor = rssFloor(rss[0]);
  let best = 0;
  for (let k = 0; k < lambdas.length; k++) {
    let df = 0;
    for (let j = 0; j < m; j++) if (coefs[k * m + j] !== 0) df++;
    crit[k] = score(rss[k], df, floor);
    if (crit[k] < crit[best]) best = k;
  }
  return {
    index: best,
    lambda: lambdas[best],
    beta: coefs.slice(best * m, (best + 1) * m),
    criterion: crit,
  };
}

/**
 * The breakpoint with the smallest BIC: {@link selectByCriterion} with "bic".
 *
 * @param path A path computed with `yty`, so that it carries the residual sum of squares.
 * @returns The selection.
 * @throws {SparsedynError} When the path has no `rss`.
 *
 * @example
 * ```ts
 * import { lassoPath } from "./lasso_path.ts";
 * import { selectByBic } from "./lambda_criteria.ts";
 *
 * const path = lassoPath(Float64Array.of(1, 0, 0, 1), Float64Array.of(3, 0.1), 10, { yty: 10 });
 * if (selectByBic(path).beta[1] !== 0) throw new Error("the weak regressor stays out");
 * ```
 */
export function selectByBic(path: LassoPath): Selection {
  return selectByCriterion(path, "bic");
}

/**
 * The lower bound put under a path's RSS before its logarithm: RSS can reach 0 (n ≤ df),
 * and the floor keeps ln finite while still ranking such fits first only when nothing
 * else is close, which the df term then settles.
 *
 * @param rss0 The RSS at the path's first breakpoint (λ_max: no regressor).
 * @returns The floor.
 *
 * @example
 * ```ts
 * import { rssFloor } from "./lambda_criteria.ts";
 *
 * if (rssFloor(10) !== 10 * 1e-15 || rssFloor(0) !== 1e-315) throw new Error("floor");
 * ```
 */
export function rssFloor(rss0: number): number {
  return Math.max(rss0, 1e-300) * 1e-15;
}

/**
 * The criterion of one breakpoint from its RSS and df: the one formula every selector in
 * this package (whole paths here, streamed paths in the WASM path selection) evaluates.
 *
 * @param criterion "bic", "aic" or "ebic" (not checked here: callers check it once).
 * @param n Samples.
 * @param m Candidate regressors.
 * @param gamma EBIC's γ.
 * @returns `(rss, df, floor) => n·ln(max(rss, floor)/n) + penalty(df)`.
 *
 * @example
 * ```ts
 * import { criterionScore } from "./lambda_criteria.ts";
 *
 * const bic = criterionScore("bic", 100, 10, 0.5);
 * if (Math.abs(bic(50, 2, 0) - (100 * Math.log(0.5) + 2 * Math.log(100))) > 1e-12) {
 *   throw new Error("bic");
 * }
 * ```
 */
export function criterionScore(
  criterion: LambdaCriterion,
  n: number,
  m: number,
  gamma: number,
): (rss: number, df: number, floor: number) => number {
  const perDf = criterion === "aic" ? 2 : Math.log(n);
  if (criterion !== "ebic") {
    return (rss, df, floor) => n * Math.log(Math.max(rss, floor) / n) + perDf * df;
  }
  // 2γ·ln C(m, df), filled as dfs are met (NaN: not yet computed).
  const extra = new Float64Array(m + 1).fill(NaN);
  return (rss, df, floor) => {
    if (Number.isNaN(extra[df])) extra[df] = 2 * gamma * logBinomial(m, df);
    return n * Math.log(Math.max(rss, floor) / n) + perDf * df + extra[df];
  };
}
