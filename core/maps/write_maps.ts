/**
 * The `maps/` folder of a run: one float32 NPY and one PNG per map, and `maps.json`, the
 * index (what each file is, with summary numbers).
 *
 *     maps.json                          index: settings, completeness, one entry per map
 *     all_<method>.npy/.png              Σ over latents of the prediction maps
 *     latent_<i>_<method>.npy/.png       latent i's prediction map
 *     encoder_<j>_<method>.npy/.png      latent j's encoder map, mean |a_j(x)|
 *     edge_<j>_<i>_lag<k>_<method>...    edge j → i at lag k (with `edges`)
 *     footprint_<i>.npy/.png             decoder footprint (signed NPY; PNG by magnitude)
 *
 * `<method>` is `saliency` or `ig`. The folder is written as `maps.partial-<pid>` beside
 * the target and renamed when complete, so `maps/` exists complete or not at all. An
 * existing `maps/` is refused unless `force`, and then replaced only once the new one is
 * complete.
 *
 * @example
 * ```ts
 * import { writeMaps } from "./write_maps.ts";
 *
 * const dir = await Deno.makeTempDir();
 * const one = Float32Array.of(0, 1, 2, 3);
 * const index = await writeMaps(dir, {
 *   height: 2, width: 2, latents: 1, lags: 1, sampled: [0], steps: 0, edges: [],
 *   saliency: { prediction: one, encoder: one }, footprint: one,
 *   latentMean: new Float64Array(1), latentSd: new Float64Array(1),
 * }, new Float32Array(4));
 * if (!index.maps.some((m) => m.file === "latent_0_saliency.npy")) throw new Error("written");
 * await Deno.remove(dir, { recursive: true });
 * ```
 *
 * @module
 */
import { ioError, SparsedynError } from "../errors.ts";
import { npyHeader } from "../data/npy_writer.ts";
import { type ContributionMaps, edgeMap, type MapMethod } from "./contribution.ts";
import { renderMap } from "./png.ts";
import { encodeRgbPng } from "./png_encode.ts";
import { onAbort } from "../files/abort_cleanup.ts";
import { faultPoint } from "../files/fault_injection.ts";
import { COMPLETE_MARKER } from "../files/stale_temporaries.ts";
import { type MapSummary, summarizeMap } from "./summary.ts";

/** One map in the index. */
export interface MapEntry {
  /** The NPY file (float32, H×W). */
  file: string;
  /** The PNG beside it. */
  png: string;
  /** What it is. */
  kind: "all" | "latent" | "encoder" | "edge" | "footprint";
  /** Attribution method (not for footprints). */
  method?: MapMethod;
  /** The latent (latent, encoder, footprint maps). */
  latent?: number;
  /** The edge (edge maps): source, target, lag, coefficient. */
  edge?: { from: number; to: number; lag: number; weight: number };
  /** Summary numbers. */
  summary: MapSummary;
}

/** `maps.json`. */
export interface MapsIndex {
  /** Format version. */
  version: 1;
  /** Frame height. */
  height: number;
  /** Frame width. */
  width: number;
  /** Latents d. */
  latents: number;
  /** VAR order p. */
  lags: number;
  /** Methods computed. */
  methods: MapMethod[];
  /** IG steps (trapezoid intervals). */
  steps: number;
  /** Frames averaged over. */
  frames: number;
  /** The IG baseline. */
  baseline: string;
  /** IG completeness over the sample. */
  completeness: ContributionMaps["completeness"] | null;
  /** Extra facts from the caller (movie, run). */
  source: Record<string, unknown>;
  /** Every map written. */
  maps: MapEntry[];
}

/** Options of {@link writeMaps}. */
export interface WriteMapsOptions {
  /** Replace an existing `maps/` (default false: refuse it). */
  force?: boolean;
  /** Write one map per VAR edge too (default false). */
  edges?: boolean;
  /** Extra facts for the index. */
  source?: Record<string, unknown>;
  /** Called after each map written: maps done, maps in all (hundreds at 128 latents). */
  onProgress?: (done: number, total: number) => void;
}

/**
 * Refuses an existing `maps/` in `runDir` unless `force` (call before computing).
 *
 * @param runDir The run folder.
 * @param force Whether an existing folder may be replaced.
 * @returns The target path.
 * @throws {SparsedynError} `IO` naming `maps/` when it exists and `force` is not set.
 */
export async function checkMapsTarget(runDir: string, force = false): Promise<string> {
  const out = `${runDir.replace(/\/+$/, "")}/maps`;
  if (!force && await Deno.lstat(out).then(() => true, () => false)) {
    throw new SparsedynError(
      "IO",
      `"${out}" already exists; pass --force (force: true) to replace it (nothing was changed)`,
      { file: out },
    );
  }
  return out;
}

function npyF32(data: Float32Array, shape: number[]): Uint8Array {
  const header = npyHeader("<f4", shape);
  const out = new Uint8Array(header.length + 4 * data.length);
  out.set(header);
  const view = new DataView(out.buffer, header.length);
  for (let i = 0; i < data.length; i++) view.setFloat32(4 * i, data[i], true);
  return out;
}

/** Where and how the maps are written, and the index entries so far. */
interface MapWriter {
  /** The temporary folder, renamed to `maps/` when complete. */
  tmp: string;
  H: number;
  W: number;
  /** The grey background of the PNGs. */
  meanImage: Float32Array;
  entries: MapEntry[];
  /** Maps to write in all (for progress). */
  total: number;
  onProgress?: (done: number, total: number) => void;
}

