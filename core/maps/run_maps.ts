/**
 * Contribution maps of a run folder's model on a movie (by default the one it was trained
 * on), written into the run's `maps/` folder: the movie goes through the run's
 * preprocessing, the maps are computed against the run's VAR (`var.json`) with the
 * processed movie's mean image as IG baseline and PNG background, and the folder is
 * written complete or not at all.
 *
 * @example
 * ```ts
 * import { mapsForRun } from "./run_maps.ts";
 * import { loadModel } from "../encode/load_model.ts";
 * import { trainRun } from "../train/train_run.ts";
 * import { writeSynthetic } from "../data/synthetic_write.ts";
 * import { useBackend } from "../model/backend.ts";
 *
 * await useBackend("wasm");
 * const dir = await Deno.makeTempDir();
 * await writeSynthetic(`${dir}/s`, { height: 16, width: 16, frames: 60, cells: 3 });
 * await trainRun(`${dir}/s/movie.npy`, `${dir}/run`, { mode: "two-stage", epochs: 1, windowLength: 20 });
 * const model = await loadModel(`${dir}/run`);
 * const r = await mapsForRun(model, `${dir}/s/movie.npy`, { frames: 8, steps: 4 });
 * model.dispose();
 * if (r.index.maps.length === 0) throw new Error("maps written");
 * await Deno.remove(dir, { recursive: true });
 * ```
 *
 * @module
 */
import { type LoadedModel, withPreprocessedMovie } from "../encode/load_model.ts";
import {
  type ContributionMaps,
  contributionMaps,
  type ContributionOptions,
} from "./contribution.ts";
import { checkMapsTarget, type MapsIndex, writeMaps } from "./write_maps.ts";

/** Settings of {@link mapsForRun}. */
export interface RunMapsOptions extends Omit<ContributionOptions, "baseline"> {
  /** Replace an existing `maps/` (default: refuse it). */
  force?: boolean;
  /** Write one map per VAR edge too. */
  edges?: boolean;
  /** Preprocessing progress (frames done, total). */
  onPreprocess?: (done: number, total: number) => void;
  /** Writing progress (maps done, total). */
  onWrite?: (done: number, total: number) => void;
}

/** What {@link mapsForRun} did. */
export interface RunMapsResult {
  /** The maps folder written. */
  dir: string;
  /** Its index (`maps.json`). */
  index: MapsIndex;
  /** The maps themselves. */
  maps: ContributionMaps;
}

/**
 * Computes and writes the maps of a loaded run on a movie.
 *
 * @param model From `loadModel`.
 * @param moviePath The movie (of the run's frame size after its preprocessing).
 * @param options Method, steps, frames, force, edges.
 * @returns The folder, its index and the maps.
 * @throws {SparsedynError} `IO` when `maps/` exists without `force`; `BAD_FILE` when the
 *   movie does not fit the model.
 */
export async function mapsForRun(
  model: LoadedModel,
  moviePath: string,
  options: RunMapsOptions = {},
): Promise<RunMapsResult> {
  // Refuse before minutes of gradients, not after.
  const dir = await checkMapsTarget(model.dir, options.force);
  const { maps, meanImage } = await withPreprocessedMovie(
    model,
    moviePath,
    async (frames, shape, meanImage) => ({
      maps: await contributionMaps(model.cae, frames, shape.frames, model.var, meanImage, options),
      meanImage,
    }),
    options.onPreprocess,
  );
  const index = await writeMaps(model.dir, maps, meanImage, {
    force: options.force,
    edges: options.edges,
    source: { run: model.dir, movie: moviePath, mode: model.mode },
    onProgress: options.onWrite,
  });
  return { dir, index, maps };
}
