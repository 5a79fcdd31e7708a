/**
 * Principal component analysis of movie frames (T frames of P pixels), the pixel-space
 * baseline a trained model's latents are compared with.
 *
 * The components are the leading eigenvectors of the covariance of the centred frames
 * Xc (T×P). Whichever of the two symmetric matrices is smaller is decomposed:
 *
 * - T < P: the Gram matrix K = Xc Xcᵀ (T×T); if K v = λ v then u = Xcᵀ v / √λ is a unit
 *   eigenvector of Xcᵀ Xc with the same λ.
 * - otherwise: the scatter matrix Xcᵀ Xc (P×P) itself.
 *
 * Frames are centred and accumulated in float64, in panels of pixels (or frames) so that
 * the T·P·min(T, P)/2 multiply-adds run from cache, 4×4 outputs at a time.
 *
 * Measured on one core of a 2-core Xeon VM (Deno 2.9): T = 1500, P = 40 000, k = 32 in
 * 21–24 s (the Gram matrix, T²P/2 = 4.5·10¹⁰ multiply-adds, is most of it); T = 600,
 * P = 1024, k = 8 in 0.4 s.
 *
 * Variances are λ/(T − 1), as in scikit-learn's `explained_variance_`. The number of
 * components k may be 0 … min(T − 1, P): centred frames span at most T − 1 directions,
 * and asking for more is an error rather than a silent clamp, so that a result's k is
 * always the k asked for. Directions of (numerically) zero training variance, as in a
 * constant movie, are not determined by the data: they are returned as unit vectors
 * orthogonal to the others (the first pixels' unit vectors, orthogonalised), with
 * variance 0, so that the rows stay orthonormal and the result reproducible. Each
 * component's largest-magnitude pixel is positive.
 *
 * @example
 * ```ts
 * import { fitFramePca, pcaReconstruct, pcaScores } from "./frame_pca.ts";
 *
 * // Frames of 3 pixels moving along one direction [1, 2, 2]/3 around [5, 5, 5].
 * const T = 4, P = 3, a = [-1, 2, 0, -1];
 * const frames = Float32Array.from({ length: T * P }, (_, q) => 5 + a[Math.floor(q / P)] * [1, 2, 2][q % P]);
 * const pca = fitFramePca(frames, T, P, 1);
 * if (Math.abs(pca.components[1] - 2 / 3) > 1e-12) throw new Error(String(pca.components));
 * const back = pcaReconstruct(pca, pcaScores(pca, frames, T), T);
 * if (back.some((v, q) => Math.abs(v - frames[q]) > 1e-5)) throw new Error("rank 1 is exact");
 * ```
 *
 * @module
 */
import { SparsedynError } from "../errors.ts";
import { symmetricEigen } from "./symmetric_eigen.ts";

/** A PCA of frames. */
export interface FramePca {
  /** Pixels per frame. */
  P: number;
  /** Components kept. */
  k: number;
  /** Mean frame, P. */
  mean: Float64Array;
  /** k×P row-major: orthonormal rows, by decreasing variance. */
  components: Float64Array;
  /** Variance along each component (k), divided by T − 1 as scikit-learn does. */
  variances: Float64Array;
}

/** Pixels (Gram route) or frames (scatter route) per panel: 256 × 8 B rows stay in L1/L2. */
const PANEL = 256;
const EPS = 2 ** -52;

/**
 * Fits a PCA with k components to frames.
 *
 * @param frames T×P frame-major (frame t is `frames[t*P … t*P+P)`).
 * @param T Frames, ≥ 1.
 * @param P Pixels per frame, ≥ 1.
 * @param k Components, an integer in [0, min(T − 1, P)].
 * @returns The mean frame, k orthonormal components and their variances.
 * @throws {SparsedynError} `INVALID_ARGUMENT` for sizes or a k that do not fit,
 *   `NON_FINITE` for a NaN or infinite pixel.
 */
export function fitFramePca(frames: Float32Array, T: number, P: number, k: number): FramePca {
  checkCount("T", T, 1);
  checkCount("P", P, 1);
  checkFrames(frames, T, P);
  const kMax = Math.min(T - 1, P);
  if (!Number.isInteger(k) || k < 0 || k > kMax) {
    throw new SparsedynError(
      "INVALID_ARGUMENT",
      `k must be an integer in [0, min(T − 1, P)] = [0, ${kMax}]; got ${k}`,
      { argument: "k" },
    );
  }
  const mean = new Float64Array(P);
  for (let t = 0; t < T; t++) {
    const r = t * P;
    for (let p = 0; p < P; p++) {
      const v = frames[r + p];
      if (!Number.isFinite(v)) {
        throw new SparsedynError("NON_FINITE", `frames[${t}] has ${v} at pixel ${p}`, {
          argument: "frames",
        });
      }
      mean[p] += v;
    }
  }
  for (let p = 0; p < P; p++) mean[p] /= T;
  const components = new Float64Array(k * P), variances = new Float64Array(k);
  if (k > 0) {
    if (T < P) gramRoute(frames, T, P, k, mean, components, variances);
    else scatterRoute(frames, T, P, k, mean, components, variances);
  }
  return { P, k, mean, components, variances };
}

