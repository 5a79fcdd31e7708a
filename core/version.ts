/**
 * The version of sparsedyn (kept equal to `deno.json`'s by a test).
 *
 * @example
 * ```ts
 * import { VERSION } from "./version.ts";
 *
 * if (!/^\d+\.\d+\.\d+$/.test(VERSION)) throw new Error(VERSION);
 * ```
 *
 * @module
 */

/** Semantic version of this release. */
export const VERSION = "0.1.0";
