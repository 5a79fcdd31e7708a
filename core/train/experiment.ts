/**
 * The evidence behind the method's two claims, on synthetic movies with ground truth:
 *
 * 1. the skip connection (the mean image's static code into the decoder) raises latent SNR
 *    and lowers reconstruction error — arms `skip: "mean"` against `skip: "none"`;
 * 2. end-to-end training through the VAR layer lowers the latent prediction error against
 *    fitting the VAR after the fact (two-stage), and gives more localised contribution maps.
 *
 * Each seed draws a new field of view, dynamics and noise; every arm trains on the first
 * part of the movie from the same initial weights and is evaluated (`core/train/evaluate.ts`)
 * on the held-out rest (reconstruction, prediction) and on the whole movie (latent SNR,
 * support F1 — properties of the representation, measured as a user would fit the VAR).
 *
 * @example A tiny run (one seed, one epoch) of two arms
 * ```ts
 * import { runExperiment } from "./experiment.ts";
 * import { useBackend } from "../model/backend.ts";
 *
 * await useBackend("wasm");
 * const r = await runExperiment({
 *   seeds: [1], epochs: 1, frames: 96, size: 16, cells: 3,
 *   arms: [{ skip: "mean", mode: "end-to-end" }, { skip: "mean", mode: "two-stage" }],
 * });
 * if (r.runs.length !== 2 || !(r.runs[0].reconstruction > 0)) throw new Error("two runs");
 * ```
 *
 * @module
 */
import {
  planSynthetic,
  renderCleanFrames,
  renderFrames,
  simulateActivity,
  type SynthEdge,
} from "../data/synthetic.ts";
import { type Cae, type CaeConfig, defaultCaeConfig } from "../model/cae.ts";
import { tf } from "../model/tf.ts";
import { contributionMaps } from "../maps/contribution.ts";
import { scoreAgainstFootprints } from "../maps/footprint_score.ts";
import { fitVarLasso } from "../var/fit_var_lasso.ts";
import { representationMeasures, windowMeasures } from "./evaluate.ts";
import { encodeAll } from "../encode/encode_all.ts";
import { trainCae } from "./train.ts";
import { DEFAULT_PREDICTED_FRAMES_STEPS } from "./predicted_steps.ts";

/** One arm of the comparison. */
export interface ExperimentArm {
  /** Skip connection. */
  skip: "none" | "mean";
  /** Training mode. */
  mode: "two-stage" | "end-to-end";
}

/** Settings of {@link runExperiment}; every one has a default. */
export interface ExperimentOptions {
  /** Seeds (default 1, 2, 3). */
  seeds?: number[];
  /** Arms (default: the four combinations of skip and mode). */
  arms?: ExperimentArm[];
  /** Frame side in pixels, a multiple of 8 (default 32). */
  size?: number;
  /** Frames per field of view (default 768). */
  frames?: number;
  /** Fields of view per seed, trained on together (default 3). */
  fields?: number;
  /** Cells per field (default 8). */
  cells?: number;
  /** Share of frames trained on; the rest is held out (default 0.75). */
  trainFraction?: number;
  /** Training epochs (default 15). */
  epochs?: number;
  /** Frames per window (default 32). */
  windowLength?: number;
  /** VAR λ as a fraction of λ_max in the window VAR (default 0.1). */
  lambdaFraction?: number;
  /** Adam step size (default 2e-3). */
  learningRate?: number;
  /**
   * End to end: predicted steps per window and step at which the predicted frames are
   * decoded (default: trainCae's, 8; 0: all of them, the exact term).
   */
  predictedFramesSteps?: number;
  /** Architecture overrides of `defaultCaeConfig` (default none). */
  cae?: Partial<Omit<CaeConfig, "height" | "width" | "skip">>;
  /**
   * Contribution maps scored against the true footprints: IG over `frames` frames of each
   * field with `steps` trapezoid intervals (default 24 frames, 8 steps); false: none.
   */
  maps?: { frames: number; steps: number } | false;
  /** Called after each trained arm. */
  onRun?: (run: ExperimentRun) => void;
}

