/**
 * Choosing λ along a lasso path by an information criterion, at the breakpoints (where
 * the active set, hence the degrees of freedom, changes).
 *
 *     BIC(λ) = n·ln(RSS(λ)/n) + ln(n)·df(λ),   df = number of non-zero coefficients
 *
 * (df as in Zou, Hastie & Tibshirani 2007, "On the degrees of freedom of the lasso").
 *
 * @example
 * ```ts
 * import { lassoPath } from "./lasso_path.ts";
 * import { selectByBic } from "./select.ts";
 *
 * const path = lassoPath(Float64Array.of(1, 0, 0, 1), Float64Array.of(3, 0.1), 10, { yty: 10 });
 * const best = selectByBic(path);
 * if (best.beta[1] !== 0) throw new Error("the weak regressor stays out");
 * ```
 *
 * @module
 */
import { SparsedynError } from "../errors.ts";
import type { LassoPath } from "./lasso_path.ts";

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

/**
 * The breakpoint with the smallest BIC.
 *
 * @param path A path computed with `yty`, so that it carries the residual sum of squares.
 * @returns The selection.
 * @throws {SparsedynError} When the path has no `rss`.
 */
export function selectByBic(path: LassoPath): Selection {
  const { rss, n, m, coefs, lambdas } = path;
  if (!rss) {
    throw new SparsedynError(
      "INVALID_ARGUMENT",
      "path has no rss: compute it with the yty option",
      {
        argument: "path",
      },
    );
  }
  const crit = new Float64Array(lambdas.length);
  let best = 0;
  // RSS can reach 0 (n ≤ df); a floor keeps ln finite and still ranks such fits first
  // only when nothing else is close, which the ln(n)·df term then settles.
  const floor = Math.max(rss[0], 1e-300) * 1e-15;
  for (let k = 0; k < lambdas.length; k++) {
    let df = 0;
    for (let j = 0; j < m; j++) if (coefs[k * m + j] !== 0) df++;
    crit[k] = n * Math.log(Math.max(rss[k], floor) / n) + Math.log(n) * df;
    if (crit[k] < crit[best]) best = k;
  }
  return {
    index: best,
    lambda: lambdas[best],
    beta: coefs.slice(best * m, (best + 1) * m),
    criterion: crit,
  };
}
