/**
 * Contribution maps: which input pixels the VAR's prediction of each latent rests on.
 *
 * The run's VAR predicts latent i at time t from the encoded past frames,
 * ẑ_i(t) = c_i + Σ_k Σ_j A_k[i,j]·z_j(t−k), z = encoder(frame). Its attribution to the
 * pixels of frame t−k is Σ_j A_k[i,j]·a_j(x_{t−k}), where a_j is the attribution of latent
 * j at that frame — the plain gradient ∂z_j/∂x (saliency) or integrated gradients (IG) —
 * because both are linear in the function attributed. So one pass of Jacobian rows per frame
 * gives every latent's and every edge's map:
 *
 * - **prediction map** of latent i: mean over time of Σ_k |Σ_j A_k[i,j]·a_j(x_{t−k})|
 *   (magnitude per pixel and frame, then the time average; lags summed);
 * - **edge map** j → i at lag k: |A_k[i,j]|·mean over time of |a_j(x)| — the edge's share of
 *   the prediction, which differs between edges from the same source only by its weight;
 * - **encoder map** of latent j: mean over time of |a_j(x)|.
 *
 * IG's baseline is the movie's mean image, not a black frame: the preprocessed movie has
 * mean 0 over all pixels, so a zero frame is a flat grey that no recording contains, and the
 * path from it would credit the static anatomy (cell bodies, vessels, neuropil shading)
 * that every frame shares. From the mean image, x − x̄ is the frame's activity (and noise),
 * which is what the dynamics are about, and the skip connection already carries x̄.
 *
 * The time average runs over a sample of frames, evenly spaced over the movie (all frames
 * when there are at most `frames` of them); the same sample stands in as x_{t−k} for every
 * lag k (the ranges t − k differ by at most p frames at the ends).
 *
 * @example
 * ```ts
 * import { contributionMaps } from "./contribution.ts";
 * import { createCae, defaultCaeConfig } from "../model/cae.ts";
 * import { tf } from "../model/tf.ts";
 *
 * await tf.setBackend("cpu");
 * const cae = createCae(defaultCaeConfig(16, 16), 1);
 * const d = cae.latentSize, T = 20;
 * const frames = Float32Array.from({ length: T * 256 }, (_, i) => Math.sin(i * 0.37));
 * const A = [Array.from({ length: d }, (_, i) => Array.from({ length: d }, (_, j) => (i === j ? 0.5 : 0)))];
 * const maps = await contributionMaps(cae, frames, T, { lags: 1, A }, new Float32Array(256), { frames: 4, steps: 4 });
 * if (maps.ig!.prediction.length !== d * 256 || maps.edges.length !== 0) throw new Error("maps");
 * ```
 *
 * @module
 */
import { SparsedynError } from "../errors.ts";
import type { Cae } from "../model/cae.ts";
import { type Tensor, type Tensor4D, tf } from "../model/tf.ts";
import type { RunVar } from "../runs/run_folder.ts";
import { type FrameSource, frameSource } from "../data/frame_source.ts";
import { decoderFootprints } from "./footprints.ts";
import { integratedGradientsTensor, saliencyTensor } from "./gradients.ts";

/** Attribution methods. */
export type MapMethod = "saliency" | "ig";

/** Settings of {@link contributionMaps}; every one has a default. */
export interface ContributionOptions {
  /** Which attributions: "saliency", "ig" or "both" (default). */
  method?: MapMethod | "both";
  /** IG: trapezoid intervals along the path from the baseline (default 16). */
  steps?: number;
  /** Frames sampled for the time average (default 64). */
  frames?: number;
  /** IG baseline H×W (default: the `meanImage` argument). */
  baseline?: Float32Array;
  /** Compute the decoder footprints (default true; false leaves `footprint` empty). */
  footprints?: boolean;
  /** Called after each chunk of frames: frames done, frames in the sample. */
  onProgress?: (done: number, total: number) => void;
}

