// `sparsedyn maps <run> [<movie>]`: contribution maps of a run's VAR prediction (saliency,
// integrated gradients) and its decoder footprints, written into <run>/maps/.
import type { MapMethod } from "../core/maps/contribution.ts";
import { mapsForRun } from "../core/maps/run_maps.ts";
import { summarizeContributionMaps } from "../core/maps/maps_summary.ts";
import { BACKEND_TABLE, startBackend } from "./_backend_flag.ts";
import { loadModel } from "../core/runs/load_model.ts";
import { UsageError } from "./_flags.ts";
import { defineCommand } from "./_command.ts";
import { printCropNote } from "./_crop_note.ts";
import { progress } from "./_progress.ts";
import { lockOutput } from "../core/runs/output_lock.ts";
import { sweepStale } from "../core/runs/stale_temporaries.ts";
import { printMapsReport } from "./_maps_report.ts";

export const maps = defineCommand("maps", {
  summary: "contribution maps of a run's VAR prediction (saliency, integrated gradients)",
  synopsis: "<run> [<movie>] [options]",
  description: `Which pixels the run's VAR prediction rests on. For each latent i, the prediction
ẑ_i(t) = c_i + Σ_k Σ_j A_k[i,j]·z_j(t−k) (A from the run's var.json) is attributed to the
pixels of the past frames by saliency (|∂ẑ_i/∂x|) and by integrated gradients (from the
movie's mean image), averaged over a sample of frames; each VAR edge j → i gets
|A_k[i,j]| times latent j's attribution; each latent's decoder footprint is
D(z̄ + sd·e_i) − D(z̄). Writes <run>/maps/: a float32 NPY and a PNG per map (colour map
over the mean image, colour bar with min and max) and maps.json, the index. The movie
defaults to the one the run was trained on; it goes through the run's preprocessing.`,
  flags: {
    method: {
      type: "string",
      arg: "M",
      choices: ["saliency", "ig", "both"],
      default: "both",
      help: "saliency, ig or both",
    },
    steps: {
      type: "integer",
      min: 1,
      default: 16,
      arg: "M",
      help: "integrated gradients: trapezoid intervals",
    },
    frames: {
      type: "integer",
      min: 1,
      default: 64,
      arg: "N",
      help: "frames sampled, evenly spaced, for the time average",
    },
    edges: { type: "boolean", help: "also write one map per VAR edge" },
    force: { type: "boolean", help: "replace an existing <run>/maps/" },
    ...BACKEND_TABLE,
    json: { type: "boolean", help: "print one JSON object; progress as JSON lines on stderr" },
  },
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
