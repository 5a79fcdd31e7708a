/** @jsxImportSource preact */
/**
 * A condition test's result (`test.json`): the statistic, its null distribution as a
 * histogram (counts of relabelings on the y axis, the statistic on the x axis) with the
 * observed value marked, the p-value, the FDR-significant coefficients,
 * and the contribution-map sub-test when present. Rendered on the server as SVG and tables.
 *
 * @example
 * ```ts
 * import { h } from "preact";
 * import { renderToString } from "preact-render-to-string";
 * import { TestResults } from "./TestResults.tsx";
 *
 * const test = { statisticName: "Σ t²", statistic: 5, pValue: 0.01, alpha: 0.05, rejected: true,
 *   permutations: 99, null: { values: [1, 2, 2, 3] }, significant: [], coefficients: [] };
 * const html = renderToString(h(TestResults, { test }));
 * if (!html.includes("class=\"observed\"") || !html.includes("0.01")) throw new Error(html);
 * ```
 *
 * @module
 */
import type { CoefficientTest } from "../../core/stats/condition_test.ts";
import { niceTicks, tickText } from "../islands/_colorbar.tsx";

/** Props of {@link TestResults}. */
export interface TestResultsProps {
  /** test.json's content. */
  test: Record<string, unknown>;
  /** Fewer rows (for the compare page). */
  compact?: boolean;
}

interface Hist {
  edges: number[];
  counts: number[];
}

/**
 * Histogram of a stored null distribution (values, or the stored histogram as is).
 *
 * @param nul test.json's `null`.
 * @param bins Bins for raw values.
 * @returns Edges and counts, or null when absent.
 */
export function nullHistogram(nul: unknown, bins = 30): Hist | null {
  const n = nul as { values?: number[]; histogram?: Hist } | undefined;
  if (n?.histogram && Array.isArray(n.histogram.edges)) return n.histogram;
  const v = n?.values?.filter((x) => Number.isFinite(x));
  if (!v || v.length === 0) return null;
  let lo = Math.min(...v), hi = Math.max(...v);
  if (hi === lo) [lo, hi] = [lo - 0.5, hi + 0.5];
  const w = (hi - lo) / bins;
  const counts = new Array(bins).fill(0);
  for (const x of v) counts[Math.min(bins - 1, Math.floor((x - lo) / w))]++;
  return { edges: Array.from({ length: bins + 1 }, (_, k) => lo + k * w), counts };
}

function fmt(v: unknown, digits = 3): string {
  return typeof v === "number" && Number.isFinite(v) ? v.toPrecision(digits) : "—";
}

function NullChart({ hist, observed, name }: { hist: Hist; observed: number; name: string }) {
  const W = 460, H = 200, left = 52, right = 16, top = 12, bottom = 42;
  const lo = Math.min(hist.edges[0], observed), hi = Math.max(hist.edges.at(-1)!, observed);
  const span = hi - lo || 1;
  const x = (v: number) => left + ((v - lo) / span) * (W - left - right);
  const top_ = Math.max(...hist.counts, 1);
  const y = (c: number) => H - bottom - (c / top_) * (H - top - bottom);
  const yTicks = niceTicks(0, top_, 4).filter((v) => Number.isInteger(v));
  const xTicks = niceTicks(lo, hi, 5);
  return (
    <svg class="null-hist" width={W} height={H} viewBox={`0 0 ${W} ${H}`}>
      {hist.counts.map((c, k) => (
        <rect
          key={k}
          class="bar"
          x={x(hist.edges[k]).toFixed(1)}
          y={y(c).toFixed(1)}
          width={Math.max(0.5, x(hist.edges[k + 1]) - x(hist.edges[k]) - 0.5).toFixed(1)}
          height={(H - bottom - y(c)).toFixed(1)}
          fill="#9bb7d4"
        />
      ))}
      <line x1={left} x2={W - right} y1={H - bottom} y2={H - bottom} stroke="#333" />
      <line class="y-axis" x1={left} x2={left} y1={top} y2={H - bottom} stroke="#333" />
      {yTicks.map((v) => (
        <g class="y-tick" key={`y${v}`}>
          <line x1={left - 4} x2={left} y1={y(v)} y2={y(v)} stroke="#333" />
          <text x={left - 6} y={y(v) + 3.5} font-size="10" text-anchor="end">{v}</text>
        </g>
      ))}
      {xTicks.map((v) => (
        <g class="x-tick" key={`x${v}`}>
          <line x1={x(v)} x2={x(v)} y1={H - bottom} y2={H - bottom + 4} stroke="#333" />
          <text x={x(v)} y={H - bottom + 15} font-size="10" text-anchor="middle">
            {tickText(v)}
          </text>
        </g>
      ))}
      <text
        transform={`translate(12,${(top + H - bottom) / 2}) rotate(-90)`}
        font-size="11"
        text-anchor="middle"
        fill="#667085"
      >
        relabelings
      </text>
      <text x={(left + W - right) / 2} y={H - 6} font-size="11" text-anchor="middle" fill="#667085">
        {name} under relabeling (null distribution)
      </text>
      <line
        class="observed"
        x1={x(observed).toFixed(1)}
        x2={x(observed).toFixed(1)}
        y1={top}
        y2={H - bottom}
        stroke="#c0392b"
        stroke-width="2"
      />
      {
        /* The label goes left of the line when the line is near the right edge. */
      }
      <text
        x={x(observed) > W / 2 ? x(observed) - 4 : x(observed) + 4}
        y={top + 10}
        font-size="11"
        fill="#c0392b"
        text-anchor={x(observed) > W / 2 ? "end" : "start"}
      >
        observed {fmt(observed)}
      </text>
    </svg>
  );
}

