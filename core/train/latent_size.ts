/**
 * The default architecture's depth sized from the data: more stride-2 layers until the
 * window VAR has fewer coefficients per equation than samples, p·d < L − p. Without it a
 * 128×128 movie gives d = 512 latents for 63 samples per window: every window's lasso runs
 * deep into an underdetermined path, training is slow and weak, and the VAR fitted after
 * training has more coefficients than a recording can support.
 *
 * @example
 * ```ts
 * import { sizedChannels } from "./latent_size.ts";
 *
 * // 128×128, two latent channels, VAR(1), windows of 64: 16×16×2 = 512 → 4×4×2 = 32.
 * const c = sizedChannels([16, 32, 32], 2, 2, 128, 128, 1, 64);
 * if (c.join() !== "16,32,32,32,32") throw new Error(c.join());
 * ```
 *
 * @module
 */

import { SparsedynError } from "../errors.ts";

/** The latent count of a stack of `layers` stride-`stride` layers over H×W frames (cropped). */
export function latentCount(
  layers: number,
  stride: number,
  latentChannels: number,
  H: number,
  W: number,
): number {
  const down = stride ** layers;
  return Math.floor(H / down) * Math.floor(W / down) * latentChannels;
}

/**
 * The encoder's channels, with layers of the last width added until p·d < L − p or the
 * latent map is one pixel on its shorter side.
 *
 * @param channels The configured channels.
 * @param stride The stride (only stride 2 deepens; stride 1 keeps the size).
 * @param latentChannels Channels of the latent map.
 * @param H Frame height (after downsampling).
 * @param W Frame width.
 * @param lags VAR order p.
 * @param windowLength Frames per window L.
 * @returns The channels (the same list when nothing is added).
 */
export function sizedChannels(
  channels: number[],
  stride: number,
  latentChannels: number,
  H: number,
  W: number,
  lags: number,
  windowLength: number,
): number[] {
  const out = [...channels];
  if (stride !== 2) return out;
  const width = out[out.length - 1];
  while (
    lags * latentCount(out.length, stride, latentChannels, H, W) >= windowLength - lags &&
    Math.min(H, W) >= stride ** (out.length + 1)
  ) {
    out.push(width);
  }
  return out;
}

/** What {@link chooseModelSize} settled on, and a line that says why. */
export interface ModelSize {
  /** The encoder's channels (their count is the number of stride layers). */
  channels: number[];
  /** Frames per window L. */
  windowLength: number;
  /** Latents d = h·w·C. */
  latents: number;
  /** The latent map h × w × C. */
  map: [number, number, number];
  /** True when p·d < L − p holds. */
  fits: boolean;
  /** One plain line for the user: the choice, why, and the flags that change it. */
  line: string;
}

/** What the model is sized from; only the settings the user gave are set. */
export interface ModelSizeInput {
  /** The default (or configured) channels. */
  channels: number[];
  /** True when the user gave the channels (config file): the depth is theirs. */
  channelsGiven?: boolean;
  /** Stride of the encoder's convolutions. */
  stride: number;
  /** Channels of the latent map. */
  latentChannels: number;
  /** Frame height after downsampling (before the crop to the model's stride). */
  height: number;
  /** Frame width. */
  width: number;
  /** Frames in the movie. */
  frames: number;
  /** VAR order p. */
  lags: number;
  /** Frames per window, when the user gave it. */
  windowLength?: number;
  /** Latents wanted, when the user gave them (`--latents`). */
  latents?: number;
}

/**
 * The latent size and window length for a movie, so that the window VAR has fewer
 * coefficients per equation than samples, p·d < L − p:
 *
 * - by default, windows of min(64, T) frames and the encoder deepened until d fits them
 *   ({@link sizedChannels}); windows do not grow with the movie, since each window's lasso
 *   costs more with L and the held-out evidence (docs/RESULTS.md) is for windows ≤ 64;
 * - with `latents` (d), the depth that gives exactly d, and when no window was given the
 *   window grown to the p·d + p + 1 frames that d needs (at most T);
 * - with given channels or window, those are kept as they are.
 *
 * @param o The movie's shape and the user's settings.
 * @returns The choice and its line.
 * @throws {SparsedynError} `INVALID_ARGUMENT` (argument "latents") when no depth gives
 *   exactly `latents` on these frames; the message lists the counts that are possible.
 *
 * @example
 * ```ts
 * import { chooseModelSize } from "./latent_size.ts";
 *
 * // The svoboda movie (500 frames of 64×64): 32 latents by default, 128 on request.
 * const base = { channels: [16, 32, 32], stride: 2, latentChannels: 2, height: 64, width: 64, frames: 500, lags: 1 };
 * const a = chooseModelSize(base);
 * if (a.latents !== 32 || a.windowLength !== 64 || !a.fits) throw new Error(a.line);
 * const b = chooseModelSize({ ...base, latents: 128 });
 * if (b.channels.length !== 3 || b.windowLength !== 130 || !b.fits) throw new Error(b.line);
 * ```
 */
export function chooseModelSize(o: ModelSizeInput): ModelSize {
  const { stride: s, latentChannels: C, height: H, width: W, lags: p } = o;
  let channels = [...o.channels];
  let L = o.windowLength ?? Math.min(64, o.frames);
  let why: string;
  if (o.latents !== undefined) {
    const possible: number[] = [];
    let depth = -1;
    for (let k = 1; Math.min(H, W) >= s ** k; k++) {
      const d = latentCount(k, s, C, H, W);
      possible.push(d);
      if (d === o.latents && depth < 0) depth = k;
      if (s === 1) break;
    }
    if (depth < 0) {
      throw new SparsedynError(
        "INVALID_ARGUMENT",
        `--latents ${o.latents} is not possible on frames of ${H}×${W} with ${C} latent ` +
          `channels and stride ${s}; possible: ${possible.join(", ")}`,
        { argument: "latents" },
      );
    }
    const width = channels[channels.length - 1];
    channels = Array.from({ length: depth }, (_, i) => channels[i] ?? width);
    if (o.windowLength === undefined) L = Math.min(o.frames, Math.max(L, p * o.latents + p + 1));
    why = o.windowLength === undefined && L > Math.min(64, o.frames)
      ? `--latents ${o.latents}; windows grown to fit them`
      : `--latents ${o.latents}`;
  } else if (o.channelsGiven) {
    why = "the configured channels";
  } else {
    channels = sizedChannels(channels, s, C, H, W, p, L);
    why = channels.length > o.channels.length
      ? `${channels.length} stride-${s} layers instead of ${o.channels.length}, the fewest that fit`
      : `the default ${channels.length} stride-${s} layers`;
    // Frames too small to deepen further: the window grows instead, as far as the movie allows.
    const d = latentCount(channels.length, s, C, H, W);
    if (o.windowLength === undefined && p * d >= L - p && o.frames > L) {
      L = Math.min(o.frames, p * d + p + 1);
      why += "; windows grown to fit them";
    }
  }
  const down = s ** channels.length;
  const map: [number, number, number] = [Math.floor(H / down), Math.floor(W / down), C];
  const d = map[0] * map[1] * C;
  const fits = p * d < L - p;
  const line = `model: ${d} latents (${map[0]}×${map[1]} map × ${C} channels), windows of ${L} ` +
    `frames: the VAR(${p}) has ${p * d} coefficients per latent ${fits ? "<" : "≥"} ${L - p} ` +
    `samples per window (${why}; --latents and --window choose)`;
  return { channels, windowLength: L, latents: d, map, fits, line };
}
