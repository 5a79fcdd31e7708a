/**
 * Do the image regions that drive the dynamics differ between two conditions? The
 * condition test on contribution maps: each condition's movies go through a run's
 * preprocessing and model, are cut into the same windows and blocks as the coefficient
 * test (`cutWindows`), and each window's integrated-gradient map of its own VAR's
 * prediction, summed over latents and block-mean downsampled to a coarse grid
 * (`windowMapFeatures`), is one feature vector. The block permutation test compares the
 * conditions' maps (Σ over grid cells of squared Welch t); per-cell p-values get
 * Benjamini–Hochberg q-values, so the cells that differ can be named.
 *
 * Why a coarse grid: q grid cells stay few next to the windows, where thousands of pixels
 * would leave no power after the multiplicity correction and carry IG's pixel noise.
 *
 * @example
 * ```ts
 * import { mapConditionTest } from "./map_condition_test.ts";
 * import { loadModel } from "../encode/load_model.ts";
 * import { trainRun } from "../train/train_run.ts";
 * import { writeSynthetic } from "../data/synthetic_write.ts";
 * import { useBackend } from "../model/backend.ts";
 *
 * await useBackend("wasm");
 * const dir = await Deno.makeTempDir();
 * await writeSynthetic(`${dir}/s`, { height: 16, width: 16, frames: 200, cells: 3, conditions: { effect: 0.1, edges: 1 } });
 * await trainRun(`${dir}/s/movie_a.npy`, `${dir}/run`, { mode: "ae", epochs: 1, windowLength: 20 });
 * const model = await loadModel(`${dir}/run`);
 * const r = await mapConditionTest(model, [`${dir}/s/movie_a.npy`], [`${dir}/s/movie_b.npy`], {
 *   window: 50, framesPerWindow: 2, steps: 2,
 * });
 * if (r.windows.a !== 4 || r.grid.height !== 4 || !(r.pValue > 0 && r.pValue <= 1)) throw new Error("4 windows each, 4×4 grid");
 * model.dispose();
 * await Deno.remove(dir, { recursive: true });
 * ```
 *
 * @module
 */
import { SparsedynError } from "../errors.ts";
import { windowMapFeatures } from "../maps/window_features.ts";
import { type LoadedModel, withPreprocessedMovie } from "../encode/load_model.ts";
import { encodeAll } from "../encode/encode_all.ts";
import {
  type BlockPermutationResult,
  blockPermutationTest,
  type Condition,
  conditionMeans,
} from "./block_permutation.ts";
import {
  type ConditionTestOptions,
  type PermutationOutcome,
  permutationOutcome,
  windowCounts,
} from "./condition_test.ts";
import { benjaminiHochberg } from "./fdr.ts";
import { cutWindows } from "./series_windows.ts";
import { conditionVariability, type Variability } from "./variability.ts";

/**
 * Settings of {@link mapConditionTest}; every one has a default. The windows, relabelings,
 * level and seed mean what they mean for the coefficient test (`lags` defaults to the run's).
 */
export interface MapConditionTestOptions extends
  Pick<
    ConditionTestOptions,
    "lags" | "window" | "stride" | "blockWindows" | "permutations" | "alpha" | "seed"
  > {
  /** IG trapezoid intervals (default 8). */
  steps?: number;
  /** Frames per window the map averages over (default 8). */
  framesPerWindow?: number;
  /** Grid: block-mean downsampling of the maps (default 4). */
  downsample?: number;
  /** Progress: movies done, movies in all. */
  onProgress?: (done: number, total: number) => void;
  /**
   * Latents of these movies already encoded by the same model (T×d, by path, e.g. for the
   * coefficient test): used instead of encoding the movie again.
   */
  latents?: ReadonlyMap<string, Float64Array>;
}