/** Writes one map as `<name>.npy` and `<name>.png`, adds its index entry and reports progress. */
async function putMap(
  w: MapWriter,
  name: string,
  data: Float32Array,
  e: Omit<MapEntry, "file" | "png" | "summary">,
): Promise<void> {
  const { H, W } = w;
  await Deno.writeFile(`${w.tmp}/${name}.npy`, npyF32(data, [H, W]));
  const img = renderMap(data, w.meanImage, H, W);
  await Deno.writeFile(`${w.tmp}/${name}.png`, await encodeRgbPng(img.data, img.width, img.height));
  w.entries.push({
    file: `${name}.npy`,
    png: `${name}.png`,
    ...e,
    summary: summarizeMap(data, H, W),
  });
  w.onProgress?.(w.entries.length, w.total);
}

/** One method's maps: the sum over latents, each latent's prediction and encoder map, the edges. */
async function putMethodMaps(
  w: MapWriter,
  maps: ContributionMaps,
  method: MapMethod,
  edges: boolean | undefined,
): Promise<void> {
  const d = maps.latents, P = w.H * w.W;
  const mm = maps[method]!;
  const all = new Float32Array(P);
  for (let i = 0; i < d; i++) for (let q = 0; q < P; q++) all[q] += mm.prediction[i * P + q];
  await putMap(w, `all_${method}`, all, { kind: "all", method });
  for (let i = 0; i < d; i++) {
    await putMap(w, `latent_${i}_${method}`, mm.prediction.slice(i * P, (i + 1) * P), {
      kind: "latent",
      method,
      latent: i,
    });
    await putMap(w, `encoder_${i}_${method}`, mm.encoder.slice(i * P, (i + 1) * P), {
      kind: "encoder",
      method,
      latent: i,
    });
  }
  if (edges) {
    for (const edge of maps.edges) {
      await putMap(
        w,
        `edge_${edge.from}_${edge.to}_lag${edge.lag}_${method}`,
        edgeMap(mm, edge, P),
        {
          kind: "edge",
          method,
          edge,
        },
      );
    }
  }
}

/** `maps.json` for the maps written. */
function mapsIndex(
  maps: ContributionMaps,
  methods: MapMethod[],
  entries: MapEntry[],
  source: Record<string, unknown> | undefined,
): MapsIndex {
  return {
    version: 1,
    height: maps.height,
    width: maps.width,
    latents: maps.latents,
    lags: maps.lags,
    methods: [...methods],
    steps: maps.steps,
    frames: maps.sampled.length,
    baseline: "the preprocessed movie's mean image",
    completeness: maps.completeness ?? null,
    source: source ?? {},
    maps: entries,
  };
}

/** Marks the complete folder `tmp` and renames it to `out`, replacing an existing `out`. */
async function moveIntoPlace(tmp: string, out: string): Promise<void> {
  // Complete from here: a kill during the swap below leaves a folder the next start
  // renames into place (stale_temporaries.ts), never a run without maps.
  await faultPoint(`mark ${tmp} complete`);
  await Deno.writeFile(`${tmp}/${COMPLETE_MARKER}`, new Uint8Array());
  if (await Deno.lstat(out).then(() => true, () => false)) {
    // force: move the old folder aside, put the new one in place, then drop the old.
    const old = `${out}.old-${Deno.pid}`;
    await faultPoint(`rename ${out} → ${old}`);
    await Deno.rename(out, old);
    await faultPoint(`rename ${tmp} → ${out}`);
    await Deno.rename(tmp, out);
    await faultPoint(`remove ${old}`);
    await Deno.remove(old, { recursive: true });
  } else {
    await faultPoint(`rename ${tmp} → ${out}`);
    await Deno.rename(tmp, out);
  }
}

/**
 * Writes the maps into `<runDir>/maps/` (see the module description).
 *
 * @param runDir The run folder (created, with its `maps/`, when it does not exist yet).
 * @param maps What `contributionMaps` computed.
 * @param meanImage H×W grey background of the PNGs.
 * @param options Force, edges, extra facts.
 * @returns The index written as `maps.json`.
 * @throws {SparsedynError} `IO` when `maps/` exists (without `force`) or cannot be written.
 */
export async function writeMaps(
  runDir: string,
  maps: ContributionMaps,
  meanImage: Float32Array,
  options: WriteMapsOptions = {},
): Promise<MapsIndex> {
  const out = await checkMapsTarget(runDir, options.force);
  const { height: H, width: W, latents: d } = maps;
  const tmp = `${out}.partial-${Deno.pid}`;
  const methods = (["saliency", "ig"] as const).filter((m) => maps[m]);
  const total = methods.length * (1 + 2 * d + (options.edges ? maps.edges.length : 0)) + d;
  const w: MapWriter = { tmp, H, W, meanImage, entries: [], total, onProgress: options.onProgress };
  const P = H * W;
  const stopAbort = onAbort(() => Deno.removeSync(tmp, { recursive: true }));
  try {
    await Deno.mkdir(tmp, { recursive: true });
    options.onProgress?.(0, total);
    for (const method of methods) await putMethodMaps(w, maps, method, options.edges);
    for (let i = 0; i < d; i++) {
      await putMap(w, `footprint_${i}`, maps.footprint.slice(i * P, (i + 1) * P), {
        kind: "footprint",
        latent: i,
      });
    }
    const index = mapsIndex(maps, methods, w.entries, options.source);
    await Deno.writeTextFile(`${tmp}/maps.json`, JSON.stringify(index, null, 1) + "\n");
    await moveIntoPlace(tmp, out);
    stopAbort();
    await Deno.remove(`${out}/${COMPLETE_MARKER}`).catch(() => {});
    return index;
  } catch (err) {
    stopAbort();
    await Deno.remove(tmp, { recursive: true }).catch(() => {});
    if (err instanceof SparsedynError) throw err;
    throw ioError("write", out, err);
  }
}
