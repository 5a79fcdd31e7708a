/**
 * Principal components of several recordings pooled, to test conditions on a few
 * components instead of many latent dimensions.
 *
 * Why: the condition test's statistic sums squared t over all p·d² coefficients. With a
 * trained model's d = 32 latents that is 1024 coefficients, each estimated from one
 * window, and a change in a handful of them drowns in the noise of the rest (measured on
 * the demo's two-condition movie: p = 0.21 on 32 latents, p = 0.001 on their first 8
 * components). The components are computed from all recordings of both conditions
 * pooled, without their labels, so every relabeling of the permutation test sees the same
 * projection and the test stays exact.
 *
 * @example
 * ```ts
 * import { principalComponents, projectRecording } from "./principal_components.ts";
 *
 * // Two series moving together: one component holds all the variance.
 * const s = Float64Array.from({ length: 200 }, (_, q) => Math.sin(Math.floor(q / 2)));
 * const pc = principalComponents([{ series: s, T: 100, d: 2 }], 1);
 * if (Math.abs(pc.explained - 1) > 1e-9) throw new Error(String(pc.explained));
 * const z = projectRecording({ series: s, T: 100, d: 2 }, pc);
 * if (z.d !== 1 || z.series.length !== 100) throw new Error("T×k");
 * ```
 *
 * @module
 */
import { SparsedynError } from "../errors.ts";
import type { Recording } from "./series_windows.ts";

/** The leading principal components of pooled recordings. */
export interface PrincipalComponents {
  /** Series per recording. */
  d: number;
  /** Components kept. */
  k: number;
  /** Pooled mean per series. */
  mean: Float64Array;
  /** Components, k×d row-major (unit vectors, by decreasing variance; sign: largest entry positive). */
  vectors: Float64Array;
  /** Variance along each component. */
  variances: Float64Array;
  /** Share of the total variance the k components hold. */
  explained: number;
}

/**
 * Eigenvalues and eigenvectors of a symmetric matrix by cyclic Jacobi rotations: exact to
 * rounding for the small matrices (d ≤ a few hundred) of latent covariances.
 */
function symmetricEigen(
  S: Float64Array,
  n: number,
): { values: Float64Array; vectors: Float64Array } {
  const a = Float64Array.from(S);
  const v = new Float64Array(n * n);
  for (let i = 0; i < n; i++) v[i * n + i] = 1;
  for (let sweep = 0; sweep < 100; sweep++) {
    let off = 0, total = 0;
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < n; j++) {
        total += a[i * n + j] ** 2;
        if (i !== j) off += a[i * n + j] ** 2;
      }
    }
    if (off <= 1e-30 * total || off === 0) break;
    for (let p = 0; p < n - 1; p++) {
      for (let q = p + 1; q < n; q++) {
        const apq = a[p * n + q];
        if (apq === 0) continue;
        const theta = (a[q * n + q] - a[p * n + p]) / (2 * apq);
        const t = Math.sign(theta || 1) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
        const c = 1 / Math.sqrt(t * t + 1), s = t * c;
        for (let r = 0; r < n; r++) {
          const arp = a[r * n + p], arq = a[r * n + q];
          a[r * n + p] = c * arp - s * arq;
          a[r * n + q] = s * arp + c * arq;
        }
        for (let r = 0; r < n; r++) {
          const apr = a[p * n + r], aqr = a[q * n + r];
          a[p * n + r] = c * apr - s * aqr;
          a[q * n + r] = s * apr + c * aqr;
        }
        for (let r = 0; r < n; r++) {
          const vrp = v[r * n + p], vrq = v[r * n + q];
          v[r * n + p] = c * vrp - s * vrq;
          v[r * n + q] = s * vrp + c * vrq;
        }
      }
    }
  }
  const values = new Float64Array(n);
  for (let i = 0; i < n; i++) values[i] = a[i * n + i];
  return { values, vectors: v };
}

/**
 * The k leading principal components of the recordings pooled (their labels unused).
 *
 * @param recordings T×d series, all with the same d.
 * @param k Components to keep, 1 ≤ k ≤ d.
 * @returns Mean, components, variances and explained share.
 * @throws {SparsedynError} `INVALID_ARGUMENT` for k out of range or recordings whose d differ.
 */
