/**
 * `evaluateRun`: a run's model judged in pixel space on held-out frames, next to the simple
 * things a scientist already runs, on the same frames in the same call — written to
 * `<run>/evaluation.json`.
 *
 * - The held-out movie (`FILE[start:end]` for a part of a recording) and the training movie
 *   (the run's own, as recorded, unless given) go through the run's preprocessing with its
 *   recorded statistics.
 * - The model: reconstruction, k-step frame prediction and latent persistence
 *   (`model_measures.ts`).
 * - The baselines (`baselines.ts`): the window's mean image and PCA-k reconstruction;
 *   persistence, the training mean image and PCA-k + lasso-VAR prediction; k = the run's
 *   latent count and a small k.
 * - With cells (`rois`): the model's contribution map (integrated gradients of the VAR's
 *   prediction, summed over latents, on the held-out frames) and the mean, std, max and
 *   local-correlation images of the same frames, each scored against the cells: ROC AUC,
 *   mass share, the cells' share of the top 10% of pixels.
 *
 * @example
 * ```ts
 * import { evaluateRun } from "./evaluate_run.ts";
 * import { trainRun } from "../train/train_run.ts";
 * import { writeSynthetic } from "../data/synthetic_write.ts";
 * import { useBackend } from "../model/backend.ts";
 *
 * await useBackend("cpu");
 * const dir = await Deno.makeTempDir();
 * await writeSynthetic(`${dir}/s`, { height: 16, width: 16, frames: 90, cells: 3 });
 * await trainRun(`${dir}/s/movie.npy[0:60]`, `${dir}/run`, { mode: "ae", epochs: 1, windowLength: 20 });
 * const e = await evaluateRun(`${dir}/run`, `${dir}/s/movie.npy[60:]`, { components: [2] });
 * if (!(e.model.reconstruction > 0) || e.baselines.prediction.persistence.length !== 3) throw new Error("measured");
 * await Deno.remove(dir, { recursive: true });
 * ```
 *
 * @module
 */
import { SparsedynError } from "../errors.ts";
import { contributionMaps } from "../maps/contribution.ts";
import { writeFileAtomic } from "../files/atomic_write.ts";
import { type LoadedModel, loadModel } from "../encode/load_model.ts";
import { VERSION } from "../version.ts";
import { parseMovieSegment } from "../data/movie_segment.ts";
import {
  type BaselineMeasures,
  baselineMeasures,
  type BaselineOptions,
  type VarCoefficients,
} from "./baselines.ts";
import { type CellMask, maskToProcessed, readCellMask } from "./cell_masks.ts";
import { scoreAgainstCells } from "./cell_score.ts";
import { type ModelMeasures, modelMeasures } from "./model_measures.ts";
import { type ProcessedFrames, readProcessedFrames } from "./processed_frames.ts";
import { summaryImages } from "./summary_images.ts";

/** Settings of {@link evaluateRun}. */
export interface EvaluateRunOptions {
  /** The training frames the baselines are fitted on (default: the run's movie as recorded). */
  training?: string;
  /** Ground-truth cells (neurofinder JSON, mask NPY, Suite2p stat.npy, NWB PlaneSegmentation). */
  rois?: string;
  /** Prediction horizons in frames (default 1, 2, 5). */
  horizons?: number[];
  /** PCA component counts (default: the run's latent count and min(8, it)). */
  components?: number[];
  /** Contribution map: frames sampled (default 64) and IG steps (default 16). */
  maps?: { frames?: number; steps?: number };
  /** Write `<run>/evaluation.json` (default true). */
  write?: boolean;
  /** Progress of each stage: (stage, done, total). */
  onProgress?: (stage: string, done: number, total: number) => void;
}

/** How a map scores against the cells. */
export interface CellScores {
  /** ROC AUC of cell against non-cell pixels. */
  auc: number;
  /** Share of the map's contrast mass on cell pixels. */
  massShare: number;
  /** Share of the top 10% of pixels on cells. */
  topShare: number;
}