/** One VAR edge: latent `from` at lag `lag` drives latent `to` with coefficient `weight`. */
export interface MapEdge {
  /** Source latent j. */
  from: number;
  /** Target latent i. */
  to: number;
  /** Lag k (1-based). */
  lag: number;
  /** A_k[i,j]. */
  weight: number;
}

/** The maps of one method, all H×W per latent, row-major. */
export interface MethodMaps {
  /** d×H×W: latent i's prediction map (see the module description). */
  prediction: Float32Array;
  /** d×H×W: latent j's encoder map, mean |a_j(x)|. */
  encoder: Float32Array;
}

/** Everything {@link contributionMaps} computes. */
export interface ContributionMaps {
  /** Frame height. */
  height: number;
  /** Frame width. */
  width: number;
  /** Latent dimension d. */
  latents: number;
  /** VAR order p. */
  lags: number;
  /** The frame indices averaged over. */
  sampled: number[];
  /** IG steps used (0 when IG was not computed). */
  steps: number;
  /** Saliency maps, when asked for. */
  saliency?: MethodMaps;
  /** Integrated-gradient maps, when asked for. */
  ig?: MethodMaps;
  /** The VAR's edges between distinct latents (A_k[i,j] ≠ 0, i ≠ j). */
  edges: MapEdge[];
  /** d×H×W: decoder footprints D(z̄ + s_i e_i) − D(z̄) (empty when not asked for). */
  footprint: Float32Array;
  /** Mean latent z̄ over the sample. */
  latentMean: Float64Array;
  /** Latent standard deviation over the sample. */
  latentSd: Float64Array;
  /**
   * IG completeness over the sample (IG only): mean |Σ_pixels IG_j(x) − (z_j(x) − z_j(x̄))|
   * and, for scale, mean |z_j(x) − z_j(x̄)|.
   */
  completeness?: { meanAbsError: number; meanAbsChange: number };
}

/**
 * Indices of `n` frames evenly spaced over `T` (all of them when T ≤ n).
 *
 * @param T Frames in the movie.
 * @param n Frames wanted.
 * @returns Increasing indices.
 *
 * @example
 * ```ts
 * import { sampleFrames } from "./contribution.ts";
 *
 * if (sampleFrames(10, 3).join() !== "1,5,8") throw new Error(sampleFrames(10, 3).join());
 * ```
 */
export function sampleFrames(T: number, n: number): number[] {
  if (T <= n) return Array.from({ length: T }, (_, t) => t);
  // Midpoints of n equal parts: symmetric, never the very first or last frame.
  return Array.from({ length: n }, (_, q) => Math.floor(((q + 0.5) * T) / n));
}

/**
 * The VAR's edges between distinct latents.
 *
 * @param v The VAR.
 * @returns Every A_k[i,j] ≠ 0 with i ≠ j.
 *
 * @example
 * ```ts
 * import { varEdges } from "./contribution.ts";
 *
 * const e = varEdges({ A: [[[0.5, 0.2], [0, 0.4]]] });
 * if (e.length !== 1 || e[0].from !== 1 || e[0].to !== 0) throw new Error("1 → 0");
 * ```
 */
export function varEdges(v: Pick<RunVar, "A">): MapEdge[] {
  const out: MapEdge[] = [];
  v.A.forEach((Ak, k) =>
    Ak.forEach((row, i) =>
      row.forEach((a, j) => {
        if (i !== j && a !== 0) out.push({ from: j, to: i, lag: k + 1, weight: a });
      })
    )
  );
  return out;
}

/**
 * The map of one edge: |A_k[i,j]| times the source latent's encoder map.
 *
 * @param maps The method's maps.
 * @param edge The edge.
 * @param P Pixels per map (H·W).
 * @returns H×W.
 *
 * @example
 * ```ts
 * import { edgeMap } from "./contribution.ts";
 *
 * const maps = { prediction: new Float32Array(4), encoder: Float32Array.of(1, 2, 3, 4) };
 * const m = edgeMap(maps, { from: 1, to: 0, lag: 1, weight: -0.5 }, 2);
 * if (m.join() !== "1.5,2") throw new Error(m.join());
 * ```
 */
