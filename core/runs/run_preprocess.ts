/**
 * The preprocessing a run applies to every movie, read back from its folder: the spec in
 * `config.json` (crop, downsampling, normalisation with the training movie's `scale`) and,
 * for "zscore" runs, the training movie's per-pixel statistics from `pixel_stats.npy`.
 *
 * @example
 * ```ts
 * import { readRunPreprocess } from "./run_preprocess.ts";
 *
 * const dir = await Deno.makeTempDir();
 * const spec = await readRunPreprocess(dir, { normalize: "scale", scale: { mean: 2, sd: 3 } }, 4, 4);
 * if (spec.scale?.sd !== 3) throw new Error(JSON.stringify(spec));
 * await Deno.remove(dir);
 * ```
 *
 * @module
 */
import { ioError, SparsedynError } from "../errors.ts";
import { decodeNpy } from "../data/npy.ts";
import type { PreprocessSpec } from "../data/preprocess.ts";

/**
 * The run's preprocessing spec with its normalisation statistics.
 *
 * @param dir The run folder.
 * @param recorded `config.json`'s `preprocess` (absent: none).
 * @param height The model's frame height.
 * @param width The model's frame width.
 * @returns The spec; a "zscore" run written before per-pixel statistics were recorded has
 *   none, and each movie is then z-scored by its own.
 * @throws {SparsedynError} `BAD_FILE` naming `pixel_stats.npy` when it is unreadable or of
 *   the wrong size.
 */
export async function readRunPreprocess(
  dir: string,
  recorded: unknown,
  height: number,
  width: number,
): Promise<PreprocessSpec> {
  const spec = { ...(recorded ?? {}) } as PreprocessSpec;
  if (spec.normalize !== "zscore") return spec;
  const file = `${dir}/pixel_stats.npy`;
  let bytes: Uint8Array;
  try {
    bytes = await Deno.readFile(file);
  } catch (err) {
    if (err instanceof Deno.errors.NotFound) return spec;
    throw ioError("read", file, err);
  }
  const a = decodeNpy(bytes, file);
  const px = height * width;
  if (a.data.length !== 2 * px) {
    throw new SparsedynError(
      "BAD_FILE",
      `${file}: holds ${a.shape.join("×")} values; the model needs 2×${height}×${width}`,
      { file },
    );
  }
  return { ...spec, pixelStats: { mean: a.data.slice(0, px), std: a.data.slice(px) } };
}
