/**
 * The dashboard server: `startDashboard({ root })` builds the islands, serves the pages and
 * the data routes over the run folders under `root` (read-only, GET only, nothing outside the
 * root), and returns its URL and a `shutdown()`. Every handler's failure becomes an error
 * response; no request can stop the server.
 *
 *     /                      runs list           /run?name=ID       a run
 *     /compare?a=ID&b=ID     two runs            /api/..., /files/  data (see routes/api.ts)
 *     /studies               studies             /study?name=ID     a study's summary
 *     /static/               style.css, islands.js, islands.css
 *
 * @example
 * ```ts
 * import { startDashboard } from "./app.ts";
 *
 * const root = await Deno.makeTempDir();
 * const server = await startDashboard({ root, port: 0 });
 * const res = await fetch(server.url);
 * if (!(await res.text()).includes("Runs")) throw new Error("runs page");
 * await server.shutdown();
 * await Deno.remove(root, { recursive: true });
 * ```
 *
 * @module
 */
import { SparsedynError } from "../core/errors.ts";
import { buildIslands } from "./bundle.ts";
import type { AppContext } from "./context.ts";
import { json } from "./context.ts";
import type { FrameStore } from "../core/encode/frame_store.ts";
import { RunCache } from "./run_data.ts";
import { RunIndex } from "./run_index_cache.ts";
import { message } from "./run_index.ts";
import { matchRoute, pathExists, type Route } from "./router.ts";
import {
  apiFile,
  apiFrame,
  apiLive,
  apiMetrics,
  apiRuns,
  apiSeries,
  apiVar,
} from "./routes/api.ts";
import { runsPage } from "./routes/index.tsx";
import { comparePage, runPage } from "./routes/run.tsx";
import { studiesPage, studyPage } from "./routes/study.tsx";

/** Options of {@link startDashboard}. */
export interface DashboardOptions {
  /** The runs root (a folder). */
  root: string;
  /** Port (default 8787; 0 picks a free one). */
  port?: number;
  /** Interface (default 127.0.0.1: this machine only). */
  hostname?: string;
}

/** A running dashboard. */
export interface Dashboard {
  /** Its address, e.g. `http://127.0.0.1:8787/`. */
  url: string;
  /** The port bound. */
  port: number;
  /** The runs root's realpath. */
  root: string;
  /** Stops serving and releases models and temporary files. */
  shutdown(): Promise<void>;
  /** Resolves when the server has stopped. */
  finished: Promise<void>;
}

const SECURITY = {
  "x-content-type-options": "nosniff",
  "referrer-policy": "no-referrer",
  "content-security-policy":
    "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; script-src 'self'; connect-src 'self'",
};

/**
 * The request handler over a context (for tests and embedding).
 *
 * @param ctx The server's state.
 * @returns A handler that never throws.
 */
export function dashboardHandler(ctx: AppContext): (req: Request) => Promise<Response> {
  const routes: Route[] = [
    { method: "GET", path: "/", handler: () => runsPage(ctx) },
    { method: "GET", path: "/run", handler: (_r, _m, url) => runPage(ctx, url) },
    { method: "GET", path: "/compare", handler: (_r, _m, url) => comparePage(ctx, url) },
    { method: "GET", path: "/studies", handler: () => studiesPage(ctx) },
    { method: "GET", path: "/study", handler: (_r, _m, url) => studyPage(ctx, url) },
    { method: "GET", path: "/api/runs", handler: () => apiRuns(ctx) },
    { method: "GET", path: "/api/run/metrics", handler: (_r, _m, url) => apiMetrics(ctx, url) },
    { method: "GET", path: "/api/run/live", handler: (_r, _m, url) => apiLive(ctx, url) },
    { method: "GET", path: "/api/run/series", handler: (_r, _m, url) => apiSeries(ctx, url) },
    { method: "GET", path: "/api/run/frame", handler: (_r, _m, url) => apiFrame(ctx, url) },
    { method: "GET", path: "/api/run/var", handler: (_r, _m, url) => apiVar(ctx, url) },
    { method: "GET", path: "/files/*", handler: (req, m) => apiFile(ctx, m.rest, req) },
    {
      method: "GET",
      path: "/static/*",
      handler: (_r, m) => {
        const [body, type] = m.rest === "islands.js"
          ? [ctx.bundle.js, "text/javascript; charset=utf-8"]
          : m.rest === "islands.css"
          ? [ctx.bundle.css, "text/css; charset=utf-8"]
          : m.rest === "style.css"
          ? [ctx.css, "text/css; charset=utf-8"]
          : [null, ""];
        if (!body) return json({ error: "not found" }, 404);
        return new Response(body, {
          headers: { "content-type": type, "cache-control": "no-cache" },
        });
      },
    },
  ];
  return async (req: Request) => {
    let res: Response;
    try {
      const url = new URL(req.url);
      const m = matchRoute(routes, req.method, url.pathname);
      if (!m) {
        res = pathExists(routes, url.pathname)
          ? json({ error: "read-only: only GET and HEAD are served" }, 405)
          : json({ error: "not found" }, 404);
      } else {
        res = await m.route.handler(req, m, url);
        if (req.method === "HEAD" && res.body) res = new Response(null, res);
      }
    } catch (err) {
      res = json({ error: `internal error: ${message(err)}` }, 500);
    }
    for (const [k, v] of Object.entries(SECURITY)) res.headers.set(k, v);
    return res;
  };
}

/**
 * Starts the dashboard.
 *
 * @param options Root, port, interface.
 * @returns The running server.
 * @throws {SparsedynError} `IO` when the root is not a readable folder or the port is taken.
 */
export async function startDashboard(options: DashboardOptions): Promise<Dashboard> {
  let root: string;
  try {
    root = await Deno.realPath(options.root);
    if (!(await Deno.stat(root)).isDirectory) throw new Error("not a folder");
  } catch (err) {
    throw new SparsedynError("IO", `runs root "${options.root}": ${message(err)}`, {
      file: options.root,
    });
  }
  const bundle = await buildIslands();
  const css = await Deno.readFile(new URL("./static/style.css", import.meta.url));
  let store: Promise<FrameStore> | null = null;
  const closing = new AbortController();
  const ctx: AppContext = {
    closing: closing.signal,
    root,
    runs: new RunCache(root),
    index: new RunIndex(root),
    bundle,
    css,
    frames: () => store ??= import("../core/encode/frame_store.ts").then((m) => new m.FrameStore()),
  };
  // Read the runs list while the server starts, so that the first pages find it ready (or
  // in flight) instead of each of them reading every run.
  ctx.index.list().catch(() => {});
  const hostname = options.hostname ?? "127.0.0.1";
  let server: Deno.HttpServer<Deno.NetAddr>;
  try {
    server = Deno.serve({
      port: options.port ?? 8787,
      hostname,
      onListen: () => {},
      onError: (err) => json({ error: `internal error: ${message(err)}` }, 500),
    }, dashboardHandler(ctx));
  } catch (err) {
    throw new SparsedynError("IO", `cannot listen on ${hostname}:${options.port}: ${message(err)}`);
  }
  const port = server.addr.port;
  const host = hostname.includes(":") ? `[${hostname}]` : hostname;
  return {
    url: `http://${host}:${port}/`,
    port,
    root,
    finished: server.finished,
    async shutdown() {
      closing.abort();
      await server.shutdown();
      if (store) await (await store).close();
    },
  };
}