export function edgeMap(maps: MethodMaps, edge: MapEdge, P: number): Float32Array {
  const w = Math.abs(edge.weight);
  return maps.encoder.subarray(edge.from * P, (edge.from + 1) * P).map((v) => w * v);
}

function checkVar(v: Pick<RunVar, "A" | "lags">, d: number): void {
  const ok = Array.isArray(v.A) && v.A.length >= 1 &&
    v.A.every((Ak) =>
      Array.isArray(Ak) && Ak.length === d &&
      Ak.every((row) => Array.isArray(row) && row.length === d && row.every(Number.isFinite))
    );
  if (!ok) {
    throw new SparsedynError(
      "INVALID_ARGUMENT",
      `the VAR's A must be p lists of d×d finite numbers for the model's d = ${d}`,
      { argument: "var" },
    );
  }
}

/** Reads a tensor (asynchronously: webgpu cannot read synchronously) and frees it. */
async function take(t: Tensor): Promise<Float32Array> {
  try {
    return await t.data() as Float32Array;
  } finally {
    t.dispose();
  }
}

/**
 * Accumulates Σ_frames |Σ_j A[i,j]·a_j| into acc [d, P] for one lag (a: [n, d, P]).
 */
function addPrediction(acc: Tensor, A: Tensor, a: Tensor): Tensor {
  return tf.tidy(() => {
    const [n, d, P] = a.shape as [number, number, number];
    const flat = tf.transpose(a, [1, 0, 2]).reshape([d, n * P]);
    const mixed = tf.abs(tf.matMul(A as tf.Tensor2D, flat as tf.Tensor2D)).reshape([d, n, P]);
    return tf.add(acc, tf.sum(mixed, 1));
  });
}

/** The checked settings of {@link contributionMaps}. */
interface MapSettings {
  method: MapMethod | "both";
  steps: number;
  nSample: number;
  baseline: Float32Array;
}

/**
 * Checks the VAR, the method, the IG steps and frames, and the images against the model
 * (d latents, P pixels), in that order; fills in the defaults.
 */
function checkMapSettings(
  v: Pick<RunVar, "A" | "lags">,
  d: number,
  P: number,
  meanImage: Float32Array,
  options: ContributionOptions,
): MapSettings {
  checkVar(v, d);
  const method = options.method ?? "both";
  if (!["saliency", "ig", "both"].includes(method)) {
    throw new SparsedynError(
      "INVALID_ARGUMENT",
      `method must be saliency, ig or both; got "${method}"`,
      { argument: "method" },
    );
  }
  const steps = options.steps ?? 16;
  const nSample = options.frames ?? 64;
  for (const [name, val] of [["steps", steps], ["frames", nSample]] as const) {
    if (!Number.isInteger(val) || val < 1) {
      throw new SparsedynError("INVALID_ARGUMENT", `${name} must be an integer ≥ 1; got ${val}`, {
        argument: name,
      });
    }
  }
  const baseline = options.baseline ?? meanImage;
  for (const [name, img] of [["meanImage", meanImage], ["baseline", baseline]] as const) {
    if (img.length !== P) {
      throw new SparsedynError(
        "INVALID_ARGUMENT",
        `${name} must hold H×W = ${P} values; got ${img.length}`,
        { argument: name },
      );
    }
  }
  return { method, steps, nSample, baseline };
}

/** What stays fixed while the frames are attributed: the model, the VAR, the IG path. */
interface AttributionRun {
  cae: Cae;
  H: number;
  W: number;
  d: number;
  P: number;
  /** Each lag's A_k as a d×d tensor. */
  As: Tensor[];
  /** Lags whose A_k is all zero (they add nothing to the prediction maps). */
  zeroLag: boolean[];
  /** The IG baseline, [1, H, W, 1]. */
  base: Tensor4D;
  steps: number;
  doSal: boolean;
  doIg: boolean;
  /** The baseline's latents (IG only). */
  zBase?: Float32Array;
}