/** The measures of one arm on one seed. */
export interface ExperimentRun extends ExperimentArm {
  /** The seed. */
  seed: number;
  /** Held-out frame reconstruction MSE (movie scaled to variance 1). */
  reconstruction: number;
  /** Held-out MSE of the decoded frames against the noiseless ones. */
  cleanReconstruction: number;
  /** Held-out MSE of the input frames against the noiseless ones (the noise). */
  noiseFloor: number;
  /** Held-out one-step latent prediction MSE of the window VAR (standardised latents). */
  prediction: number;
  /** Latent SNR (dB) against the true calcium, whole movie. */
  latentSnrDb: number;
  /** Support F1 of the latents' VAR carried to the cells, whole movie. */
  supportF1: number;
  /** F1 of a random ranking. */
  chanceF1: number;
  /** ROC AUC of the summed IG prediction map, cell pixels against background (NaN: no maps). */
  mapAuc: number;
  /** Share of the IG prediction map's mass on the cells' footprints (NaN: no maps). */
  mapLocalisation: number;
  /** Share of the frame on the footprints: a flat map's localisation (NaN: no maps). */
  mapChance: number;
  /** Training seconds. */
  seconds: number;
}

/** Everything {@link runExperiment} did. */
export interface ExperimentResult {
  /** The settings, defaults filled in. */
  settings: Required<Omit<ExperimentOptions, "onRun">>;
  /** One entry per seed and arm. */
  runs: ExperimentRun[];
}

const ALL_ARMS: ExperimentArm[] = [
  { skip: "mean", mode: "end-to-end" },
  { skip: "none", mode: "end-to-end" },
  { skip: "mean", mode: "two-stage" },
  { skip: "none", mode: "two-stage" },
];

/**
 * One scale for the whole movie (mean 0, variance 1 over all pixels and frames), in place.
 * Not a per-pixel z-score: that would subtract each pixel's mean and leave the skip
 * connection no static image to carry.
 */
function standardiseMovie(frames: Float32Array): { mean: number; sd: number } {
  let mean = 0, ss = 0;
  for (const v of frames) mean += v / frames.length;
  for (const v of frames) ss += (v - mean) ** 2;
  const sd = Math.sqrt(ss / frames.length) || 1;
  for (let i = 0; i < frames.length; i++) frames[i] = (frames[i] - mean) / sd;
  return { mean, sd };
}

/** The settings of an experiment, every default filled in. */
type ExperimentSettings = ExperimentResult["settings"];

/** The settings with every default filled in (the order of the keys is that of the output). */
function experimentSettings(options: ExperimentOptions): ExperimentSettings {
  return {
    seeds: options.seeds ?? [1, 2, 3],
    arms: options.arms ?? ALL_ARMS,
    size: options.size ?? 32,
    frames: options.frames ?? 768,
    cells: options.cells ?? 8,
    trainFraction: options.trainFraction ?? 0.75,
    epochs: options.epochs ?? 15,
    windowLength: options.windowLength ?? 32,
    lambdaFraction: options.lambdaFraction ?? 0.1,
    learningRate: options.learningRate ?? 2e-3,
    predictedFramesSteps: options.predictedFramesSteps ?? DEFAULT_PREDICTED_FRAMES_STEPS,
    fields: options.fields ?? 3,
    cae: options.cae ?? {},
    maps: options.maps ?? { frames: 24, steps: 8 },
  };
}

/** One synthetic field of view: the movie (standardised), and its ground truth. */
interface FieldMovie {
  /** The noisy frames, scaled to mean 0 and variance 1. */
  frames: Float32Array;
  /** The noiseless frames, on the same scale. */
  clean: Float32Array;
  /** The cells' true calcium. */
  calcium: Float64Array;
  /** The true lag-1 edges between cells. */
  edges: SynthEdge[];
  /** The cells' footprints. */
  footprints: Float32Array;
}

