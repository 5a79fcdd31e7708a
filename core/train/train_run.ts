/**
 * From a movie to a run folder: preprocess (block-mean downsampling; the whole movie scaled
 * to mean 0 and variance 1, which keeps the static image for the skip connection),
 * train in mode "ae", "two-stage" or "end-to-end", encode the whole movie, fit the VAR of
 * the latents (lasso path, BIC per equation), and write the run folder.
 *
 * In "two-stage" the autoencoder is trained alone and the VAR fitted afterwards on the
 * frozen latents; in "end-to-end" the VAR layer sits in the objective during training, and
 * the run's `var.json` is fitted the same way on the final latents, so the two compare.
 *
 * @example
 * ```ts
 * import { trainRun } from "./train_run.ts";
 * import { writeSynthetic } from "../data/synthetic_write.ts";
 * import { useBackend } from "../model/backend.ts";
 *
 * await useBackend("wasm");
 * const dir = await Deno.makeTempDir();
 * await writeSynthetic(`${dir}/s`, { height: 16, width: 16, frames: 80, cells: 3 });
 * const r = await trainRun(`${dir}/s/movie.npy`, `${dir}/run`, { mode: "two-stage", epochs: 1, windowLength: 20 });
 * if (r.latentSize !== 2 * 2 * 2) throw new Error(String(r.latentSize)); // 16×16 / 2³ → 2×2, 2 channels
 * await Deno.remove(dir, { recursive: true });
 * ```
 *
 * @module
 */
import { ioError, SparsedynError } from "../errors.ts";
import { type Movie, openMovie } from "../data/movie.ts";
import { freezeNormalisation, type PreprocessSpec, processedShape } from "../data/preprocess.ts";
import { preprocessToNpy } from "../data/preprocess_write.ts";
import { type Cae, type CaeConfig, defaultCaeConfig } from "../model/cae.ts";
import { refuseExisting } from "../files/new_folder.ts";
import { lockOutput } from "../files/output_lock.ts";
import { onAbort } from "../files/abort_cleanup.ts";
import { framesPrefix, sweepStale } from "../files/stale_temporaries.ts";
import { currentOwner } from "../files/process_owner.ts";
import { faultPoint } from "../files/fault_injection.ts";
import { hasCheckpoint } from "./checkpoint.ts";
import { writeRun } from "../runs/run_folder.ts";
import { fitVarLasso, type VarFit } from "../var/fit_var_lasso.ts";
import { lagMatrices } from "../var/var_json.ts";
import { tf } from "../model/tf.ts";
import { encodeAll } from "../encode/encode_all.ts";
import { type EpochMetrics, trainCae, type TrainOptions } from "./train.ts";
import type { LossWeights } from "./window_loss.ts";
import { DEFAULT_PREDICTED_FRAMES_STEPS } from "./predicted_steps.ts";
import { chooseModelSize, type ModelSize } from "./latent_size.ts";

