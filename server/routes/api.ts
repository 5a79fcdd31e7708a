/**
 * The data routes. JSON for small things (runs, metrics), server-sent events for live
 * metrics, float32 NPY for arrays (series, frames), files under the root as they are.
 *
 *     GET /api/runs                               the runs list
 *     GET /api/run/metrics?name=ID                metrics so far, status
 *     GET /api/run/live?name=ID&from=N            text/event-stream of epochs after the N-th
 *     GET /api/run/series?name=ID&cols=0,1&from=&to=&points=
 *                                                 NPY [1 + 2c, P]: frame, c latents, c predictions
 *     GET /api/run/frame?name=ID&t=               NPY [2, H, W]: raw frame, reconstruction
 *     GET /api/run/var?name=ID                    the VAR's coefficients A_k[i][j]: NPY [p, d, d],
 *                                                 or NPY [n, 4] of (k, i, j, A) for the n non-zero
 *                                                 ones when that is smaller (header x-var-shape)
 *     GET /files/<path under the root>            a file (realpath inside the root)
 *
 * @example
 * ```ts
 * import { parseCols } from "./api.ts";
 *
 * if (parseCols("0,2", 4)?.join() !== "0,2" || parseCols("9", 4) !== null) throw new Error("cols");
 * ```
 *
 * @module
 */
import { type AppContext, json, jsonText, runId } from "../context.ts";
import { minMaxEnvelope } from "../downsample.ts";
import { metricsEvents } from "../metrics_stream.ts";
import { encodeNpyF32 } from "../npy_f32.ts";
import { message } from "../run_index.ts";
import type { RunData } from "../run_data.ts";
import { resolveUnderRoot } from "../safe_path.ts";

const NPY = { "content-type": "application/octet-stream", "cache-control": "no-store" };

/**
 * Parses a list of latent indices.
 *
 * @param text "0,1,5" (empty: none).
 * @param d Latents.
 * @returns The indices, or null when one is not an integer in [0, d).
 */
export function parseCols(text: string, d: number): number[] | null {
  if (text.trim() === "") return [];
  const cols = text.split(",").map((s) => Number(s));
  return cols.every((j) => Number.isInteger(j) && j >= 0 && j < d) && cols.length <= 64
    ? cols
    : null;
}

function intParam(url: URL, key: string, fallback: number): number {
  const v = url.searchParams.get(key);
  const n = v === null || v === "" ? fallback : Number(v);
  return Number.isFinite(n) ? Math.floor(n) : fallback;
}

async function runOr404(ctx: AppContext, url: URL) {
  const id = await runId(ctx.root, url.searchParams.get("name"));
  if (!id) return { error: json({ error: "no such run under the root" }, 404) };
  try {
    return { run: await ctx.runs.get(id), id };
  } catch (err) {
    return { error: json({ error: `run ${id}: ${message(err)}` }, 422) };
  }
}

/** GET /api/runs. */
export async function apiRuns(ctx: AppContext): Promise<Response> {
  const runs = await ctx.index.list();
  return jsonText(ctx.index.cached(runs, "json", () => JSON.stringify(runs)));
}

/** GET /api/run/metrics. */
export async function apiMetrics(ctx: AppContext, url: URL): Promise<Response> {
  const r = await runOr404(ctx, url);
  if (r.error) return r.error;
  return json({ status: r.run.status, metrics: r.run.metrics });
}

/** GET /api/run/live. */
export async function apiLive(ctx: AppContext, url: URL): Promise<Response> {
  const id = await runId(ctx.root, url.searchParams.get("name"));
  if (!id) return json({ error: "no such run under the root" }, 404);
  return new Response(metricsEvents(ctx.root, id, ctx.closing, intParam(url, "from", 0)), {
    headers: {
      "content-type": "text/event-stream",
      "cache-control": "no-store",
      "x-accel-buffering": "no",
    },
  });
}

