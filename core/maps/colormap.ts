/**
 * A sequential colour map of our own, perceptual by construction: a path through CIE L*C*h
 * (D65) whose lightness L* rises linearly from 12 (near black) to 95 (near white) while the
 * hue turns from blue-violet (h = 290°) through magenta and red to yellow (h = 90°), with a
 * chroma arch that peaks mid-way. Equal steps of the value are equal steps of lightness,
 * which the eye reads as magnitude; the hue turn separates neighbouring levels further.
 * Where a chroma leaves the sRGB gamut it is lowered (bisection) at the same L* and hue, so
 * lightness stays exact. The 256-entry table is computed once at load.
 *
 * @example
 * ```ts
 * import { colormap, lightness } from "./colormap.ts";
 *
 * const dark = colormap(0), light = colormap(1);
 * if (!(lightness(dark) < 15 && lightness(light) > 90)) throw new Error("dark to light");
 * ```
 *
 * @module
 */

const L0 = 12, L1 = 95, H0 = 290, H1 = 450; // hue in degrees, 450 = 90 after the turn

function linearToSrgb(v: number): number {
  return v <= 0.0031308 ? 12.92 * v : 1.055 * v ** (1 / 2.4) - 0.055;
}

function srgbToLinear(v: number): number {
  return v <= 0.04045 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4;
}

/** CIE Lab (D65) → linear sRGB, components not clamped. */
function labToLinear(L: number, a: number, b: number): [number, number, number] {
  const fy = (L + 16) / 116, fx = fy + a / 500, fz = fy - b / 200;
  const inv = (t: number) => (t > 6 / 29 ? t ** 3 : 3 * (6 / 29) ** 2 * (t - 4 / 29));
  const X = 0.95047 * inv(fx), Y = inv(fy), Z = 1.08883 * inv(fz);
  return [
    3.2406 * X - 1.5372 * Y - 0.4986 * Z,
    -0.9689 * X + 1.8758 * Y + 0.0415 * Z,
    0.0557 * X - 0.204 * Y + 1.057 * Z,
  ];
}

function entry(t: number): [number, number, number] {
  const L = L0 + (L1 - L0) * t;
  const h = ((H0 + (H1 - H0) * t) * Math.PI) / 180;
  const inGamut = (C: number) =>
    labToLinear(L, C * Math.cos(h), C * Math.sin(h)).every((v) => v >= 0 && v <= 1);
  let C = 70 * Math.sin(Math.PI * (0.1 + 0.8 * t));
  if (!inGamut(C)) {
    let lo = 0, hi = C;
    for (let it = 0; it < 40; it++) {
      const mid = (lo + hi) / 2;
      if (inGamut(mid)) lo = mid;
      else hi = mid;
    }
    C = lo;
  }
  const rgb = labToLinear(L, C * Math.cos(h), C * Math.sin(h));
  return rgb.map((v) => Math.round(255 * linearToSrgb(Math.min(1, Math.max(0, v))))) as [
    number,
    number,
    number,
  ];
}

const TABLE: [number, number, number][] = Array.from({ length: 256 }, (_, i) => entry(i / 255));

/**
 * The colour of a value in [0, 1] (clamped; NaN gives the lowest colour).
 *
 * @param t The value.
 * @returns sRGB bytes [r, g, b].
 */
export function colormap(t: number): [number, number, number] {
  const i = Number.isFinite(t) ? Math.round(255 * Math.min(1, Math.max(0, t))) : 0;
  return TABLE[i];
}

/**
 * CIE L* (D65) of an sRGB colour: the perceived lightness, 0 (black) to 100 (white).
 *
 * @param rgb sRGB bytes.
 * @returns L*.
 *
 * @example
 * ```ts
 * import { lightness } from "./colormap.ts";
 *
 * if (Math.round(lightness([255, 255, 255])) !== 100 || lightness([0, 0, 0]) !== 0) throw new Error("L*");
 * ```
 */
export function lightness(rgb: readonly [number, number, number]): number {
  const [r, g, b] = rgb.map((v) => srgbToLinear(v / 255));
  const Y = 0.2126 * r + 0.7152 * g + 0.0722 * b;
  return Y > (6 / 29) ** 3 ? 116 * Math.cbrt(Y) - 16 : (29 / 3) ** 3 * Y;
}
