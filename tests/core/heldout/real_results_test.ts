// The real-data report: every table row has as many cells as its header, and each verdict
// says "yes" exactly when the method's number is on the right side of the baseline's.
import { realResultsMarkdown } from "../../../core/heldout/real_results.ts";
import type { RealExperimentResult, RealRun } from "../../../core/heldout/real_experiment.ts";
import type { RunEvaluation } from "../../../core/heldout/evaluate_run.ts";
import { assert, assertEquals } from "../../_helpers/assert.ts";

function evaluation(model: number, cells: boolean): RunEvaluation {
  const s = { auc: 0.6, massShare: 0.2, topShare: 0.2 };
  return {
    version: "x",
    run: "r",
    mode: "end-to-end",
    heldout: "m[3:]",
    training: "m[0:3]",
    frames: { training: 30, heldout: 10, height: 8, width: 8 },
    latents: 8,
    lags: 1,
    windowLength: 8,
    horizons: [1, 2],
    firstTarget: 2,
    heldoutVariance: 1,
    warnings: [],
    model: {
      reconstruction: model,
      prediction: [model + 0.1, model + 0.2],
      latentPersistence: [0.5, 0.6],
    },
    baselines: {
      reconstruction: {
        windowMean: 0.4,
        pca: [{ k: 8, mse: 0.25 }],
        windowMeanPca: [{ k: 8, mse: 0.2 }],
      },
      prediction: {
        horizons: [1, 2],
        persistence: [0.3, 0.4],
        trainMean: [0.5, 0.5],
        recentMean: [0.45, 0.46],
        pcaVar: [{ k: 8, mse: [0.32, 0.42] }],
      },
    },
    ...(cells
      ? {
        cells: {
          file: "c.json",
          count: 3,
          chance: 0.1,
          model: s,
          images: { mean: s, std: s, max: s, localCorrelation: { ...s, auc: 0.7 } },
        },
      }
      : {}),
  };
}

Deno.test("realResultsMarkdown: tables with full rows, verdicts on the right side", () => {
  const arms = [{ mode: "end-to-end" as const, skip: "residual" as const }, {
    mode: "two-stage" as const,
    skip: "residual" as const,
  }];
  const runs: RealRun[] = [];
  for (const [movie, model, cells] of [["a", 0.2, true], ["b", 0.3, false]] as const) {
    for (const seed of [1, 2]) {
      for (const arm of arms) {
        runs.push({
          movie,
          seed,
          ...arm,
          seconds: 1,
          epochs: 5,
          evaluation: evaluation(model, cells),
        });
      }
    }
  }
  const result: RealExperimentResult = {
    settings: {
      movies: [],
      seeds: [1, 2],
      arms,
      frameBudget: 100,
      trainFraction: 0.75,
      side: 8,
      windowLength: 8,
      maps: { frames: 4, steps: 2 },
      train: { learningRate: 0.003 },
    },
    movies: ["a", "b"].map((name) => ({
      name,
      file: `${name}.tif`,
      frames: 40,
      trainFrames: 30,
      height: 8,
      width: 8,
      downsample: 1,
    })),
    runs,
  };
  const md = realResultsMarkdown(result, "context");
  // Every table: rows as wide as their header.
  let header = 0;
  for (const line of md.split("\n")) {
    if (!line.startsWith("|")) {
      header = 0;
      continue;
    }
    const cells = line.split("|").length;
    if (header === 0) header = cells;
    else assertEquals(cells, header, line);
  }
  const verdict = (target: string, movie: string) =>
    md.split("\n").find((l) => l.startsWith(`| ${target} | ${movie} |`))!;
  assert(verdict("reconstruction ≤ PCA-k", "a").endsWith("| yes |"), "0.2 ≤ 0.25");
  assert(verdict("reconstruction ≤ PCA-k", "b").endsWith("| **no** |"), "0.3 > 0.25");
  assert(verdict("reconstruction ≤ window mean + PCA-k", "a").endsWith("| yes |"), "0.2 ≤ 0.2");
  assert(verdict("1-step < persistence", "a").endsWith("| **no** |"), "0.3 is not below 0.3");
  assert(verdict("1-step < PCA-k + VAR", "a").endsWith("| yes |"), "0.3 < 0.32");
  assert(verdict("map AUC ≥ local correlation", "a").endsWith("| **no** |"), "0.6 < 0.7");
  assert(verdict("map mass share ≥ two-stage", "a").endsWith("| yes |"), "equal shares");
  assert(!md.includes("| map AUC ≥ local correlation | b |"), "no cells, no map verdict");
});