/** What {@link evaluateRun} writes to `evaluation.json`. */
export interface RunEvaluation {
  /** sparsedyn's version. */
  version: string;
  /** The run folder. */
  run: string;
  /** Training mode of the run. */
  mode: string;
  /** The held-out movie as given. */
  heldout: string;
  /** The training movie the baselines were fitted on. */
  training: string;
  /** Frames of each, after preprocessing, and the frame size. */
  frames: { training: number; heldout: number; height: number; width: number };
  /** The run's latent count. */
  latents: number;
  /** The run's VAR order. */
  lags: number;
  /** The run's window length (the windows of the reconstruction and the recent mean). */
  windowLength: number;
  /** Forecast horizons in frames. */
  horizons: number[];
  /** The first target frame of the forecasts (the same targets for every method). */
  firstTarget: number;
  /** Variance of the held-out frames (a flat prediction at their mean scores this). */
  heldoutVariance: number;
  /** The model's errors. */
  model: ModelMeasures;
  /** The baselines' errors. */
  baselines: BaselineMeasures;
  /** What makes the numbers less than a held-out measure (e.g. frames shared with training). */
  warnings: string[];
  /** With cells: the model's map and the summary images, scored. */
  cells?: {
    file: string;
    count: number;
    chance: number;
    model: CellScores;
    images: Record<"mean" | "std" | "max" | "localCorrelation", CellScores>;
  };
}

/**
 * Evaluates a run on held-out frames and writes `<run>/evaluation.json` atomically.
 *
 * @param runDir The run folder.
 * @param heldout The held-out movie, or `FILE[start:end]`.
 * @param options Training frames, cells, horizons, components, maps.
 * @returns The evaluation.
 * @throws {SparsedynError} `INVALID_ARGUMENT` when the training movie is unknown or the
 *   held-out frames are too few for the horizons; `BAD_FILE` naming a movie or cell file
 *   that does not fit the run.
 */
export async function evaluateRun(
  runDir: string,
  heldout: string,
  options: EvaluateRunOptions = {},
): Promise<RunEvaluation> {
  const model = await loadModel(runDir);
  try {
    return await evaluateLoaded(model, heldout, options);
  } finally {
    model.dispose();
  }
}

async function framesFor(
  model: LoadedModel,
  path: string,
  role: string,
  onProgress?: EvaluateRunOptions["onProgress"],
): Promise<ProcessedFrames> {
  const f = await readProcessedFrames(
    path,
    model.preprocess,
    (done, total) => onProgress?.(`read ${role}`, done, total),
  );
  if (f.height !== model.config.height || f.width !== model.config.width) {
    throw new SparsedynError(
      "BAD_FILE",
      `${path}: after the run's preprocessing its frames are ${f.height}×${f.width}, but the ` +
        `model of ${model.dir} takes ${model.config.height}×${model.config.width}`,
      { file: path },
    );
  }
  return f;
}

/**
 * {@link evaluateRun} on a model already loaded (the caller disposes of it).
 *
 * @param model From `loadModel`.
 * @param heldout The held-out movie, or `FILE[start:end]`.
 * @param options As for {@link evaluateRun}.
 * @returns The evaluation.
 */
