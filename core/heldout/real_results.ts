/**
 * The real-data part of `docs/RESULTS.md`: the runs of `runRealExperiment` as Markdown
 * tables (mean ± sd over seeds) — held-out reconstruction and k-step frame prediction of
 * each arm next to the baselines, the maps against the cells — and a verdict per target:
 *
 * 1. end-to-end reconstruction ≤ PCA with as many components as latents;
 * 2. end-to-end 1-step frame prediction below persistence and below every PCA-k + VAR;
 * 3. end-to-end maps' ROC AUC ≥ the local-correlation image's, on the movies with cells;
 * 4. end-to-end maps at least as localised (mass share on cells) as two-stage maps.
 *
 * @example
 * ```ts
 * import { meanSd } from "./real_results.ts";
 *
 * const s = meanSd([1, 3]);
 * if (s.mean !== 2 || Math.abs(s.sd - Math.SQRT2) > 1e-12) throw new Error(JSON.stringify(s));
 * ```
 *
 * @module
 */
import type { RealArm, RealExperimentResult, RealRun } from "./real_experiment.ts";

/** Mean and sample standard deviation (NaNs dropped; sd NaN for fewer than two values). */
export function meanSd(values: number[]): { mean: number; sd: number; n: number } {
  const v = values.filter((x) => Number.isFinite(x));
  const n = v.length;
  if (!n) return { mean: NaN, sd: NaN, n: 0 };
  const mean = v.reduce((a, b) => a + b, 0) / n;
  const sd = n > 1 ? Math.sqrt(v.reduce((a, b) => a + (b - mean) ** 2, 0) / (n - 1)) : NaN;
  return { mean, sd, n };
}

const f = (x: number, digits = 3) => (Number.isFinite(x) ? x.toFixed(digits) : "–");
const ms = (s: { mean: number; sd: number }, digits = 3) =>
  Number.isFinite(s.sd) ? `${f(s.mean, digits)} ± ${f(s.sd, digits)}` : f(s.mean, digits);
const armName = (a: RealArm) => `${a.mode === "end-to-end" ? "e2e" : "2-stage"}, ${a.skip}`;
const skipNames = { residual: "skip residual", mean: "skip mean", none: "no skip" };
const sameArm = (r: RealRun, a: RealArm) => r.mode === a.mode && r.skip === a.skip;

/**
 * The Markdown section.
 *
 * @param result From `runRealExperiment`.
 * @param context A line on the machine, backend and time taken.
 * @returns Markdown.
 */