/** Gram route: eigenvectors v of Xc Xcᵀ, components Xcᵀ v / √λ. */
function gramRoute(
  frames: Float32Array,
  T: number,
  P: number,
  k: number,
  mean: Float64Array,
  components: Float64Array,
  variances: Float64Array,
) {
  const K = new Float64Array(T * T);
  const panel = new Float64Array(T * PANEL);
  for (let p0 = 0; p0 < P; p0 += PANEL) {
    const w = Math.min(PANEL, P - p0);
    centredPixelPanel(frames, T, P, mean, p0, w, panel);
    addGram(panel, T, w, K);
  }
  mirror(K, T);
  const eig = symmetricEigen(K, T, { count: k });
  // Eigenvalues below n·ε·λ₁ are rounding noise: their √λ would amplify the noise, so
  // those directions count as undetermined (zero variance) and are filled in below.
  const tiny = Math.max(eig.values[0], 0) * T * EPS;
  const good: number[] = [];
  for (let c = 0; c < k; c++) {
    const lam = eig.values[c];
    variances[c] = Math.max(lam, 0) / (T - 1);
    if (lam > tiny) good.push(c);
  }
  // u_c = Σ_t v_c[t]·xc_t / √λ_c, over pixel panels again (centring exact in float64).
  for (let p0 = 0; p0 < P; p0 += PANEL) {
    const w = Math.min(PANEL, P - p0);
    centredPixelPanel(frames, T, P, mean, p0, w, panel);
    for (const c of good) {
      const v = eig.vectors.subarray(c * T, c * T + T);
      const out = components.subarray(c * P + p0, c * P + p0 + w);
      for (let t = 0; t < T; t++) {
        const vt = v[t];
        if (vt === 0) continue;
        const r = t * w;
        for (let q = 0; q < w; q++) out[q] += vt * panel[r + q];
      }
    }
  }
  for (const c of good) {
    const s = 1 / Math.sqrt(eig.values[c]);
    const row = components.subarray(c * P, c * P + P);
    for (let q = 0; q < P; q++) row[q] *= s;
  }
  orthonormalize(components, k, P, new Set(good));
}

/** Scatter route (P ≤ T): the eigenvectors of Xcᵀ Xc are the components. */
function scatterRoute(
  frames: Float32Array,
  T: number,
  P: number,
  k: number,
  mean: Float64Array,
  components: Float64Array,
  variances: Float64Array,
) {
  const S = new Float64Array(P * P);
  const panel = new Float64Array(P * PANEL);
  for (let t0 = 0; t0 < T; t0 += PANEL) {
    const w = Math.min(PANEL, T - t0);
    // Transposed panel: row p holds pixel p of frames t0 … t0+w−1, centred.
    for (let s = 0; s < w; s++) {
      const r = (t0 + s) * P;
      for (let p = 0; p < P; p++) panel[p * w + s] = frames[r + p] - mean[p];
    }
    addGram(panel, P, w, S);
  }
  mirror(S, P);
  const eig = symmetricEigen(S, P, { count: k });
  components.set(eig.vectors);
  for (let c = 0; c < k; c++) variances[c] = Math.max(eig.values[c], 0) / (T - 1);
}

/** panel (T×w) ← frames[:, p0 … p0+w) − mean, in float64. */
function centredPixelPanel(
  frames: Float32Array,
  T: number,
  P: number,
  mean: Float64Array,
  p0: number,
  w: number,
  panel: Float64Array,
) {
  for (let t = 0; t < T; t++) {
    const src = t * P + p0, dst = t * w;
    for (let q = 0; q < w; q++) panel[dst + q] = frames[src + q] - mean[p0 + q];
  }
}

/**
 * K += X Xᵀ on the upper triangle (and the diagonal 4×4 blocks whole), X rows×len
 * row-major. Sixteen accumulators per 4×4 block: each loaded value is used four times.
 */
