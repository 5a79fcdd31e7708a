// `sparsedyn evaluate <run> --heldout MOVIE[start:end]`: the run's model in pixel space on
// held-out frames, next to persistence, mean images and PCA (+ VAR) on the same frames;
// with --rois, its contribution map and the summary images scored against the cells.
import { BACKEND_TABLE, startBackend } from "./_backend_flag.ts";
import { evaluateRun } from "../core/heldout/evaluate_run.ts";
import { UsageError } from "./_flags.ts";
import { defineCommand } from "./_command.ts";
import { printCropNote } from "./_crop_note.ts";
import { progress } from "./_progress.ts";
import { formatEvaluation } from "./_evaluation_report.ts";

export const evaluate = defineCommand("evaluate", {
  summary: "a run's model on held-out frames, in pixel space, next to PCA and persistence",
  synopsis: "<run> --heldout MOVIE[start:end] [options]",
  description:
    `Judges a run's model on frames it did not train on, in pixel space, next to the simple
things a scientist already runs, on the same frames. Both movies go through the run's
preprocessing with its recorded statistics (the training movie's scale).

  reconstruction   MSE of decode(encode(frame)); the skip connection gets each window's
                   mean image, as in training. Baselines: that window mean image; PCA-k
                   fitted on the training frames; the window mean plus PCA-k of the frame's
                   departure from it (the model's own information: the mean image and k
                   numbers per frame).
  k-step forecast  the latents of the true frames up to t − k run forward k steps by the
                   run's VAR and decoded (skip: the mean of the L frames that end at t − k,
                   nothing from frame t on); the same targets for every method. Baselines:
                   persistence (frame t − k), the training mean image, that recent mean,
                   PCA-k with a lasso VAR (BIC) fitted on the training scores. "latent
                   persistence" decodes the latents of t − k.

k = the run's latent count and a small one. With --rois, the model's contribution map
(integrated gradients of the VAR's prediction, summed over latents, on the held-out frames)
and the mean, std, max and local-correlation images are scored against the cells: ROC AUC,
share of the map's contrast mass on cells, cells' share of the top 10% of pixels.

Writes <run>/evaluation.json (atomically).`,
  footer: "Exit status: 0 when evaluated, 1 on bad input, 2 on a usage error.",
  flags: {
    heldout: {
      type: "string",
      arg: "M",
      help: "the held-out movie, or FILE[start:end] (required)",
    },
    training: {
      type: "string",
      arg: "M",
      help: "the training frames for the baselines (default: the run's movie)",
    },
    rois: {
      type: "string",
      arg: "FILE",
      help: `cells: neurofinder regions JSON, mask NPY (H×W or K×H×W), Suite2p
stat.npy (with iscell.npy beside it), NWB PlaneSegmentation`,
    },
    horizons: {
      type: "integers",
      min: 1,
      arg: "LIST",
      help: "forecast horizons in frames (default 1,2,5)",
    },
    components: {
      type: "integers",
      min: 1,
      arg: "LIST",
      help: "PCA component counts (default: latents and min(8, latents))",
    },
    "map-frames": {
      type: "integer",
      min: 1,
      arg: "N",
      help: "frames sampled for the contribution map (default 64)",
    },
    "map-steps": {
      type: "integer",
      min: 1,
      arg: "N",
      help: "integrated-gradient steps (default 16)",
    },
    ...BACKEND_TABLE,
    json: {
      type: "boolean",
      help: "print the evaluation as JSON; progress as JSON lines on stderr",
    },
  },
  async run(values, positionals) {
    if (positionals.length !== 1) throw new UsageError("give one run folder");
    if (!values.heldout) {
      throw new UsageError("--heldout MOVIE[start:end] is required", "--heldout");
    }
    const json = values.json ?? false;
    await startBackend(values, json);
    const bars = new Map<string, (done: number, total: number) => void>();
    await printCropNote("evaluate", await runPreprocess(positionals[0]), values.heldout, json);
    const e = await evaluateRun(positionals[0], values.heldout, {
      training: values.training,
      rois: values.rois,
      horizons: values.horizons,
      components: values.components,
      maps: { frames: values["map-frames"], steps: values["map-steps"] },
      onProgress: (stage, done, total) => {
        if (!bars.has(stage)) bars.set(stage, progress(stage, json));
        bars.get(stage)!(done, total);
      },
    });
    for (const w of e.warnings) {
      console.error(json ? JSON.stringify({ warning: w }) : `sparsedyn evaluate: warning: ${w}`);
    }
    if (json) console.log(JSON.stringify(e));
    else console.log(formatEvaluation(e) + `\n\nwrote ${e.run}/evaluation.json`);
    return 0;
  },
});

/** The run's crop, said for the held-out movie (a run without config.json fails later). */
async function runPreprocess(run: string): Promise<Record<string, unknown>> {
  try {
    return JSON.parse(await Deno.readTextFile(`${run}/config.json`)).preprocess ?? {};
  } catch {
    return {};
  }
}