/** A coefficient's test as test.json holds it (`significant` may be absent in older files). */
type Coef = Omit<CoefficientTest, "significant"> & { significant?: boolean };

function Summary({ t, what }: { t: Record<string, unknown>; what: string }) {
  const hist = nullHistogram(t.null);
  return (
    <div class="test-summary">
      <table class="kv">
        <tbody>
          <tr>
            <th>{what}</th>
            <td>{String(t.statisticName ?? "statistic")} = {fmt(t.statistic, 5)}</td>
          </tr>
          <tr>
            <th>p-value</th>
            <td class="p-value">
              {fmt(t.pValue)} ({String(t.permutations ?? "?")}{" "}
              relabelings{t.exact ? ", exact" : ""}) {t.rejected
                ? <b>different at α = {String(t.alpha)}</b>
                : `not rejected at α = ${t.alpha}`}
            </td>
          </tr>
        </tbody>
      </table>
      {hist && typeof t.statistic === "number"
        ? (
          <NullChart
            hist={hist}
            observed={t.statistic}
            name={String(t.statisticName ?? "statistic")}
          />
        )
        : <p class="note">no null distribution stored</p>}
    </div>
  );
}

/** A line saying the test ran on principal components, when it did. */
function components(test: Record<string, unknown>) {
  const c = test.components as { k?: number; d?: number; explained?: number } | undefined;
  if (!c || typeof c.k !== "number") return null;
  return (
    <p class="note">
      on the {c.k} leading principal components of the {String(c.d)}{" "}
      latents (pooled over both conditions;{" "}
      {fmt((c.explained ?? 0) * 100, 3)}% of the variance): coefficients below are between
      components
    </p>
  );
}

/** The test's section. */
export function TestResults({ test, compact }: TestResultsProps) {
  const sig = (Array.isArray(test.significant) ? test.significant : []) as Coef[];
  const coefs = (Array.isArray(test.coefficients) ? test.coefficients : []) as Coef[];
  const maps = test.maps as Record<string, unknown> | undefined;
  const cells = (Array.isArray(maps?.significant) ? maps!.significant : []) as Record<
    string,
    number
  >[];
  const rows = compact ? sig.slice(0, 5) : sig.slice(0, 50);
  return (
    <div class="test">
      <Summary t={test} what="coefficient test" />
      {components(test)}
      <h4>
        FDR-significant coefficients: {sig.length} of {coefs.length}
      </h4>
      {rows.length > 0
        ? (
          <table class="grid">
            <thead>
              <tr>
                <th>lag</th>
                <th>from → to</th>
                <th>mean A</th>
                <th>mean B</th>
                <th>t</th>
                <th>p</th>
                <th>q</th>
              </tr>
            </thead>
            <tbody>
              {rows.map((c) => (
                <tr key={`${c.lag}-${c.from}-${c.to}`}>
                  <td>{c.lag}</td>
                  <td>{c.from} → {c.to}</td>
                  <td>{fmt(c.meanA)}</td>
                  <td>{fmt(c.meanB)}</td>
                  <td>{fmt(c.t)}</td>
                  <td>{fmt(c.p)}</td>
                  <td>{fmt(c.q)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )
        : null}
      {maps
        ? (
          <div class="maps-test">
            <h4>Contribution-map test</h4>
            <Summary t={maps} what="map test" />
            <p class="note">
              {cells.length} grid cells with q ≤ α
              {gridText(maps.grid)}
              {cells.length > 0
                ? `: ${
                  cells.slice(0, 10).map((c) => `(${c.y}, ${c.x}) q=${fmt(c.q, 2)}`)
                    .join(" ")
                }`
                : ""}
            </p>
            {warningList(maps.warnings, "maps")}
          </div>
        )
        : null}
      {warningList(test.warnings)}
    </div>
  );
}

/** " (grid 8×4, cells of 2×2 pixels)" from test.json's `maps.grid`. */
function gridText(grid: unknown): string {
  const g = grid as { height?: unknown; width?: unknown; downsample?: unknown } | undefined;
  if (!g || typeof g.height !== "number" || typeof g.width !== "number") return "";
  const cell = typeof g.downsample === "number"
    ? `, cells of ${g.downsample}×${g.downsample} pixels`
    : "";
  return ` (grid ${g.height}×${g.width}${cell})`;
}

/** The test's caveats (e.g. a design that can never reject), as test.json states them. */
function warningList(warnings: unknown, what?: string) {
  const list = Array.isArray(warnings) ? warnings.filter((w) => typeof w === "string") : [];
  if (list.length === 0) return null;
  return (
    <ul class="warnings">
      {list.map((w) => <li key={w} class="error-text">warning{what ? ` (${what})` : ""}: {w}</li>)}
    </ul>
  );
}