export async function evaluateLoaded(
  model: LoadedModel,
  heldout: string,
  options: EvaluateRunOptions = {},
): Promise<RunEvaluation> {
  const training = trainingMovie(model, options);
  const horizons = checkedHorizons(options);
  const d = model.cae.latentSize, p = model.lags;
  const components = options.components ?? [...new Set([d, Math.min(8, d)])];
  const windowLength = model.windowLength;
  const test = await framesFor(model, heldout, "held-out", options.onProgress);
  const firstTarget = firstTargetOf(test, heldout, p, horizons);
  // The cells are read before minutes of work, not after.
  const mask = options.rois
    ? maskToProcessed(
      await readCellMask(options.rois, { height: test.sourceHeight, width: test.sourceWidth }),
      model.preprocess,
    )
    : undefined;
  const fitted = await trainingBaselines(model, training, test, {
    windowLength,
    components,
    horizons,
    lags: p,
    firstTarget,
  }, options.onProgress);
  const measures = await modelMeasures(model.cae, test.frames, test.T, {
    var: varCoefficients(model),
    trainMean: fitted.trainMean,
    windowLength,
    horizons,
    firstTarget,
    onProgress: (done, total) => options.onProgress?.("model", done, total),
  });
  const evaluation: RunEvaluation = {
    version: VERSION,
    run: model.dir,
    mode: model.mode,
    heldout,
    training,
    frames: { training: fitted.frames, heldout: test.T, height: test.height, width: test.width },
    latents: d,
    lags: p,
    windowLength,
    horizons,
    firstTarget,
    heldoutVariance: variance(test.frames),
    model: measures,
    baselines: fitted.baselines,
    warnings: await overlapWarnings(heldout, training),
  };
  if (mask) evaluation.cells = await cellScores(model, test, options.rois!, mask, options);
  if (options.write ?? true) {
    await writeFileAtomic(
      `${model.dir}/evaluation.json`,
      new TextEncoder().encode(JSON.stringify(evaluation, null, 1) + "\n"),
    );
  }
  return evaluation;
}

/**
 * The training movie the baselines are fitted on: the option, else the run's own.
 *
 * @throws {SparsedynError} `INVALID_ARGUMENT` when neither names one.
 */
function trainingMovie(model: LoadedModel, options: EvaluateRunOptions): string {
  const training = options.training ?? model.movie;
  if (!training) {
    throw new SparsedynError(
      "INVALID_ARGUMENT",
      `${model.dir} records no training movie: give the training frames (training)`,
      { argument: "training" },
    );
  }
  return training;
}

/**
 * The forecast horizons (default 1, 2, 5).
 *
 * @throws {SparsedynError} `INVALID_ARGUMENT` for none, or one that is not an integer ≥ 1.
 */
function checkedHorizons(options: EvaluateRunOptions): number[] {
  const horizons = options.horizons ?? [1, 2, 5];
  if (!horizons.length || horizons.some((h) => !Number.isInteger(h) || h < 1)) {
    throw new SparsedynError(
      "INVALID_ARGUMENT",
      `horizons must be integers ≥ 1; got ${horizons.join(",")}`,
      { argument: "horizons" },
    );
  }
  return horizons;
}

/**
 * The first target frame, the same for every method: the first with p true frames before
 * the origin of its longest forecast.
 *
 * @throws {SparsedynError} `INVALID_ARGUMENT` when the held-out frames leave no target.
 */
function firstTargetOf(
  test: ProcessedFrames,
  heldout: string,
  p: number,
  horizons: number[],
): number {
  const firstTarget = p - 1 + Math.max(...horizons);
  if (test.T <= firstTarget) {
    throw new SparsedynError(
      "INVALID_ARGUMENT",
      `${heldout}: ${test.T} held-out frames leave no prediction target after the first ` +
        `${firstTarget} (VAR order ${p}, horizon ${Math.max(...horizons)})`,
      { argument: "heldout", file: heldout },
    );
  }
  return firstTarget;
}

/**
 * Reads the training frames and measures the baselines fitted on them; returns those, the
 * training mean image (the model's skip connection's input for predictions) and the
 * training frame count. The frames themselves are dropped on return, before the model's
 * passes.
 */
