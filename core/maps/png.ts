/**
 * A map as a PNG: colour-mapped (`colormap.ts`) over the grey mean image, with a colour
 * bar labelled with the map's minimum and maximum (`font.ts`).
 *
 * Layout: the frame enlarged by an integer factor (nearest neighbour, so pixels stay
 * pixels; up to about 256 px on the long side), then a vertical colour bar, then the labels
 * (maximum at the top, minimum at the bottom) in white on black. Each frame pixel blends
 * the grey background (the mean image between its 1st and 99th percentiles) with the map's
 * colour, opacity = the value's place between the map's min and max, so weak values leave
 * the anatomy visible and strong ones cover it. Signed maps (decoder footprints) are drawn
 * by magnitude; the NPY beside them keeps the sign.
 *
 * @example
 * ```ts
 * import { renderMapPng } from "./png.ts";
 * import { decode } from "npm:fast-png@8.0.0";
 *
 * const png = renderMapPng(Float32Array.of(0, 1, 2, 3), new Float32Array(4), 2, 2);
 * const img = decode(png);
 * if (img.channels !== 3 || img.height < 2) throw new Error("an RGB image");
 * ```
 *
 * @module
 */
// deno-lint-ignore no-import-prefix
import { encode } from "npm:fast-png@8.0.0";
import { SparsedynError } from "../errors.ts";
import { colormap } from "./colormap.ts";
import { drawText, GLYPH_HEIGHT, textWidth } from "./font.ts";

/** An RGB image before encoding. */
export interface RgbImage {
  /** Bytes, 3 per pixel, row-major. */
  data: Uint8Array;
  /** Width in pixels. */
  width: number;
  /** Height in pixels. */
  height: number;
  /** Enlargement factor of the frame. */
  scale: number;
  /** The value at the bar's bottom (the map's minimum magnitude). */
  min: number;
  /** The value at the bar's top. */
  max: number;
}

const PAD = 4, GAP = 6, BAR = 12, FONT = 2;

/**
 * A label for a value: 3 significant digits, in the font's characters.
 *
 * @param v The value.
 * @returns The text.
 *
 * @example
 * ```ts
 * import { formatLabel } from "./png.ts";
 *
 * if (formatLabel(0.000123456) !== "1.23e-4" || formatLabel(12.5) !== "12.5") throw new Error("labels");
 * ```
 */
export function formatLabel(v: number): string {
  if (v === 0) return "0";
  const a = Math.abs(v);
  return a >= 1e-2 && a < 1e4 ? String(Number(v.toPrecision(3))) : v.toExponential(2);
}

function percentile(sorted: Float32Array, q: number): number {
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.round(q * (sorted.length - 1))))];
}

/**
 * Renders a map as an RGB image (see the module description).
 *
 * @param map H×W values (drawn by magnitude).
 * @param background H×W grey image (the mean image).
 * @param height H.
 * @param width W.
 * @returns The image and its scale.
 * @throws {SparsedynError} `INVALID_ARGUMENT` for arrays that are not H×W.
 */
export function renderMap(
  map: ArrayLike<number>,
  background: ArrayLike<number>,
  height: number,
  width: number,
): RgbImage {
  const P = height * width;
  if (map.length !== P || background.length !== P) {
    throw new SparsedynError(
      "INVALID_ARGUMENT",
      `map and background must hold H×W = ${P} values; got ${map.length} and ${background.length}`,
      { argument: map.length !== P ? "map" : "background" },
    );
  }
  const mag = Float32Array.from(map, (v) => (Number.isFinite(v) ? Math.abs(v) : 0));
  let min = Infinity, max = -Infinity;
  for (const v of mag) {
    min = Math.min(min, v);
    max = Math.max(max, v);
  }
  const sortedBg = Float32Array.from(background).sort();
  const g0 = percentile(sortedBg, 0.01), g1 = percentile(sortedBg, 0.99);
  const scale = Math.min(16, Math.max(1, Math.ceil(256 / Math.max(height, width))));
  const maxLabel = formatLabel(max), minLabel = formatLabel(min);
  const labelW = Math.max(textWidth(maxLabel, FONT), textWidth(minLabel, FONT));
  const fh = height * scale, fw = width * scale;
  const H = Math.max(fh, 2 * GLYPH_HEIGHT * FONT + 4) + 2 * PAD;
  const W = PAD + fw + GAP + BAR + GAP + labelW + PAD;
  const rgb = new Uint8Array(W * H * 3);
  const span = max - min;
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const q = y * width + x;
      const grey = 255 * 0.85 *
        Math.min(1, Math.max(0, g1 > g0 ? (background[q] - g0) / (g1 - g0) : 0.5));
      const t = span > 0 ? (mag[q] - min) / span : 0;
      const c = colormap(t);
      const px = c.map((v) => Math.round((1 - t) * grey + t * v));
      for (let dy = 0; dy < scale; dy++) {
        for (let dx = 0; dx < scale; dx++) {
          rgb.set(px, ((PAD + y * scale + dy) * W + PAD + x * scale + dx) * 3);
        }
      }
    }
  }
  // The bar: the map's maximum at the top, its minimum at the bottom, fully opaque.
  const bx = PAD + fw + GAP;
  for (let y = 0; y < fh; y++) {
    const c = colormap(fh > 1 ? 1 - y / (fh - 1) : 1);
    for (let x = 0; x < BAR; x++) rgb.set(c, ((PAD + y) * W + bx + x) * 3);
  }
  const lx = bx + BAR + GAP, white = [255, 255, 255] as const;
  drawText(rgb, W, H, maxLabel, lx, PAD, FONT, white);
  drawText(
    rgb,
    W,
    H,
    minLabel,
    lx,
    PAD + Math.max(fh, 2 * GLYPH_HEIGHT * FONT + 4) - GLYPH_HEIGHT * FONT,
    FONT,
    white,
  );
  return { data: rgb, width: W, height: H, scale, min, max };
}

/**
 * Renders a map and encodes it as PNG (8-bit RGB).
 *
 * @param map H×W values.
 * @param background H×W grey image.
 * @param height H.
 * @param width W.
 * @returns The PNG file's bytes.
 */
export function renderMapPng(
  map: ArrayLike<number>,
  background: ArrayLike<number>,
  height: number,
  width: number,
): Uint8Array {
  const img = renderMap(map, background, height, width);
  return encode({ width: img.width, height: img.height, data: img.data, channels: 3, depth: 8 });
}
