/**
 * How well a map (H×W, any real values: a contribution map, a std or correlation image)
 * points at real cells, given as a label image (0 = no cell).
 *
 * - **auc**: the ROC AUC of the map's values on cell pixels against non-cell pixels
 *   (Mann–Whitney, ties ½); NaN when either class is empty.
 * - **massShare**: the share of the map's mass on cell pixels, the mass of a pixel being
 *   its value minus the map's minimum. Subtracting the minimum scores a map by its
 *   contrast: a map with negative values has no meaningful "mass", and a map with an
 *   offset (a mean image sits on the baseline fluorescence) would otherwise score near
 *   the chance level whatever its shape. A flat map has no mass: NaN.
 * - **topShare**: among the ⌈P/10⌉ pixels with the largest values (P pixels in all), the
 *   fraction on cells. Ties are broken by pixel index, lowest first, so that the score is
 *   a function of the map alone and reproducible (NumPy: `np.lexsort((idx, -map))`).
 * - **chance**: the fraction of the frame's pixels on cells — what a random map's mass
 *   share and top share come to on average.
 *
 * @example
 * ```ts
 * import { scoreAgainstCells } from "./cell_score.ts";
 *
 * // A 1×4 frame, one cell on pixels 0–1; the map is highest there.
 * const s = scoreAgainstCells([5, 3, 1, 1], Int32Array.of(1, 1, 0, 0));
 * if (s.auc !== 1 || s.massShare !== 1 || s.topShare !== 1 || s.chance !== 0.5) {
 *   throw new Error(JSON.stringify(s));
 * }
 * ```
 *
 * @module
 */
import { SparsedynError } from "../errors.ts";
import { rocAuc } from "../maps/roc_auc.ts";
import type { CellMask } from "./cell_masks.ts";

/** The scores of one map against the cells. */
export interface CellScore {
  /** ROC AUC of cell against non-cell pixels (NaN when either class is empty). */
  auc: number;
  /** Share of the map's mass (value − min) on cell pixels (NaN for a flat map). */
  massShare: number;
  /** Fraction of cell pixels among the top ⌈10 %⌉ of pixels by value. */
  topShare: number;
  /** Fraction of the frame's pixels that are cell pixels. */
  chance: number;
}

/**
 * Scores a map against ground-truth cells.
 *
 * @param map H×W values, row-major; finite.
 * @param mask The cells: a {@link CellMask} of the same frame, or its H×W label image
 *   (0 = no cell, > 0 = a cell).
 * @returns AUC, mass share, top share and the chance level (see the module description).
 * @throws {SparsedynError} `INVALID_ARGUMENT` when the map is empty, its size differs from
 *   the mask's, or a value is not finite.
 *
 * @example A map with an offset is scored by its contrast
 * ```ts
 * import { scoreAgainstCells } from "./cell_score.ts";
 *
 * // Values 100 + (2, 1, 0, 1): the mass is (2, 1, 0, 1), 3 of 4 on the cell.
 * const s = scoreAgainstCells([102, 101, 100, 101], Int32Array.of(1, 1, 0, 0));
 * if (s.massShare !== 0.75) throw new Error(String(s.massShare));
 * ```
 */
export function scoreAgainstCells(
  map: ArrayLike<number>,
  mask: CellMask | Int32Array,
): CellScore {
  const labels = mask instanceof Int32Array ? mask : mask.labels;
  const P = map.length;
  if (P === 0) {
    throw new SparsedynError("INVALID_ARGUMENT", "map is empty", { argument: "map" });
  }
  if (!(mask instanceof Int32Array) && mask.height * mask.width !== labels.length) {
    throw new SparsedynError(
      "INVALID_ARGUMENT",
      `mask is ${mask.height}×${mask.width} but holds ${labels.length} labels`,
      { argument: "mask" },
    );
  }
  if (labels.length !== P) {
    const frame = mask instanceof Int32Array ? "" : ` (${mask.height}×${mask.width})`;
    throw new SparsedynError(
      "INVALID_ARGUMENT",
      `map holds ${P} values but the mask${frame} has ${labels.length} pixels`,
      { argument: "map" },
    );
  }
  let min = Infinity, onCells = 0;
  const isCell = new Array<boolean>(P);
  for (let p = 0; p < P; p++) {
    const v = map[p];
    if (!Number.isFinite(v)) {
      throw new SparsedynError("INVALID_ARGUMENT", `map value ${p} is not finite (${v})`, {
        argument: "map",
      });
    }
    if (v < min) min = v;
    isCell[p] = labels[p] > 0;
    if (isCell[p]) onCells++;
  }

  const auc = onCells > 0 && onCells < P ? rocAuc(map, isCell) : NaN;

  let mass = 0, massOn = 0;
  for (let p = 0; p < P; p++) {
    const m = map[p] - min;
    mass += m;
    if (isCell[p]) massOn += m;
  }
  const massShare = mass > 0 ? massOn / mass : NaN;

  // ⌈P/10⌉ in exact arithmetic: Math.ceil(0.1 * 30) would be 4, since 0.1·30 rounds up.
  const top = Math.ceil(P / 10);
  const order = Array.from({ length: P }, (_, i) => i).sort((a, b) => map[b] - map[a] || a - b);
  let topOn = 0;
  for (let i = 0; i < top; i++) if (isCell[order[i]]) topOn++;

  return { auc, massShare, topShare: topOn / top, chance: onCells / P };
}
