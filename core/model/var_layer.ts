/**
 * The embedded l1-VAR layer: from a window's latent sequence z (L×d), the lagged design
 * X (n×pd, n = L − p) and targets Y (n×d), both centred (the intercept); G = XᵀX and
 * C = XᵀY; the lasso solution of all d equations at once in the WASM core; predictions
 * Ŷ = Xβ + ȳ of z_p … z_{L−1}.
 *
 * Its gradient (`tf.customGrad`): with dβ = Xᵀ dŶ, the WASM adjoint gives Ḡ and C̄; the
 * chain back to X, Y and z is
 *
 *     dX = dŶ βᵀ + X(Ḡ + Ḡᵀ) + Y C̄ᵀ,   dY = X C̄ + (1/n)·1·Σ_rows dŶ   (then un-centred, un-lagged)
 *
 * With the λ rule "fraction of λ_max", λ itself depends on C (through its largest entry),
 * and that dependence is in the gradient too.
 *
 * Where it runs: forward and backward alike run in float64 JavaScript on the window's
 * values (`windowStatistics`, and the products of `core/var/_dense_products.ts`), not as
 * tfjs ops: a window is a few thousand numbers, and as backend ops the products were ~40
 * tiny kernels per step, each paying a dispatch that cost more than its arithmetic. The
 * backend sees the layer only at its ends: z is read once (float32 → float64) and the
 * prediction and dz are handed back as float32 tensors. (`centredDesign` builds the same
 * design as backend ops, for the asynchronous webgpu step in `core/train/async_step.ts`.)
 *
 * @example
 * ```ts
 * import { varLayer } from "./var_layer.ts";
 * import { tf } from "./tf.ts";
 *
 * await tf.setBackend("cpu");
 * const z = tf.randomNormal([40, 3], 0, 1, "float32", 1) as tf.Tensor2D;
 * const { prediction, fit } = varLayer(z, { lags: 1, lambdaFraction: 0.1 });
 * if (prediction.shape.join() !== "39,3" || fit.beta.length !== 9) throw new Error("shapes");
 * ```
 *
 * @module
 */
import { SparsedynError } from "../errors.ts";
import { concatFits, lassoAtBatch, type LassoFit } from "../var/lasso_at.ts";
import { lassoAdjoint } from "../var/lasso_adjoint.ts";
import { selectAlongPaths } from "../var/_path_select.ts";
import { checkYty, shapes } from "../var/_lasso_inputs.ts";
import { laggedDesign, regressionStatistics } from "../var/design.ts";
import {
  addInto,
  columnMeans,
  crossProduct,
  product,
  productTransposed,
} from "../var/_dense_products.ts";
import { type Scalar, type Tensor, type Tensor2D, tf } from "./tf.ts";

/** How the layer fits its VAR. */
export interface VarLayerOptions {
  /** VAR order p ≥ 1. */
  lags: number;
  /** λ as a fraction of λ_max = max_j,r |C_jr| / n (one λ for all equations), in (0, 1]. */
  lambdaFraction?: number;
  /** Or: the solution after this many steps of each path (λ moves with the data). */
  steps?: number;
  /**
   * Or: per equation, the breakpoint of its path with the smallest BIC (λ moves with the
   * data; the choice itself is piecewise constant and carries no gradient).
   */
  bic?: boolean;
  /** "lasso" (default) or "lar". */
  method?: "lasso" | "lar";
}

/** The layer's output for one window. */
export interface VarLayerOutput {
  /** Predictions of z_p … z_{L−1}, n×d, differentiable with respect to z. */
  prediction: Tensor2D;
  /** The lasso fit (β is pd×d, row (k−1)·d + j = effect of latent j at lag k). */
  fit: LassoFit;
}

/** Lagged design [z_{t−1} … z_{t−p}] and targets z_t, t = p … L−1. */
function lagged(z: Tensor2D, p: number): { X: Tensor2D; Y: Tensor2D } {
  const [L] = z.shape;
  const n = L - p;
  const cols = [];
  for (let k = 1; k <= p; k++) cols.push(tf.slice(z, [p - k, 0], [n, -1]));
  return { X: tf.concat(cols, 1) as Tensor2D, Y: tf.slice(z, [p, 0], [n, -1]) as Tensor2D };
}

