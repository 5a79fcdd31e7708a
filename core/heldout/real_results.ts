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
import type { RunEvaluation } from "./evaluate_run.ts";

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

/** What the tables read: the experiment, the method the verdicts judge and two lookups. */
interface Report {
  /** The experiment. */
  result: RealExperimentResult;
  /** The method the verdicts judge: the first end-to-end arm. */
  method: RealArm;
  /** The runs of one arm on one movie (one per seed). */
  of: (movie: string, arm: RealArm) => RealRun[];
  /** The first evaluation of a movie, for what every arm shares (sizes, baselines, cells). */
  first: (movie: string) => RunEvaluation | undefined;
}

/**
 * The Markdown section.
 *
 * @param result From `runRealExperiment`.
 * @param context A line on the machine, backend and time taken.
 * @returns Markdown.
 */
export function realResultsMarkdown(result: RealExperimentResult, context: string): string {
  const { settings: s, runs } = result;
  const report: Report = {
    result,
    method: s.arms.find((a) => a.mode === "end-to-end") ?? s.arms[0],
    of: (movie, arm) => runs.filter((r) => r.movie === movie && sameArm(r, arm)),
    first: (movie) => runs.find((r) => r.movie === movie)?.evaluation,
  };
  const horizons = runs[0]?.evaluation.horizons ?? [];
  const lines = [
    ...movieTable(report, context),
    ...reconstructionTable(report),
    ...horizons.flatMap((h, hi) => predictionTable(report, h, hi)),
    ...mapsTable(report),
    ...verdictTable(report, horizons),
  ];
  return lines.join("\n") + "\n";
}

/** The settings in words, the context line, and each movie's sizes and split. */
function movieTable({ result, first }: Report, context: string): string[] {
  const { settings: s, runs, movies } = result;
  const lines = [
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
  ];
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
  return lines;
}

/** Held-out reconstruction: each arm next to the window mean and the PCA baselines. */
function reconstructionTable(report: Report): string[] {
  const arms = report.result.settings.arms;
  const lines = [
    "",
    "**Held-out reconstruction MSE** (the window's mean image is what the skip connection gets):",
    "",
    `| movie | ${
      arms.map(armName).join(" | ")
    } | window mean | PCA-k (k = latents) | PCA-8 | window mean + PCA-k |`,
    `|---|${arms.map(() => "---|").join("")}---|---|---|---|`,
  ];
  return [
    ...lines,
    ...evaluatedRows(report, (movie, e) => {
      const pca = e.baselines.reconstruction.pca;
      const pk = pca.find((p) => p.k === e.latents) ?? pca[0];
      const p8 = pca.find((p) => p.k === Math.min(8, e.latents));
      const wk = e.baselines.reconstruction.windowMeanPca.find((p) => p.k === pk?.k);
      return `| ${movie} | ${
        armColumns(report, movie, (r) => r.evaluation.model.reconstruction)
      } | ${f(e.baselines.reconstruction.windowMean)} | ${
        pk ? `${f(pk.mse)} (k=${pk.k})` : "–"
      } | ${p8 ? f(p8.mse) : "–"} | ${wk ? f(wk.mse) : "–"} |`;
    }),
  ];
}

/** Held-out prediction at horizon `h` (the `hi`-th): each arm next to the baselines. */
function predictionTable(report: Report, h: number, hi: number): string[] {
  const { result: { settings: { arms } }, method } = report;
  const lines = [
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
  ];
  return [
    ...lines,
    ...evaluatedRows(report, (movie, e) => {
      const pv = e.baselines.prediction.pcaVar;
      const pk = pv.find((p) => p.k === e.latents) ?? pv[0];
      const p8 = pv.find((p) => p.k === Math.min(8, e.latents));
      const e2e = report.of(movie, report.method);
      return `| ${movie} | ${
        armColumns(report, movie, (r) => r.evaluation.model.prediction[hi])
      } | ${ms(meanSd(e2e.map((r) => r.evaluation.model.latentPersistence[hi])))} | ${
        f(e.baselines.prediction.persistence[hi])
      } | ${f(e.baselines.prediction.trainMean[hi])} | ${
        f(e.baselines.prediction.recentMean[hi])
      } | ${pk ? f(pk.mse[hi]) : "–"} | ${p8 ? f(p8.mse[hi]) : "–"} |`;
    }),
  ];
}

/** One row per movie that has an evaluation, in the movies' order. */
function evaluatedRows(
  { result, first }: Report,
  row: (movie: string, e: RunEvaluation) => string,
): string[] {
  return result.movies.flatMap((m) => {
    const e = first(m.name);
    return e ? [row(m.name, e)] : [];
  });
}

/** Each arm's mean ± sd over seeds of one number of a run, as table cells. */
function armColumns(report: Report, movie: string, measure: (r: RealRun) => number): string {
  return report.result.settings.arms.map((a) => ms(meanSd(report.of(movie, a).map(measure))))
    .join(" | ");
}