/** One method's running sums, [d, P] each: Σ_frames of the prediction and encoder maps. */
interface MethodSums {
  pred: Tensor;
  enc: Tensor;
}

/** Everything summed over the sampled frames. */
interface MapSums {
  sal: MethodSums;
  ig: MethodSums;
  /** Σ z_j and Σ z_j² per latent. */
  zSum: Float64Array;
  zSq: Float64Array;
  /** Σ |Σ_pixels IG_j(x) − (z_j(x) − z_j(x̄))| and Σ |z_j(x) − z_j(x̄)|. */
  compErr: number;
  compChange: number;
}

/** Adds one chunk's attributions a [n, d, P] to a method's encoder and prediction sums. */
function addAttribution(sums: MethodSums, a: Tensor, run: AttributionRun): void {
  const next = tf.tidy(() => tf.add(sums.enc, tf.sum(tf.abs(a), 0)));
  sums.enc.dispose();
  sums.enc = next;
  for (let k = 0; k < run.As.length; k++) {
    if (run.zeroLag[k]) continue;
    const acc = addPrediction(sums.pred, run.As[k], a);
    sums.pred.dispose();
    sums.pred = acc;
  }
}

/** Adds n frames' latents z [n, d] to the sums of the latent mean and sd. */
function addLatentMoments(sums: MapSums, z: Float32Array, n: number, d: number): void {
  for (let r = 0; r < n; r++) {
    for (let j = 0; j < d; j++) {
      sums.zSum[j] += z[r * d + j];
      sums.zSq[j] += z[r * d + j] ** 2;
    }
  }
}

/** Adds n frames' IG completeness gaps (IG sums per frame and latent, [n, d]). */
function addCompleteness(
  sums: MapSums,
  igSums: Float32Array,
  z: Float32Array,
  zBase: Float32Array,
  n: number,
  d: number,
): void {
  for (let r = 0; r < n; r++) {
    for (let j = 0; j < d; j++) {
      const change = z[r * d + j] - zBase[j];
      sums.compErr += Math.abs(igSums[r * d + j] - change);
      sums.compChange += Math.abs(change);
    }
  }
}

/** Reads the frames `idx` and adds their latents and attributions to the sums. */
async function addChunk(
  run: AttributionRun,
  sums: MapSums,
  source: FrameSource,
  idx: number[],
): Promise<void> {
  const { cae, H, W, d, P } = run, n = idx.length;
  const buf = new Float32Array(n * P);
  for (let r = 0; r < n; r++) buf.set(await source.read(idx[r], 1), r * P);
  const x = tf.tensor4d(buf, [n, H, W, 1]);
  try {
    const z = await take(tf.tidy(() => cae.encode(x).reshape([n, d])));
    addLatentMoments(sums, z, n, d);
    if (run.doSal) {
      const g = saliencyTensor(cae, x as Tensor4D);
      addAttribution(sums.sal, g, run);
      g.dispose();
    }
    if (run.doIg) {
      const ig = integratedGradientsTensor(cae, x as Tensor4D, run.base, run.steps);
      addAttribution(sums.ig, ig, run);
      const igSums = await take(tf.tidy(() => tf.sum(ig, 2))); // [n, d]
      ig.dispose();
      addCompleteness(sums, igSums, z, run.zBase!, n, d);
    }
  } finally {
    x.dispose();
  }
}

