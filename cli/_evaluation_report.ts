// What `sparsedyn evaluate` prints: the model's held-out errors and scores next to the
// baselines', as tables.
import type { RunEvaluation } from "../core/heldout/evaluate_run.ts";
import { tableLines } from "./_table.ts";

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
