/**
 * The summary images a scientist computes first from a movie: per-pixel mean, standard
 * deviation, maximum, and the local correlation image (how much a pixel's time series
 * moves with its neighbours', which is high inside a cell and near zero on noise).
 *
 * Definitions, for frames x(t, p), t = 0…T−1:
 *
 * - mean(p) = Σₜ x(t, p) / T; std(p) = √(Σₜ (x(t, p) − mean(p))² / T) (population, ddof 0);
 *   max(p) = maxₜ x(t, p);
 * - localCorrelation(p) = the mean, over the neighbours q of p among its 8 that lie inside
 *   the frame (5 on an edge, 3 in a corner), of the Pearson correlation of the series of
 *   p and q. A constant series (including every series of a one-frame movie) correlates 0
 *   with anything; a pixel with no neighbours (a 1×1 frame) gets 0.
 *
 * Two passes over the frames, float64 throughout: the first for mean and extremes, the
 * second for the centred sums of squares and of cross-products with the 4 forward
 * neighbours (right, down-left, down, down-right), each pair's correlation then added to
 * both of its pixels. Memory is O(H·W), never O(T·H·W), so a 1900×200×200 movie costs a
 * few megabytes besides its frames.
 *
 * @example
 * ```ts
 * import { summaryImages } from "./summary_images.ts";
 *
 * // Two pixels of a 1×2 frame that rise together over 3 frames: correlation 1.
 * const s = summaryImages(Float32Array.of(1, 2, 2, 4, 3, 6), 3, 1, 2);
 * if (s.mean[1] !== 4 || s.max[0] !== 3 || Math.abs(s.localCorrelation[0] - 1) > 1e-12) {
 *   throw new Error(JSON.stringify(s));
 * }
 * ```
 *
 * @module
 */
import { SparsedynError } from "../errors.ts";

/** The four summary images, each H×W row-major. */
export interface SummaryImages {
  /** Per-pixel mean over frames. */
  mean: Float64Array;
  /** Per-pixel population standard deviation (divided by T). */
  std: Float64Array;
  /** Per-pixel maximum over frames. */
  max: Float64Array;
  /** Mean Pearson correlation with the in-frame 8-neighbours (see the module description). */
  localCorrelation: Float64Array;
}

/**
 * Computes the mean, standard deviation, maximum and local correlation images.
 *
 * @param frames T×H×W values, frame-major (frame t, row y, column x at t·H·W + y·W + x);
 *   finite.
 * @param T Frames, ≥ 1.
 * @param H Frame height in pixels, ≥ 1.
 * @param W Frame width in pixels, ≥ 1.
 * @returns The four H×W images.
 * @throws {SparsedynError} `INVALID_ARGUMENT` when a size is not a positive integer,
 *   `frames` does not hold T·H·W values, or a value is not finite.
 *
 * @example A constant pixel has std 0 and correlates with nothing
 * ```ts
 * import { summaryImages } from "./summary_images.ts";
 *
 * const s = summaryImages(Float32Array.of(5, 1, 5, 2, 5, 0), 3, 1, 2);
 * if (s.std[0] !== 0 || s.localCorrelation[0] !== 0 || s.localCorrelation[1] !== 0) {
 *   throw new Error(JSON.stringify(s));
 * }
 * ```
 */
export function summaryImages(
  frames: Float32Array | Float64Array,
  T: number,
  H: number,
  W: number,
): SummaryImages {
  checkSizes(frames, T, H, W);
  const { mean, max, min } = extremes(frames, T, H, W);
  const { ss, sxy } = centredSums(frames, T, H, W, mean);
  // The mean of a constant series need not equal its value exactly in float64 (the sum
  // rounds), which would leave a tiny spurious spread; min = max says it is constant.
  const constant = new Uint8Array(H * W);
  const std = new Float64Array(H * W);
  for (let p = 0; p < H * W; p++) {
    constant[p] = min[p] === max[p] ? 1 : 0;
    std[p] = constant[p] ? 0 : Math.sqrt(ss[p] / T);
  }
  const localCorrelation = neighbourCorrelation(H, W, ss, sxy, constant);
  return { mean, std, max, localCorrelation };
}

/**
 * @throws {SparsedynError} `INVALID_ARGUMENT` when a size is not a positive integer or
 *   `frames` does not hold T·H·W values.
 */
function checkSizes(frames: ArrayLike<number>, T: number, H: number, W: number): void {
  for (const [name, v] of [["T", T], ["H", H], ["W", W]] as const) {
    if (!Number.isSafeInteger(v) || v < 1) {
      throw new SparsedynError("INVALID_ARGUMENT", `${name} must be an integer ≥ 1; got ${v}`, {
        argument: name,
      });
    }
  }
  const P = H * W;
  if (frames.length !== T * P) {
    throw new SparsedynError(
      "INVALID_ARGUMENT",
      `frames must hold T×H×W = ${T}×${H}×${W} = ${T * P} values; got ${frames.length}`,
      { argument: "frames" },
    );
  }
}

