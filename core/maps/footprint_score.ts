/**
 * How well a map points at the cells of a synthetic field of view, whose true footprints
 * are known (`planSynthetic(...).footprints`, peak 1 each).
 *
 * Pixels are classed by the largest footprint value over cells, f(p) = max_k F_k(p):
 *
 * - **inside** a cell: f(p) ≥ `inside` (default 0.5, the half-maximum contour: for the
 *   generator's Gaussian cells of σ = r/2, within 0.59·r of the centre);
 * - **outside** every cell: f(p) < `outside` (default 0.05, beyond 1.22·r);
 * - the rim between is left out of the AUC: a convolutional encoder's receptive field
 *   spills a pixel or two past a cell, and whether a rim pixel counts as cell or background
 *   is a matter of definition, not of the map's quality.
 *
 * **AUC**: the ROC AUC (Mann–Whitney) of the map's values on inside pixels against outside
 * pixels. **Localisation**: the share of the map's mass (sum of values) on pixels with
 * f(p) ≥ `outside` (the footprints' support, rim included); **chance**: the share of the
 * frame's pixels there, what a flat map scores.
 *
 * @example
 * ```ts
 * import { scoreAgainstFootprints } from "./footprint_score.ts";
 *
 * // One cell on pixels 0–1 of a 4-pixel frame; the map puts its mass there.
 * const s = scoreAgainstFootprints(Float32Array.of(3, 1, 0.1, 0), Float32Array.of(1, 0.6, 0.01, 0), 1);
 * if (s.auc !== 1 || Math.abs(s.localisation - 4 / 4.1) > 1e-6 || s.chance !== 0.5) throw new Error(JSON.stringify(s));
 * ```
 *
 * @module
 */
import { SparsedynError } from "../errors.ts";
import { rocAuc } from "./roc_auc.ts";

/** Thresholds on the footprint value (see the module description). */
export interface FootprintThresholds {
  /** A pixel is inside a cell where some footprint is ≥ this (default 0.5). */
  inside?: number;
  /** A pixel is outside every cell where all footprints are < this (default 0.05). */
  outside?: number;
}

/** The scores of one map. */
export interface FootprintScore {
  /** ROC AUC of inside against outside pixels (NaN when either class is empty). */
  auc: number;
  /** Share of the map's mass on the footprints' support. */
  localisation: number;
  /** Share of pixels on the support (a flat map's localisation). */
  chance: number;
}

/**
 * Scores a non-negative map against true footprints.
 *
 * @param map H×W, values ≥ 0 (e.g. a sum of |IG| maps).
 * @param footprints K×H×W, each with peak 1.
 * @param K Cells.
 * @param thresholds Inside / outside thresholds.
 * @returns AUC, localisation and its chance level.
 * @throws {SparsedynError} `INVALID_ARGUMENT` for sizes that do not match.
 */
export function scoreAgainstFootprints(
  map: ArrayLike<number>,
  footprints: ArrayLike<number>,
  K: number,
  thresholds: FootprintThresholds = {},
): FootprintScore {
  const P = map.length;
  if (!Number.isInteger(K) || K < 1 || footprints.length !== K * P) {
    throw new SparsedynError(
      "INVALID_ARGUMENT",
      `footprints must hold K×H×W = ${K}×${P} values; got ${footprints.length}`,
      { argument: "footprints" },
    );
  }
  const inside = thresholds.inside ?? 0.5, outside = thresholds.outside ?? 0.05;
  const scores: number[] = [], labels: boolean[] = [];
  let mass = 0, massOn = 0, support = 0;
  for (let q = 0; q < P; q++) {
    let f = 0;
    for (let k = 0; k < K; k++) f = Math.max(f, footprints[k * P + q]);
    const v = map[q];
    mass += v;
    if (f >= outside) {
      massOn += v;
      support++;
    }
    if (f >= inside || f < outside) {
      scores.push(v);
      labels.push(f >= inside);
    }
  }
  const positives = labels.filter((l) => l).length;
  const auc = positives > 0 && positives < labels.length ? rocAuc(scores, labels) : NaN;
  return { auc, localisation: massOn / mass, chance: support / P };
}