/** Each arm's maps and the summary images against the cells; none without cells. */
function mapsTable({ result, of, first }: Report): string[] {
  const arms = result.settings.arms;
  const withCells = result.movies.filter((m) => first(m.name)?.cells);
  if (!withCells.length) return [];
  const lines = [
    "",
    "**Maps against the cells** (ROC AUC of cell against other pixels; mass share: the " +
    "share of the map's contrast on cells; a random map scores 0.5 and the cells' pixel " +
    "share):",
    "",
    `| movie | cells (pixel share) | ${
      arms.map((a) => `${armName(a)}: AUC / mass`).join(" | ")
    } | mean | std | max | local correlation |`,
    `|---|---|${arms.map(() => "---|").join("")}---|---|---|---|`,
  ];
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
  return lines;
}

/** The verdicts' table: a row per target and movie where both sides were measured. */
function verdictTable(report: Report, horizons: number[]): string[] {
  return [
    "",
    `**Verdicts** (end-to-end with ${skipNames[report.method.skip]}, mean over seeds):`,
    "",
    "| target | movie | end-to-end | against | holds |",
    "|---|---|---|---|---|",
    ...report.result.movies.flatMap((m) => movieVerdicts(report, m.name, horizons[0])),
  ];
}

/** One verdict: the method's number against a baseline's. */
interface Verdict {
  /** What is claimed. */
  target: string;
  /** The method's number. */
  mine: number;
  /** The baseline's number. */
  theirs: number;
  /** The baseline's name. */
  label: string;
  /** Whether the claim is "at most" (or "below") rather than "at least" (or "above"). */
  lowerIsBetter?: boolean;
  /** Whether equality fails the claim. */
  strict?: boolean;
}

/** A verdict's row: "yes", "**no**", or "–" when either number is missing. */
function verdictRow(movie: string, v: Verdict): string {
  const { mine, theirs, lowerIsBetter = true, strict = false } = v;
  const holds = strict
    ? (lowerIsBetter ? mine < theirs : mine > theirs)
    : (lowerIsBetter ? mine <= theirs : mine >= theirs);
  return `| ${v.target} | ${movie} | ${f(mine)} | ${f(theirs)} (${v.label}) | ${
    Number.isFinite(mine) && Number.isFinite(theirs) ? (holds ? "yes" : "**no**") : "–"
  } |`;
}

/** The verdicts' rows of one movie (none when the method has no run on it). */
function movieVerdicts(report: Report, movie: string, h1: number): string[] {
  const { method, of, first } = report;
  const e = first(movie);
  const rs = of(movie, method);
  if (!e || !rs.length) return [];
  const rows: Verdict[] = [];
  const recon = meanSd(rs.map((r) => r.evaluation.model.reconstruction)).mean;
  const pk = e.baselines.reconstruction.pca.find((p) => p.k === e.latents);
  if (pk) {
    rows.push({
      target: "reconstruction ≤ PCA-k",
      mine: recon,
      theirs: pk.mse,
      label: `PCA-${pk.k}`,
    });
  }
  const wk = e.baselines.reconstruction.windowMeanPca.find((p) => p.k === e.latents);
  if (wk) {
    rows.push({
      target: "reconstruction ≤ window mean + PCA-k",
      mine: recon,
      theirs: wk.mse,
      label: `window mean + PCA-${wk.k}, the same information`,
    });
  }
  const mine1 = meanSd(rs.map((r) => r.evaluation.model.prediction[0])).mean;
  rows.push({
    target: `${h1}-step < persistence`,
    mine: mine1,
    theirs: e.baselines.prediction.persistence[0],
    label: "persistence",
    strict: true,
  });
  const bestPv = e.baselines.prediction.pcaVar.reduce(
    (b, p) => (p.mse[0] < b.mse ? { k: p.k, mse: p.mse[0] } : b),
    { k: 0, mse: Infinity },
  );
  if (bestPv.k) {
    rows.push({
      target: `${h1}-step < PCA-k + VAR`,
      mine: mine1,
      theirs: bestPv.mse,
      label: `PCA-${bestPv.k} + VAR`,
      strict: true,
    });
  }
  if (e.cells) rows.push(...mapVerdicts(report, movie, rs, e.cells));
  return rows.map((v) => verdictRow(movie, v));
}

/** The maps' verdicts of one movie: AUC against the local correlation, mass against two-stage. */
function mapVerdicts(
  { method, of }: Report,
  movie: string,
  rs: RealRun[],
  cells: NonNullable<RunEvaluation["cells"]>,
): Verdict[] {
  const rows: Verdict[] = [{
    target: "map AUC ≥ local correlation",
    mine: meanSd(rs.map((r) => r.evaluation.cells!.model.auc)).mean,
    theirs: cells.images.localCorrelation.auc,
    label: "local correlation",
    lowerIsBetter: false,
  }];
  const ts = of(movie, { mode: "two-stage", skip: method.skip });
  if (ts.length) {
    rows.push({
      target: "map mass share ≥ two-stage",
      mine: meanSd(rs.map((r) => r.evaluation.cells!.model.massShare)).mean,
      theirs: meanSd(ts.map((r) => r.evaluation.cells!.model.massShare)).mean,
      label: "two-stage",
      lowerIsBetter: false,
    });
  }
  return rows;
}
