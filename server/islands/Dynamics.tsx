/** @jsxImportSource preact */
/// <reference lib="dom" />
/**
 * The VAR's coefficients, readable from 2 to 512 latents: one matrix per lag (row i =
 * target, column j = source; red positive, blue negative, grey below the threshold) drawn at
 * a fixed size with latent-index axes and a colour bar, and the k strongest edges between
 * latents (k adjustable, above the threshold) as a network of only the latents they join and
 * as a ranked list. A ring of every latent with all its edges is unreadable past a few dozen
 * latents; the top-k view stays legible at any d. The coefficients come with the props (small
 * runs, tests) or are fetched as float32 NPY from `/api/run/var` (the run page), so a page
 * does not carry p·d² numbers as JSON. `data-edges` on the root counts the edges drawn.
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
 * if (!renderToString(h(Dynamics, { A, k: 1 })).includes('data-edges="1"')) throw new Error("top 1");
 * ```
 *
 * @module
 */
import { type Signal, useSignal } from "@preact/signals";
import { useEffect, useRef } from "preact/hooks";
import { ColorBar, niceTicks } from "./_colorbar.tsx";
import { diverging } from "./_colors.ts";
import { parseNpyF32 } from "./_npy.ts";

/** Props of {@link Dynamics}. */
export interface DynamicsProps {
  /** A[k][i][j]: effect of latent j at lag k+1 on latent i (absent: fetched by `name`). */
  A?: number[][][];
  /** Run id, to fetch the coefficients from `/api/run/var` when `A` is absent. */
  name?: string;
  /** Initial threshold on |A| (default 0). */
  threshold?: number;
  /** Initial number of strongest edges shown (default 20). */
  k?: number;
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

/**
 * The k strongest edges j → i (j ≠ i) above the threshold, strongest first.
 *
 * @param A Coefficients per lag.
 * @param threshold Absolute threshold.
 * @param k How many (default all).
 * @returns The edges.
 */
export function topEdges(A: number[][][], threshold: number, k = Infinity): NetworkEdge[] {
  return networkEdges(A, threshold).slice(0, Math.max(0, k));
}

/**
 * The latents the network shows and where: up to 24 latents every one (isolated ones too);
 * beyond, only those an edge joins, in index order on the circle.
 *
 * @param edges The edges drawn.
 * @param d Latents.
 * @returns The latents shown.
 */
export function networkNodes(edges: NetworkEdge[], d: number): number[] {
  return d <= 24
    ? Array.from({ length: d }, (_, i) => i)
    : [...new Set(edges.flatMap((e) => [e.from, e.to]))].sort((a, b) => a - b);
}

/**
 * The matrices' drawn size in CSS pixels: 24 px per latent, between 240 and 480 px.
 *
 * @param d Latents.
 * @returns The side in pixels.
 */
export function matrixSize(d: number): number {
  return Math.max(240, Math.min(480, 24 * d));
}

function Heatmap(
  { A, max, threshold, lag }: { A: number[][]; max: number; threshold: number; lag: number },
) {
  const ref = useRef<HTMLCanvasElement>(null);
  const hover = useSignal("");
  const d = A.length;
  const S = matrixSize(d);
  // Canvas pixels: a whole number per cell, at least one (512 latents: 512 px shown at 480).
  const cell = Math.max(1, Math.floor(S / d));
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
    c.dataset.drawn = String(threshold);
  }, [A, max, threshold]);
  const ML = 46, MT = 6, MB = 40, MR = 6;
  const ticks = niceTicks(0, d - 1, Math.min(8, d)).filter((v) => Number.isInteger(v));
  const at = (v: number) => ((v + 0.5) * S) / d;
  return (
    <figure class="heatmap">
      <div class="heatmap-plot" style={{ width: `${ML + S + MR}px`, height: `${MT + S + MB}px` }}>
        <svg class="axes" width={ML + S + MR} height={MT + S + MB}>
          <rect x={ML - 0.5} y={MT - 0.5} width={S + 1} height={S + 1} fill="none" stroke="#999" />
          {ticks.map((v) => (
            <g class="tick" key={`x${v}`}>
              <line x1={ML + at(v)} x2={ML + at(v)} y1={MT + S} y2={MT + S + 4} stroke="#333" />
              <text x={ML + at(v)} y={MT + S + 15} font-size="10" text-anchor="middle">{v}</text>
            </g>
          ))}
          {ticks.map((v) => (
            <g class="tick" key={`y${v}`}>
              <line x1={ML - 4} x2={ML} y1={MT + at(v)} y2={MT + at(v)} stroke="#333" />
              <text x={ML - 6} y={MT + at(v) + 3} font-size="10" text-anchor="end">{v}</text>
            </g>
          ))}
          <text x={ML + S / 2} y={MT + S + 32} font-size="11" text-anchor="middle" fill="#667085">
            source latent j (at t − {lag})
          </text>
          <text
            transform={`translate(12,${MT + S / 2}) rotate(-90)`}
            font-size="11"
            text-anchor="middle"
            fill="#667085"
          >
            target latent i (at t)
          </text>
        </svg>
        <canvas
          ref={ref}
          width={d * cell}
          height={d * cell}
          style={{ left: `${ML}px`, top: `${MT}px`, width: `${S}px`, height: `${S}px` }}
          onMouseMove={(e) => {
            const r = (e.target as HTMLCanvasElement).getBoundingClientRect();
            const j = Math.floor(((e.clientX - r.left) / r.width) * d),
              i = Math.floor(((e.clientY - r.top) / r.height) * d);
            if (i >= 0 && j >= 0 && i < d && j < d) {
              hover.value = `A${lag}[${i}][${j}] = ${A[i][j].toPrecision(3)}`;
            }
          }}
        />
      </div>
      <figcaption>
        lag {lag}: A{lag}[i][j], the effect of j at t − {lag} on i at t {hover.value}
      </figcaption>
    </figure>
  );
}

