// Where `sparsedyn encode` writes each movie's latents, and the line it prints per movie.
import type { EncodeResult } from "../core/encode/encode_movie.ts";
import type { WindowVarsResult } from "../core/encode/window_vars.ts";
import { UsageError } from "./_flags.ts";

/** A movie's file name without folder and extension, safe as a file name. */
export function baseName(path: string): string {
  return path.split("/").pop()!.replace(/\.[^.]+$/, "").replace(/[^\w.-]/g, "_") || "movie";
}

/**
 * The output of each movie: --out (or <name>.latents.npy) for one, <out>/<name>.latents.npy
 * for several (the folder created).
 */
export async function latentOutputs(
  movies: string[],
  out: string | undefined,
): Promise<{ names: string[]; outs: string[] }> {
  const names = movies.map(baseName);
  if (new Set(names).size !== names.length) {
    throw new UsageError("two movies have the same name: encode them one at a time with --out");
  }
  if (movies.length === 1) return { names, outs: [out ?? `${names[0]}.latents.npy`] };
  const dir = (out ?? ".").replace(/\/+$/, "") || "/";
  await Deno.mkdir(dir, { recursive: true });
  return { names, outs: names.map((n) => `${dir}/${n}.latents.npy`) };
}

/** The lines printed for one encoded movie (and its window VARs). */
export function printEncoded(movie: string, r: EncodeResult, v: WindowVarsResult | undefined) {
  const rate = (r.frames / Math.max(r.seconds, 1e-9)).toFixed(0);
  const resumed = r.resumedFrom ? `, resumed after frame ${r.resumedFrom}` : "";
  console.log(
    `sparsedyn encode: ${movie} → ${r.path}: ${r.frames} × ${r.latentSize} latents ` +
      `(${r.engine} on ${r.device}, ${rate} frames/s${resumed})`,
  );
  if (v) {
    console.log(`  VAR(${v.lags}) per window: ${v.windows} windows → ${v.path}, ${v.jsonPath}`);
  }
}
