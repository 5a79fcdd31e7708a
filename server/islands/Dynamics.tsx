/** @jsxImportSource preact */
/// <reference lib="dom" />
/**
 * The VAR's coefficients: one heatmap per lag (row i = target, column j = source; red
 * positive, blue negative, grey below the threshold) and the directed network of the
 * coefficients above the threshold (an arrow j → i per lag, its width the |weight|, red or
 * blue by sign; self-effects are left out of the network). One threshold slider drives both;
 * `data-edges` on the root counts the arrows drawn.
 *
 * @example
 * ```ts
 * import { h } from "preact";
 * import { renderToString } from "preact-render-to-string";
 * import { Dynamics, networkEdges } from "./Dynamics.tsx";
 *
 * const A = [[[0.5, 0.2], [-0.3, 0.4]]];
 * if (networkEdges(A, 0.25).length !== 1) throw new Error("one edge above 0.25: 0 → 1 (−0.3)");
 * const html = renderToString(h(Dynamics, { A }));
 * if (!html.includes('data-edges="2"')) throw new Error(html);
 * ```
 *
 * @module
 */
import { useSignal } from "@preact/signals";
import { useEffect, useRef } from "preact/hooks";
import { diverging } from "./_colors.ts";

/** Props of {@link Dynamics}. */
export interface DynamicsProps {
  /** A[k][i][j]: effect of latent j at lag k+1 on latent i. */
  A: number[][][];
  /** Initial threshold (default: the one that leaves the 40 strongest edges, or 0). */
  threshold?: number;
}

/**
 * A starting threshold that keeps the network readable: the |weight| of the `keep`-th
 * strongest edge between latents (0 when there are no more edges than that).
 *
 * @param A Coefficients per lag.
 * @param keep Edges to keep.
 * @returns The threshold.
 */
export function defaultThreshold(A: number[][][], keep = 40): number {
  const e = networkEdges(A, 0);
  return e.length > keep ? Math.abs(e[keep].weight) : 0;
}

/** An arrow of the network. */
export interface NetworkEdge {
  /** Source latent j. */
  from: number;
  /** Target latent i. */
  to: number;
  /** Lag (1-based). */
  lag: number;
  /** The coefficient. */
  weight: number;
}

/**
 * The edges j → i (j ≠ i) whose |A[k][i][j]| exceeds the threshold.
 *
 * @param A Coefficients per lag.
 * @param threshold Absolute threshold.
 * @returns The edges, strongest first.
 */
export function networkEdges(A: number[][][], threshold: number): NetworkEdge[] {
  const out: NetworkEdge[] = [];
  A.forEach((m, k) =>
    m.forEach((row, i) =>
      row.forEach((w, j) => {
        if (i !== j && w !== 0 && Math.abs(w) > threshold) {
          out.push({ from: j, to: i, lag: k + 1, weight: w });
        }
      })
    )
  );
  return out.sort((a, b) => Math.abs(b.weight) - Math.abs(a.weight));
}

function Heatmap(
  { A, max, threshold, lag }: { A: number[][]; max: number; threshold: number; lag: number },
) {
  const ref = useRef<HTMLCanvasElement>(null);
  const hover = useSignal("");
  const d = A.length;
  const cell = Math.max(4, Math.min(24, Math.floor(320 / d)));
  useEffect(() => {
    const c = ref.current!;
    const ctx = c.getContext("2d")!;
    for (let i = 0; i < d; i++) {
      for (let j = 0; j < d; j++) {
        const w = A[i][j];
        ctx.fillStyle = w === 0
          ? "#ffffff"
          : Math.abs(w) <= threshold
          ? "#e4e4e4"
          : diverging(max > 0 ? w / max : 0);
        ctx.fillRect(j * cell, i * cell, cell, cell);
      }
    }
    ctx.strokeStyle = "#999";
    ctx.strokeRect(0.5, 0.5, d * cell - 1, d * cell - 1);
    c.dataset.drawn = String(threshold);
  }, [A, max, threshold]);
  return (
    <figure class="heatmap">
      <canvas
        ref={ref}
        width={d * cell}
        height={d * cell}
        onMouseMove={(e) => {
          const r = (e.target as HTMLCanvasElement).getBoundingClientRect();
          const j = Math.floor((e.clientX - r.left) / cell),
            i = Math.floor((e.clientY - r.top) / cell);
          if (i >= 0 && j >= 0 && i < d && j < d) {hover.value = `A[${i}][${j}] = ${
              A[i][j].toPrecision(3)
            }`;}
        }}
      />
      <figcaption>lag {lag} (row: target, column: source) {hover.value}</figcaption>
    </figure>
  );
}

