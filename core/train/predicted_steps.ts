/**
 * Which predicted time steps a training step decodes for the predicted-frames term.
 *
 * Decoding every predicted latent ẑ_p … ẑ_{L−1} of a window is a second full decoder pass
 * (forward and backward), about as costly as the rest of an end-to-end step. Decoding K of
 * the L − p steps, drawn uniformly without replacement, and averaging their pixels is an
 * unbiased estimate of the term (and of its gradient) at about K/(L − p) of its cost.
 *
 * The draw depends only on (seed, epoch, window start): not on the generator that shuffles
 * the windows, so that the window order of a run is the same with any K, and a resumed run
 * (which replays finished epochs' orders from the seed) draws the same subsets as one never
 * interrupted. The fused step and the asynchronous one get the same subset from here.
 *
 * @example
 * ```ts
 * import { predictedStepsSample } from "./predicted_steps.ts";
 *
 * const a = predictedStepsSample(31, 8, { seed: 1, epoch: 0, start: 64 })!;
 * const b = predictedStepsSample(31, 8, { seed: 1, epoch: 0, start: 64 })!;
 * if (a.join() !== b.join() || new Set(a).size !== 8) throw new Error("8 distinct, repeatable");
 * if (predictedStepsSample(31, 0, { seed: 1, epoch: 0, start: 64 }) !== undefined) throw new Error("0: all");
 * ```
 *
 * @module
 */
import { SparsedynError } from "../errors.ts";
import { uniform } from "../data/random.ts";

/**
 * The default K: 8 of a 64-frame window's 63 predicted steps cut the term's cost about
 * eightfold, which brings an end-to-end step near an autoencoder step.
 */
export const DEFAULT_PREDICTED_FRAMES_STEPS = 8;

/** What a draw depends on. */
export interface PredictedStepsKey {
  /** The run's seed. */
  seed: number;
  /** The epoch, from 0. */
  epoch: number;
  /** The window's first frame. */
  start: number;
}

/** murmur3's 32-bit finaliser: every input bit reaches every output bit. */
function mix(h: number): number {
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
}

/**
 * The predicted steps one training step decodes for one window.
 *
 * @param count The window's predicted steps, L − p.
 * @param k How many to decode: 0, or k ≥ count, means all of them (the exact term).
 * @param key Seed, epoch and window start, which alone fix the draw.
 * @returns k distinct indices in [0, count), ascending; undefined for all steps.
 * @throws {SparsedynError} `INVALID_ARGUMENT` when k is not an integer ≥ 0.
 *
 * @example
 * ```ts
 * import { predictedStepsSample } from "./predicted_steps.ts";
 *
 * const s = predictedStepsSample(10, 3, { seed: 4, epoch: 2, start: 0 })!;
 * if (s.length !== 3 || s.some((i) => i < 0 || i >= 10)) throw new Error(s.join());
 * if (predictedStepsSample(10, 10, { seed: 4, epoch: 2, start: 0 }) !== undefined) throw new Error("all");
 * ```
 */
export function predictedStepsSample(
  count: number,
  k: number,
  key: PredictedStepsKey,
): number[] | undefined {
  checkPredictedFramesSteps(k);
  if (k === 0 || k >= count) return undefined;
  const u = uniform(mix(mix(mix(key.seed ^ 0x5bd1e995) ^ key.epoch) ^ key.start));
  // A partial Fisher–Yates shuffle: its first k entries are a uniform k-subset.
  const idx = Array.from({ length: count }, (_, i) => i);
  for (let i = 0; i < k; i++) {
    const j = i + Math.floor(u() * (count - i));
    [idx[i], idx[j]] = [idx[j], idx[i]];
  }
  return idx.slice(0, k).sort((a, b) => a - b);
}

/**
 * Checks a number of predicted steps per window.
 *
 * @param k The value.
 * @throws {SparsedynError} `INVALID_ARGUMENT` (argument "predictedFramesSteps") unless an
 *   integer ≥ 0.
 *
 * @example
 * ```ts
 * import { checkPredictedFramesSteps } from "./predicted_steps.ts";
 *
 * checkPredictedFramesSteps(8);
 * let failed = false;
 * try { checkPredictedFramesSteps(-1); } catch { failed = true; }
 * if (!failed) throw new Error("negative must fail");
 * ```
 */
export function checkPredictedFramesSteps(k: number): void {
  if (!Number.isInteger(k) || k < 0) {
    throw new SparsedynError(
      "INVALID_ARGUMENT",
      `predictedFramesSteps must be an integer ≥ 0 (0: every predicted step); got ${k}`,
      { argument: "predictedFramesSteps" },
    );
  }
}