function Network({ d, edges, max }: { d: number; edges: NetworkEdge[]; max: number }) {
  const size = 420, R = 180, c = size / 2;
  const nodes = networkNodes(edges, d);
  const place = new Map<number, [number, number]>();
  nodes.forEach((n, k) => {
    const a = (2 * Math.PI * k) / Math.max(1, nodes.length) - Math.PI / 2;
    place.set(n, [c + R * Math.cos(a), c + R * Math.sin(a)]);
  });
  const pos = (i: number) => place.get(i)!;
  const r = nodes.length > 40 ? 8 : 11;
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
        const ex = x2 - (dx / len) * (r + 1), ey = y2 - (dy / len) * (r + 1);
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
            stroke-width={(0.8 + 2.7 * Math.abs(e.weight) / (max || 1)).toFixed(2)}
            marker-end={`url(#arrow-${pos_ ? "pos" : "neg"})`}
          >
            <title>{`${e.from} → ${e.to} (lag ${e.lag}): ${e.weight.toPrecision(3)}`}</title>
          </path>
        );
      })}
      {nodes.map((i) => {
        const [x, y] = pos(i);
        return (
          <g class="node" key={i} data-latent={i}>
            <circle cx={x.toFixed(1)} cy={y.toFixed(1)} r={r} fill="#fff" stroke="#333" />
            <text
              x={x.toFixed(1)}
              y={(y + 3.5).toFixed(1)}
              text-anchor="middle"
              font-size={i >= 100 ? "8" : "10"}
            >
              {i}
            </text>
          </g>
        );
      })}
    </svg>
  );
}

