/**
 * The numbers that describe a run's contribution maps without showing them: per latent,
 * the summary of its prediction map under each method and of its decoder footprint; per VAR
 * edge j → i, the summary of its map, which is |A_k[i,j]| times latent j's encoder map, so
 * one summary per source latent serves all its edges (thousands of edges at 128 latents).
 * What `sparsedyn maps` prints and returns as JSON.
 *
 * @example
 * ```ts
 * import { summarizeContributionMaps } from "./maps_summary.ts";
 *
 * const P = 4; // 2×2 frames, 2 latents
 * const one = (i: number, px: number) => Float32Array.from({ length: 2 * P }, (_, k) => k === i * P + px ? 1 : 0);
 * const s = summarizeContributionMaps({
 *   height: 2, width: 2, latents: 2, lags: 1, sampled: [0], steps: 0,
 *   saliency: { prediction: one(0, 3), encoder: one(1, 2) },
 *   edges: [{ from: 1, to: 0, lag: 1, weight: -0.5 }],
 *   footprint: one(1, 0), latentMean: new Float64Array(2), latentSd: new Float64Array(2),
 * });
 * if (s.methods.join() !== "saliency") throw new Error("methods present");
 * if (s.latents[0].saliency!.peak.join() !== "1,1") throw new Error("latent 0 peaks at (1, 1)");
 * if (s.edges[0].saliency!.sum !== 0.5 || s.edges[0].saliency!.peak.join() !== "1,0") throw new Error("edge");
 * ```
 *
 * @module
 */
import type { ContributionMaps, MapEdge, MapMethod } from "./contribution.ts";
import { type MapSummary, summarizeMap } from "./summary.ts";

/** One latent's summaries. */
export type LatentMapSummary =
  & {
    /** The latent i. */
    latent: number;
    /** Its decoder footprint's summary. */
    footprint: MapSummary;
  }
  & Partial<Record<MapMethod, MapSummary>>;

/** One edge and its map's summary under each method. */
export type EdgeMapSummary = MapEdge & Partial<Record<MapMethod, MapSummary>>;

/** Summaries of all of a run's maps. */
export interface ContributionMapsSummary {
  /** The methods computed, integrated gradients first. */
  methods: MapMethod[];
  /** Per latent. */
  latents: LatentMapSummary[];
  /** Per VAR edge between distinct latents. */
  edges: EdgeMapSummary[];
}

/**
 * Summarises each latent's maps and each edge's map.
 *
 * @param maps From `contributionMaps` (or `mapsForRun`'s `maps`).
 * @returns The methods present, per-latent and per-edge summaries.
 */
export function summarizeContributionMaps(maps: ContributionMaps): ContributionMapsSummary {
  const { height: H, width: W, latents: d } = maps;
  const P = H * W;
  const methods = (["ig", "saliency"] as const).filter((m) => maps[m]);
  const latents = Array.from({ length: d }, (_, i) => {
    const row: LatentMapSummary = {
      latent: i,
      footprint: summarizeMap(maps.footprint.subarray(i * P, (i + 1) * P), H, W),
    };
    for (const m of methods) {
      row[m] = summarizeMap(maps[m]!.prediction.subarray(i * P, (i + 1) * P), H, W);
    }
    return row;
  });
  const encoderSummary = new Map<string, MapSummary>();
  const edges = maps.edges.map((e) => {
    const row: EdgeMapSummary = { ...e };
    for (const m of methods) {
      const key = `${m} ${e.from}`;
      if (!encoderSummary.has(key)) {
        const enc = maps[m]!.encoder.subarray(e.from * P, (e.from + 1) * P);
        encoderSummary.set(key, summarizeMap(enc, H, W));
      }
      row[m] = scaledSummary(encoderSummary.get(key)!, Math.abs(e.weight));
    }
    return row;
  });
  return { methods, latents, edges };
}

/** The summary of a map times w > 0 (edges have A_k[i,j] ≠ 0): sums and maxima scale, shares and places do not. */
function scaledSummary(s: MapSummary, w: number): MapSummary {
  return { ...s, sum: s.sum * w, max: s.max * w };
}