function addGram(X: Float64Array, rows: number, len: number, K: Float64Array) {
  const n = rows;
  const r4 = rows - (rows % 4);
  for (let i = 0; i < r4; i += 4) {
    const a0 = i * len, a1 = a0 + len, a2 = a1 + len, a3 = a2 + len;
    let j = i;
    for (; j < r4; j += 4) {
      const b0 = j * len, b1 = b0 + len, b2 = b1 + len, b3 = b2 + len;
      let s00 = 0, s01 = 0, s02 = 0, s03 = 0, s10 = 0, s11 = 0, s12 = 0, s13 = 0;
      let s20 = 0, s21 = 0, s22 = 0, s23 = 0, s30 = 0, s31 = 0, s32 = 0, s33 = 0;
      for (let q = 0; q < len; q++) {
        const x0 = X[a0 + q], x1 = X[a1 + q], x2 = X[a2 + q], x3 = X[a3 + q];
        const y0 = X[b0 + q], y1 = X[b1 + q], y2 = X[b2 + q], y3 = X[b3 + q];
        s00 += x0 * y0, s01 += x0 * y1, s02 += x0 * y2, s03 += x0 * y3;
        s10 += x1 * y0, s11 += x1 * y1, s12 += x1 * y2, s13 += x1 * y3;
        s20 += x2 * y0, s21 += x2 * y1, s22 += x2 * y2, s23 += x2 * y3;
        s30 += x3 * y0, s31 += x3 * y1, s32 += x3 * y2, s33 += x3 * y3;
      }
      const k0 = i * n + j, k1 = k0 + n, k2 = k1 + n, k3 = k2 + n;
      K[k0] += s00, K[k0 + 1] += s01, K[k0 + 2] += s02, K[k0 + 3] += s03;
      K[k1] += s10, K[k1 + 1] += s11, K[k1 + 2] += s12, K[k1 + 3] += s13;
      K[k2] += s20, K[k2 + 1] += s21, K[k2 + 2] += s22, K[k2 + 3] += s23;
      K[k3] += s30, K[k3 + 1] += s31, K[k3 + 2] += s32, K[k3 + 3] += s33;
    }
    // The last rows % 4 columns, against the same four rows.
    for (; j < n; j++) {
      const b = j * len;
      let s0 = 0, s1 = 0, s2 = 0, s3 = 0;
      for (let q = 0; q < len; q++) {
        const y = X[b + q];
        s0 += X[a0 + q] * y, s1 += X[a1 + q] * y, s2 += X[a2 + q] * y, s3 += X[a3 + q] * y;
      }
      K[i * n + j] += s0, K[(i + 1) * n + j] += s1, K[(i + 2) * n + j] += s2;
      K[(i + 3) * n + j] += s3;
    }
  }
  for (let i = r4; i < n; i++) {
    const a = i * len;
    for (let j = i; j < n; j++) {
      const b = j * len;
      let s = 0;
      for (let q = 0; q < len; q++) s += X[a + q] * X[b + q];
      K[i * n + j] += s;
    }
  }
}

/** Copies the upper triangle onto the lower: an exactly symmetric matrix. */
function mirror(K: Float64Array, n: number) {
  for (let i = 0; i < n; i++) for (let j = i + 1; j < n; j++) K[j * n + i] = K[i * n + j];
}

/**
 * Makes the k rows orthonormal in order (modified Gram–Schmidt, twice: "twice is enough"),
 * which for the determined rows only removes rounding (Xcᵀv/√λ is orthonormal in exact
 * arithmetic). A row not in `determined` is replaced by the first pixel unit vector e_j
 * with at least half its squared length orthogonal to the rows before it (the best e_j
 * when none has), then orthogonalised like the others.
 */
function orthonormalize(U: Float64Array, k: number, P: number, determined: Set<number>) {
  for (let c = 0; c < k; c++) {
    const row = U.subarray(c * P, c * P + P);
    if (!determined.has(c)) {
      // ‖e_j − Σ u_{c'}[j] u_{c'}‖² = 1 − Σ u_{c'}[j]²: read off the entries.
      let best = 0, bestRes = -1;
      for (let j = 0; j < P; j++) {
        let proj = 0;
        for (let c2 = 0; c2 < c; c2++) proj += U[c2 * P + j] ** 2;
        if (1 - proj > bestRes) (best = j), (bestRes = 1 - proj);
        if (1 - proj >= 0.5) break;
      }
      row.fill(0);
      row[best] = 1;
    }
    for (let pass = 0; pass < 2; pass++) {
      for (let c2 = 0; c2 < c; c2++) {
        const other = U.subarray(c2 * P, c2 * P + P);
        let dot = 0;
        for (let q = 0; q < P; q++) dot += row[q] * other[q];
        for (let q = 0; q < P; q++) row[q] -= dot * other[q];
      }
    }
    let nrm = 0;
    for (let q = 0; q < P; q++) nrm += row[q] * row[q];
    nrm = Math.sqrt(nrm);
    let big = 0;
    for (let q = 0; q < P; q++) {
      row[q] /= nrm;
      if (Math.abs(row[q]) > Math.abs(row[big])) big = q;
    }
    if (row[big] < 0) { for (let q = 0; q < P; q++) row[q] = -row[q]; }
  }
}

