/** @jsxImportSource preact */
/**
 * A run's page (`/run?name=ID`) and the comparison of two runs (`/compare?a=ID&b=ID`). A
 * run that cannot be read gives an error panel with the reason (status 200 inside the
 * page's frame, so the rest of the dashboard stays usable); an unknown or outside name is a
 * 404.
 *
 * @example
 * ```ts
 * import { notFoundPage } from "./run.tsx";
 *
 * const res = notFoundPage("x", "h");
 * if (res.status !== 404) throw new Error("404");
 * ```
 *
 * @module
 */
import { renderToString } from "preact-render-to-string";
import { ErrorPanel } from "../components/ErrorPanel.tsx";
import { Layout } from "../components/Layout.tsx";
import { RunPanels } from "../components/RunPanels.tsx";
import { type AppContext, html, runId } from "../context.ts";
import { message } from "../run_index.ts";
import type { RunData } from "../run_data.ts";

/**
 * The 404 page for a name that is not a run under the root.
 *
 * @param name The name asked for.
 * @param hash Bundle hash.
 * @returns The response.
 */
export function notFoundPage(name: string, hash: string): Response {
  return html(
    renderToString(
      <Layout title="not found" hash={hash}>
        <ErrorPanel title="Not found" message={`no run "${name}" under the runs root`} />
      </Layout>,
    ),
    404,
  );
}

async function load(ctx: AppContext, id: string): Promise<RunData | Error> {
  try {
    return await ctx.runs.get(id);
  } catch (err) {
    return new Error(message(err));
  }
}

/**
 * GET `/run?name=ID`.
 *
 * @param ctx The server's state.
 * @param url The request URL.
 * @returns The page.
 */
export async function runPage(ctx: AppContext, url: URL): Promise<Response> {
  const name = url.searchParams.get("name") ?? "";
  const id = await runId(ctx.root, name);
  if (!id) return notFoundPage(name, ctx.bundle.hash);
  const run = await load(ctx, id);
  if (run instanceof Error) return html(renderRunPage(ctx, id, run));
  // The run cache returns the same object while the run's files are unchanged.
  let page = pages.get(run);
  if (page === undefined) pages.set(run, page = renderRunPage(ctx, id, run));
  return html(page);
}

const pages = new WeakMap<RunData, string>();

function renderRunPage(ctx: AppContext, id: string, run: RunData | Error): string {
  return renderToString(
    <Layout title={id} hash={ctx.bundle.hash}>
      <h1>
        Run <code>{id}</code>
      </h1>
      {run instanceof Error
        ? <ErrorPanel title={`Run ${id} cannot be shown`} message={run.message} />
        : <RunPanels run={run} />}
    </Layout>,
  );
}

/**
 * GET `/compare?a=ID&b=ID`.
 *
 * @param ctx The server's state.
 * @param url The request URL.
 * @returns The page.
 */
export async function comparePage(ctx: AppContext, url: URL): Promise<Response> {
  const names = [url.searchParams.get("a") ?? "", url.searchParams.get("b") ?? ""];
  const ids = await Promise.all(names.map((n) => runId(ctx.root, n)));
  const missing = names.find((_n, i) => !ids[i]);
  if (missing !== undefined) return notFoundPage(missing, ctx.bundle.hash);
  const runs = await Promise.all(ids.map((id) => load(ctx, id!)));
  const key = JSON.stringify(ids);
  const kept = compared.get(key);
  if (kept && kept.runs.every((r, i) => r === runs[i] && !(r instanceof Error))) {
    return html(kept.page);
  }
  const page = renderComparePage(ctx, ids as string[], runs);
  // A few pairs are kept; the oldest goes first.
  if (compared.size >= 32) compared.delete(compared.keys().next().value!);
  compared.set(key, { runs, page });
  return html(page);
}

const compared = new Map<string, { runs: (RunData | Error)[]; page: string }>();

function renderComparePage(ctx: AppContext, ids: string[], runs: (RunData | Error)[]): string {
  return renderToString(
    <Layout title={`${ids[0]} vs ${ids[1]}`} hash={ctx.bundle.hash}>
      <h1>
        Compare <code>{ids[0]}</code> and <code>{ids[1]}</code>
      </h1>
      <div class="compare">
        {runs.map((run, i) => (
          <div class="column" key={i}>
            <h2>
              <a href={`/run?name=${encodeURIComponent(ids[i]!)}`}>{ids[i]}</a>
            </h2>
            {run instanceof Error
              ? <ErrorPanel title={`Run ${ids[i]} cannot be shown`} message={run.message} />
              : <RunPanels run={run} compact />}
          </div>
        ))}
      </div>
    </Layout>,
  );
}