/** The sums divided by the N frames sampled: the maps, latent moments and completeness. */
async function averagedMaps(
  run: AttributionRun,
  sums: MapSums,
  sampled: number[],
  v: Pick<RunVar, "A" | "lags">,
  meanImage: Float32Array,
  footprints: boolean | undefined,
): Promise<ContributionMaps> {
  const { d, doSal, doIg } = run;
  const N = sampled.length;
  const read = async (t: Tensor) => Float32Array.from(await t.data(), (a) => a / N);
  const latentMean = sums.zSum.map((s) => s / N);
  const latentSd = sums.zSq.map((s, j) => Math.sqrt(Math.max(0, s / N - latentMean[j] ** 2)));
  const { compErr, compChange } = sums;
  return {
    height: run.H,
    width: run.W,
    latents: d,
    lags: run.As.length,
    sampled,
    steps: doIg ? run.steps : 0,
    ...(doSal
      ? { saliency: { prediction: await read(sums.sal.pred), encoder: await read(sums.sal.enc) } }
      : {}),
    ...(doIg
      ? { ig: { prediction: await read(sums.ig.pred), encoder: await read(sums.ig.enc) } }
      : {}),
    edges: varEdges(v),
    footprint: footprints === false
      ? new Float32Array(0)
      : await decoderFootprints(run.cae, meanImage, latentMean, latentSd),
    latentMean,
    latentSd,
    ...(doIg
      ? { completeness: { meanAbsError: compErr / (N * d), meanAbsChange: compChange / (N * d) } }
      : {}),
  };
}

/**
 * Saliency and integrated-gradient maps of a model's VAR prediction, and its decoder
 * footprints (see the module description).
 *
 * @param cae The trained model.
 * @param frames T×H×W preprocessed as for training, or a source that reads them.
 * @param T Frames.
 * @param v The VAR fitted on the model's latents (A[k][i][j]).
 * @param meanImage H×W mean image of the preprocessed movie (IG baseline, static code).
 * @param options Method, IG steps, frames sampled.
 * @returns The maps.
 * @throws {SparsedynError} `INVALID_ARGUMENT` for a VAR, mean image or option that does
 *   not fit the model.
 */
export async function contributionMaps(
  cae: Cae,
  frames: Float32Array | FrameSource,
  T: number,
  v: Pick<RunVar, "A" | "lags">,
  meanImage: Float32Array,
  options: ContributionOptions = {},
): Promise<ContributionMaps> {
  const { height: H, width: W } = cae.config;
  const d = cae.latentSize, P = H * W;
  const { method, steps, nSample, baseline } = checkMapSettings(v, d, P, meanImage, options);
  const sampled = sampleFrames(T, nSample);
  const source = frameSource(frames, P);
  const As = v.A.map((Ak) => tf.tensor2d(Ak.flat(), [d, d]));
  const zeroLag = v.A.map((Ak) => Ak.every((row) => row.every((a) => a === 0)));
  const sums: MapSums = {
    sal: { pred: tf.zeros([d, P]), enc: tf.zeros([d, P]) },
    ig: { pred: tf.zeros([d, P]), enc: tf.zeros([d, P]) },
    zSum: new Float64Array(d),
    zSq: new Float64Array(d),
    compErr: 0,
    compChange: 0,
  };
  const base = tf.tensor4d(baseline, [1, H, W, 1]);
  const doSal = method !== "ig", doIg = method !== "saliency";
  const run: AttributionRun = { cae, H, W, d, P, As, zeroLag, base, steps, doSal, doIg };
  // Frames per chunk: bounds the [n, d, P] attribution tensors to ~16 MB each.
  const chunk = Math.max(1, Math.min(64, Math.floor((1 << 22) / (d * P))));
  try {
    if (doIg) run.zBase = await take(tf.tidy(() => cae.encode(base).reshape([d])));
    options.onProgress?.(0, sampled.length); // the clock of the ETA starts here
    for (let q0 = 0; q0 < sampled.length; q0 += chunk) {
      await addChunk(run, sums, source, sampled.slice(q0, q0 + chunk));
      options.onProgress?.(Math.min(q0 + chunk, sampled.length), sampled.length);
    }
    return await averagedMaps(run, sums, sampled, v, meanImage, options.footprints);
  } finally {
    tf.dispose([...As, sums.sal.pred, sums.sal.enc, sums.ig.pred, sums.ig.enc, base]);
  }
}