/**
 * The lagged design of a window, centred (the intercept), and the targets' column means
 * that the prediction adds back.
 *
 * @param z Latent sequence, L×d.
 * @param p VAR order.
 * @returns Xc (n×pd), Yc (n×d) and ȳ (1×d), n = L − p.
 */
export function centredDesign(
  z: Tensor2D,
  p: number,
): { Xc: Tensor2D; Yc: Tensor2D; yMean: Tensor2D } {
  const { X, Y } = lagged(z, p);
  const xMean = tf.mean(X, 0, true), yMean = tf.mean(Y, 0, true) as Tensor2D;
  return { Xc: tf.sub(X, xMean) as Tensor2D, Yc: tf.sub(Y, yMean) as Tensor2D, yMean };
}

/**
 * Checks the layer's options against the window length.
 *
 * @param L Frames per window.
 * @param options Order and λ rule.
 * @throws {SparsedynError} For an order that leaves no rows, or an invalid λ rule.
 */
export function checkVarLayerOptions(L: number, options: VarLayerOptions): void {
  const p = options.lags;
  if (!Number.isInteger(p) || p < 1 || L - p < 2) {
    throw new SparsedynError(
      "INVALID_ARGUMENT",
      `lags must be an integer in [1, ${L - 2}] for windows of ${L}; got ${p}`,
      {
        argument: "lags",
      },
    );
  }
  const rules = [options.lambdaFraction !== undefined, options.steps !== undefined, !!options.bic];
  if (rules.filter(Boolean).length !== 1) {
    throw new SparsedynError(
      "INVALID_ARGUMENT",
      "give exactly one λ rule: lambdaFraction, steps or bic",
      { argument: "lambdaFraction" },
    );
  }
  if (
    options.lambdaFraction !== undefined &&
    !(options.lambdaFraction > 0 && options.lambdaFraction <= 1)
  ) {
    throw new SparsedynError(
      "INVALID_ARGUMENT",
      `lambdaFraction must be in (0, 1]; got ${options.lambdaFraction}`,
      {
        argument: "lambdaFraction",
      },
    );
  }
}

/** A window's sufficient statistics in float64 and the lasso fitted on them. */
export interface WindowLassoFit {
  /** G = XcᵀXc, m×m row-major, made exactly symmetric. */
  G: Float64Array;
  /** C = XcᵀYc, m×d row-major. */
  C: Float64Array;
  /** Rows of the design, L − p. */
  n: number;
  /** The fit (β is m×d). */
  fit: LassoFit;
  /** With the rule "fraction of λ_max": the entry of C that set λ. */
  argmax: number;
}

/**
 * Fits the layer's lasso on G and C as read from the backend (float32).
 *
 * @param G32 XcᵀXc, m×m row-major.
 * @param C32 XcᵀYc, m×d row-major.
 * @param n Rows of the design.
 * @param options The λ rule and method (already checked).
 * @param yty With the rule "bic": YcᵀYc's diagonal (each equation's total sum of squares).
 * @returns The statistics in float64 and the fit.
 */
export function fitWindowLasso(
  G32: ArrayLike<number>,
  C32: ArrayLike<number>,
  n: number,
  options: VarLayerOptions,
  yty?: ArrayLike<number>,
): WindowLassoFit {
  const G = Float64Array.from(G32), C = Float64Array.from(C32);
  const m = Math.round(Math.sqrt(G.length));
  // Float32 products are symmetric only to rounding: make G exactly symmetric.
  for (let i = 0; i < m; i++) {
    for (let j = i + 1; j < m; j++) {
      G[i * m + j] = G[j * m + i] = (G[i * m + j] + G[j * m + i]) / 2;
    }
  }
  const method = options.method ?? "lasso";
  // λ = fraction·max|C|/n moves with the data: remember which entry set it.
  let argmax = 0;
  let fit: LassoFit;
  if (options.steps !== undefined) {
    fit = lassoAtBatch(G, C, n, { steps: options.steps }, { method });
  } else if (options.bic) {
    fit = bicFit(G, C, n, method, Float64Array.from(yty ?? []));
  } else {
    for (let q = 1; q < C.length; q++) if (Math.abs(C[q]) > Math.abs(C[argmax])) argmax = q;
    const lambda = (options.lambdaFraction! * Math.abs(C[argmax])) / n;
    fit = lassoAtBatch(G, C, n, { lambda }, { method });
  }
  return { G, C, n, fit, argmax };
}