/** One grid cell's test. */
export interface MapCellTest {
  /** Grid row. */
  y: number;
  /** Grid column. */
  x: number;
  /** Mean map value over condition A's windows. */
  meanA: number;
  /** Mean over condition B's windows. */
  meanB: number;
  /** Welch t (A minus B). */
  t: number;
  /** Permutation p-value. */
  p: number;
  /** Benjamini–Hochberg q-value over all cells. */
  q: number;
}

/** The outcome of {@link mapConditionTest} (test.json's `maps`). */
export interface MapConditionTestResult extends PermutationOutcome {
  /** The grid the maps were downsampled to, and its cell size in pixels. */
  grid: { height: number; width: number; downsample: number };
  /** Mean map per condition, grid-sized, row-major. */
  meanA: number[];
  /** Condition B's mean map. */
  meanB: number[];
  /** Cells with q ≤ α, by ascending q. */
  significant: MapCellTest[];
  /** Every cell's test, row-major. */
  cells: MapCellTest[];
  /** Mean pairwise distances of windows' maps within and between conditions. */
  variability: Variability;
  /** Windows and blocks per condition. */
  windows: { a: number; b: number; blocksA: number; blocksB: number; length: number };
  /** The statistic under each relabeling. */
  null: Float64Array;
  /** Caveats, in words. */
  warnings: string[];
}

/** The windows' map features gathered over the movies, one row per window. */
interface WindowRows {
  /** Each window's features (q grid cells). */
  rows: Float64Array[];
  /** Each window's condition. */
  conditions: Condition[];
  /** Each window's block. */
  blocks: number[];
  /** Features per window. */
  q: number;
  /** Grid height. */
  height: number;
  /** Grid width. */
  width: number;
  /** The next unused block id: a movie's blocks follow the previous movie's. */
  nextBlock: number;
}

/** What every movie's windows are cut and mapped with. */
interface MovieSettings {
  lags: number;
  length: number;
  stride: number;
  downsample: number;
  options: MapConditionTestOptions;
}

/** One movie of a condition: its path, condition and index in that condition's list. */
interface ConditionMovie {
  path: string;
  condition: Condition;
  index: number;
}

/**
 * Preprocesses one movie, encodes it (or takes its known latents), cuts it into the
 * coefficient test's windows and appends each window's map features to `acc`.
 */
async function addMovieWindows(
  model: LoadedModel,
  movie: ConditionMovie,
  acc: WindowRows,
  s: MovieSettings,
): Promise<void> {
  const { path, condition } = movie;
  await withPreprocessedMovie(model, path, async (frames, shape, meanImage) => {
    const known = s.options.latents?.get(path);
    const latents = known?.length === shape.frames * model.cae.latentSize
      ? known
      : await encodeAll(model.cae, frames, shape.frames);
    // The same windows and blocks as the coefficient test.
    const cut = cutWindows(
      [{ series: latents, T: shape.frames, d: model.cae.latentSize, name: path }],
      condition,
      { length: s.length, stride: s.stride, blockWindows: s.options.blockWindows },
      acc.nextBlock,
      s.lags,
    );
    const f = await windowMapFeatures(
      model.cae,
      frames,
      cut.map((w) => ({ start: w.start ?? 0, length: w.T })),
      meanImage,
      {
        steps: s.options.steps,
        framesPerWindow: s.options.framesPerWindow,
        downsample: s.downsample,
        lags: s.lags,
      },
    );
    ({ q: acc.q, height: acc.height, width: acc.width } = f);
    for (const [n, w] of cut.entries()) {
      acc.rows.push(f.features.slice(n * f.q, (n + 1) * f.q));
      acc.conditions.push(condition);
      acc.blocks.push(w.block);
      acc.nextBlock = Math.max(acc.nextBlock, w.block + 1);
    }
  }).catch((err) => {
    throw namingMovie(err, movie);
  });
}

