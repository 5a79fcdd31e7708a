/**
 * Colours shared by the islands and the server-rendered charts.
 *
 * @example
 * ```ts
 * import { diverging, seriesColor } from "./_colors.ts";
 *
 * if (diverging(0) !== "rgb(255,255,255)" || seriesColor(0) === seriesColor(1)) throw new Error("colours");
 * ```
 *
 * @module
 */

const PALETTE = [
  "#1f77b4",
  "#ff7f0e",
  "#2ca02c",
  "#d62728",
  "#9467bd",
  "#8c564b",
  "#e377c2",
  "#7f7f7f",
  "#bcbd22",
  "#17becf",
];

/**
 * The k-th series colour.
 *
 * @param k Index.
 * @returns A CSS colour.
 */
export function seriesColor(k: number): string {
  return PALETTE[k % PALETTE.length];
}

/**
 * Blue (−1) – white (0) – red (+1).
 *
 * @param v Value in [−1, 1] (clamped).
 * @returns A CSS rgb() colour.
 */
export function diverging(v: number): string {
  const x = Math.max(-1, Math.min(1, v));
  const a = Math.round(255 * (1 - Math.abs(x)));
  return x >= 0 ? `rgb(255,${a},${a})` : `rgb(${a},${a},255)`;
}