/** Settings of {@link trainRun}; every one has a default. */
export interface TrainRunOptions {
  /** Training mode. */
  mode?: "ae" | "two-stage" | "end-to-end";
  /**
   * Skip connection (default "residual": the mean image's static code into the decoder, whose
   * output is added to the mean image), "mean" (the static code only) or "none".
   */
  skip?: "none" | "mean" | "residual";
  /** Architecture overrides (height and width come from the data). */
  cae?: Partial<Omit<CaeConfig, "height" | "width">>;
  /**
   * Normalisation (default "scale": one mean and sd for the movie). A per-pixel "zscore" or
   * "dff" subtracts each pixel's baseline, so the skip connection has no static image left.
   */
  normalize?: "none" | "scale" | "zscore" | "dff";
  /** Block-mean downsampling factor applied first. */
  downsample?: number;
  /** Frames per window (default: min(64, frames), or longer to fit `latents`). */
  windowLength?: number;
  /**
   * Latents d (default: the default encoder deepened until p·d < L − p); the encoder's depth
   * is chosen to give exactly d, and the window grown to fit when none is given.
   */
  latents?: number;
  /** Step between window starts. */
  stride?: number;
  /** Windows per optimisation step (default 1). */
  batchSize?: number;
  /** Learning-rate schedule: "cosine" (default) or "constant". */
  schedule?: "cosine" | "constant";
  /** Clip each step's gradient to this global norm (default: none). */
  clipNorm?: number;
  /** Passes over the windows. */
  epochs?: number;
  /** Adam step size. */
  learningRate?: number;
  /** VAR order p. */
  lags?: number;
  /** VAR λ as a fraction of λ_max (default 0.1). */
  lambdaFraction?: number;
  /** Or: each window's λ per equation by BIC along its path (overrides lambdaFraction). */
  bic?: boolean;
  /** Weights of the loss terms. */
  weights?: LossWeights;
  /**
   * End to end: predicted time steps decoded per window and step for the predicted-frames
   * term (default 8; 0: all, the exact term), an unbiased estimate at a fraction of its cost.
   */
  predictedFramesSteps?: number;
  /** Seed of the initial weights and of the window order. */
  seed?: number;
  /** Share of frames held out at the end for validation (default 0: none). */
  validationFraction?: number;
  /** Early stopping after this many epochs without a better validation loss. */
  patience?: number;
  /** Continue from the checkpoint beside the run folder (`<dir>.checkpoint`), if any. */
  resume?: boolean;
  /** Asked after each epoch; true stops cleanly (the checkpoint is kept), e.g. on Ctrl-C. */
  shouldStop?: () => boolean;
  /** Called after each epoch. */
  onEpoch?: (m: EpochMetrics) => void;
  /** Called as each step after training starts (encoding the movie, fitting its VAR). */
  onStage?: (stage: string) => void;
  /** Training steps done and in the whole run (see `TrainOptions.onStep`). */
  onStep?: (done: number, total: number) => void;
  /** Preprocessing the movie before training: frames done, total. */
  onPreprocess?: (done: number, total: number) => void;
  /** Encoding the movie after training: frames done, total. */
  onEncode?: (done: number, total: number) => void;
  /** Fitting the VAR of the latents after training: equations done, total. */
  onFitVar?: (done: number, total: number) => void;
  /** Called before training with advice on settings that will train poorly or slowly. */
  onNote?: (message: string) => void;
}

/** What {@link trainRun} reports (the folder holds the rest). */
export interface TrainRunResult {
  /** The run folder written. */
  dir: string;
  /** Frames used. */
  frames: number;
  /** Frame height (after preprocessing). */
  height: number;
  /** Frame width (after preprocessing). */
  width: number;
  /** Latent dimension d. */
  latentSize: number;
  /** Metrics of each epoch. */
  history: EpochMetrics[];
  /** True when stopped by `shouldStop` before the last epoch: no run folder yet, the checkpoint kept. */
  interrupted: boolean;
}

/**
 * Trains on a movie file and writes the run folder.
 *
 * @param moviePath Any movie `openMovie` reads.
 * @param dir The run folder to create (must not exist).
 * @param options Settings.
 * @returns A summary.
 */
export async function trainRun(
  moviePath: string,
  dir: string,
  options: TrainRunOptions = {},
): Promise<TrainRunResult> {
  const paths = runPaths(dir);
  // One process per run folder, for its whole life: a second one fails here, at once.
  const lock = await lockOutput(paths.out);
  const held: Held = {};
  try {
    await checkRunCanStart(paths, options);
    const tmp = await makeFramesFolder(paths.parent, held);
    const prepared = await preprocessMovie(moviePath, `${tmp}/frames.npy`, options);
    held.frames = await openMovie(`${tmp}/frames.npy`);
    const run = { moviePath, dir, options, checkpoint: paths.checkpoint };
    return await trainOn(run, held.frames, prepared);
  } finally {
    held.frames?.close();
    if (held.tmp) await Deno.remove(held.tmp, { recursive: true }).catch(() => {});
    held.stopAbort?.();
    await lock.release();
  }
}

/** Where a run goes: its folder, the folder's parent and name, and the checkpoint beside it. */
interface RunPaths {
  /** The run folder, without a trailing slash. */
  out: string;
  /** Its parent folder. */
  parent: string;
  /** Its name in the parent. */
  name: string;
  /** The training's checkpoint folder (`<out>.checkpoint`). */
  checkpoint: string;
}

/** The paths of the run folder `dir`. */
function runPaths(dir: string): RunPaths {
  const out = dir.replace(/\/+$/, "") || "/";
  const parent = out.includes("/") ? out.slice(0, out.lastIndexOf("/")) || "/" : ".";
  const name = out.slice(out.lastIndexOf("/") + 1);
  return { out, parent, name, checkpoint: `${out}.checkpoint` };
}

/** What {@link trainRun} removes or releases on the way out, whatever happens. */
interface Held {
  /** The temporary folder of the preprocessed frames. */
  tmp?: string;
  /** Unregisters the removal of `tmp` on abort. */
  stopAbort?: () => void;
  /** The preprocessed frames, open. */
  frames?: Movie;
}

