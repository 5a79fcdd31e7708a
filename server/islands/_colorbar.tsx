/** @jsxImportSource preact */
/**
 * A vertical colour bar as SVG: the colour scale from `min` (bottom) to `max` (top), with
 * ticks at round values and a label naming the quantity and its unit; and the round tick
 * values themselves (`niceTicks`), shared with the heatmap's axes.
 *
 * @example
 * ```ts
 * import { h } from "preact";
 * import { renderToString } from "preact-render-to-string";
 * import { ColorBar, niceTicks } from "./_colorbar.tsx";
 *
 * if (niceTicks(0, 1, 5).join() !== "0,0.2,0.4,0.6,0.8,1") throw new Error("ticks");
 * if (niceTicks(0, 83, 4).join() !== "0,20,40,60,80") throw new Error("steps of 20, not 50");
 * if (!niceTicks(-0.0678, 0.0678, 5).includes(0)) throw new Error("an exact zero");
 * const svg = renderToString(h(ColorBar, { min: -1, max: 1, label: "A", color: () => "#000" }));
 * if (!svg.includes("class=\"tick\"")) throw new Error(svg);
 * ```
 *
 * @module
 */

/**
 * Round values between `lo` and `hi` (steps of 1, 2 or 5 × 10ⁿ), about `count` of them.
 *
 * @param lo Lower end.
 * @param hi Upper end.
 * @param count Roughly how many.
 * @returns The values, ascending, inside [lo, hi].
 */
export function niceTicks(lo: number, hi: number, count = 5): number[] {
  if (!(hi > lo) || !Number.isFinite(lo) || !Number.isFinite(hi)) return [lo];
  const raw = (hi - lo) / count;
  const mag = 10 ** Math.floor(Math.log10(raw));
  // The round step whose number of ticks comes closest to `count` (the smaller on a tie).
  let step = mag;
  for (const s of [2, 5, 10].map((m) => m * mag)) {
    if (Math.abs((hi - lo) / s - count) < Math.abs((hi - lo) / step - count)) step = s;
  }
  const out: number[] = [];
  // From an integer multiple of the step, so that 0 is exactly 0 (not −6.9e−18 after sums).
  for (let n = Math.ceil(lo / step - 1e-9); n * step <= hi + step * 1e-9; n++) {
    out.push(Number((n * step).toPrecision(12)));
  }
  return out;
}

/** A tick's text: short, exponent form for very small or large values. */
export function tickText(v: number): string {
  if (v === 0) return "0";
  const a = Math.abs(v);
  return a >= 1e-3 && a < 1e5 ? String(Number(v.toPrecision(3))) : v.toExponential(1);
}

/** Props of {@link ColorBar}. */
export interface ColorBarProps {
  /** Value at the bottom. */
  min: number;
  /** Value at the top. */
  max: number;
  /** Colour at t ∈ [0, 1] (0 = min). */
  color: (t: number) => string;
  /** What the colour shows, with its unit. */
  label: string;
  /** Height of the bar in pixels (default 240). */
  height?: number;
}

/** The bar. */
export function ColorBar({ min, max, color, label, height = 240 }: ColorBarProps) {
  const top = 8, bar = 14, W = 96, H = height + 2 * top;
  const y = (v: number) => top + (max > min ? (1 - (v - min) / (max - min)) * height : 0);
  const n = 48;
  return (
    <svg class="colorbar" width={W} height={H} viewBox={`0 0 ${W} ${H}`} role="img">
      <title>{`${label}: ${tickText(min)} to ${tickText(max)}`}</title>
      {Array.from({ length: n }, (_, k) => (
        <rect
          key={k}
          x={0}
          y={(top + (height * k) / n).toFixed(2)}
          width={bar}
          height={(height / n + 0.6).toFixed(2)}
          fill={color(1 - (k + 0.5) / n)}
        />
      ))}
      <rect x={0} y={top} width={bar} height={height} fill="none" stroke="#667085" />
      {niceTicks(min, max, 5).map((v) => (
        <g class="tick" key={v}>
          <line x1={bar} x2={bar + 4} y1={y(v)} y2={y(v)} stroke="#333" />
          <text x={bar + 6} y={y(v) + 4} font-size="11" fill="#1d2330">{tickText(v)}</text>
        </g>
      ))}
      <text
        class="colorbar-label"
        transform={`translate(${W - 6},${top + height / 2}) rotate(-90)`}
        text-anchor="middle"
        font-size="11"
        fill="#667085"
      >
        {label}
      </text>
    </svg>
  );
}
