/** @jsxImportSource preact */
/**
 * The runs list (`/`): every run under the root with its mode, skip connection, backend,
 * status, key metrics and date, and a form to compare two runs.
 *
 * @example
 * ```ts
 * import { renderToString } from "preact-render-to-string";
 * import { h } from "preact";
 * import { RunsTable } from "./index.tsx";
 *
 * const html = renderToString(h(RunsTable, { runs: [{ name: "r", status: "failed", error: "bad", date: "" }] }));
 * if (!html.includes("bad")) throw new Error(html);
 * ```
 *
 * @module
 */
import { renderToString } from "preact-render-to-string";
import { Layout } from "../components/Layout.tsx";
import { type AppContext, html } from "../context.ts";
import type { RunListing } from "../run_index.ts";

function num(v: number | undefined, digits = 3): string {
  return v === undefined || !Number.isFinite(v) ? "—" : v.toPrecision(digits);
}

/** The table of runs. */
export function RunsTable({ runs }: { runs: RunListing[] }) {
  return (
    <table class="grid runs">
      <thead>
        <tr>
          <th>run</th>
          <th>status</th>
          <th>mode</th>
          <th>skip</th>
          <th>backend</th>
          <th>epochs</th>
          <th>frames</th>
          <th>d</th>
          <th>loss</th>
          <th>reconstruction</th>
          <th>prediction</th>
          <th>non-zero A</th>
          <th>test p</th>
          <th>date</th>
        </tr>
      </thead>
      <tbody>
        {runs.map((r) => (
          <tr key={r.name} class={`status-${r.status}`} data-run={r.name}>
            <td>
              <a href={`/run?name=${encodeURIComponent(r.name)}`}>{r.name}</a>
            </td>
            <td>
              <span class={`badge ${r.status}`}>{r.status}</span>
              {r.error ? <div class="error-text">{r.error}</div> : null}
              {r.damage?.map((why) => <div key={why} class="error-text damage">{why}</div>)}
            </td>
            <td>{r.mode ?? "—"}</td>
            <td>{r.skip ?? "—"}</td>
            <td>{r.backend ?? "—"}</td>
            <td>{r.epochs ?? "—"}</td>
            <td>{r.frames ?? "—"}</td>
            <td>{r.latents ?? "—"}</td>
            <td>{num(r.last?.loss)}</td>
            <td>{num(r.last?.reconstruction)}</td>
            <td>{num(r.last?.prediction)}</td>
            <td>{r.nonZero ?? "—"}</td>
            <td>{num(r.pValue, 2)}</td>
            <td>{r.date ? r.date.slice(0, 16).replace("T", " ") : "—"}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

/**
 * GET `/`.
 *
 * @param ctx The server's state.
 * @returns The page.
 */
export async function runsPage(ctx: AppContext): Promise<Response> {
  const runs = await ctx.index.list();
  return html(ctx.index.cached(runs, "page", () => renderRunsPage(ctx, runs)));
}

function renderRunsPage(ctx: AppContext, runs: RunListing[]): string {
  // Damaged runs can be compared too, after the intact ones.
  const finished = [
    ...runs.filter((r) => r.status === "finished"),
    ...runs.filter((r) => r.status === "damaged"),
  ];
  return renderToString(
    <Layout title="runs" hash={ctx.bundle.hash}>
      <h1>Runs</h1>
      <p class="note">{runs.length} run{runs.length === 1 ? "" : "s"} under {ctx.root}</p>
      {runs.length ? <RunsTable runs={runs} /> : <p>No run folders found.</p>}
      {finished.length >= 2
        ? (
          <form class="compare-form" action="/compare" method="get">
            <h2>Compare two runs</h2>
            <select name="a">
              {finished.map((r, i) => (
                <option key={r.name} value={r.name} selected={i === 0}>{r.name}</option>
              ))}
            </select>
            <select name="b">
              {finished.map((r, i) => (
                <option key={r.name} value={r.name} selected={i === 1}>{r.name}</option>
              ))}
            </select>
            <button type="submit">compare</button>
          </form>
        )
        : null}
    </Layout>,
  );
}