async function trainingBaselines(
  model: LoadedModel,
  training: string,
  test: ProcessedFrames,
  settings: BaselineOptions,
  onProgress: EvaluateRunOptions["onProgress"],
): Promise<{ baselines: BaselineMeasures; trainMean: Float32Array; frames: number }> {
  const P = test.height * test.width;
  const trainFrames = await framesFor(model, training, "training", onProgress);
  const trainMean = meanImage(trainFrames.frames, trainFrames.T, P);
  onProgress?.("baselines", 0, 1);
  const baselines = baselineMeasures(
    trainFrames.frames,
    trainFrames.T,
    test.frames,
    test.T,
    P,
    settings,
  );
  onProgress?.("baselines", 1, 1);
  return { baselines, trainMean, frames: trainFrames.T };
}

/** The mean of T frames of P pixels, summed in float64. */
function meanImage(frames: Float32Array, T: number, P: number): Float32Array {
  const mean = new Float32Array(P);
  const acc = new Float64Array(P);
  for (let t = 0; t < T; t++) {
    for (let q = 0; q < P; q++) acc[q] += frames[t * P + q];
  }
  for (let q = 0; q < P; q++) mean[q] = acc[q] / T;
  return mean;
}

/** The run's VAR as `VarCoefficients`: its lag matrices stacked row-major, p·d×d. */
function varCoefficients(model: LoadedModel): VarCoefficients {
  const d = model.cae.latentSize, p = model.lags;
  const A = new Float64Array(p * d * d);
  model.var.A.forEach((lag, k) => lag.forEach((row, i) => A.set(row, (k * d + i) * d)));
  return { A, intercept: Float64Array.from(model.var.intercept), d, p };
}

/** The population variance of all values (E[x²] − E[x]², summed in float64). */
function variance(x: Float32Array): number {
  let mean = 0, second = 0;
  for (let i = 0; i < x.length; i++) {
    mean += x[i];
    second += x[i] * x[i];
  }
  mean /= x.length;
  return second / x.length - mean * mean;
}

/** A warning when the held-out frames are frames of the training movie. */
async function overlapWarnings(heldout: string, training: string): Promise<string[]> {
  const a = parseMovieSegment(heldout), b = parseMovieSegment(training);
  const real = (p: string) => Deno.realPath(p).catch(() => p);
  if ((await real(a.path)) !== (await real(b.path))) return [];
  const a0 = a.start ?? 0, a1 = a.end ?? Infinity, b0 = b.start ?? 0, b1 = b.end ?? Infinity;
  if (a0 >= b1 || b0 >= a1) return [];
  return [
    `the held-out frames ${heldout} overlap the training frames ${training}: the measures are ` +
    `not held out (train on FILE[0:n] and evaluate on FILE[n:])`,
  ];
}

async function cellScores(
  model: LoadedModel,
  test: ProcessedFrames,
  rois: string,
  mask: CellMask,
  options: EvaluateRunOptions,
): Promise<RunEvaluation["cells"]> {
  const { height: H, width: W } = test;
  const P = H * W;
  const images = summaryImages(test.frames, test.T, H, W);
  // IG's baseline: the held-out frames' mean image (as `maps` uses the movie's).
  const heldMean = Float32Array.from(images.mean);
  const maps = await contributionMaps(model.cae, test.frames, test.T, model.var, heldMean, {
    method: "ig",
    frames: options.maps?.frames ?? 64,
    steps: options.maps?.steps ?? 16,
    onProgress: (done, total) => options.onProgress?.("maps", done, total),
  });
  const d = maps.latents;
  const all = new Float64Array(P);
  for (let i = 0; i < d; i++) {
    for (let q = 0; q < P; q++) all[q] += maps.ig!.prediction[i * P + q];
  }
  const score = (m: ArrayLike<number>): CellScores => {
    const s = scoreAgainstCells(m, mask);
    return { auc: s.auc, massShare: s.massShare, topShare: s.topShare };
  };
  const chance = scoreAgainstCells(all, mask).chance;
  return {
    file: rois,
    count: mask.cells,
    chance,
    model: score(all),
    images: {
      mean: score(images.mean),
      std: score(images.std),
      max: score(images.max),
      localCorrelation: score(images.localCorrelation),
    },
  };
}