/** One training run: the movie, the run folder, the settings, the checkpoint. */
interface RunSetup {
  /** The movie trained on. */
  moviePath: string;
  /** The run folder to write. */
  dir: string;
  /** The caller's settings. */
  options: TrainRunOptions;
  /** The checkpoint folder beside the run folder. */
  checkpoint: string;
}

/** The preprocessed movie and the model chosen for it. */
interface Prepared {
  /** Frames, height and width after preprocessing. */
  shape: { frames: number; height: number; width: number };
  /** The preprocessing, its statistics frozen. */
  spec: PreprocessSpec;
  /** The preprocessed movie's mean image. */
  meanImage: Float32Array;
  /** The latent size and the window. */
  size: ModelSize;
  /** The architecture (height and width still the defaults'). */
  base: CaeConfig;
}

/**
 * Cleans what killed trainings left beside the run folder and refuses, before hours of
 * training, a start that could not end well: a resume of a run already complete, a run
 * folder that exists, a checkpoint that a fresh start would overwrite.
 *
 * @throws {SparsedynError} `IO` when the run folder exists (or is complete and `resume` is
 *   set); `INVALID_ARGUMENT` when a checkpoint is there and `resume` is not set.
 */
async function checkRunCanStart(paths: RunPaths, options: TrainRunOptions): Promise<void> {
  const { out, checkpoint } = paths;
  const leftover = await cleanLeftovers(paths, options);
  if (leftover && options.resume) {
    throw new SparsedynError(
      "IO",
      `${out} is complete: the training that wrote it was stopped after its last step ` +
        `and its leftovers are cleaned now; there is nothing to resume`,
      { file: out },
    );
  }
  await refuseExisting(out); // before hours of training, not after
  if (!options.resume && (await hasCheckpoint(checkpoint))) {
    throw new SparsedynError(
      "INVALID_ARGUMENT",
      `${checkpoint} holds the state of an interrupted training of ${out}; continue it ` +
        `with --resume, or remove it to train from the start (nothing was changed)`,
      { file: checkpoint },
    );
  }
}

/**
 * Removes what killed trainings left here: their frames, and this run's half-written folder
 * (finished if it was complete), or the checkpoint of a run written completely.
 *
 * @returns True when the run folder was complete (a finished leftover).
 */
async function cleanLeftovers(paths: RunPaths, options: TrainRunOptions): Promise<boolean> {
  const { out, parent, name, checkpoint } = paths;
  const notes = [...await sweepStale(parent, name), ...await sweepStale(checkpoint)];
  for (const note of notes) options.onNote?.(note);
  let leftover = notes.some((n) => n.startsWith(`finished ${out}:`));
  if (await finishedRunWithCheckpoint(out, checkpoint)) {
    await Deno.remove(checkpoint, { recursive: true }).catch(() => {});
    options.onNote?.(`removed ${checkpoint}: its run ${out} was written completely`);
    leftover = true;
  }
  return leftover;
}

/**
 * Makes the temporary folder for the preprocessed frames beside the run folder: training
 * reads its windows from there, so memory holds a batch of windows, not the movie. Its name
 * holds the pid, and it holds an `owner.json`: after a kill, the next start knows it may
 * remove it. Recorded in `held` as soon as it exists, for the caller to remove.
 *
 * @returns The folder.
 */
async function makeFramesFolder(parent: string, held: Held): Promise<string> {
  const tmp = await Deno.makeTempDir({ dir: parent, prefix: framesPrefix() }).catch((err) => {
    throw ioError("write", parent, err);
  });
  held.tmp = tmp;
  held.stopAbort = onAbort(() => Deno.removeSync(tmp, { recursive: true }));
  await Deno.writeTextFile(`${tmp}/owner.json`, JSON.stringify(currentOwner()) + "\n").catch(
    (err) => {
      throw ioError("write", `${tmp}/owner.json`, err);
    },
  );
  return tmp;
}

/**
 * Chooses the model for the movie and writes the preprocessed frames (block-mean
 * downsampling, the crop the model's stride needs, the normalisation) to `npy`.
 */
