/**
 * One sparse VAR(p) per window — the per-window models a condition test compares. Each
 * window gets the lasso path of all d equations on its own lagged design (intercept
 * included), λ chosen per equation by BIC (`fitVarLasso`); its coefficients, flattened
 * p×d×d, are the window's feature vector.
 *
 * Scale: by default every column is divided by its standard deviation pooled over all
 * windows of both conditions. The lasso penalty is not scale-invariant, so on raw latents
 * of very different scales it would favour the large ones; one scaling shared by both
 * conditions changes nothing about which condition a window comes from, so the test stays
 * valid. Coefficients are then in standardised units: A[i][j] · sd_j / sd_i.
 *
 * @example
 * ```ts
 * import { simulateVar } from "../data/synthetic_var.ts";
 * import { cutWindows } from "./series_windows.ts";
 * import { fitWindowVars } from "./window_var.ts";
 *
 * const sim = simulateVar({ d: 3, p: 1, T: 300, seed: 4 });
 * const w = cutWindows([{ series: sim.series, T: 300, d: 3 }], "a", { length: 100 });
 * const f = fitWindowVars(w, 1);
 * if (f.features.length !== 3 * 9 || f.q !== 9) throw new Error("3 windows × 9 coefficients");
 * ```
 *
 * @module
 */
import { SparsedynError } from "../errors.ts";
import { fitVarLasso } from "../var/fit_var_lasso.ts";
import { columnMoments } from "../var/_standardise.ts";
import { checkWindowSeries, type SeriesWindow } from "./series_windows.ts";

/** Window VARs, one row of coefficients per window. */
export interface WindowVars {
  /** N×q row-major: window n's `A[(k * d + i) * d + j]` (effect of j at lag k+1 on i). */
  features: Float64Array;
  /** Windows. */
  N: number;
  /** Coefficients per window, p·d·d. */
  q: number;
  /** Series. */
  d: number;
  /** Lags. */
  p: number;
  /** λ chosen per window and equation, N×d. */
  lambdas: Float64Array;
  /** The scale each column was divided by (1 when not standardised). */
  scale: Float64Array;
}

/**
 * Fits a sparse VAR(p) to every window.
 *
 * @param windows Windows of equal length and equal d.
 * @param p Lags.
 * @param options `standardize` (default true): divide each column by its pooled sd;
 *   `onProgress`: windows fitted so far and in all, after each window.
 * @returns The coefficients per window.
 * @throws {SparsedynError} `INVALID_ARGUMENT` naming the window for unequal lengths or d,
 *   T ≤ p, or a column constant over all windows; `NON_FINITE` for NaN or infinity.
 */
export function fitWindowVars(
  windows: readonly SeriesWindow[],
  p: number,
  options: { standardize?: boolean; onProgress?: (done: number, total: number) => void } = {},
): WindowVars {
  if (!Number.isInteger(p) || p < 1) {
    throw new SparsedynError("INVALID_ARGUMENT", `lags must be an integer ≥ 1; got ${p}`, {
      argument: "lags",
    });
  }
  const N = windows.length;
  if (N === 0) {
    throw new SparsedynError("INVALID_ARGUMENT", "no windows to fit", { argument: "windows" });
  }
  const { T, d } = windows[0];
  windows.forEach((w, n) => {
    const argument = `windows[${n}]`;
    const where = w.source
      ? `${w.source}${w.start !== undefined ? ` at ${w.start}` : ""}`
      : undefined;
    if (w.T !== T) {
      throw new SparsedynError(
        "INVALID_ARGUMENT",
        `${argument}${
          where ? ` (${where})` : ""
        }: length ${w.T}, but windows[0] has ${T}: windows must be of equal length (coefficient noise depends on it)`,
        { argument },
      );
    }
    if (w.d !== d) {
      throw new SparsedynError(
        "INVALID_ARGUMENT",
        `${argument}${where ? ` (${where})` : ""}: ${w.d} series, but windows[0] has ${d}`,
        { argument },
      );
    }
    // A still stretch inside one window is data (its coefficients come out zero);
    // columns constant everywhere are refused below.
    checkWindowSeries(w.series, w.T, w.d, p, argument, where, true);
  });
  const scale = new Float64Array(d).fill(1);
  if (options.standardize ?? true) {
    // Pooled over every window, at any scale of the data (see columnMoments).
    const all = new Float64Array(N * T * d);
    windows.forEach((w, n) => all.set(w.series, n * T * d));
    const { sd: pooled } = columnMoments(all, N * T, d);
    for (let j = 0; j < d; j++) {
      const sd = pooled[j];
      if (!(sd > 0)) {
        throw new SparsedynError(
          "INVALID_ARGUMENT",
          `column ${j} is constant over every window: it has no dynamics; drop it`,
          { argument: "windows" },
        );
      }
      scale[j] = sd;
    }
  }
  const q = p * d * d;
  const features = new Float64Array(N * q), lambdas = new Float64Array(N * d);
  const z = new Float64Array(T * d);
  windows.forEach((w, n) => {
    for (let k = 0; k < T * d; k++) z[k] = w.series[k] / scale[k % d];
    const fit = fitVarLasso(z, T, d, p);
    features.set(fit.A, n * q);
    lambdas.set(fit.lambdas, n * d);
    options.onProgress?.(n + 1, N);
  });
  return { features, N, q, d, p, lambdas, scale };
}