export function principalComponents(
  recordings: readonly Recording[],
  k: number,
): PrincipalComponents {
  if (recordings.length === 0) {
    throw new SparsedynError("INVALID_ARGUMENT", "no recordings", { argument: "recordings" });
  }
  const d = recordings[0].d;
  if (!Number.isInteger(k) || k < 1 || k > d) {
    throw new SparsedynError(
      "INVALID_ARGUMENT",
      `components must be an integer in [1, ${d}] (the series); got ${k}`,
      { argument: "components" },
    );
  }
  const mean = new Float64Array(d);
  let N = 0;
  for (const r of recordings) {
    if (r.d !== d) {
      throw new SparsedynError(
        "INVALID_ARGUMENT",
        `${r.name ?? "a recording"}: ${r.d} series, but the others have ${d}`,
        { argument: "recordings" },
      );
    }
    for (let t = 0; t < r.T; t++) for (let j = 0; j < d; j++) mean[j] += r.series[t * d + j];
    N += r.T;
  }
  for (let j = 0; j < d; j++) mean[j] /= N;
  // The covariance of deviations divided by one power of two near their largest size
  // (exact, and the same for every column, so the components do not change): squares of
  // series at 1e160 would overflow, at 1e-160 underflow.
  let big = 0;
  for (const r of recordings) {
    for (let t = 0; t < r.T; t++) {
      for (let j = 0; j < d; j++) big = Math.max(big, Math.abs(r.series[t * d + j] - mean[j]));
    }
  }
  const unit = big > 0 && Number.isFinite(big) ? 2 ** Math.floor(Math.log2(big)) : 1;
  const cov = new Float64Array(d * d);
  const x = new Float64Array(d);
  for (const r of recordings) {
    for (let t = 0; t < r.T; t++) {
      for (let j = 0; j < d; j++) x[j] = (r.series[t * d + j] - mean[j]) / unit;
      for (let i = 0; i < d; i++) {
        const xi = x[i];
        for (let j = i; j < d; j++) cov[i * d + j] += xi * x[j];
      }
    }
  }
  for (let i = 0; i < d; i++) {
    for (let j = i; j < d; j++) cov[j * d + i] = cov[i * d + j] /= N;
  }
  const { values, vectors } = symmetricEigen(cov, d);
  const order = Array.from({ length: d }, (_, i) => i).sort((p, q) => values[q] - values[p]);
  const out = new Float64Array(k * d), variances = new Float64Array(k);
  let total = 0, kept = 0;
  for (let i = 0; i < d; i++) total += Math.max(values[i], 0);
  for (let c = 0; c < k; c++) {
    const col = order[c];
    let lead = 0;
    for (let j = 0; j < d; j++) {
      if (Math.abs(vectors[j * d + col]) > Math.abs(vectors[lead * d + col])) lead = j;
    }
    const sign = vectors[lead * d + col] < 0 ? -1 : 1;
    for (let j = 0; j < d; j++) out[c * d + j] = sign * vectors[j * d + col];
    kept += Math.max(values[col], 0);
    variances[c] = Math.max(values[col], 0) * unit * unit;
  }
  return { d, k, mean, vectors: out, variances, explained: total > 0 ? kept / total : 0 };
}

/**
 * A recording's scores on the components: (z_t − mean)·V_c for each component c.
 *
 * @param r A T×d recording.
 * @param pc Components from {@link principalComponents}.
 * @returns The T×k recording (same name).
 */
export function projectRecording(r: Recording, pc: PrincipalComponents): Recording {
  const { d, k, mean, vectors } = pc;
  const s = new Float64Array(r.T * k);
  for (let t = 0; t < r.T; t++) {
    for (let c = 0; c < k; c++) {
      let v = 0;
      for (let j = 0; j < d; j++) v += (r.series[t * d + j] - mean[j]) * vectors[c * d + j];
      s[t * k + c] = v;
    }
  }
  return { ...r, series: s, T: r.T, d: k };
}