/**
 * Per equation, the solution at its path's breakpoint of smallest BIC: the paths walked once
 * to find each equation's breakpoint, then each equation's fit at that many steps, which
 * carries what the adjoint needs (breakpoint mode), merged into one batched fit. The paths
 * are scored as the core produces them and not kept (`selectAlongPaths`): kept whole, the
 * paths of 512 latents took about 356 MB per window.
 */
function bicFit(
  G: Float64Array,
  C: Float64Array,
  n: number,
  method: "lasso" | "lar",
  yty: Float64Array,
): LassoFit {
  const m = Math.round(Math.sqrt(G.length)), d = C.length / m;
  if (yty.length !== d) {
    throw new SparsedynError("INVALID_ARGUMENT", `bic needs yty of length ${d}`, {
      argument: "yty",
    });
  }
  shapes(G, C, n, "C");
  checkYty(yty, d);
  const { index } = selectAlongPaths(G, C, n, m, d, { method, criterion: "bic", yty });
  const fits = Array.from(index, (steps, r) => {
    const c = new Float64Array(m);
    for (let a = 0; a < m; a++) c[a] = C[a * d + r];
    return lassoAtBatch(G, c, n, { steps }, { method });
  });
  return concatFits(fits);
}

/**
 * The adjoint of {@link fitWindowLasso}: from dβ, the gradients with respect to G and C,
 * including the dependence of λ on C under the rule "fraction of λ_max".
 *
 * @param s The statistics and fit.
 * @param dBeta ∂L/∂β, m×d row-major.
 * @param options The same λ rule.
 * @returns Ḡ + Ḡᵀ (m×m: the gradient of XcᵀXc with respect to Xc is Xc(Ḡ + Ḡᵀ)) and C̄ (m×d).
 */
export function windowLassoAdjoint(
  s: WindowLassoFit,
  dBeta: Float64Array,
  options: VarLayerOptions,
): { gradGSym: Float32Array; gradC: Float32Array } {
  const { gradG, gradC, gradLambda } = lassoAdjoint(s.G, s.C, s.n, s.fit, dBeta);
  if (options.lambdaFraction !== undefined) {
    // Chain through λ = fraction·|C_q|/n, q the largest entry.
    let gl = 0;
    for (const v of gradLambda) gl += v;
    gradC[s.argmax] += (gl * options.lambdaFraction * Math.sign(s.C[s.argmax])) / s.n;
  }
  const m = s.fit.m;
  const gradGSym = new Float32Array(m * m);
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < m; j++) gradGSym[i * m + j] = gradG[i * m + j] + gradG[j * m + i];
  }
  return { gradGSym, gradC: Float32Array.from(gradC) };
}

/**
 * A window's lagged design, centred, and the statistics the lasso needs, in float64 from
 * its values: the fused step and the asynchronous one (webgpu) both fit on these, so their
 * fits agree exactly.
 *
 * @param z Latent sequence, L×d row-major (e.g. the standardised latents' values).
 * @param L Frames.
 * @param d Latents.
 * @param p VAR order.
 * @returns Xc (n×pd), Yc (n×d), ȳ, G = XcᵀXc, C = XcᵀYc and YcᵀYc's diagonal.
 *
 * @example
 * ```ts
 * import { windowStatistics } from "./var_layer.ts";
 *
 * const s = windowStatistics([1, 2, 4, 8], 4, 1, 1); // z = 1, 2, 4, 8
 * // X = 1, 2, 4 and Y = 2, 4, 8, centred: G = 14/3, C = 28/3.
 * if (Math.abs(s.G[0] - 14 / 3) > 1e-12 || Math.abs(s.C[0] - 28 / 3) > 1e-12) throw new Error("G, C");
 * ```
 */