/**
 * Scores of frames on the components: s[t, c] = (x_t − mean)·u_c.
 *
 * @param pca A PCA from {@link fitFramePca}.
 * @param frames T×P frame-major (P = pca.P).
 * @param T Frames, ≥ 0.
 * @returns T×k row-major.
 * @throws {SparsedynError} `INVALID_ARGUMENT` when the sizes do not fit.
 *
 * @example
 * ```ts
 * import { pcaScores } from "./frame_pca.ts";
 *
 * const pca = {
 *   P: 2, k: 1, mean: Float64Array.of(1, 1),
 *   components: Float64Array.of(0.6, 0.8), variances: Float64Array.of(1),
 * };
 * const s = pcaScores(pca, Float32Array.of(2, 3), 1);
 * if (Math.abs(s[0] - 2.2) > 1e-12) throw new Error(String(s[0])); // 0.6·1 + 0.8·2
 * ```
 */
export function pcaScores(pca: FramePca, frames: Float32Array, T: number): Float64Array {
  const { P, k, mean, components: U } = pca;
  checkCount("T", T, 0);
  checkFrames(frames, T, P);
  const out = new Float64Array(T * k);
  const x = new Float64Array(P);
  const k4 = k - (k % 4);
  for (let t = 0; t < T; t++) {
    const r = t * P;
    for (let p = 0; p < P; p++) x[p] = frames[r + p] - mean[p];
    let c = 0;
    for (; c < k4; c += 4) {
      const u0 = c * P, u1 = u0 + P, u2 = u1 + P, u3 = u2 + P;
      let s0 = 0, s1 = 0, s2 = 0, s3 = 0;
      for (let p = 0; p < P; p++) {
        const v = x[p];
        s0 += U[u0 + p] * v, s1 += U[u1 + p] * v, s2 += U[u2 + p] * v, s3 += U[u3 + p] * v;
      }
      out[t * k + c] = s0, out[t * k + c + 1] = s1, out[t * k + c + 2] = s2;
      out[t * k + c + 3] = s3;
    }
    for (; c < k; c++) {
      const u = c * P;
      let s = 0;
      for (let p = 0; p < P; p++) s += U[u + p] * x[p];
      out[t * k + c] = s;
    }
  }
  return out;
}

/**
 * Frames rebuilt from scores: x̂_t = mean + Σ_c s[t, c]·u_c, summed in float64.
 *
 * @param pca A PCA from {@link fitFramePca}.
 * @param scores T×k row-major (k = pca.k).
 * @param T Frames, ≥ 0.
 * @returns T×P frame-major.
 * @throws {SparsedynError} `INVALID_ARGUMENT` when the sizes do not fit.
 *
 * @example
 * ```ts
 * import { pcaReconstruct } from "./frame_pca.ts";
 *
 * const pca = {
 *   P: 2, k: 1, mean: Float64Array.of(1, 1),
 *   components: Float64Array.of(0.6, 0.8), variances: Float64Array.of(1),
 * };
 * const x = pcaReconstruct(pca, Float64Array.of(5), 1);
 * if (x.join() !== "4,5") throw new Error(x.join());
 * ```
 */
export function pcaReconstruct(pca: FramePca, scores: Float64Array, T: number): Float32Array {
  const { P, k, mean, components: U } = pca;
  checkCount("T", T, 0);
  if (!(scores instanceof Float64Array) || scores.length !== T * k) {
    throw new SparsedynError(
      "INVALID_ARGUMENT",
      `scores must be a Float64Array of T×k = ${T * k} values; got ${scores?.length}`,
      { argument: "scores" },
    );
  }
  const out = new Float32Array(T * P);
  const acc = new Float64Array(P);
  for (let t = 0; t < T; t++) {
    acc.set(mean);
    for (let c = 0; c < k; c++) {
      const s = scores[t * k + c], u = c * P;
      if (s === 0) continue;
      for (let p = 0; p < P; p++) acc[p] += s * U[u + p];
    }
    out.set(acc, t * P);
  }
  return out;
}

function checkCount(name: string, v: number, min: number) {
  if (!Number.isInteger(v) || v < min) {
    throw new SparsedynError("INVALID_ARGUMENT", `${name} must be an integer ≥ ${min}; got ${v}`, {
      argument: name,
    });
  }
}

function checkFrames(frames: Float32Array, T: number, P: number) {
  if (!(frames instanceof Float32Array) || frames.length !== T * P) {
    throw new SparsedynError(
      "INVALID_ARGUMENT",
      `frames must be a Float32Array of T×P = ${T}×${P} = ${T * P} values; got ${frames?.length}`,
      { argument: "frames" },
    );
  }
}
