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
