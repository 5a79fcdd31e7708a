/**
 * Long series for display: each of `buckets` equal spans of frames gives two points, its
 * minimum and its maximum in the order they occur, so a line through them draws the same
 * envelope as the full series (spikes survive) from 2·buckets points. Spans no longer than
 * the bucket count are returned whole.
 *
 * @example
 * ```ts
 * import { minMaxEnvelope } from "./downsample.ts";
 *
 * // 1 000 frames × 1 series, a spike at frame 500; 10 buckets → 20 points, spike kept.
 * const x = new Float64Array(1000);
 * x[500] = 9;
 * const e = minMaxEnvelope(x, 1000, 1, [0], 0, 1000, 10);
 * if (e.x.length !== 20 || Math.max(...e.ys[0]) !== 9) throw new Error("envelope");
 * ```
 *
 * @module
 */

/** Downsampled series: frame positions and one row per column asked for. */
export interface Envelope {
  /** Frame index of each point. */
  x: Float32Array;
  /** One array per requested column, aligned with `x` (NaN where the input is). */
  ys: Float32Array[];
}

/**
 * Min/max envelope of columns of a T × d row-major series over frames [from, to).
 *
 * Each bucket gives two points, at its first and last frame, so `x` is common to all rows
 * (one chart); each row puts there its bucket's extremes in the order they occur, so the
 * line between them rises or falls as the data did and every extreme is kept exactly.
 *
 * @param data Values, `T × d` row-major.
 * @param T Frames.
 * @param d Columns.
 * @param cols Columns to return.
 * @param from First frame (clamped to [0, T]).
 * @param to End frame, exclusive (clamped to [from, T]).
 * @param buckets Target number of buckets (≥ 1).
 * @returns Positions and values.
 */
export function minMaxEnvelope(
  data: ArrayLike<number>,
  T: number,
  d: number,
  cols: number[],
  from: number,
  to: number,
  buckets: number,
): Envelope {
  const a = Math.max(0, Math.min(T, Math.floor(from)));
  const b = Math.max(a, Math.min(T, Math.floor(to)));
  const n = b - a;
  if (n <= 2 * buckets) {
    const x = new Float32Array(n);
    for (let t = 0; t < n; t++) x[t] = a + t;
    const ys = cols.map((j) => {
      const y = new Float32Array(n);
      for (let t = 0; t < n; t++) y[t] = data[(a + t) * d + j];
      return y;
    });
    return { x, ys };
  }
  const B = Math.max(1, Math.floor(buckets));
  const x = new Float32Array(2 * B);
  const ys = cols.map(() => new Float32Array(2 * B));
  for (let k = 0; k < B; k++) {
    const s = a + Math.floor((k * n) / B), e = a + Math.floor(((k + 1) * n) / B);
    x[2 * k] = s;
    x[2 * k + 1] = e - 1;
    cols.forEach((j, c) => {
      let lo = Infinity, hi = -Infinity, tLo = s, tHi = s;
      for (let t = s; t < e; t++) {
        const v = data[t * d + j];
        if (Number.isNaN(v)) continue;
        if (v < lo) [lo, tLo] = [v, t];
        if (v > hi) [hi, tHi] = [v, t];
      }
      const y = ys[c];
      if (lo === Infinity) {
        y[2 * k] = y[2 * k + 1] = NaN;
      } else if (tLo <= tHi) {
        y[2 * k] = lo;
        y[2 * k + 1] = hi;
      } else {
        y[2 * k] = hi;
        y[2 * k + 1] = lo;
      }
    });
  }
  return { x, ys };
}