export function windowStatistics(
  z: ArrayLike<number>,
  L: number,
  d: number,
  p: number,
): {
  Xc: Float64Array;
  Yc: Float64Array;
  yMean: Float64Array;
  G: Float64Array;
  C: Float64Array;
  yty: Float64Array;
} {
  const n = L - p, m = p * d;
  const { X, Y } = laggedDesign(z, L, d, p);
  // X and Y are the window's own copies: centred in place, they are Xc and Yc.
  const s = regressionStatistics(X, Y, n, m, d, { center: true, inPlace: true });
  return { Xc: X, Yc: Y, yMean: s.meanY, G: s.G, C: s.C, yty: s.yty };
}

/**
 * Fits the VAR of one window and predicts its frames p … L−1, differentiably.
 *
 * @param z Latent sequence, L×d (float32).
 * @param options Order and λ rule.
 * @returns Predictions and the fit.
 * @throws {SparsedynError} For an order that leaves no rows, or an invalid λ rule.
 */
export function varLayer(z: Tensor2D, options: VarLayerOptions): VarLayerOutput {
  const p = options.lags;
  const [L, d] = z.shape;
  checkVarLayerOptions(L, options);
  const n = L - p, m = p * d;
  let fit!: LassoFit;
  // Forward and backward in float64 JavaScript on the window's values (L×d, a few thousand
  // numbers): as backend ops they were ~40 tiny kernels per step, each paying a dispatch
  // (and, with threads, a wake-up of the pool) that cost more than its arithmetic.
  const body = (zIn: Tensor) => {
    const w = windowStatistics(zIn.dataSync(), L, d, p);
    const stats = fitWindowLasso(w.G, w.C, n, options, options.bic ? w.yty : undefined);
    fit = stats.fit;
    // Ŷ = Xc β + ȳ.
    const pred = product(w.Xc, fit.beta, n, m, d);
    for (let i = 0; i < n * d; i++) pred[i] += w.yMean[i % d];
    const value = tf.tensor2d(Float32Array.from(pred), [n, d]);
    const gradFunc = (dy: Tensor) => {
      const dY = Float64Array.from(dy.dataSync());
      const dBeta = crossProduct(w.Xc, dY, n, m, d);
      const adj = windowLassoAdjoint(stats, dBeta, options);
      // Float64 throughout: the products' loops then see one array type (mixed float32 and
      // float64 arguments made them 3–4× slower).
      const gradGSym = Float64Array.from(adj.gradGSym), gradC = Float64Array.from(adj.gradC);
      // dXc = dŶ βᵀ + Xc (Ḡ + Ḡᵀ) + Yc C̄ᵀ,  dYc = Xc C̄.
      const dXc = productTransposed(dY, fit.beta, n, d, m);
      addInto(dXc, product(w.Xc, gradGSym, n, m, m));
      addInto(dXc, productTransposed(w.Yc, gradC, n, d, m));
      const dYc = product(w.Xc, gradC, n, m, d);
      // Centring: subtract the column means of the gradient; the intercept adds dŶ's mean.
      const xBar = columnMeans(dXc, n, m), yBar = columnMeans(dYc, n, d);
      const dyBar = columnMeans(dY, n, d);
      // Un-lag: X's block k came from z[p−k … L−1−k], Y from z[p … L−1].
      const dz = new Float32Array(L * d);
      for (let t = 0; t < n; t++) {
        for (let j = 0; j < d; j++) {
          dz[(t + p) * d + j] += dYc[t * d + j] - yBar[j] + dyBar[j];
        }
        for (let k = 1; k <= p; k++) {
          const o = (t + p - k) * d, a0 = (k - 1) * d;
          for (let j = 0; j < d; j++) dz[o + j] += dXc[t * m + a0 + j] - xBar[a0 + j];
        }
      }
      return [tf.tensor2d(dz, [L, d])];
    };
    return { value, gradFunc };
  };
  // customGrad's typing takes a variadic (Tensor | GradSaveFunc)[]; ours has one input.
  const f = tf.customGrad(body as unknown as Parameters<typeof tf.customGrad>[0]);
  const prediction = f(z) as Tensor2D;
  return { prediction, fit };
}

