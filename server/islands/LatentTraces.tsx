/** @jsxImportSource preact */
/// <reference lib="dom" />
/**
 * Latent traces with the VAR's one-step predictions (dashed), for the latents chosen in a
 * searchable picker (`_latent_picker.tsx`; at most 12 at a time). The
 * server downsamples the visible span to min/max per bucket (`/api/run/series`), so a run
 * of any length draws the same number of points; dragging over the chart zooms in (and
 * fetches that span at full detail), "whole series" zooms out. `data-points` on the root
 * says how many points per series are drawn.
 *
 * @example
 * ```ts
 * import { h } from "preact";
 * import { renderToString } from "preact-render-to-string";
 * import { LatentTraces } from "./LatentTraces.tsx";
 *
 * const html = renderToString(h(LatentTraces, { name: "r", T: 100, d: 4 }));
 * if (!html.includes('class="latent-search"')) throw new Error(html);
 * ```
 *
 * @module
 */
import { useSignal } from "@preact/signals";
import { useEffect, useRef } from "preact/hooks";
import uPlot from "uplot";
import { seriesColor } from "./_colors.ts";
import { LatentPicker } from "./_latent_picker.tsx";
import { fetchNpy } from "./_npy.ts";

/** Props of {@link LatentTraces}. */
export interface LatentTracesProps {
  /** Run id. */
  name: string;
  /** Frames. */
  T: number;
  /** Latents. */
  d: number;
}

/** The island. */
export function LatentTraces(props: LatentTracesProps) {
  const cols = useSignal<number[]>([0, 1, 2].filter((j) => j < props.d));
  const span = useSignal<[number, number]>([0, props.T]);
  const points = useSignal(0);
  const error = useSignal("");
  const box = useRef<HTMLDivElement>(null);
  const plot = useRef<uPlot | null>(null);
  useEffect(() => {
    const el = box.current!;
    let stale = false;
    const [from, to] = span.value;
    const c = cols.value;
    const width = Math.max(300, el.clientWidth);
    const url = `/api/run/series?name=${encodeURIComponent(props.name)}&cols=${c.join(",")}` +
      `&from=${from}&to=${to}&points=${Math.round(width)}`;
    fetchNpy(url).then((a) => {
      if (stale) return;
      const [rows, P] = a.shape;
      const row = (r: number) =>
        Array.from(a.data.subarray(r * P, (r + 1) * P), (v) => (Number.isNaN(v) ? null : v));
      const k = (rows - 1) / 2;
      const data = [row(0)];
      const series: uPlot.Series[] = [{ label: "frame" }];
      for (let i = 0; i < k; i++) {
        data.push(row(1 + i));
        series.push({ label: `z${c[i]}`, stroke: seriesColor(c[i]), width: 1 });
      }
      for (let i = 0; i < k; i++) {
        data.push(row(1 + k + i));
        series.push({
          label: `ẑ${c[i]} (VAR)`,
          stroke: seriesColor(c[i]),
          width: 1,
          dash: [4, 3],
        });
      }
      plot.current?.destroy();
      plot.current = new uPlot(
        {
          width,
          height: 260,
          scales: { x: { time: false } },
          axes: [{ label: "frame" }, { size: 56, label: "latent value z (encoder output)" }],
          series,
          cursor: { drag: { x: true, y: false } },
          hooks: {
            setSelect: [(u) => {
              if (u.select.width < 3) return;
              const a0 = Math.floor(u.posToVal(u.select.left, "x"));
              const b0 = Math.ceil(u.posToVal(u.select.left + u.select.width, "x")) + 1;
              span.value = [Math.max(0, a0), Math.min(props.T, b0)];
            }],
          },
        },
        data as uPlot.AlignedData,
        el,
      );
      points.value = P;
      error.value = "";
      el.dataset.ready = "1";
    }).catch((err) => {
      if (!stale) error.value = err instanceof Error ? err.message : String(err);
    });
    return () => {
      stale = true;
    };
  }, [cols.value, span.value]);
  useEffect(() => () => plot.current?.destroy(), []);
  return (
    <div class="traces" data-points={points.value}>
      <div class="controls">
        <span>latents:</span>
        <LatentPicker d={props.d} selected={cols.value} onChange={(c) => cols.value = c} />
        <button type="button" onClick={() => span.value = [0, props.T]}>whole series</button>
        <span class="note">
          frames {span.value[0]}–{span.value[1]} · drag to zoom
        </span>
      </div>
      {error.value ? <div class="error-panel">{error.value}</div> : null}
      <div class="chart" ref={box} />
    </div>
  );
}