/** The seed's fields of view, each a new synthetic movie (seed·100 + field). */
function seedMovies(s: ExperimentSettings, seed: number): FieldMovie[] {
  const { size: S, frames: T, cells: K } = s;
  return Array.from({ length: s.fields }, (_, f) => {
    const plan = planSynthetic({
      height: S,
      width: S,
      frames: T,
      cells: K,
      seed: seed * 100 + f,
    });
    const activity = simulateActivity(plan, "a");
    const frames = renderFrames(plan, activity, 0, T, plan.noiseGenerator("a"));
    const { mean, sd } = standardiseMovie(frames);
    const clean = renderCleanFrames(plan, activity, 0, T).map((v) => (v - mean) / sd);
    const edges = plan.truth.edges.a.filter((e) => e.lag === 1);
    return { frames, clean, calcium: activity.calcium, edges, footprints: plan.footprints };
  });
}

/** The first `Ttrain` frames of every field, one after the other. */
function trainingFrames(movies: FieldMovie[], Ttrain: number, S: number): Float32Array {
  const training = new Float32Array(movies.length * Ttrain * S * S);
  movies.forEach((m, f) => training.set(m.frames.subarray(0, Ttrain * S * S), f * Ttrain * S * S));
  return training;
}

/** Trains one arm on the seed's training frames; the model and the seconds it took. */
async function trainArm(
  s: ExperimentSettings,
  arm: ExperimentArm,
  seed: number,
  training: Float32Array,
  Ttrain: number,
): Promise<{ cae: Cae; seconds: number }> {
  const { size: S, windowLength: L } = s;
  const t0 = performance.now();
  const { cae } = await trainCae(training, [s.fields * Ttrain, S, S], {
    cae: { ...defaultCaeConfig(S, S), ...s.cae, skip: arm.skip },
    mode: arm.mode === "end-to-end" ? "end-to-end" : "ae",
    var: { lags: 1, lambdaFraction: s.lambdaFraction },
    windowLength: L,
    stride: L,
    epochs: s.epochs,
    learningRate: s.learningRate,
    predictedFramesSteps: s.predictedFramesSteps,
    seed,
  });
  return { cae, seconds: (performance.now() - t0) / 1000 };
}

/** The measures of a run, without its arm, seed and seconds. */
type ArmMeasures = Omit<ExperimentRun, keyof ExperimentArm | "seed" | "seconds">;

/** One trained model's measures, averaged over the seed's fields. */
async function armMeasures(
  s: ExperimentSettings,
  cae: Cae,
  movies: FieldMovie[],
  Ttrain: number,
): Promise<ArmMeasures> {
  const { size: S, frames: T, cells: K, windowLength: L, fields: F } = s;
  const sums = {
    reconstruction: 0,
    cleanReconstruction: 0,
    noiseFloor: 0,
    prediction: 0,
    latentSnrDb: 0,
    supportF1: 0,
    chanceF1: 0,
    mapAuc: 0,
    mapLocalisation: 0,
    mapChance: 0,
  };
  for (const m of movies) {
    // Held out: reconstruction and prediction. The whole movie: latent SNR and support
    // F1, properties of the representation, measured as a user would fit the VAR.
    const test = await windowMeasures(
      cae,
      m.frames.subarray(Ttrain * S * S),
      T - Ttrain,
      { clean: m.clean.subarray(Ttrain * S * S) },
      { windowLength: L, var: { lags: 1, lambdaFraction: s.lambdaFraction } },
    );
    const all = await representationMeasures(cae, m.frames, T, {
      calcium: m.calcium,
      cells: K,
      edges: m.edges,
    });
    const maps = s.maps
      ? await mapMeasures(cae, m.frames, T, m.footprints, K, s.maps)
      : { mapAuc: NaN, mapLocalisation: NaN, mapChance: NaN };
    for (
      const [k, v] of Object.entries({ ...test, ...all, ...maps }) as [
        keyof typeof sums,
        number,
      ][]
    ) {
      sums[k] += v / F;
    }
  }
  return sums;
}

