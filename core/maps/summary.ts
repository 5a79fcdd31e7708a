/**
 * Numbers that say how concentrated a map is, without ground truth: where its peak and
 * centre of mass lie, the share of its mass on its top 5% of pixels, and its effective
 * area (the participation ratio (Σm)²/Σm² as a share of the frame: 1 for a flat map,
 * 1/P for a single pixel).
 *
 * @example
 * ```ts
 * import { summarizeMap } from "./summary.ts";
 *
 * const s = summarizeMap(Float32Array.of(0, 0, 0, 4), 2, 2);
 * if (s.peak.join() !== "1,1" || s.effectiveArea !== 0.25 || s.top5 !== 1) throw new Error(JSON.stringify(s));
 * ```
 *
 * @module
 */

/** The summary of one map (values taken by magnitude). */
export interface MapSummary {
  /** Σ |m|. */
  sum: number;
  /** max |m|. */
  max: number;
  /** [y, x] of the largest value. */
  peak: [number, number];
  /** [y, x] of the centre of mass. */
  centroid: [number, number];
  /** Share of the mass on the top 5% of pixels (at least one pixel). */
  top5: number;
  /** (Σ|m|)² / Σm² / P. */
  effectiveArea: number;
}

/**
 * Summarises a map.
 *
 * @param map H×W values.
 * @param height H.
 * @param width W.
 * @returns The summary (zeros and the centre for an all-zero map).
 */
export function summarizeMap(map: ArrayLike<number>, height: number, width: number): MapSummary {
  const P = height * width;
  const m = Float64Array.from({ length: P }, (_, q) => Math.abs(map[q]) || 0);
  let sum = 0, sq = 0, max = 0, at = 0, cy = 0, cx = 0;
  for (let q = 0; q < P; q++) {
    sum += m[q];
    sq += m[q] * m[q];
    if (m[q] > max) {
      max = m[q];
      at = q;
    }
    cy += m[q] * Math.floor(q / width);
    cx += m[q] * (q % width);
  }
  if (sum === 0) {
    return {
      sum: 0,
      max: 0,
      peak: [0, 0],
      centroid: [(height - 1) / 2, (width - 1) / 2],
      top5: 0,
      effectiveArea: 0,
    };
  }
  const sorted = Float64Array.from(m).sort().reverse();
  const n = Math.max(1, Math.round(0.05 * P));
  let top = 0;
  for (let q = 0; q < n; q++) top += sorted[q];
  return {
    sum,
    max,
    peak: [Math.floor(at / width), at % width],
    centroid: [cy / sum, cx / sum],
    top5: top / sum,
    effectiveArea: (sum * sum) / sq / P,
  };
}
