/** @jsxImportSource preact */
/// <reference lib="dom" />
/**
 * Training curves (loss terms per epoch, log scale), live while the run trains: new epochs
 * arrive by server-sent events and are appended to the chart. `data-points` on the root
 * says how many epochs are drawn.
 *
 * @example
 * ```ts
 * import { h } from "preact";
 * import { renderToString } from "preact-render-to-string";
 * import { TrainingCurves } from "./TrainingCurves.tsx";
 *
 * const html = renderToString(h(TrainingCurves, { name: "r", metrics: [{ epoch: 0, loss: 1 }], live: false }));
 * if (!html.includes('data-points="1"')) throw new Error(html);
 * ```
 *
 * @module
 */
import { useSignal } from "@preact/signals";
import { useEffect, useRef } from "preact/hooks";
import uPlot from "uplot";
import { seriesColor } from "./_colors.ts";

/** Props of {@link TrainingCurves}. */
export interface TrainingCurvesProps {
  /** Run id. */
  name: string;
  /** Epochs so far. */
  metrics: Record<string, number>[];
  /** Follow the run's metrics stream. */
  live: boolean;
}

const HIDDEN = new Set(["epoch", "framesPerSecond", "activeMean", "seconds", "learningRate"]);

/** The metric keys to plot: numeric ones other than bookkeeping. */
export function curveKeys(metrics: Record<string, number>[]): string[] {
  const keys: string[] = [];
  for (const m of metrics) {
    for (const [k, v] of Object.entries(m)) {
      if (!HIDDEN.has(k) && typeof v === "number" && !keys.includes(k)) keys.push(k);
    }
  }
  return keys;
}

/** The chart's columns: the epochs, then each key's values (non-positive ones left out: log scale). */
function curvesData(records: Record<string, number>[], keys: string[]): uPlot.AlignedData {
  return [
    records.map((m, i) => m.epoch ?? i),
    ...keys.map((k) => records.map((m) => (m[k] > 0 ? m[k] : null))),
  ] as uPlot.AlignedData;
}

/** uPlot's options for the curves of `keys`, `width` pixels wide. */
function curvesOptions(keys: string[], width: number): uPlot.Options {
  return {
    width,
    height: 240,
    scales: { x: { time: false }, y: { distr: 3 } },
    // Epochs are whole numbers: ticks only at integer steps.
    axes: [
      { label: "epoch", incrs: [1, 2, 5, 10, 20, 50, 100, 200, 500, 1000] },
      { label: "loss (log)", size: 60 },
    ],
    series: [
      { label: "epoch" },
      ...keys.map((k, i) => ({
        label: k,
        stroke: seriesColor(i),
        width: 2,
        points: { show: true, size: 5 },
      })),
    ],
  };
}

/** The chart of `records` in `el`, and how to redraw it after `records` changed. */
interface CurvesChart {
  /** Redraws: anew when the records bring new keys, else with the new data. */
  update(): void;
  /** Removes the chart. */
  destroy(): void;
}

/** Draws the curves of `records` (read again on each update) in `el`. */
function curvesChart(el: HTMLDivElement, records: Record<string, number>[]): CurvesChart {
  let keys = curveKeys(records);
  let plot: uPlot | null = null;
  const make = () => {
    plot?.destroy();
    plot = new uPlot(
      curvesOptions(keys, Math.max(300, el.clientWidth)),
      curvesData(records, keys),
      el,
    );
  };
  make();
  return {
    update() {
      const k = curveKeys(records);
      if (k.join() !== keys.join()) {
        keys = k;
        make();
      } else plot!.setData(curvesData(records, keys));
    },
    destroy: () => plot?.destroy(),
  };
}

/**
 * Follows the run's metrics stream from epoch `records.length`: new epochs are appended to
 * `records`, a reset replaces them, and each calls `changed`; `done` is called when the
 * training ends, and the stream is closed.
 */
function followMetrics(
  name: string,
  records: Record<string, number>[],
  changed: () => void,
  done: () => void,
): EventSource {
  const es = new EventSource(
    `/api/run/live?name=${encodeURIComponent(name)}&from=${records.length}`,
  );
  es.addEventListener("metrics", (e) => {
    records.push(...JSON.parse((e as MessageEvent).data));
    changed();
  });
  es.addEventListener("reset", (e) => {
    records.splice(0, records.length, ...JSON.parse((e as MessageEvent).data));
    changed();
  });
  es.addEventListener("done", () => {
    done();
    es.close();
  });
  return es;
}

/** The island. */
export function TrainingCurves(props: TrainingCurvesProps) {
  const count = useSignal(props.metrics.length);
  const status = useSignal(props.live ? "live" : "");
  const box = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const el = box.current!;
    const records = [...props.metrics];
    const chart = curvesChart(el, records);
    el.dataset.ready = "1";
    if (!props.live) return () => chart.destroy();
    const es = followMetrics(props.name, records, () => {
      chart.update();
      count.value = records.length;
    }, () => status.value = "finished");
    return () => {
      es.close();
      chart.destroy();
    };
  }, []);
  return (
    <div class="curves" data-points={count.value}>
      <div class="chart" ref={box} />
      <p class="note">
        {count.value} epoch{count.value === 1 ? "" : "s"}
        {status.value === "live" ? " · live (training in progress)" : ""}
        {status.value === "finished" ? " · training finished" : ""}
      </p>
    </div>
  );
}