export function realResultsMarkdown(result: RealExperimentResult, context: string): string {
  const { settings: s, runs, movies } = result;
  const arms = s.arms;
  // The method the verdicts judge: the first end-to-end arm.
  const method = arms.find((a) => a.mode === "end-to-end") ?? arms[0];
  const of = (movie: string, arm: RealArm) =>
    runs.filter((r) => r.movie === movie && sameArm(r, arm));
  const first = (movie: string) => runs.find((r) => r.movie === movie)?.evaluation;
  const lines: string[] = [];
  lines.push(
    `Each movie is split in time: the first ${f(100 * s.trainFraction, 0)}% of its frames ` +
      `trains every arm (${s.frameBudget} training frames seen: epochs = that over the ` +
      `training frames, 5 to 60; Adam ${s.train?.learningRate ?? 0.001}; windows of up to ` +
      `${s.windowLength} frames; seeds ` +
      `${s.seeds.join(", ")}), the rest is held out. Frames are block-downsampled to about ` +
      `${s.side} pixels a side. \`sparsedyn evaluate\` measures every arm and the baselines on ` +
      `the same held-out frames, in pixel space, on the run's scale (the training movie scaled ` +
      `to mean 0, variance 1). Mean ± sd over seeds; baselines do not depend on the seed.`,
    "",
    context,
    "",
    "| movie | source frames × size | downsample → frame | train / held out | latents | epochs |",
    "|---|---|---|---|---|---|",
  );
  for (const m of movies) {
    const e = first(m.name);
    lines.push(
      `| ${m.name} | ${m.frames} × ${m.height}×${m.width} | ${m.downsample} → ${
        e ? `${e.frames.height}×${e.frames.width}` : "–"
      } | ${m.trainFrames} / ${m.frames - m.trainFrames} | ${e?.latents ?? "–"} | ${
        runs.find((r) => r.movie === m.name)?.epochs ?? "–"
      } |`,
    );
  }
  // Reconstruction.
  lines.push(
    "",
    "**Held-out reconstruction MSE** (the window's mean image is what the skip connection gets):",
    "",
    `| movie | ${
      arms.map(armName).join(" | ")
    } | window mean | PCA-k (k = latents) | PCA-8 | window mean + PCA-k |`,
    `|---|${arms.map(() => "---|").join("")}---|---|---|---|`,
  );
  for (const m of movies) {
    const e = first(m.name);
    if (!e) continue;
    const pca = e.baselines.reconstruction.pca;
    const pk = pca.find((p) => p.k === e.latents) ?? pca[0];
    const p8 = pca.find((p) => p.k === Math.min(8, e.latents));
    const wk = e.baselines.reconstruction.windowMeanPca.find((p) => p.k === pk?.k);
    lines.push(
      `| ${m.name} | ${
        arms.map((a) => ms(meanSd(of(m.name, a).map((r) => r.evaluation.model.reconstruction))))
          .join(" | ")
      } | ${f(e.baselines.reconstruction.windowMean)} | ${
        pk ? `${f(pk.mse)} (k=${pk.k})` : "–"
      } | ${p8 ? f(p8.mse) : "–"} | ${wk ? f(wk.mse) : "–"} |`,
    );
  }
  // Prediction at each horizon.
  const horizons = runs[0]?.evaluation.horizons ?? [];
  horizons.forEach((h, hi) => {
    lines.push(
      "",
      `**Held-out ${h}-step frame prediction MSE** (targets from the same frame for every ` +
        `method; the model's latents of frames ≤ t − ${h} run forward by its VAR and decoded, ` +
        `its skip connection given the recent mean: the mean of the L frames that end at ` +
        `t − ${h}):`,
      "",
      `| movie | ${arms.map(armName).join(" | ")} | ${
        armName(method)
      }: latent persistence | persistence | training mean | recent mean | PCA-k + VAR | PCA-8 + VAR |`,
      `|---|${arms.map(() => "---|").join("")}---|---|---|---|---|---|`,
    );
    for (const m of movies) {
      const e = first(m.name);
      if (!e) continue;
      const pv = e.baselines.prediction.pcaVar;
      const pk = pv.find((p) => p.k === e.latents) ?? pv[0];
      const p8 = pv.find((p) => p.k === Math.min(8, e.latents));
      const e2e = of(m.name, method);
      lines.push(
        `| ${m.name} | ${
          arms.map((a) => ms(meanSd(of(m.name, a).map((r) => r.evaluation.model.prediction[hi]))))
            .join(" | ")
        } | ${ms(meanSd(e2e.map((r) => r.evaluation.model.latentPersistence[hi])))} | ${
          f(e.baselines.prediction.persistence[hi])
        } | ${f(e.baselines.prediction.trainMean[hi])} | ${
          f(e.baselines.prediction.recentMean[hi])
        } | ${pk ? f(pk.mse[hi]) : "–"} | ${p8 ? f(p8.mse[hi]) : "–"} |`,
      );
    }
  });
  // Maps.
  const withCells = movies.filter((m) => first(m.name)?.cells);
  if (withCells.length) {
    lines.push(
      "",
      "**Maps against the cells** (ROC AUC of cell against other pixels; mass share: the " +
        "share of the map's contrast on cells; a random map scores 0.5 and the cells' pixel " +
        "share):",
      "",
      `| movie | cells (pixel share) | ${
        arms.map((a) => `${armName(a)}: AUC / mass`).join(" | ")
      } | mean | std | max | local correlation |`,
      `|---|---|${arms.map(() => "---|").join("")}---|---|---|---|`,
    );
    for (const m of withCells) {
      const c = first(m.name)!.cells!;
      const img = (k: "mean" | "std" | "max" | "localCorrelation") =>
        `${f(c.images[k].auc)} / ${f(c.images[k].massShare)}`;
      lines.push(
        `| ${m.name} | ${c.count} (${f(c.chance)}) | ${
          arms.map((a) => {
            const rs = of(m.name, a);
            return `${ms(meanSd(rs.map((r) => r.evaluation.cells!.model.auc)))} / ${
              f(meanSd(rs.map((r) => r.evaluation.cells!.model.massShare)).mean)
            }`;
          }).join(" | ")
        } | ${img("mean")} | ${img("std")} | ${img("max")} | ${img("localCorrelation")} |`,
      );
    }
  }
  lines.push(
    "",
    `**Verdicts** (end-to-end with ${skipNames[method.skip]}, mean over seeds):`,
    "",
  );
  lines.push("| target | movie | end-to-end | against | holds |", "|---|---|---|---|---|");
  const E2E = method;
  const TS: RealArm = { mode: "two-stage", skip: method.skip };
  const verdict = (
    target: string,
    movie: string,
    mine: number,
    theirs: number,
    label: string,
    lowerIsBetter = true,
    strict = false,
  ) => {
    const holds = strict
      ? (lowerIsBetter ? mine < theirs : mine > theirs)
      : (lowerIsBetter ? mine <= theirs : mine >= theirs);
    lines.push(
      `| ${target} | ${movie} | ${f(mine)} | ${f(theirs)} (${label}) | ${
        Number.isFinite(mine) && Number.isFinite(theirs) ? (holds ? "yes" : "**no**") : "–"
      } |`,
    );
  };
  for (const m of movies) {
    const e = first(m.name);
    const rs = of(m.name, E2E);
    if (!e || !rs.length) continue;
    const pk = e.baselines.reconstruction.pca.find((p) => p.k === e.latents);
    if (pk) {
      verdict(
        "reconstruction ≤ PCA-k",
        m.name,
        meanSd(rs.map((r) => r.evaluation.model.reconstruction)).mean,
        pk.mse,
        `PCA-${pk.k}`,
      );
    }
    const wk = e.baselines.reconstruction.windowMeanPca.find((p) => p.k === e.latents);
    if (wk) {
      verdict(
        "reconstruction ≤ window mean + PCA-k",
        m.name,
        meanSd(rs.map((r) => r.evaluation.model.reconstruction)).mean,
        wk.mse,
        `window mean + PCA-${wk.k}, the same information`,
      );
    }
    const mine1 = meanSd(rs.map((r) => r.evaluation.model.prediction[0])).mean;
    verdict(
      `${horizons[0]}-step < persistence`,
      m.name,
      mine1,
      e.baselines.prediction.persistence[0],
      "persistence",
      true,
      true,
    );
    const bestPv = e.baselines.prediction.pcaVar.reduce(
      (b, p) => (p.mse[0] < b.mse ? { k: p.k, mse: p.mse[0] } : b),
      { k: 0, mse: Infinity },
    );
    if (bestPv.k) {
      verdict(
        `${horizons[0]}-step < PCA-k + VAR`,
        m.name,
        mine1,
        bestPv.mse,
        `PCA-${bestPv.k} + VAR`,
        true,
        true,
      );
    }
    if (e.cells) {
      verdict(
        "map AUC ≥ local correlation",
        m.name,
        meanSd(rs.map((r) => r.evaluation.cells!.model.auc)).mean,
        e.cells.images.localCorrelation.auc,
        "local correlation",
        false,
      );
      const ts = of(m.name, TS);
      if (ts.length) {
        verdict(
          "map mass share ≥ two-stage",
          m.name,
          meanSd(rs.map((r) => r.evaluation.cells!.model.massShare)).mean,
          meanSd(ts.map((r) => r.evaluation.cells!.model.massShare)).mean,
          "two-stage",
          false,
        );
      }
    }
  }
  return lines.join("\n") + "\n";
}