async function preprocessMovie(
  moviePath: string,
  npy: string,
  options: TrainRunOptions,
): Promise<Prepared> {
  const downsample = options.downsample ?? 1;
  const normalize = options.normalize ?? "scale";
  const movie = await openMovie(moviePath);
  try {
    const full = processedShape(movie, { downsample });
    const { size, base } = chooseModel(full, options);
    const keep = cropForStride(movie, full, base, options);
    // The training movie's statistics are recorded and applied to every movie the run
    // processes later (encode, test, maps, evaluate).
    const spec = await freezeNormalisation(movie, {
      downsample,
      normalize,
      ...(keep ? { crop: { top: 0, left: 0, ...keep } } : {}),
    });
    const r = await preprocessToNpy(movie, spec, npy, options.onPreprocess);
    return { shape: r, spec, meanImage: r.meanImage, size, base };
  } finally {
    movie.close();
  }
}

/**
 * The architecture and the model's size for frames of the `full` shape: the latent size
 * and window fit the window VAR, p·d < L − p, unless the user chose. Says the choice.
 */
function chooseModel(
  full: { frames: number; height: number; width: number },
  options: TrainRunOptions,
): { size: ModelSize; base: CaeConfig } {
  const base = {
    ...defaultCaeConfig(8, 8),
    ...options.cae,
    skip: options.skip ?? "residual",
  } as CaeConfig;
  const size = chooseModelSize({
    channels: base.channels,
    channelsGiven: options.cae?.channels !== undefined,
    stride: base.stride,
    latentChannels: base.latentChannels,
    height: full.height,
    width: full.width,
    frames: full.frames,
    lags: options.lags ?? 1,
    windowLength: options.windowLength,
    latents: options.latents,
  });
  options.onNote?.(size.line);
  return { size, base: { ...base, channels: size.channels } };
}

/**
 * The crop the model needs: its total stride must divide the frame, so the frame is cropped
 * (top left) to the largest multiple; said when it crops.
 *
 * @returns The height and width kept, in the movie's own pixels, or undefined for none.
 */
function cropForStride(
  movie: Movie,
  full: { height: number; width: number },
  base: CaeConfig,
  options: TrainRunOptions,
): { height: number; width: number } | undefined {
  const downsample = options.downsample ?? 1;
  const down = base.stride ** base.channels.length;
  const h = full.height - (full.height % down), w = full.width - (full.width % down);
  // In the movie's own pixels: downsampling drops the rows and columns its blocks do not
  // fill, so those are part of the crop too, and said.
  const keep = { height: h * downsample, width: w * downsample };
  if (keep.height === movie.height && keep.width === movie.width) return undefined;
  const blocks = downsample > 1
    ? `, then averaged in ${downsample}×${downsample} blocks to ${h}×${w}`
    : "";
  const unit = downsample > 1 ? `the downsampling ${downsample} times ` : "";
  options.onNote?.(
    `frames of ${movie.height}×${movie.width} are cropped to ${keep.height}×${keep.width} ` +
      `(top left)${blocks}: a multiple of ${unit}the model's total stride ${down}`,
  );
  return keep;
}

/**
 * Trains on the preprocessed frames and writes the run folder; stopped by `shouldStop`, it
 * returns with the checkpoint kept and no run folder.
 */
async function trainOn(run: RunSetup, frames: Movie, prepared: Prepared): Promise<TrainRunResult> {
  const { frames: T, height: H, width: W } = prepared.shape;
  const { dir, options, checkpoint } = run;
  noteUnderdeterminedVar(run, prepared.size);
  const train = trainSettings(run, prepared);
  const { cae, history } = await trainCaeSayingCheckpoint(frames, [T, H, W], train);
  if (options.shouldStop?.()) {
    for (const v of Object.values(cae.variables)) v.dispose();
    return {
      dir,
      frames: T,
      height: H,
      width: W,
      latentSize: cae.latentSize,
      history,
      interrupted: true,
    };
  }
  try {
    return await writeTrainedRun(run, frames, prepared, train, { cae, history });
  } catch (err) {
    // The trained weights are in the checkpoint (a finished one): say so, and how to end.
    throw withNote(
      err,
      ` — training itself finished, and the trained model is kept in ${checkpoint}: once ` +
        `the cause is fixed, the same train command with --resume writes the run without ` +
        `training again`,
    );
  } finally {
    for (const v of Object.values(cae.variables)) v.dispose();
  }
}

