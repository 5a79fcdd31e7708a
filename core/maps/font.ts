/**
 * A tiny bitmap font of our own for the colour bar's labels: 3×5-pixel glyphs for the
 * characters numbers print with (digits, ".", "-", "+", "e"), drawn at an integer scale.
 *
 * @example
 * ```ts
 * import { drawText, textWidth } from "./font.ts";
 *
 * const w = textWidth("1.5e-3", 2), h = 10;
 * const rgb = new Uint8Array(w * h * 3);
 * drawText(rgb, w, h, "1.5e-3", 0, 0, 2, [255, 255, 255]);
 * if (!rgb.some((v) => v === 255)) throw new Error("drawn");
 * ```
 *
 * @module
 */

// Rows top to bottom, "1" = ink.
const GLYPHS: Record<string, string[]> = {
  "0": ["111", "101", "101", "101", "111"],
  "1": ["010", "110", "010", "010", "111"],
  "2": ["111", "001", "111", "100", "111"],
  "3": ["111", "001", "011", "001", "111"],
  "4": ["101", "101", "111", "001", "001"],
  "5": ["111", "100", "111", "001", "111"],
  "6": ["111", "100", "111", "101", "111"],
  "7": ["111", "001", "001", "010", "010"],
  "8": ["111", "101", "111", "101", "111"],
  "9": ["111", "101", "111", "001", "111"],
  ".": ["000", "000", "000", "000", "010"],
  "-": ["000", "000", "111", "000", "000"],
  "+": ["000", "010", "111", "010", "000"],
  "e": ["000", "111", "111", "100", "011"],
  " ": ["000", "000", "000", "000", "000"],
};

/** Glyph height in font pixels. */
export const GLYPH_HEIGHT = 5;

/**
 * Width in pixels of `text` at `scale` (3 font pixels per glyph, 1 between glyphs).
 *
 * @param text The text.
 * @param scale Pixels per font pixel.
 * @returns Width.
 */
export function textWidth(text: string, scale: number): number {
  return text.length === 0 ? 0 : (4 * text.length - 1) * scale;
}

/**
 * Draws `text` into an RGB image (characters without a glyph are skipped as spaces).
 *
 * @param rgb Image bytes, 3 per pixel, row-major.
 * @param width Image width.
 * @param height Image height.
 * @param text The text.
 * @param x Left edge.
 * @param y Top edge.
 * @param scale Pixels per font pixel.
 * @param color Ink colour.
 */
export function drawText(
  rgb: Uint8Array,
  width: number,
  height: number,
  text: string,
  x: number,
  y: number,
  scale: number,
  color: readonly [number, number, number],
): void {
  [...text].forEach((ch, c) => {
    const g = GLYPHS[ch] ?? GLYPHS[" "];
    for (let r = 0; r < GLYPH_HEIGHT; r++) {
      for (let q = 0; q < 3; q++) {
        if (g[r][q] !== "1") continue;
        for (let dy = 0; dy < scale; dy++) {
          for (let dx = 0; dx < scale; dx++) {
            const px = x + (4 * c + q) * scale + dx, py = y + r * scale + dy;
            if (px < 0 || py < 0 || px >= width || py >= height) continue;
            rgb.set(color, (py * width + px) * 3);
          }
        }
      }
    }
  });
}
