/**
 * The static field of view of a synthetic movie (`synthetic.ts` plans it): where the cells
 * are and how large, their footprints, and the background (neuropil and vessels). Every
 * draw comes from the layout stream, in a fixed order, so a seed gives the same field.
 *
 * @module
 */

/** The settings the field of view depends on. */
export interface FieldSettings {
  height: number;
  width: number;
  cells: number;
  /** Cell radius range in pixels. */
  cellRadius: [number, number];
  footprint: "gaussian" | "disk";
}

/**
 * Cells: centres away from the border, not on top of each other when there is room (the
 * best of up to 50 random centres, the first with a gap of a pixel or more).
 */
export function placeCells(
  o: FieldSettings,
  layout: () => number,
): { centers: [number, number][]; radii: number[] } {
  const { height: H, width: W, cells: K } = o;
  const centers: [number, number][] = [], radii: number[] = [];
  for (let k = 0; k < K; k++) {
    const r = o.cellRadius[0] + (o.cellRadius[1] - o.cellRadius[0]) * layout();
    let best: [number, number] = [H / 2, W / 2], bestGap = -Infinity;
    for (let tries = 0; tries < 50; tries++) {
      const c: [number, number] = [r + (H - 2 * r) * layout(), r + (W - 2 * r) * layout()];
      let gap = Infinity;
      for (let q = 0; q < centers.length; q++) {
        gap = Math.min(gap, Math.hypot(c[0] - centers[q][0], c[1] - centers[q][1]) - r - radii[q]);
      }
      if (gap > bestGap) {
        best = c;
        bestGap = gap;
      }
      if (gap >= 1) break;
    }
    centers.push(best);
    radii.push(r);
  }
  return { centers, radii };
}

/** Footprints K×H×W (peak 1) and the bounding box [y0, y1, x0, x1) of each, for fast rendering. */
export function footprintImages(
  o: FieldSettings,
  centers: [number, number][],
  radii: number[],
): { footprints: Float32Array; boxes: [number, number, number, number][] } {
  const { height: H, width: W, cells: K } = o;
  const footprints = new Float32Array(K * H * W);
  const boxes: [number, number, number, number][] = [];
  for (let k = 0; k < K; k++) {
    const [cy, cx] = centers[k], r = radii[k];
    const reach = o.footprint === "gaussian" ? 1.5 * r : r + 2; // σ = r/2: 3σ; disk: edge + 2 px
    const y0 = Math.max(0, Math.floor(cy - reach)), y1 = Math.min(H, Math.ceil(cy + reach) + 1);
    const x0 = Math.max(0, Math.floor(cx - reach)), x1 = Math.min(W, Math.ceil(cx + reach) + 1);
    boxes.push([y0, y1, x0, x1]);
    for (let y = y0; y < y1; y++) {
      for (let x = x0; x < x1; x++) {
        const d = Math.hypot(y - cy, x - cx);
        const v = o.footprint === "gaussian"
          ? Math.exp(-(d * d) / (2 * (r / 2) ** 2))
          : 1 / (1 + Math.exp((d - r) / 0.5));
        footprints[(k * H + y) * W + x] = v;
      }
    }
  }
  return { footprints, boxes };
}

/** Background: neuropil as a sum of smooth random cosines, vessels as dark bands. */
export function backgroundImage(o: FieldSettings, layout: () => number): Float32Array {
  const { height: H, width: W } = o;
  const background = new Float32Array(H * W);
  const waves = Array.from(
    { length: 6 },
    () => [layout() * 3, layout() * 3, layout() * 2 * Math.PI, 0.5 + layout()],
  );
  const vessels = Array.from({ length: 2 + Math.floor(layout() * 2) }, () => ({
    horizontal: layout() < 0.5,
    offset: 0.15 + 0.7 * layout(),
    amp: 0.05 + 0.1 * layout(),
    freq: 0.5 + 1.5 * layout(),
    phase: layout() * 2 * Math.PI,
    width: 1 + 1.5 * layout(),
  }));
  for (let y = 0; y < H; y++) {
    for (let x = 0; x < W; x++) {
      let s = 0;
      for (const [fy, fx, ph, a] of waves) {
        s += a * Math.cos(2 * Math.PI * (fy * y / H + fx * x / W) + ph);
      }
      let v = 80 + 6 * s;
      for (const ve of vessels) {
        const along = ve.horizontal ? x / W : y / H,
          across = ve.horizontal ? y : x,
          size = ve.horizontal ? H : W;
        const centre = size *
          (ve.offset + ve.amp * Math.sin(2 * Math.PI * ve.freq * along + ve.phase));
        v *= 1 - 0.6 * Math.exp(-((across - centre) ** 2) / (2 * ve.width ** 2));
      }
      background[y * W + x] = v;
    }
  }
  return background;
}