/**
 * Runs every arm on every seed.
 *
 * @param options Settings.
 * @returns The runs.
 */
export async function runExperiment(options: ExperimentOptions = {}): Promise<ExperimentResult> {
  const settings = experimentSettings(options);
  const { size: S, frames: T, windowLength: L } = settings;
  // Training windows do not overlap (stride = L) and each field's training part is a whole
  // number of windows, so that no window of the concatenated movie spans two fields.
  const Ttrain = Math.floor((T * settings.trainFraction) / L) * L;
  const runs: ExperimentRun[] = [];
  for (const seed of settings.seeds) {
    const movies = seedMovies(settings, seed);
    const training = trainingFrames(movies, Ttrain, S);
    for (const arm of settings.arms) {
      const { cae, seconds } = await trainArm(settings, arm, seed, training, Ttrain);
      try {
        const sums = await armMeasures(settings, cae, movies, Ttrain);
        const run: ExperimentRun = { ...arm, seed, ...sums, seconds };
        runs.push(run);
        options.onRun?.(run);
      } finally {
        tf.dispose(Object.values(cae.variables));
      }
    }
  }
  return { settings, runs };
}

/**
 * The contribution maps' localisation on one field: the VAR fitted on the whole movie's
 * latents (lasso path, BIC: as `var.json` of a run), the IG maps of its prediction summed
 * over latents (baseline: the movie's mean image), scored against the union of all cells'
 * footprints — every cell predicts its own future (self-coefficients, calcium decay), so
 * all of them, not only those that drive others, are what the prediction should rest on.
 */
async function mapMeasures(
  cae: Cae,
  frames: Float32Array,
  T: number,
  footprints: Float32Array,
  K: number,
  options: { frames: number; steps: number },
): Promise<{ mapAuc: number; mapLocalisation: number; mapChance: number }> {
  const { height: H, width: W } = cae.config;
  const d = cae.latentSize, P = H * W;
  const fit = fitVarLasso(await encodeAll(cae, frames, T), T, d, 1);
  const A = [Array.from({ length: d }, (_, i) => Array.from(fit.A.subarray(i * d, (i + 1) * d)))];
  const mean = new Float32Array(P);
  for (let t = 0; t < T; t++) for (let q = 0; q < P; q++) mean[q] += frames[t * P + q] / T;
  const maps = await contributionMaps(cae, frames, T, { lags: 1, A }, mean, {
    method: "ig",
    frames: options.frames,
    steps: options.steps,
    footprints: false,
  });
  const total = new Float32Array(P);
  for (let i = 0; i < d; i++) {
    for (let q = 0; q < P; q++) total[q] += maps.ig!.prediction[i * P + q];
  }
  // A VAR with no coefficient gives an all-zero map: no localisation to speak of.
  if (!total.some((v) => v > 0)) return { mapAuc: 0.5, mapLocalisation: NaN, mapChance: NaN };
  const s = scoreAgainstFootprints(total, footprints, K);
  return { mapAuc: s.auc, mapLocalisation: s.localisation, mapChance: s.chance };
}

/**
 * Mean and sample standard deviation.
 *
 * @param values At least one number.
 * @returns `{ mean, sd }` (sd 0 for a single value).
 *
 * @example
 * ```ts
 * import { meanSd } from "./experiment.ts";
 *
 * const { mean, sd } = meanSd([1, 2, 3]);
 * if (mean !== 2 || sd !== 1) throw new Error(`${mean} ± ${sd}`);
 * ```
 */
export function meanSd(values: number[]): { mean: number; sd: number } {
  const n = values.length;
  const mean = values.reduce((a, v) => a + v, 0) / n;
  const sd = n > 1 ? Math.sqrt(values.reduce((a, v) => a + (v - mean) ** 2, 0) / (n - 1)) : 0;
  return { mean, sd };
}

