/**
 * What every route handler reads: the runs root, the run cache, the frame store (loaded on
 * first use), the built islands; and the helpers that turn a request's run name into a
 * checked run id and build responses.
 *
 * @example
 * ```ts
 * import { runId } from "./context.ts";
 *
 * const root = await Deno.realPath(await Deno.makeTempDir());
 * await Deno.mkdir(`${root}/r`);
 * if (await runId(root, "r") !== "r" || await runId(root, "../r") !== null) throw new Error("ids");
 * await Deno.remove(root, { recursive: true });
 * ```
 *
 * @module
 */
import type { IslandBundle } from "./bundle.ts";
import type { FrameStore } from "../core/encode/frame_store.ts";
import type { RunCache } from "./run_data.ts";
import type { RunIndex } from "./run_index_cache.ts";
import { CHECKPOINT } from "./run_index.ts";
import { resolveUnderRoot } from "./safe_path.ts";

/** The server's state. */
export interface AppContext {
  /** The runs root's realpath. */
  root: string;
  /** Runs read so far. */
  runs: RunCache;
  /** The runs list, kept while no run changes. */
  index: RunIndex;
  /** The frame store, created on first use (it loads TensorFlow.js). */
  frames: () => Promise<FrameStore>;
  /** The islands' bundle. */
  bundle: IslandBundle;
  /** style.css. */
  css: Uint8Array<ArrayBuffer>;
  /** Aborted when the server shuts down (ends event streams). */
  closing: AbortSignal;
}

/**
 * A run name from a request, checked: its folder (or, while it trains, its checkpoint)
 * must resolve inside the root; the id returned is the path relative to the root's realpath.
 *
 * @param root The root's realpath.
 * @param name The name as given.
 * @returns The id, or null when it is not a run under the root.
 */
export async function runId(root: string, name: string | null): Promise<string | null> {
  if (!name) return null;
  const enc = name.split("/").map(encodeURIComponent).join("/");
  let real = await resolveUnderRoot(root, enc);
  if (!real) {
    const cp = await resolveUnderRoot(root, enc + CHECKPOINT);
    real = cp?.endsWith(CHECKPOINT) ? cp.slice(0, -CHECKPOINT.length) : null;
  }
  if (!real || real === root) return null;
  return real.slice(root.length + 1);
}

/**
 * A JSON response.
 *
 * @param body The value.
 * @param status HTTP status.
 * @returns The response.
 */
export function json(body: unknown, status = 200): Response {
  return jsonText(JSON.stringify(body), status);
}

/**
 * A JSON response from text already serialised (kept by a cache).
 *
 * @param text The JSON text.
 * @param status HTTP status.
 * @returns The response.
 */
export function jsonText(text: string, status = 200): Response {
  return new Response(text, {
    status,
    headers: { "content-type": "application/json; charset=utf-8", "cache-control": "no-store" },
  });
}

/**
 * An HTML response.
 *
 * @param html The document (without doctype).
 * @param status HTTP status.
 * @returns The response.
 */
export function html(html: string, status = 200): Response {
  return new Response("<!DOCTYPE html>" + html, {
    status,
    headers: { "content-type": "text/html; charset=utf-8", "cache-control": "no-store" },
  });
}
