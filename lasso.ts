/**
 * sparsedyn/lasso — the numeric core: LARS / lasso solution paths on sufficient statistics.
 *
 * Concepts:
 * - Paths: {@link lassoPath}, {@link larsPath} and their batched forms solve one response, or the
 *   d equations of a VAR sharing one Gram matrix, from G = XᵀX and c = Xᵀy;
 *   {@link lassoPathBatchParallel} spreads the equations over worker threads.
 * - A point of the path: {@link lassoAt} / {@link pathAt}, and {@link lassoAdjoint}, its gradient
 *   with respect to G and c (what training through the path uses).
 * - Designs: {@link laggedDesign}, {@link varStatistics}, {@link regressionStatistics}.
 * - Selection along a path: {@link selectByBic}, {@link selectByCriterion}.
 * - A lasso VAR from a series: {@link fitVarLasso}; its support against the truth:
 *   {@link scoreSupport}; stability: {@link spectralRadiusEstimate}.
 *
 * For a whole VAR fit with order selection and cross-validation, see `./analysis`.
 *
 * @example Fit a lasso path from G = XᵀX and c = Xᵀy, then the solution at one λ
 * ```ts
 * import { lassoAt, lassoPath } from "./lasso.ts";
 *
 * const G = Float64Array.of(1, 0, 0, 1);
 * const c = Float64Array.of(3, 1);
 * const path = lassoPath(G, c, 4);
 * if (path.lambdas[0] !== 0.75) throw new Error("λ₀ = max|c|/n");
 * const fit = lassoAt(G, c, 4, { lambda: 0.5 });
 * if (Math.abs(fit.beta[0] - 1) > 1e-12 || fit.beta[1] !== 0) throw new Error("soft threshold");
 * ```
 *
 * @module
 */
export { SparsedynError } from "./core/errors.ts";
export type { SparsedynErrorCode, SparsedynErrorOptions } from "./core/errors.ts";
export {
  EVENT_DROP,
  EVENT_JOIN,
  EVENT_NONE,
  larsPath,
  larsPathBatch,
  lassoPath,
  lassoPathBatch,
  pathAt,
} from "./core/var/lasso_path.ts";
export type { LassoPath, PathMethod, PathOptions, PathStop } from "./core/var/lasso_path.ts";
export { lassoAt, lassoAtBatch } from "./core/var/lasso_at.ts";
export type { LassoAtOptions, LassoFit, LassoTarget } from "./core/var/lasso_at.ts";
export { lassoAdjoint } from "./core/var/lasso_adjoint.ts";
export type { LassoGradients } from "./core/var/lasso_adjoint.ts";
export type { CoreTolerances } from "./core/var/_lasso_inputs.ts";
export { closeLassoWorkers, lassoPathBatchParallel } from "./core/var/lasso_parallel.ts";
export type { ParallelPathOptions } from "./core/var/lasso_parallel.ts";
export { selectByBic } from "./core/var/lambda_criteria.ts";
export type { Selection } from "./core/var/lambda_criteria.ts";
export { laggedDesign, regressionStatistics, varStatistics } from "./core/var/design.ts";
export type { RegressionStatistics, VarStatistics } from "./core/var/design.ts";
export { fitVarLasso, fitVarLassoAsync } from "./core/var/fit_var_lasso.ts";
export type { VarFit } from "./core/var/fit_var_lasso.ts";
export { scoreSupport, type SupportScore } from "./core/var/support_score.ts";
export { spectralRadiusEstimate } from "./core/var/stability.ts";
export {
  type CriterionOptions,
  type LambdaCriterion,
  logBinomial,
  selectByCriterion,
} from "./core/var/lambda_criteria.ts";