/**
 * For each seed, the difference `metric(a) − metric(b)` between two arms.
 *
 * @param runs The runs.
 * @param a First arm.
 * @param b Second arm.
 * @param metric Which measure.
 * @returns One difference per seed that has both arms.
 *
 * @example
 * ```ts
 * import { type ExperimentRun, pairedDifferences } from "./experiment.ts";
 *
 * const run = (seed: number, skip: "mean" | "none", snr: number) => ({
 *   seed, skip, mode: "end-to-end", latentSnrDb: snr, reconstruction: 0, cleanReconstruction: 0,
 *   noiseFloor: 0, prediction: 0, supportF1: 0, chanceF1: 0, seconds: 0,
 * }) as ExperimentRun;
 * const runs = [run(1, "mean", 12), run(1, "none", 10), run(2, "mean", 9), run(2, "none", 10)];
 * const d = pairedDifferences(runs, { skip: "mean", mode: "end-to-end" }, { skip: "none", mode: "end-to-end" }, "latentSnrDb");
 * if (d.join() !== "2,-1") throw new Error(d.join());
 * ```
 */
export function pairedDifferences(
  runs: ExperimentRun[],
  a: ExperimentArm,
  b: ExperimentArm,
  metric:
    | "reconstruction"
    | "cleanReconstruction"
    | "prediction"
    | "latentSnrDb"
    | "supportF1"
    | "mapAuc"
    | "mapLocalisation",
): number[] {
  const pick = (arm: ExperimentArm, seed: number) =>
    runs.find((r) => r.seed === seed && r.skip === arm.skip && r.mode === arm.mode);
  const seeds = [...new Set(runs.map((r) => r.seed))];
  const out: number[] = [];
  for (const s of seeds) {
    const ra = pick(a, s), rb = pick(b, s);
    if (ra && rb) out.push(ra[metric] - rb[metric]);
  }
  return out;
}

const fmt = (x: { mean: number; sd: number }, digits: number) =>
  `${x.mean.toFixed(digits)} ± ${x.sd.toFixed(digits)}`;

type Metric =
  | "reconstruction"
  | "cleanReconstruction"
  | "prediction"
  | "latentSnrDb"
  | "supportF1"
  | "mapAuc"
  | "mapLocalisation";

/** One row of a claims table: the paired difference and whether the seeds agree. */
function claimRow(
  runs: ExperimentRun[],
  title: string,
  a: ExperimentArm,
  b: ExperimentArm,
  metric: Metric,
  lowerIsBetter: boolean,
): string {
  const diffs = pairedDifferences(runs, a, b, metric);
  const wins = diffs.filter((x) => (lowerIsBetter ? x < 0 : x > 0)).length;
  const m = meanSd(diffs);
  const verdict = wins === diffs.length
    ? "holds"
    : wins > diffs.length / 2
    ? "mostly"
    : "not shown";
  return `| ${title} | ${metric} ${lowerIsBetter ? "↓" : "↑"} | ${m.mean.toFixed(4)} ± ${
    m.sd.toFixed(4)
  } | ${wins} of ${diffs.length} | ${verdict} |`;
}

const CLAIMS_HEADER =
  `| comparison | measure | difference (mean ± sd) | seeds in the claimed direction | verdict |
| --- | --- | --- | --- | --- |`;

const E2E_MEAN = { skip: "mean", mode: "end-to-end" } as const;
const E2E_NONE = { skip: "none", mode: "end-to-end" } as const;
const TS_MEAN = { skip: "mean", mode: "two-stage" } as const;
const TS_NONE = { skip: "none", mode: "two-stage" } as const;

/** One row of the table of mean ± sd per arm. */
function armRow(runs: ExperimentRun[], arm: ExperimentArm): string {
  const mine = runs.filter((r) => r.skip === arm.skip && r.mode === arm.mode);
  const col = (k: Metric) => meanSd(mine.map((r) => r[k]));
  return `| ${arm.mode} | ${arm.skip} | ${fmt(col("reconstruction"), 4)} | ${
    fmt(col("cleanReconstruction"), 4)
  } | ${fmt(col("latentSnrDb"), 2)} | ${fmt(col("prediction"), 4)} | ${
    fmt(col("supportF1"), 2)
  } | ${fmt(col("mapAuc"), 3)} | ${fmt(col("mapLocalisation"), 3)} | ${
    meanSd(mine.map((r) => r.seconds)).mean.toFixed(0)
  } |`;
}

