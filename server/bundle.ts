/**
 * The islands' browser bundle: esbuild bundles `islands/client.ts` (every island, Preact,
 * signals and uPlot with its CSS) in memory when the server starts, once per process. Nothing
 * is written to disk and nothing is fetched at run time.
 *
 * @example
 * ```ts
 * import { buildIslands } from "./bundle.ts";
 *
 * const b = await buildIslands();
 * if (b.js.length < 1000 || b.css.length === 0) throw new Error("bundle");
 * ```
 *
 * @module
 */
import * as esbuild from "esbuild";

/** The built files. */
export interface IslandBundle {
  /** islands.js (ES module). */
  js: Uint8Array<ArrayBuffer>;
  /** islands.css (uPlot's stylesheet). */
  css: Uint8Array<ArrayBuffer>;
  /** Content hash, for cache busting. */
  hash: string;
}

let built: Promise<IslandBundle> | null = null;

/**
 * Builds (once per process) the islands' bundle.
 *
 * @returns The bundle.
 */
export function buildIslands(): Promise<IslandBundle> {
  built ??= build().catch((err) => {
    built = null;
    throw err;
  });
  return built;
}

async function build(): Promise<IslandBundle> {
  const entry = new URL("./islands/client.ts", import.meta.url).pathname;
  try {
    const r = await esbuild.build({
      entryPoints: [entry],
      bundle: true,
      write: false,
      outdir: "/islands",
      entryNames: "islands",
      format: "esm",
      target: "es2022",
      minify: true,
      jsx: "automatic",
      jsxImportSource: "preact",
      logLevel: "silent",
      legalComments: "none",
    });
    // uPlot's stylesheet, resolved from its package like the scripts.
    const css = await esbuild.build({
      stdin: {
        contents: `@import "uplot/dist/uPlot.min.css";`,
        loader: "css",
        resolveDir: new URL("./islands/", import.meta.url).pathname,
      },
      bundle: true,
      write: false,
      minify: true,
      logLevel: "silent",
    });
    const js = new Uint8Array(r.outputFiles.find((o) => o.path.endsWith(".js"))!.contents);
    const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", js));
    const hash = Array.from(digest.subarray(0, 6), (b) => b.toString(16).padStart(2, "0")).join("");
    return { js, css: new Uint8Array(css.outputFiles[0].contents), hash };
  } finally {
    await esbuild.stop();
  }
}