/** GET /api/run/series. */
export async function apiSeries(ctx: AppContext, url: URL): Promise<Response> {
  const r = await runOr404(ctx, url);
  if (r.error) return r.error;
  const { run } = r;
  if (!run.latents) return json({ error: "the run has no latent series yet" }, 404);
  const cols = parseCols(url.searchParams.get("cols") ?? "0", run.d);
  if (!cols) return json({ error: `cols must be latent indices in [0, ${run.d})` }, 400);
  const from = intParam(url, "from", 0), to = intParam(url, "to", run.T);
  const points = Math.max(10, Math.min(20_000, intParam(url, "points", 1000)));
  const buckets = Math.ceil(points / 2);
  const z = minMaxEnvelope(run.latents, run.T, run.d, cols, from, to, buckets);
  const pred = run.predictions
    ? minMaxEnvelope(run.predictions, run.T, run.d, cols, from, to, buckets).ys
    : cols.map(() => new Float32Array(z.x.length).fill(NaN));
  const P = z.x.length, rows = 1 + 2 * cols.length;
  const out = new Float32Array(rows * P);
  [z.x, ...z.ys, ...pred].forEach((row, k) => out.set(row, k * P));
  return new Response(encodeNpyF32(out, [rows, P]), {
    headers: { ...NPY, "x-frames": String(run.T) },
  });
}

const varBytes = new WeakMap<RunData, Uint8Array<ArrayBuffer>>();

/**
 * GET /api/run/var: the coefficients as float32 NPY, fetched by the page rather than carried
 * in it (a 512-latent VAR is megabytes as JSON). The lasso leaves most coefficients at zero,
 * so the non-zero ones are sent as (k, i, j, A) rows when that is smaller than the dense
 * p × d × d array: 32 KB instead of 1 MB for a 512-latent run with 2 000 non-zeros.
 */
export async function apiVar(ctx: AppContext, url: URL): Promise<Response> {
  const r = await runOr404(ctx, url);
  if (r.error) return r.error;
  const { run } = r;
  if (!run.var) {
    return json({ error: `run ${r.id}: ${run.problems.var ?? "var.json is missing"}` }, 404);
  }
  const p = run.var.A.length, d = run.d;
  let bytes = varBytes.get(run);
  if (!bytes) {
    const rows: number[] = [];
    run.var.A.forEach((m, k) =>
      m.forEach((row, i) =>
        row.forEach((w, j) => {
          if (w !== 0) rows.push(k, i, j, w);
        })
      )
    );
    if (rows.length < p * d * d) {
      bytes = encodeNpyF32(Float32Array.from(rows), [rows.length / 4, 4]);
    } else {
      const out = new Float32Array(p * d * d);
      run.var.A.forEach((m, k) => m.forEach((row, i) => out.set(row, (k * d + i) * d)));
      bytes = encodeNpyF32(out, [p, d, d]);
    }
    varBytes.set(run, bytes);
  }
  return new Response(bytes, { headers: { ...NPY, "x-var-shape": `${p},${d},${d}` } });
}

/** GET /api/run/frame. */
export async function apiFrame(ctx: AppContext, url: URL): Promise<Response> {
  const id = await runId(ctx.root, url.searchParams.get("name"));
  if (!id) return json({ error: "no such run under the root" }, 404);
  try {
    const store = await ctx.frames();
    const f = await store.frame(`${ctx.root}/${id}`, intParam(url, "t", 0));
    const out = new Float32Array(2 * f.H * f.W);
    out.set(f.raw);
    out.set(f.reconstruction, f.H * f.W);
    return new Response(encodeNpyF32(out, [2, f.H, f.W]), {
      headers: { ...NPY, "x-frames": String(f.T) },
    });
  } catch (err) {
    return json({ error: message(err) }, 422);
  }
}

const TYPES: Record<string, string> = {
  png: "image/png",
  json: "application/json; charset=utf-8",
  jsonl: "text/plain; charset=utf-8",
  npy: "application/octet-stream",
  txt: "text/plain; charset=utf-8",
  log: "text/plain; charset=utf-8",
  csv: "text/csv; charset=utf-8",
};

/** GET /files/<rest>: a file under the root. */
export async function apiFile(ctx: AppContext, rest: string, req: Request): Promise<Response> {
  const real = await resolveUnderRoot(ctx.root, rest);
  const st = real ? await Deno.stat(real).catch(() => null) : null;
  if (!real || !st?.isFile) return json({ error: "not found" }, 404);
  const ext = real.slice(real.lastIndexOf(".") + 1).toLowerCase();
  const headers = {
    "content-type": TYPES[ext] ?? "application/octet-stream",
    "content-length": String(st.size),
    "cache-control": "no-cache",
  };
  if (req.method === "HEAD") return new Response(null, { headers });
  const file = await Deno.open(real, { read: true });
  return new Response(file.readable, { headers });
}
