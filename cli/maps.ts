// `sparsedyn maps <run> [<movie>]`: contribution maps of a run's VAR prediction (saliency,
// integrated gradients) and its decoder footprints, written into <run>/maps/.
import type { MapMethod } from "../core/maps/contribution.ts";
import { mapsForRun } from "../core/maps/run_maps.ts";
import { summarizeContributionMaps } from "../core/maps/maps_summary.ts";
import { startBackend } from "./_backend_flag.ts";
import { loadModel } from "../core/encode/load_model.ts";
import { UsageError } from "./_flags.ts";
import { defineCommand } from "./_command.ts";
import { MAPS_DESCRIPTION, MAPS_FLAGS } from "./_maps_flags.ts";
import { printCropNote } from "./_crop_note.ts";
import { progress } from "./_progress.ts";
import { lockOutput } from "../core/files/output_lock.ts";
import { sweepStale } from "../core/files/stale_temporaries.ts";
import { printMapsReport } from "./_maps_report.ts";

export const maps = defineCommand("maps", {
  summary: "contribution maps of a run's VAR prediction (saliency, integrated gradients)",
  synopsis: "<run> [<movie>] [options]",
  description: MAPS_DESCRIPTION,
  flags: MAPS_FLAGS,
  async run(values, positionals) {
    if (positionals.length < 1 || positionals.length > 2) {
      throw new UsageError("give a run folder and, optionally, a movie");
    }
    const json = values.json ?? false;
    const backend = await startBackend(values, json);
    // One maps writer per run, for its whole life; then what a killed one left.
    const lock = await lockOutput(`${positionals[0]}/maps`);
    for (const note of await sweepStale(positionals[0], "maps")) console.error(`note: ${note}`);
    const model = await loadModel(positionals[0]);
    try {
      const movie = positionals[1] ?? model.movie;
      if (!movie) {
        throw new UsageError(`${model.dir} records no movie (config.json "movie"): give one`);
      }
      await printCropNote("maps", model.preprocess, movie, json);
      const r = await mapsForRun(model, movie, {
        method: values.method as MapMethod | "both",
        steps: values.steps,
        frames: values.frames,
        edges: values.edges,
        force: values.force,
        onPreprocess: progress("preprocess", json),
        onProgress: progress("maps", json),
        onWrite: progress("write maps", json),
      });
      const { methods, latents, edges } = summarizeContributionMaps(r.maps);
      const result = {
        maps: r.dir,
        run: model.dir,
        movie,
        backend,
        height: r.maps.height,
        width: r.maps.width,
        latents: r.maps.latents,
        lags: r.maps.lags,
        methods,
        steps: r.maps.steps,
        frames: r.maps.sampled.length,
        completeness: r.maps.completeness ?? null,
        files: r.index.maps.length,
        latentMaps: latents,
        edgeMaps: edges,
      };
      if (json) console.log(JSON.stringify(result));
      else printMapsReport(r, backend, { methods, latents, edges }, values.edges ?? false);
      return 0;
    } finally {
      model.dispose();
      await lock.release();
    }
  },
});