/** The rows of both claims: skip against none, end-to-end against two-stage (and maps). */
function claimRows(runs: ExperimentRun[], maps: boolean): string[] {
  return [
    claimRow(runs, "skip − none, end-to-end", E2E_MEAN, E2E_NONE, "latentSnrDb", false),
    claimRow(runs, "skip − none, end-to-end", E2E_MEAN, E2E_NONE, "reconstruction", true),
    claimRow(runs, "skip − none, end-to-end", E2E_MEAN, E2E_NONE, "cleanReconstruction", true),
    claimRow(runs, "skip − none, two-stage", TS_MEAN, TS_NONE, "latentSnrDb", false),
    claimRow(runs, "skip − none, two-stage", TS_MEAN, TS_NONE, "reconstruction", true),
    claimRow(runs, "skip − none, two-stage", TS_MEAN, TS_NONE, "cleanReconstruction", true),
    claimRow(runs, "end-to-end − two-stage, skip", E2E_MEAN, TS_MEAN, "prediction", true),
    claimRow(runs, "end-to-end − two-stage, none", E2E_NONE, TS_NONE, "prediction", true),
    ...(maps
      ? [
        claimRow(runs, "end-to-end − two-stage, skip", E2E_MEAN, TS_MEAN, "mapLocalisation", false),
        claimRow(runs, "end-to-end − two-stage, none", E2E_NONE, TS_NONE, "mapLocalisation", false),
      ]
      : []),
  ];
}

/** The rows of end-to-end against two-stage on the measures the method does not claim. */
function alsoMeasuredRows(runs: ExperimentRun[], maps: boolean): string[] {
  return [
    claimRow(runs, "end-to-end − two-stage, skip", E2E_MEAN, TS_MEAN, "latentSnrDb", false),
    claimRow(runs, "end-to-end − two-stage, skip", E2E_MEAN, TS_MEAN, "reconstruction", true),
    claimRow(runs, "end-to-end − two-stage, skip", E2E_MEAN, TS_MEAN, "supportF1", false),
    ...(maps
      ? [claimRow(runs, "end-to-end − two-stage, skip", E2E_MEAN, TS_MEAN, "mapAuc", false)]
      : []),
  ];
}

/** How the end-to-end objective treats the frames decoded from the predicted latents. */
function predictedFramesText(s: ExperimentSettings): string {
  return s.predictedFramesSteps === 0 || s.predictedFramesSteps >= s.windowLength - 1
    ? "the latter over every predicted step of each window"
    : `the latter is estimated at each step on ${s.predictedFramesSteps} of a window's ${
      s.windowLength - 1
    } predicted steps, drawn at random without replacement (an unbiased estimate at a fraction of a second decoder pass's cost; \`predictedFramesSteps\`)`;
}

