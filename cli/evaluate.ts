// `sparsedyn evaluate <run> --heldout MOVIE[start:end]`: the run's model in pixel space on
// held-out frames, next to persistence, mean images and PCA (+ VAR) on the same frames;
// with --rois, its contribution map and the summary images scored against the cells.
import { backendFlagsUsage, startBackend } from "./_backend_flag.ts";
import { evaluateRun, type RunEvaluation } from "../core/heldout/evaluate_run.ts";
import { type Command, numberFlag, parseFlags, UsageError } from "./_flags.ts";
import { printCropNote } from "./_crop_note.ts";
import { progress } from "./_progress.ts";
import { tableLines } from "./_table.ts";

const usage = `Usage: sparsedyn evaluate <run> --heldout MOVIE[start:end] [options]

Judges a run's model on frames it did not train on, in pixel space, next to the simple
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

Writes <run>/evaluation.json (atomically).

Options:
  --heldout M       the held-out movie, or FILE[start:end] (required)
  --training M      the training frames for the baselines (default: the run's movie)
  --rois FILE       cells: neurofinder regions JSON, mask NPY (H×W or K×H×W), Suite2p
                    stat.npy (with iscell.npy beside it), NWB PlaneSegmentation
  --horizons LIST   forecast horizons in frames (default 1,2,5)
  --components LIST PCA component counts (default: latents and min(8, latents))
  --map-frames N    frames sampled for the contribution map (default 64)
  --map-steps N     integrated-gradient steps (default 16)
${backendFlagsUsage(20)}
  --json            print the evaluation as JSON; progress as JSON lines on stderr
  -h, --help        show this help

Exit status: 0 when evaluated, 1 on bad input, 2 on a usage error.`;

function intList(value: string | undefined, flag: string): number[] | undefined {
  if (value === undefined) return undefined;
  const parts = value.split(",").map((s) => s.trim());
  const out = parts.map((s) => numberFlag(s, flag, { integer: true, min: 1 })!);
  if (!out.length) throw new UsageError(`${flag} needs at least one value`, flag);
  return out;
}

const f3 = (v: number) => (Number.isFinite(v) ? v.toFixed(3) : "–");

/** The text report: errors and scores side by side. */
export function formatEvaluation(e: RunEvaluation): string {
  const hs = e.horizons.map((h) => `${h}-step`);
  const rows: string[][] = [
    [`model (${e.mode})`, f3(e.model.reconstruction), ...e.model.prediction.map(f3)],
    ["model, latent persistence", "", ...e.model.latentPersistence.map(f3)],
    ["persistence (frame t − k)", "", ...e.baselines.prediction.persistence.map(f3)],
    [
      "mean image (window / training)",
      f3(e.baselines.reconstruction.windowMean),
      ...e.baselines.prediction.trainMean.map(f3),
    ],
    ["recent mean (L frames to t − k)", "", ...e.baselines.prediction.recentMean.map(f3)],
    ...e.baselines.reconstruction.pca.map((r) => {
      const v = e.baselines.prediction.pcaVar.find((x) => x.k === r.k);
      return [`PCA-${r.k} (+ lasso VAR)`, f3(r.mse), ...(v ? v.mse.map(f3) : hs.map(() => ""))];
    }),
    ...e.baselines.reconstruction.windowMeanPca.map((
      r,
    ) => [`window mean + PCA-${r.k}`, f3(r.mse), ...hs.map(() => "")]),
  ];
  const header = ["held-out MSE", "reconstruction", ...hs];
  const lines = [
    `sparsedyn evaluate: ${e.run} on ${e.heldout} (${e.frames.heldout} frames of ` +
    `${e.frames.height}×${e.frames.width}); baselines fitted on ${e.training} ` +
    `(${e.frames.training} frames)`,
    `  ${e.latents} latents, VAR(${e.lags}), windows of ${e.windowLength}; forecast targets ` +
    `from frame ${e.firstTarget}; held-out variance ${f3(e.heldoutVariance)}`,
    "",
    table(header, rows),
  ];
  if (e.cells) {
    const c = e.cells;
    lines.push(
      "",
      `Cells: ${c.count} in ${c.file}, ${(100 * c.chance).toFixed(1)}% of pixels ` +
        `(a random map's mass and top-10% share)`,
    );
    const row = (name: string, s: { auc: number; massShare: number; topShare: number }) => [
      name,
      f3(s.auc),
      f3(s.massShare),
      f3(s.topShare),
    ];
    lines.push(table(["map", "ROC AUC", "mass share", "top 10%"], [
      row("model (IG, summed)", c.model),
      row("mean image", c.images.mean),
      row("std image", c.images.std),
      row("max image", c.images.max),
      row("local correlation", c.images.localCorrelation),
    ]));
  }
  return lines.join("\n");
}

function table(header: string[], rows: string[][]): string {
  return tableLines(header, rows, 1).map((l) => "  " + l).join("\n");
}

export const evaluate: Command = {
  summary: "a run's model on held-out frames, in pixel space, next to PCA and persistence",
  usage,
  async run(argv) {
    const { values, positionals } = parseFlags(argv, {
      heldout: { type: "string" },
      training: { type: "string" },
      rois: { type: "string" },
      horizons: { type: "string" },
      components: { type: "string" },
      "map-frames": { type: "string" },
      "map-steps": { type: "string" },
      backend: { type: "string" },
      device: { type: "string" },
      json: { type: "boolean" },
      help: { type: "boolean", short: "h" },
    });
    if (values.help) {
      console.log(usage);
      return 0;
    }
    if (positionals.length !== 1) throw new UsageError("give one run folder");
    if (!values.heldout) {
      throw new UsageError("--heldout MOVIE[start:end] is required", "--heldout");
    }
    const horizons = intList(values.horizons, "--horizons");
    const components = intList(values.components, "--components");
    const mapFrames = numberFlag(values["map-frames"], "--map-frames", { integer: true, min: 1 });
    const mapSteps = numberFlag(values["map-steps"], "--map-steps", { integer: true, min: 1 });
    await startBackend(values, values.json ?? false);
    const json = values.json ?? false;
    const bars = new Map<string, (done: number, total: number) => void>();
    // The run's crop, said for the held-out movie (a run without config.json fails below).
    let preprocess = {};
    try {
      preprocess = JSON.parse(await Deno.readTextFile(`${positionals[0]}/config.json`))
        .preprocess ?? {};
    } catch {
      preprocess = {};
    }
    await printCropNote("evaluate", preprocess, values.heldout, json);
    const e = await evaluateRun(positionals[0], values.heldout, {
      training: values.training,
      rois: values.rois,
      horizons,
      components,
      maps: { frames: mapFrames, steps: mapSteps },
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
};