/** The error with the movie's path and place (`b[1]`) in front, unless it names the path already. */
function namingMovie(err: unknown, movie: ConditionMovie): unknown {
  const { path, condition, index: i } = movie;
  if (err instanceof SparsedynError && !err.message.includes(path)) {
    return new SparsedynError(err.code, `${path} (${condition}[${i}]): ${err.message}`, {
      argument: `${condition}[${i}]`,
      file: path,
      cause: err,
    });
  }
  return err;
}

/** Every window's map features over condition A's movies, then B's, reporting each movie done. */
async function gatherWindowRows(
  model: LoadedModel,
  a: readonly string[],
  b: readonly string[],
  settings: MovieSettings,
): Promise<WindowRows> {
  const acc: WindowRows = {
    rows: [],
    conditions: [],
    blocks: [],
    q: 0,
    height: 0,
    width: 0,
    nextBlock: 0,
  };
  let done = 0;
  const total = a.length + b.length;
  for (const [condition, movies] of [["a", a], ["b", b]] as const) {
    for (const [index, path] of movies.entries()) {
      await addMovieWindows(model, { path, condition, index }, acc, settings);
      settings.options.onProgress?.(++done, total);
    }
  }
  return acc;
}

/** Each grid cell's test, row-major: its means, t, p and Benjamini–Hochberg q over all cells. */
function mapCellTests(
  test: BlockPermutationResult,
  means: { a: number[]; b: number[] },
  width: number,
): MapCellTest[] {
  const qValues = benjaminiHochberg(test.featurePValues);
  return Array.from({ length: qValues.length }, (_, j) => ({
    y: Math.floor(j / width),
    x: j % width,
    meanA: means.a[j],
    meanB: means.b[j],
    t: test.featureStatistics[j],
    p: test.featurePValues[j],
    q: qValues[j],
  }));
}

/**
 * The condition test on contribution maps of a run's model.
 *
 * @param model From `loadModel`.
 * @param a Condition A's movies (of the run's frame size after its preprocessing).
 * @param b Condition B's movies.
 * @param options Windows, relabelings, level, IG settings.
 * @returns Statistic, p-value, per-cell tests, mean maps, variability.
 * @throws {SparsedynError} Naming the movie (`a[0]`, `b[1]` and its path) when it does
 *   not fit the model or is shorter than a window; fewer than 2 blocks per condition.
 */
export async function mapConditionTest(
  model: LoadedModel,
  a: readonly string[],
  b: readonly string[],
  options: MapConditionTestOptions = {},
): Promise<MapConditionTestResult> {
  const lags = options.lags ?? model.lags, length = options.window ?? 100;
  const stride = options.stride ?? length, alpha = options.alpha ?? 0.05;
  const downsample = options.downsample ?? 4;
  if (!(alpha > 0 && alpha < 1)) {
    throw new SparsedynError("INVALID_ARGUMENT", `alpha must lie in (0, 1); got ${alpha}`, {
      argument: "alpha",
    });
  }
  const settings: MovieSettings = { lags, length, stride, downsample, options };
  const acc = await gatherWindowRows(model, a, b, settings);
  const { rows, conditions, q } = acc;
  const N = rows.length;
  const features = new Float64Array(N * q);
  rows.forEach((r, n) => features.set(r, n * q));
  const test = blockPermutationTest(features, N, q, conditions, acc.blocks, {
    permutations: options.permutations,
    seed: options.seed,
  });
  const means = conditionMeans(features, N, q, conditions);
  const meanA = Array.from(means.a), meanB = Array.from(means.b);
  const cells = mapCellTests(test, { a: meanA, b: meanB }, acc.width);
  return {
    ...permutationOutcome("sum over map grid cells of squared Welch t", test, alpha),
    grid: { height: acc.height, width: acc.width, downsample },
    meanA,
    meanB,
    significant: cells.filter((c) => c.q <= alpha).sort((x, y) => x.q - y.q || x.p - y.p),
    cells,
    variability: conditionVariability(features, N, q, conditions),
    windows: { ...windowCounts(test), length },
    null: test.null,
    warnings: test.warnings,
  };
}
