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
import { type Signal, useSignal } from "@preact/signals";
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

/** The downsampled series of latents `cols` over frames [from, to), `points` buckets wide. */
function seriesUrl(name: string, cols: number[], [from, to]: [number, number], points: number) {
  return `/api/run/series?name=${encodeURIComponent(name)}&cols=${cols.join(",")}` +
    `&from=${from}&to=${to}&points=${Math.round(points)}`;
}

/**
 * The chart's columns and series from `/api/run/series`' rows (frame, then the k latents,
 * then their k predictions; NaN drawn as gaps).
 */
function traceColumns(a: { shape: number[]; data: Float32Array }, cols: number[]) {
  const [rows, P] = a.shape;
  const row = (r: number) =>
    Array.from(a.data.subarray(r * P, (r + 1) * P), (v) => (Number.isNaN(v) ? null : v));
  const k = (rows - 1) / 2;
  const data = [row(0)];
  const series: uPlot.Series[] = [{ label: "frame" }];
  for (let i = 0; i < k; i++) {
    data.push(row(1 + i));
    series.push({ label: `z${cols[i]}`, stroke: seriesColor(cols[i]), width: 1 });
  }
  for (let i = 0; i < k; i++) {
    data.push(row(1 + k + i));
    series.push({
      label: `ẑ${cols[i]} (VAR)`,
      stroke: seriesColor(cols[i]),
      width: 1,
      dash: [4, 3],
    });
  }
  return { data: data as uPlot.AlignedData, series, points: P };
}

/** The frames [from, to) a drag over the chart selected, or null for a click (under 3 px). */
function selectedSpan(u: uPlot, T: number): [number, number] | null {
  if (u.select.width < 3) return null;
  const a0 = Math.floor(u.posToVal(u.select.left, "x"));
  const b0 = Math.ceil(u.posToVal(u.select.left + u.select.width, "x")) + 1;
  return [Math.max(0, a0), Math.min(T, b0)];
}

/** uPlot's options for the traces: dragging along x calls `zoom` with the frames selected. */
function tracesOptions(
  width: number,
  series: uPlot.Series[],
  T: number,
  zoom: (span: [number, number]) => void,
): uPlot.Options {
  return {
    width,
    height: 260,
    scales: { x: { time: false } },
    axes: [{ label: "frame" }, { size: 56, label: "latent value z (encoder output)" }],
    series,
    cursor: { drag: { x: true, y: false } },
    hooks: {
      setSelect: [(u) => {
        const s = selectedSpan(u, T);
        if (s) zoom(s);
      }],
    },
  };
}

/** The latent picker, the zoom-out button and the span shown. */
function TracesControls(
  { d, T, cols, span }: {
    d: number;
    T: number;
    cols: Signal<number[]>;
    span: Signal<[number, number]>;
  },
) {
  return (
    <div class="controls">
      <span>latents:</span>
      <LatentPicker d={d} selected={cols.value} onChange={(c) => cols.value = c} />
      <button type="button" onClick={() => span.value = [0, T]}>whole series</button>
      <span class="note">
        frames {span.value[0]}–{span.value[1]} · drag to zoom
      </span>
    </div>
  );
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
    const c = cols.value;
    const width = Math.max(300, el.clientWidth);
    fetchNpy(seriesUrl(props.name, c, span.value, width)).then((a) => {
      if (stale) return;
      const t = traceColumns(a, c);
      plot.current?.destroy();
      plot.current = new uPlot(
        tracesOptions(width, t.series, props.T, (s) => span.value = s),
        t.data,
        el,
      );
      points.value = t.points;
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
      <TracesControls d={props.d} T={props.T} cols={cols} span={span} />
      {error.value ? <div class="error-panel">{error.value}</div> : null}
      <div class="chart" ref={box} />
    </div>
  );
}