/**
 * Pass 1: per-pixel means, maxima and minima (a pixel whose min equals its max is
 * constant).
 *
 * @throws {SparsedynError} `INVALID_ARGUMENT` for a value that is not finite.
 */
function extremes(
  frames: ArrayLike<number>,
  T: number,
  H: number,
  W: number,
): { mean: Float64Array; max: Float64Array; min: Float64Array } {
  const P = H * W;
  const mean = new Float64Array(P), max = new Float64Array(P).fill(-Infinity);
  const min = new Float64Array(P).fill(Infinity);
  for (let t = 0; t < T; t++) {
    const base = t * P;
    for (let p = 0; p < P; p++) {
      const v = frames[base + p];
      mean[p] += v;
      if (v > max[p]) max[p] = v;
      if (v < min[p]) min[p] = v;
    }
  }
  for (let p = 0; p < P; p++) {
    // NaN fails both comparisons above and leaves max at −∞; ±∞ makes the sum non-finite.
    if (!Number.isFinite(mean[p]) || max[p] === -Infinity) nonFinite(frames, T, H, W, p);
    mean[p] /= T;
  }
  return { mean, max, min };
}

/**
 * Pass 2: centred sums of squares (`ss`) and cross-products with the 4 forward neighbours:
 * `sxy[4p + k]` pairs p with its k-th forward neighbour: right, down-left, down, down-right.
 */
function centredSums(
  frames: ArrayLike<number>,
  T: number,
  H: number,
  W: number,
  mean: Float64Array,
): { ss: Float64Array; sxy: Float64Array } {
  const P = H * W;
  const ss = new Float64Array(P), sxy = new Float64Array(4 * P), c = new Float64Array(P);
  for (let t = 0; t < T; t++) {
    const base = t * P;
    for (let p = 0; p < P; p++) {
      const d = frames[base + p] - mean[p];
      c[p] = d;
      ss[p] += d * d;
    }
    for (let y = 0; y < H; y++) {
      const row = y * W, hasBelow = y + 1 < H;
      for (let x = 0; x < W; x++) {
        const p = row + x, cp = c[p], o = 4 * p;
        if (x + 1 < W) sxy[o] += cp * c[p + 1];
        if (hasBelow) {
          if (x > 0) sxy[o + 1] += cp * c[p + W - 1];
          sxy[o + 2] += cp * c[p + W];
          if (x + 1 < W) sxy[o + 3] += cp * c[p + W + 1];
        }
      }
    }
  }
  return { ss, sxy };
}

/**
 * The local correlation image: each forward pair's correlation (0 where either pixel is
 * constant) added to both of its pixels, then averaged over each pixel's in-frame pairs.
 */
function neighbourCorrelation(
  H: number,
  W: number,
  ss: Float64Array,
  sxy: Float64Array,
  constant: Uint8Array,
): Float64Array {
  const P = H * W;
  const sum = new Float64Array(P), count = new Float64Array(P);
  const OFFSETS = [1, W - 1, W, W + 1];
  for (let y = 0; y < H; y++) {
    for (let x = 0; x < W; x++) {
      const p = y * W + x;
      for (let k = 0; k < 4; k++) {
        const inFrame = k === 0
          ? x + 1 < W
          : y + 1 < H && (k === 2 || (k === 1 ? x > 0 : x + 1 < W));
        if (!inFrame) continue;
        const q = p + OFFSETS[k];
        const r = constant[p] || constant[q] ? 0 : sxy[4 * p + k] / Math.sqrt(ss[p] * ss[q]);
        sum[p] += r;
        sum[q] += r;
        count[p]++;
        count[q]++;
      }
    }
  }
  const localCorrelation = new Float64Array(P);
  for (let p = 0; p < P; p++) localCorrelation[p] = count[p] > 0 ? sum[p] / count[p] : 0;
  return localCorrelation;
}

/** Throws for pixel p's first non-finite value (or for an overflowing sum). */
function nonFinite(frames: ArrayLike<number>, T: number, H: number, W: number, p: number): never {
  const P = H * W, y = Math.floor(p / W), x = p % W;
  for (let t = 0; t < T; t++) {
    const v = frames[t * P + p];
    if (!Number.isFinite(v)) {
      throw new SparsedynError(
        "INVALID_ARGUMENT",
        `frames holds ${v} at frame ${t}, pixel (${y}, ${x})`,
        { argument: "frames" },
      );
    }
  }
  throw new SparsedynError(
    "INVALID_ARGUMENT",
    `the values of pixel (${y}, ${x}) are too large to sum in float64`,
    { argument: "frames" },
  );
}