/** End to end with n < p·d samples per window: says that the training will be slow and weak. */
function noteUnderdeterminedVar({ options }: RunSetup, size: ModelSize): void {
  const lags = options.lags ?? 1;
  const windowLength = size.windowLength, d = size.latents;
  if ((options.mode ?? "end-to-end") === "end-to-end" && lags * d >= windowLength - lags) {
    // n < p·d: every window's lasso runs deep into an underdetermined path (slow), and
    // its one-step predictions mean little. Only the user's settings (or a movie too short
    // for any window that fits) get here; the defaults fit.
    options.onNote?.(
      `the VAR layer fits ${lags * d} coefficients per latent (${lags} lag(s) × ${d} ` +
        `latents) from ${windowLength - lags} samples per window: expect slow, weak ` +
        `training; use a longer window, --downsample, or fewer latents (--latents)`,
    );
  }
}

/** The settings of {@link trainCae}, every default filled in (the run's `config.json` records them). */
function trainSettings(
  { options, checkpoint }: RunSetup,
  { shape, size, base }: Prepared,
): TrainOptions & { checkpoint: string } {
  const mode = options.mode ?? "end-to-end";
  const lags = options.lags ?? 1, lambdaFraction = options.lambdaFraction ?? 0.1;
  const windowLength = size.windowLength; // a given window is kept (too long: an error)
  return {
    cae: { ...base, height: shape.height, width: shape.width },
    mode: mode === "end-to-end" ? "end-to-end" as const : "ae" as const,
    var: options.bic ? { lags, bic: true } : { lags, lambdaFraction },
    weights: options.weights,
    predictedFramesSteps: options.predictedFramesSteps ?? DEFAULT_PREDICTED_FRAMES_STEPS,
    windowLength,
    stride: options.stride ?? Math.max(1, Math.floor(windowLength / 2)),
    batchSize: options.batchSize ?? 1,
    schedule: options.schedule ?? "cosine",
    clipNorm: options.clipNorm,
    epochs: options.epochs ?? 10,
    learningRate: options.learningRate ?? 1e-3,
    seed: options.seed ?? 1,
    onEpoch: options.onEpoch,
    onStep: options.onStep,
    validationFraction: options.validationFraction,
    patience: options.patience,
    // The training state lives beside the run folder until the run is written.
    checkpoint,
    resume: options.resume,
    shouldStop: options.shouldStop,
  };
}

/**
 * {@link trainCae}, whose failure during training (a full disk, say) says that the last
 * checkpoint is kept whole, and how to go on from it.
 */
async function trainCaeSayingCheckpoint(
  frames: Movie,
  shape: [number, number, number],
  train: TrainOptions & { checkpoint: string },
): Promise<{ cae: Cae; history: EpochMetrics[] }> {
  const { checkpoint } = train;
  return await trainCae(frames, shape, train).catch(async (err) => {
    const epoch = await checkpointEpoch(checkpoint);
    // Not when the checkpoint itself is what was refused (damaged, other settings).
    const aboutIt = err instanceof SparsedynError && err.code !== "IO" &&
      err.file?.startsWith(checkpoint);
    if (epoch === null || aboutIt) throw err;
    throw withNote(
      err,
      ` — the checkpoint after epoch ${epoch} is kept in ${checkpoint}: once the cause is ` +
        `fixed, the same train command with --resume continues from it`,
    );
  });
}

/**
 * After training: encodes the whole movie, fits the VAR of its latents, writes the run
 * folder, and then removes the checkpoint.
 */
async function writeTrainedRun(
  run: RunSetup,
  frames: Movie,
  prepared: Prepared,
  train: TrainOptions & { checkpoint: string },
  { cae, history }: { cae: Cae; history: EpochMetrics[] },
): Promise<TrainRunResult> {
  const { dir } = run;
  const { frames: T, height: H, width: W } = prepared.shape;
  const d = cae.latentSize;
  const { latents, fit } = await encodeAndFitVar(run, cae, frames, T);
  await writeRun(dir, {
    config: runConfig(run, prepared.spec, train),
    metrics: history.map((m) => ({ ...m })),
    weights: await weightsOf(cae),
    latents: { data: latents, shape: [T, d] },
    meanImage: { data: Float64Array.from(prepared.meanImage), shape: [H, W] },
    ...(prepared.spec.pixelStats
      ? {
        pixelStats: {
          data: Float64Array.from([
            ...prepared.spec.pixelStats.mean,
            ...prepared.spec.pixelStats.std,
          ]),
          shape: [2, H, W],
        },
      }
      : {}),
    var: varOf(fit, train.var.lags, d),
  });
  // The run is written: a checkpoint left here is removed by the next start.
  await faultPoint(`remove ${train.checkpoint}`)
    .then(() => Deno.remove(train.checkpoint, { recursive: true })).catch(() => {});
  return { dir, frames: T, height: H, width: W, latentSize: d, history, interrupted: false };
}