function EdgeList({ edges }: { edges: NetworkEdge[] }) {
  return (
    <div class="edge-list">
      <table class="grid">
        <thead>
          <tr>
            <th>#</th>
            <th>from → to</th>
            <th>lag</th>
            <th>A</th>
          </tr>
        </thead>
        <tbody>
          {edges.map((e, n) => (
            <tr key={`${e.from}-${e.to}-${e.lag}`}>
              <td>{n + 1}</td>
              <td>{e.from} → {e.to}</td>
              <td>{e.lag}</td>
              <td class={e.weight > 0 ? "pos" : "neg"}>{e.weight.toPrecision(3)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

/**
 * The coefficients from `/api/run/var`: a dense [p, d, d] array, or [n, 4] rows of
 * (k, i, j, A) for the non-zero ones of a p × d × d VAR (`shape` from x-var-shape).
 *
 * @param a The parsed NPY.
 * @param shape [p, d, d].
 * @returns A[k][i][j].
 */
export function coefficientsFromNpy(a: { shape: number[]; data: Float32Array }, shape: number[]) {
  const [p, d] = a.shape.length === 3 ? a.shape : shape;
  const A = Array.from({ length: p }, () => Array.from({ length: d }, () => new Array(d).fill(0)));
  if (a.shape.length === 3) {
    for (let k = 0; k < p; k++) {
      for (let i = 0; i < d; i++) {
        for (let j = 0; j < d; j++) A[k][i][j] = a.data[(k * d + i) * d + j];
      }
    }
  } else {
    for (let r = 0; r < a.shape[0]; r++) {
      const [k, i, j, w] = a.data.subarray(4 * r, 4 * r + 4);
      A[k][i][j] = w;
    }
  }
  return A as number[][][];
}

/**
 * The coefficients: `props.A`, or fetched from `/api/run/var` by `props.name` (null while
 * loading or when the fetch failed; `error` says why).
 */
function useCoefficients(
  props: DynamicsProps,
): { A: number[][][] | null; error: Signal<string> } {
  const fetched = useSignal<number[][][] | null>(null);
  const error = useSignal("");
  useEffect(() => {
    if (props.A || !props.name) return;
    const url = `/api/run/var?name=${encodeURIComponent(props.name)}`;
    fetch(url).then(async (res) => {
      if (!res.ok) {
        const body = await res.json().catch(() => null) as { error?: string } | null;
        throw new Error(body?.error ?? `${res.status} ${res.statusText}`);
      }
      const shape = (res.headers.get("x-var-shape") ?? "").split(",").map(Number);
      fetched.value = coefficientsFromNpy(parseNpyF32(await res.arrayBuffer()), shape);
    }).catch((err) => error.value = err instanceof Error ? err.message : String(err));
  }, [props.name]);
  return { A: props.A ?? fetched.value, error };
}

/**
 * The largest |A| (`max`) and the colour scale's end (`scale`). Self-effects (the diagonal)
 * are often several times the effects between latents; a colour scale up to them leaves every
 * edge near white. The colours end at the strongest effect between latents, and the diagonal
 * saturates (the caption says so).
 */
function colourScale(A: number[][][]): { max: number; scale: number } {
  let max = 0, offMax = 0;
  for (const m of A) {
    m.forEach((r, i) =>
      r.forEach((w, j) => {
        max = Math.max(max, Math.abs(w));
        if (i !== j) offMax = Math.max(offMax, Math.abs(w));
      })
    );
  }
  return { max, scale: offMax > 0 ? offMax : max };
}

/** The threshold slider, the number of edges shown, and what they leave. */
function DynamicsControls(
  { threshold, k, max, above, edges, nonZero }: {
    threshold: Signal<number>;
    k: Signal<number>;
    max: number;
    above: NetworkEdge[];
    edges: NetworkEdge[];
    nonZero: number;
  },
) {
  return (
    <div class="controls">
      <label>
        threshold |A| &gt; <b>{threshold.value.toPrecision(3)}</b>{" "}
        <input
          type="range"
          min={0}
          max={max}
          step={max / 200 || 1}
          value={threshold.value}
          onInput={(e) => threshold.value = Number((e.target as HTMLInputElement).value)}
        />
      </label>
      <label>
        strongest edges shown{" "}
        <input
          class="topk"
          type="number"
          min={0}
          max={Math.max(1, above.length)}
          value={k.value}
          onInput={(e) => {
            const v = Math.floor(Number((e.target as HTMLInputElement).value));
            if (Number.isFinite(v) && v >= 0) k.value = v;
          }}
        />
      </label>
      <span class="note">
        {nonZero} coefficients above the threshold · {above.length}{" "}
        edges between latents · showing the {edges.length} strongest
      </span>
    </div>
  );
}

/** The network of the edges shown, with its caption. */
function NetworkFigure({ d, edges }: { d: number; edges: NetworkEdge[] }) {
  return (
    <figure class="network-figure">
      <Network
        d={d}
        edges={edges}
        max={edges.reduce((m, e) => Math.max(m, Math.abs(e.weight)), 0)}
      />
      <figcaption>
        {d > 24 ? `the ${edges.length} strongest edges and the latents they join; ` : ""}
        j → i, red positive, blue negative, width |A| relative to the strongest shown
      </figcaption>
    </figure>
  );
}

/** The island. */
export function Dynamics(props: DynamicsProps) {
  const { A, error } = useCoefficients(props);
  const threshold = useSignal(props.threshold ?? 0);
  const k = useSignal(props.k ?? 20);
  if (!A) {
    return (
      <div class="dynamics" data-loading="1">
        {error.value
          ? <div class="error-panel">{error.value}</div>
          : <p class="note">loading the coefficients…</p>}
      </div>
    );
  }
  const { max, scale } = colourScale(A);
  const d = A[0]?.length ?? 0;
  const above = networkEdges(A, threshold.value);
  const edges = above.slice(0, Math.max(0, k.value));
  const nonZero = A.flat(2).filter((w) => w !== 0 && Math.abs(w) > threshold.value).length;
  return (
    <div
      class="dynamics"
      data-edges={edges.length}
      data-threshold={threshold.value}
      data-k={k.value}
    >
      <DynamicsControls
        threshold={threshold}
        k={k}
        max={max}
        above={above}
        edges={edges}
        nonZero={nonZero}
      />
      <div class="row">
        {A.map((m, lag) => (
          <Heatmap key={lag} A={m} max={scale} threshold={threshold.value} lag={lag + 1} />
        ))}
        <ColorBar
          min={-scale}
          max={scale}
          color={(t) => diverging(2 * t - 1)}
          label="coefficient A (dimensionless)"
          height={Math.min(matrixSize(d), 320)}
        />
      </div>
      {max > scale
        ? (
          <p class="note saturation">
            Colours end at ±{scale.toPrecision(3)}, the strongest effect between latents;
            self-effects on the diagonal reach {max.toPrecision(3)} and show saturated.
          </p>
        )
        : null}
      <div class="row">
        <NetworkFigure d={d} edges={edges} />
        <EdgeList edges={edges} />
      </div>
    </div>
  );
}