/** The Setup section: the movies, the training, and what each measure is. */
function setupSection(result: ExperimentResult): string {
  const { settings: s, runs } = result;
  const chance = meanSd(runs.map((r) => r.chanceF1)).mean;
  const floor = meanSd(runs.map((r) => r.noiseFloor)).mean;
  const mapChance = meanSd(runs.map((r) => r.mapChance)).mean;
  return `## Setup

For each of ${s.seeds.length} seeds (${
    s.seeds.join(", ")
  }): ${s.fields} synthetic fields of view (${s.size}×${s.size} pixels, ${s.cells} cells, ${s.frames} frames each; a sparse stable VAR(1) drives the cells' calcium; generator: \`core/data/synthetic.ts\`), each movie scaled to mean 0 and variance 1. Every arm trains one model on the first ${
    Math.round(s.trainFraction * 100)
  }% of all fields together (windows of ${s.windowLength} frames, ${s.epochs} epochs, Adam ${s.learningRate}, VAR λ = ${s.lambdaFraction}·λ_max per window), from the same initial weights, with the default architecture (\`defaultCaeConfig\`). End to end, the objective adds the VAR's one-step latent prediction error and the reconstruction of the frames decoded from the predicted latents; ${
    predictedFramesText(s)
  }. The measures, averaged over fields (\`core/train/evaluate.ts\`):

- **reconstruction**: held-out frame MSE against the input frames (movie variance = 1);
- **vs clean**: held-out MSE of the decoded frames against the noiseless frames (the input frames' own error against them, the noise, is ${
    floor.toFixed(4)
  });
- **latent SNR** (dB): variance of the standardised latents explained by the true calcium, over the rest;
- **prediction**: held-out one-step prediction MSE of the window VAR on standardised latents (two-stage: the VAR fitted after training, on the frozen latents);
- **support F1**: the latents' VAR (lasso path, BIC) carried to the cells by regression; its E strongest cell-to-cell influences against the E true edges (chance ≈ ${
    chance.toFixed(2)
  });
- **map AUC**, **localisation**: the contribution map of the latents' VAR (lasso path, BIC, whole movie) — integrated gradients of its prediction from the mean image, summed over latents, ${
    s.maps ? `${s.maps.frames} frames, ${s.maps.steps} steps` : "not computed"
  } (\`core/maps/\`) — against the true footprints: ROC AUC of pixels inside a cell (footprint ≥ ½ its peak) against pixels outside all cells (< 0.05), and the share of the map's mass on the footprints (≥ 0.05; a flat map scores ${
    mapChance.toFixed(2)
  }).`;
}

/**
 * The experiment as Markdown: settings, a table of mean ± sd per arm, and both claims as
 * paired differences per seed (how many seeds go the claimed way).
 *
 * @param result What {@link runExperiment} returned.
 * @param context Free text about where it ran (backend, machine, minutes).
 * @param control The same with one field of view per seed (skip against none), if run.
 * @returns The document.
 */
export function resultsMarkdown(
  result: ExperimentResult,
  context: string,
  control?: ExperimentResult,
): string {
  const { settings: s, runs } = result;
  const maps = Boolean(s.maps);
  return `# Results: does the method do what it claims?

Produced by \`deno task experiment\` (\`sparsedyn experiment --out docs/RESULTS.md\`); ${context}

${setupSection(result)}

## Mean ± sd over seeds

| mode | skip | reconstruction ↓ | vs clean ↓ | latent SNR dB ↑ | prediction ↓ | support F1 ↑ | map AUC ↑ | localisation ↑ | train s |
| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |
${s.arms.map((arm) => armRow(runs, arm)).join("\n")}

## The claims, paired by seed

A claim "holds" when every seed goes its way, "mostly" when most do.

${CLAIMS_HEADER}
${claimRows(runs, maps).join("\n")}

## Also measured: end-to-end against two-stage on the other measures

Not claimed by the method; read "claimed direction" as "end-to-end better".

${CLAIMS_HEADER}
${alsoMeasuredRows(runs, maps).join("\n")}
${control ? controlSection(control) : ""}`;
}

/** One field of view per seed: whether the skip connection still helps. */
function controlSection(control: ExperimentResult): string {
  const runs = control.runs;
  const title = "skip − none, end-to-end, one field";
  return `
## Control: one field of view

The same seeds, each training on a single field of view (${control.settings.frames} frames), end to end. Here every window shares one static image, which the decoder can hold in its own weights, so the skip connection has less to add.

${CLAIMS_HEADER}
${claimRow(runs, title, E2E_MEAN, E2E_NONE, "latentSnrDb", false)}
${claimRow(runs, title, E2E_MEAN, E2E_NONE, "reconstruction", true)}
${claimRow(runs, title, E2E_MEAN, E2E_NONE, "cleanReconstruction", true)}
`;
}
