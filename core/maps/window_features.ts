/**
 * Contribution maps per window, as features for a condition test: for each window of a
 * movie, the integrated-gradient map of the VAR prediction summed over latents
 * (Σ_i of latent i's prediction map, `contribution.ts`), averaged over a few frames of the
 * window, then block-mean downsampled to a coarse grid — N windows × q cells, the layout
 * `blockPermutationTest` takes. The VAR is each window's own (lasso path, BIC per equation
 * on the window's latents, as `var.json` is fitted on the whole movie's), or one given VAR
 * for every window, when only the frames should differ.
 *
 * Downsampling keeps q small next to the number of windows (a permutation test on
 * thousands of pixels has little power after multiplicity correction) and averages over
 * the pixel-level noise of IG.
 *
 * @example
 * ```ts
 * import { windowMapFeatures } from "./window_features.ts";
 * import { createCae, defaultCaeConfig } from "../model/cae.ts";
 * import { tf } from "../model/tf.ts";
 *
 * await tf.setBackend("cpu");
 * const cae = createCae(defaultCaeConfig(16, 16), 1);
 * const frames = Float32Array.from({ length: 60 * 256 }, (_, i) => Math.sin(i * 0.37) + Math.cos(i * 0.011));
 * const windows = [{ start: 0, length: 30 }, { start: 30, length: 30 }];
 * const f = await windowMapFeatures(cae, frames, windows, new Float32Array(256), { framesPerWindow: 2, steps: 2 });
 * if (f.N !== 2 || f.q !== 16 || f.features.length !== 32) throw new Error("2 windows × 4×4 cells");
 * ```
 *
 * @module
 */
import { SparsedynError } from "../errors.ts";
import type { Cae } from "../model/cae.ts";
import type { RunVar } from "../runs/run_folder.ts";
import { encodeAll } from "../encode/encode_all.ts";
import { type FrameSource, frameSource } from "../data/frame_source.ts";
import { fitVarLasso } from "../var/fit_var_lasso.ts";
import { lagMatrices } from "../var/var_json.ts";
import { contributionMaps } from "./contribution.ts";

/** A window of the (preprocessed) movie. */
export interface MapWindow {
  /** First frame. */
  start: number;
  /** Frames. */
  length: number;
}

/** Settings of {@link windowMapFeatures}; every one has a default. */
export interface WindowMapOptions {
  /** IG trapezoid intervals (default 8). */
  steps?: number;
  /** Frames per window averaged over (default 8, evenly spaced). */
  framesPerWindow?: number;
  /** Block size of the downsampling (default 4: q = ⌈H/4⌉·⌈W/4⌉). */
  downsample?: number;
  /** One VAR for every window (default: each window's own, lags `lags`). */
  var?: Pick<RunVar, "A" | "lags">;
  /** Lags of the windows' own VARs (default 1). */
  lags?: number;
}

/** Features of N windows. */
export interface WindowMapFeatures {
  /** N×q row-major. */
  features: Float64Array;
  /** Windows. */
  N: number;
  /** Features per window (grid cells). */
  q: number;
  /** Grid height ⌈H / downsample⌉. */
  height: number;
  /** Grid width ⌈W / downsample⌉. */
  width: number;
}

/**
 * Per-window IG maps of the VAR prediction, downsampled (see the module description).
 *
 * @param cae The trained model.
 * @param frames The preprocessed movie T×H×W, or a source of it.
 * @param windows The windows (each within the movie, longer than the lags).
 * @param meanImage H×W mean image of the preprocessed movie (the IG baseline).
 * @param options Steps, frames per window, downsampling, VAR.
 * @returns N×q features.
 * @throws {SparsedynError} `INVALID_ARGUMENT` for a window too short for its VAR, or a
 *   downsampling factor that is not a positive integer.
 */
export async function windowMapFeatures(
  cae: Cae,
  frames: Float32Array | FrameSource,
  windows: readonly MapWindow[],
  meanImage: Float32Array,
  options: WindowMapOptions = {},
): Promise<WindowMapFeatures> {
  const { height: H, width: W } = cae.config;
  const d = cae.latentSize, P = H * W;
  const f = options.downsample ?? 4, lags = options.var?.A.length ?? options.lags ?? 1;
  if (!Number.isInteger(f) || f < 1) {
    throw new SparsedynError("INVALID_ARGUMENT", `downsample must be an integer ≥ 1; got ${f}`, {
      argument: "downsample",
    });
  }
  const gh = Math.ceil(H / f), gw = Math.ceil(W / f), q = gh * gw;
  const source = frameSource(frames, P);
  const features = new Float64Array(windows.length * q);
  for (const [n, w] of windows.entries()) {
    if (!Number.isInteger(w.start) || w.start < 0 || !Number.isInteger(w.length)) {
      throw new SparsedynError("INVALID_ARGUMENT", `windows[${n}] has no valid start and length`, {
        argument: `windows[${n}]`,
      });
    }
    if (frames instanceof Float32Array && (w.start + w.length) * P > frames.length) {
      throw new SparsedynError(
        "INVALID_ARGUMENT",
        `windows[${n}] (frames ${w.start}…${w.start + w.length - 1}) runs past the movie's ${
          frames.length / P
        } frames`,
        { argument: `windows[${n}]` },
      );
    }
    if (w.length <= lags + 1) {
      throw new SparsedynError(
        "INVALID_ARGUMENT",
        `windows[${n}] has ${w.length} frames; a VAR(${lags}) needs more than ${lags + 1}`,
        { argument: `windows[${n}]` },
      );
    }
    const sub = { read: (s: number, c: number) => source.read(w.start + s, c) };
    let v = options.var;
    if (!v) {
      const z = await encodeAll(cae, sub, w.length);
      const fit = fitVarLasso(z, w.length, d, lags);
      v = { A: lagMatrices(fit.A, lags, d), lags };
    }
    const maps = await contributionMaps(cae, sub, w.length, v, meanImage, {
      method: "ig",
      steps: options.steps ?? 8,
      frames: options.framesPerWindow ?? 8,
      footprints: false,
    });
    const pred = maps.ig!.prediction;
    const row = features.subarray(n * q, (n + 1) * q);
    for (let i = 0; i < d; i++) {
      for (let y = 0; y < H; y++) {
        for (let x = 0; x < W; x++) {
          row[Math.floor(y / f) * gw + Math.floor(x / f)] += pred[i * P + y * W + x];
        }
      }
    }
    // Block means (edge blocks may be smaller).
    for (let by = 0; by < gh; by++) {
      for (let bx = 0; bx < gw; bx++) {
        const area = (Math.min(H, (by + 1) * f) - by * f) * (Math.min(W, (bx + 1) * f) - bx * f);
        row[by * gw + bx] /= area;
      }
    }
  }
  return { features, N: windows.length, q, height: gh, width: gw };
}