/** Encodes the whole movie and fits the VAR of its latents (lasso path, BIC), saying each stage. */
async function encodeAndFitVar(
  { dir, options }: RunSetup,
  cae: Cae,
  frames: Movie,
  T: number,
): Promise<{ latents: Float64Array; fit: VarFit }> {
  const d = cae.latentSize, lags = options.lags ?? 1;
  options.onStage?.(`encoding the ${T} frames`);
  const latents = await encodeAll(cae, frames, T, options.onEncode);
  // One synchronous call; it reports its equations as it chooses their λ.
  options.onStage?.(`fitting the VAR(${lags}) of ${d} latents (lasso path, BIC)`);
  const fitStart = performance.now();
  const fit = fitVarLasso(latents, T, d, lags, { onProgress: options.onFitVar });
  options.onStage?.(
    `VAR fitted in ${((performance.now() - fitStart) / 1000).toFixed(1)} s; writing ${dir}`,
  );
  return { latents, fit };
}

/** The run's `config.json`: how the run was made, from the movie to the optimisation. */
function runConfig(
  { moviePath, options }: RunSetup,
  spec: PreprocessSpec,
  train: TrainOptions & { checkpoint: string },
) {
  const lags = options.lags ?? 1, lambdaFraction = options.lambdaFraction ?? 0.1;
  return {
    mode: options.mode ?? "end-to-end",
    // The tfjs backend that trained it (wasm, torch, webgpu, tensorflow, cpu).
    backend: tf.getBackend(),
    movie: moviePath,
    // Per-pixel statistics go to pixel_stats.npy, not into the JSON.
    preprocess: { ...spec, pixelStats: undefined },
    cae: train.cae,
    objective: {
      lags,
      ...(options.bic ? { bic: true } : { lambdaFraction }),
      weights: options.weights ?? null,
    },
    optimisation: {
      ...train,
      cae: undefined,
      onEpoch: undefined,
      onStep: undefined,
      var: undefined,
      shouldStop: undefined,
      checkpoint: undefined,
      // How the training got there, not what it is: a resumed run equals a whole one.
      resume: undefined,
    },
  };
}

/** The model's weights by variable name, in float64 for the run folder. */
async function weightsOf(
  cae: Cae,
): Promise<Record<string, { data: Float64Array; shape: number[] }>> {
  const weights: Record<string, { data: Float64Array; shape: number[] }> = {};
  for (const [k, v] of Object.entries(cae.variables)) {
    weights[k] = { data: Float64Array.from(await v.data()), shape: v.shape };
  }
  return weights;
}

/** The run's `var.json`: the fit's coefficients as A[lag][i][j], its intercepts and λs. */
function varOf(fit: VarFit, lags: number, d: number) {
  const A = lagMatrices(fit.A, lags, d);
  return { lags, A, intercept: Array.from(fit.intercept), lambda: Array.from(fit.lambdas) };
}

/**
 * Whether `out` is a complete run and `checkpoint` a leftover of it: a kill after the run
 * was written and before its checkpoint was removed. (The caller holds the run's lock, so
 * no live training writes the checkpoint.)
 */
async function finishedRunWithCheckpoint(out: string, checkpoint: string): Promise<boolean> {
  if (!(await hasCheckpoint(checkpoint))) return false;
  if (!(await Deno.lstat(`${out}/var.json`).then(() => true, () => false))) return false;
  try {
    const state = JSON.parse(await Deno.readTextFile(`${checkpoint}/state.json`));
    return state?.finished === true;
  } catch {
    return false;
  }
}

/** The epoch of the checkpoint in `dir`, or null when there is none (or it is unreadable). */
async function checkpointEpoch(dir: string): Promise<number | null> {
  try {
    const state = JSON.parse(await Deno.readTextFile(`${dir}/state.json`));
    return typeof state?.epoch === "number" ? state.epoch : null;
  } catch {
    return null;
  }
}

/** The same error with a note appended (where the work done is kept, and how to go on). */
function withNote(err: unknown, note: string): Error {
  if (err instanceof SparsedynError) {
    return new SparsedynError(err.code, err.message + note, {
      argument: err.argument,
      file: err.file,
      cause: err,
    });
  }
  const e = new Error((err instanceof Error ? err.message : String(err)) + note, { cause: err });
  if (err instanceof Error && err.stack) e.stack = err.stack + "\n" + note.slice(3);
  return e;
}
