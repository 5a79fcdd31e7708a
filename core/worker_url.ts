// Where a node:worker_threads Worker finds its module, however the code was loaded.

/**
 * The URL to start a worker module from. `node:worker_threads` accepts only file: and data:
 * URLs; when our code is imported by URL (an install from a web server), a data: module that
 * imports the worker's module stands in for it.
 *
 * @param url The worker module, resolved against the caller's `import.meta.url`.
 * @returns `url` itself for a file, else a data: module importing it.
 *
 * @example
 * ```ts
 * import { workerUrl } from "./worker_url.ts";
 * const local = workerUrl(new URL("file:///repo/core/var/_lasso_worker.ts"));
 * if (local.protocol !== "file:") throw new Error("a file stays a file");
 * const remote = workerUrl(new URL("https://example.org/core/var/_lasso_worker.ts"));
 * if (remote.protocol !== "data:") throw new Error("a remote module goes through data:");
 * ```
 */
export function workerUrl(url: URL): URL {
  if (url.protocol === "file:") return url;
  return new URL(`data:text/javascript,import ${encodeURIComponent(JSON.stringify(url.href))};`);
}