/** The one-step prediction loss of a window, on standardised latents. */
export interface VarLossOutput {
  /** Mean squared one-step prediction error of the standardised latents (scalar). */
  loss: Scalar;
  /** The VAR layer's output on the standardised latents. */
  layer: VarLayerOutput;
  /** The predicted latents z_p … z_{L−1} back on the original scale (n×d). */
  prediction: Tensor2D;
}

/**
 * The latent prediction loss that cannot be lowered by shrinking the latents: each latent
 * is standardised over the window (mean 0, standard deviation 1) before the VAR, so the
 * loss is invariant to a rescaling of z and an encoder cannot "win" by collapsing its
 * output towards 0. Gradients flow through the standardisation.
 *
 * @param z Latent sequence, L×d.
 * @param options As for {@link varLayer}.
 * @param eps Relative variance floor (default 1e-6): eps × the mean variance of the latents
 *   is added to each, so a constant latent does not divide by 0 and the loss stays exactly
 *   invariant to a common rescaling.
 * @returns The loss and the layer's output.
 *
 * @example
 * ```ts
 * import { varLoss } from "./var_layer.ts";
 * import { tf } from "./tf.ts";
 *
 * await tf.setBackend("cpu");
 * const z = tf.randomNormal([50, 2], 0, 1, "float32", 3) as tf.Tensor2D;
 * const a = varLoss(z, { lags: 1, lambdaFraction: 0.1 }).loss.dataSync()[0];
 * const b = varLoss(tf.mul(z, 0.01) as tf.Tensor2D, { lags: 1, lambdaFraction: 0.1 }).loss.dataSync()[0];
 * if (Math.abs(a - b) > 1e-3 * a) throw new Error(`${a} vs ${b}`);
 * ```
 */
export function varLoss(z: Tensor2D, options: VarLayerOptions, eps = 1e-6): VarLossOutput {
  return standardisedLoss(z, options.lags, (zs) => varLayer(zs, options), eps);
}

/**
 * Each latent standardised over the window, with {@link varLoss}'s variance floor.
 *
 * @param z Latent sequence, L×d.
 * @param eps Relative variance floor.
 * @returns zs = (z − mean)/scale, with mean and scale (1×d each).
 */
export function standardise(
  z: Tensor2D,
  eps = 1e-6,
): { zs: Tensor2D; mean: Tensor2D; scale: Tensor2D } {
  const { mean, variance } = tf.moments(z, 0, true);
  const floor = tf.mul(tf.mean(variance), eps);
  const scale = tf.sqrt(tf.add(variance, floor)) as Tensor2D;
  return { zs: tf.div(tf.sub(z, mean), scale) as Tensor2D, mean: mean as Tensor2D, scale };
}

/**
 * {@link varLoss} around any predictor of the standardised latents: the VAR layer, or (for
 * a step whose fit was read asynchronously) the same prediction with β held fixed.
 *
 * @param z Latent sequence, L×d.
 * @param lags VAR order p.
 * @param layer Predicts zs_p … zs_{L−1} (n×d) from the standardised latents.
 * @param eps Relative variance floor.
 * @returns The loss, the predictor's output and the prediction on the original scale.
 */
export function standardisedLoss<T extends { prediction: Tensor2D }>(
  z: Tensor2D,
  lags: number,
  layer: (zs: Tensor2D) => T,
  eps = 1e-6,
): { loss: Scalar; layer: T; prediction: Tensor2D } {
  const { zs, mean, scale } = standardise(z, eps);
  const out = layer(zs);
  const target = tf.slice(zs, [lags, 0], [-1, -1]);
  const loss = tf.mean(tf.square(tf.sub(out.prediction, target))) as Scalar;
  const prediction = tf.add(tf.mul(out.prediction, scale), mean) as Tensor2D;
  return { loss, layer: out, prediction };
}