function Network({ d, edges, max }: { d: number; edges: NetworkEdge[]; max: number }) {
  const size = 360, R = 140, c = size / 2;
  const pos = (i: number) => {
    const a = (2 * Math.PI * i) / d - Math.PI / 2;
    return [c + R * Math.cos(a), c + R * Math.sin(a)];
  };
  return (
    <svg class="network" width={size} height={size} viewBox={`0 0 ${size} ${size}`}>
      <defs>
        {[["arrow-pos", "#c0392b"], ["arrow-neg", "#2c5aa0"]].map(([id, fill]) => (
          <marker
            key={id}
            id={id}
            viewBox="0 0 10 10"
            refX="10"
            refY="5"
            markerUnits="userSpaceOnUse"
            markerWidth="9"
            markerHeight="9"
            orient="auto-start-reverse"
          >
            <path d="M0,0 L10,5 L0,10 z" fill={fill} />
          </marker>
        ))}
      </defs>
      {edges.map((e) => {
        const [x1, y1] = pos(e.from), [x2, y2] = pos(e.to);
        const dx = x2 - x1, dy = y2 - y1, len = Math.hypot(dx, dy) || 1;
        // Stop short of the node circle; bend a little so j→i and i→j do not overlap.
        const ex = x2 - (dx / len) * 11, ey = y2 - (dy / len) * 11;
        const mx = (x1 + x2) / 2 - (dy / len) * 12 * e.lag,
          my = (y1 + y2) / 2 + (dx / len) * 12 * e.lag;
        const pos_ = e.weight > 0;
        return (
          <path
            class="edge"
            key={`${e.from}-${e.to}-${e.lag}`}
            d={`M${x1.toFixed(1)},${y1.toFixed(1)} Q${mx.toFixed(1)},${my.toFixed(1)} ${
              ex.toFixed(1)
            },${ey.toFixed(1)}`}
            fill="none"
            stroke={pos_ ? "#c0392b" : "#2c5aa0"}
            stroke-opacity={0.75}
            stroke-width={(0.8 + 4 * Math.abs(e.weight) / (max || 1)).toFixed(2)}
            marker-end={`url(#arrow-${pos_ ? "pos" : "neg"})`}
          >
            <title>{`${e.from} → ${e.to} (lag ${e.lag}): ${e.weight.toPrecision(3)}`}</title>
          </path>
        );
      })}
      {Array.from({ length: d }, (_, i) => {
        const [x, y] = pos(i);
        return (
          <g class="node" key={i}>
            <circle cx={x.toFixed(1)} cy={y.toFixed(1)} r={10} fill="#fff" stroke="#333" />
            <text x={x.toFixed(1)} y={(y + 4).toFixed(1)} text-anchor="middle" font-size="10">
              {i}
            </text>
          </g>
        );
      })}
    </svg>
  );
}

/** The island. */
export function Dynamics(props: DynamicsProps) {
  const threshold = useSignal(props.threshold ?? defaultThreshold(props.A));
  let max = 0;
  for (const m of props.A) for (const r of m) for (const w of r) max = Math.max(max, Math.abs(w));
  const d = props.A[0]?.length ?? 0;
  const edges = networkEdges(props.A, threshold.value);
  const nonZero = props.A.flat(2).filter((w) => w !== 0 && Math.abs(w) > threshold.value).length;
  return (
    <div class="dynamics" data-edges={edges.length} data-threshold={threshold.value}>
      <label class="controls">
        threshold |A| &gt; <b>{threshold.value.toPrecision(3)}</b>
        <input
          type="range"
          min={0}
          max={max}
          step={max / 200 || 1}
          value={threshold.value}
          onInput={(e) => threshold.value = Number((e.target as HTMLInputElement).value)}
        />
        <span class="note">
          {nonZero} coefficients above the threshold · {edges.length} edges between latents
        </span>
      </label>
      <div class="row">
        {props.A.map((m, k) => (
          <Heatmap key={k} A={m} max={max} threshold={threshold.value} lag={k + 1} />
        ))}
        <figure>
          <Network d={d} edges={edges} max={max} />
          <figcaption>network: j → i, red positive, blue negative, width |weight|</figcaption>
        </figure>
      </div>
    </div>
  );
}
