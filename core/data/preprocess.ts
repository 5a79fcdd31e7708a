/**
 * Streaming preprocessing of a movie, in this order: crop → spatial downsampling by block
 * mean → temporal binning → per-pixel normalisation (z-score, or ΔF/F over a running
 * percentile baseline). Frames flow through in chunks, in time order; memory is bounded by
 * the chunk size and, for ΔF/F, by the baseline window — never by the movie's length.
 *
 * ΔF/F, precisely: anchors a_k = min(k·stride, T−1); at each anchor the baseline
 * B_k(x) is the `percentile` (linear interpolation between order statistics, as NumPy's
 * default) of F(t, x) over t ∈ [a_k − ⌊window/2⌋, a_k + ⌊window/2⌋] ∩ [0, T); between
 * anchors F0 is interpolated linearly; ΔF/F = (F − F0) / max(F0, floor).
 *
 * @example Downsample and z-score a small movie
 * ```ts
 * import { preprocessFrames } from "./preprocess.ts";
 * import { openMovie } from "./movie.ts";
 * import { encodeNpy } from "./npy.ts";
 *
 * const dir = await Deno.makeTempDir();
 * await Deno.writeFile(`${dir}/m.npy`, encodeNpy(new Float64Array(8 * 4 * 4).map((_, i) => (i * 37) % 11), [8, 4, 4]));
 * const movie = await openMovie(`${dir}/m.npy`);
 * let frames = 0;
 * for await (const c of preprocessFrames(movie, { downsample: 2, normalize: "zscore" })) frames += c.count;
 * if (frames !== 8) throw new Error("8 frames of 2×2");
 * movie.close();
 * await Deno.remove(dir, { recursive: true });
 * ```
 *
 * @module
 */
import { SparsedynError } from "../errors.ts";
import type { Movie } from "./movie.ts";

/** What to do to the frames. */
export interface PreprocessSpec {
  /** Keep the rectangle [top, top + height) × [left, left + width). */
  crop?: { top: number; left: number; height: number; width: number };
  /** Spatial block mean over `downsample`×`downsample` pixels (edges that do not fill a block are dropped). */
  downsample?: number;
  /** Mean of `bin` consecutive frames (a last partial bin is dropped). */
  bin?: number;
  /**
   * Normalisation (default "none"): "scale" = one mean and standard deviation for the whole
   * movie (keeps the static image, which the skip connection carries); "zscore" = per pixel;
   * "dff" = per-pixel ΔF/F.
   */
  normalize?: "none" | "scale" | "zscore" | "dff";
  /**
   * "scale": the mean and standard deviation to apply; absent, the movie's own. A run
   * records those of its training movie (`freezeNormalisation`), so that every movie it
   * processes later is on the training scale: a new movie scaled by its own statistics
   * would encode differently from the training frames, and a brightness change between
   * conditions would be normalised away.
   */
  scale?: { mean: number; sd: number };
  /** "zscore": per-pixel means and standard deviations to apply (H×W each); absent, the movie's own. */
  pixelStats?: { mean: Float64Array; std: Float64Array };
  /** ΔF/F baseline: window and anchor stride in (binned) frames, percentile 0–100, denominator floor. */
  dff?: { window?: number; percentile?: number; stride?: number; floor?: number };
  /** Frames per chunk read from the source (default 64). */
  chunk?: number;
}

/** A chunk of processed frames. */
export interface FrameChunk {
  /** Index of the first frame (in processed frames). */
  start: number;
  /** Number of frames. */
  count: number;
  /** count × height × width, frame-major. */
  frames: Float32Array;
}

/** Shape of the processed movie. */
export interface ProcessedShape {
  /** Frames after binning. */
  frames: number;
  /** Height after cropping and downsampling. */
  height: number;
  /** Width after cropping and downsampling. */
  width: number;
}

function bad(argument: string, message: string): never {
  throw new SparsedynError("INVALID_ARGUMENT", message, { argument });
}

/**
 * The processed movie's shape, and the spec checked against the source.
 *
 * @param movie The source.
 * @param spec The steps.
 * @returns frames × height × width after cropping, downsampling and binning.
 * @throws {SparsedynError} `INVALID_ARGUMENT` naming the setting that does not fit.
 */
export function processedShape(
  movie: { frames: number; height: number; width: number },
  spec: PreprocessSpec,
): ProcessedShape {
  let H = movie.height, W = movie.width;
  if (spec.crop) {
    const { top, left, height, width } = spec.crop;
    for (const [k, v] of Object.entries(spec.crop)) {
      if (!Number.isInteger(v) || v < 0) {
        bad(`crop.${k}`, `crop.${k} must be an integer ≥ 0; got ${v}`);
      }
    }
    if (height < 1 || width < 1 || top + height > H || left + width > W) {
      bad("crop", `crop ${height}×${width} at (${top}, ${left}) does not fit frames of ${H}×${W}`);
    }
    H = height;
    W = width;
  }
  const ds = spec.downsample ?? 1;
  if (!Number.isInteger(ds) || ds < 1 || ds > Math.min(H, W)) {
    bad("downsample", `downsample must be an integer in [1, ${Math.min(H, W)}]; got ${ds}`);
  }
  H = Math.floor(H / ds);
  W = Math.floor(W / ds);
  const bin = spec.bin ?? 1;
  if (!Number.isInteger(bin) || bin < 1 || bin > movie.frames) {
    bad("bin", `bin must be an integer in [1, ${movie.frames}]; got ${bin}`);
  }
  const normalize = spec.normalize ?? "none";
  if (!["none", "scale", "zscore", "dff"].includes(normalize)) {
    bad("normalize", `normalize must be "none", "scale", "zscore" or "dff"; got "${normalize}"`);
  }
  if (
    spec.scale &&
    !(Number.isFinite(spec.scale.mean) && Number.isFinite(spec.scale.sd) && spec.scale.sd >= 0)
  ) {
    bad("scale", `scale must hold a finite mean and sd ≥ 0; got ${JSON.stringify(spec.scale)}`);
  }
  return { frames: Math.floor(movie.frames / bin), height: H, width: W };
}

/** Crop, downsample and bin, without normalisation: the shared first stage. */
async function* spatialAndBinned(
  movie: Movie,
  spec: PreprocessSpec,
  shape: ProcessedShape,
): AsyncGenerator<FrameChunk> {
  const bin = spec.bin ?? 1, ds = spec.downsample ?? 1;
  const chunk = Math.max(1, spec.chunk ?? 64);
  const perRead = Math.max(bin, Math.floor(chunk / bin) * bin);
  const top = spec.crop?.top ?? 0, left = spec.crop?.left ?? 0;
  const { height: H, width: W } = shape;
  const srcW = movie.width, srcPx = movie.height * movie.width, px = H * W;
  const usable = shape.frames * bin;
  let out = 0;
  for (let t = 0; t < usable; t += perRead) {
    const n = Math.min(perRead, usable - t);
    const raw = await movie.read(t, n);
    const count = n / bin;
    const frames = new Float32Array(count * px);
    const acc = new Float64Array(px);
    const scale = 1 / (bin * ds * ds);
    for (let f = 0; f < count; f++) {
      acc.fill(0);
      for (let b = 0; b < bin; b++) {
        const base = (f * bin + b) * srcPx;
        // Row by row: each source row adds its blocks' sums to one output row.
        for (let y = 0; y < H; y++) {
          const o = y * W;
          for (let dy = 0; dy < ds; dy++) {
            let i = base + (top + y * ds + dy) * srcW + left;
            if (ds === 1) {
              for (let x = 0; x < W; x++) acc[o + x] += raw[i + x];
            } else if (ds === 2) {
              for (let x = 0; x < W; x++, i += 2) acc[o + x] += raw[i] + raw[i + 1];
            } else {
              for (let x = 0; x < W; x++) {
                let s = 0;
                for (let dx = 0; dx < ds; dx++) s += raw[i++];
                acc[o + x] += s;
              }
            }
          }
        }
      }
      const dst = frames.subarray(f * px, (f + 1) * px);
      for (let q = 0; q < px; q++) dst[q] = acc[q] * scale;
    }
    yield { start: out, count, frames };
    out += count;
  }
}

/** Per-pixel mean and standard deviation of the cropped / downsampled / binned movie. */
export interface PixelStats {
  /** Per-pixel temporal mean. */
  mean: Float64Array;
  /** Per-pixel temporal standard deviation (population). */
  std: Float64Array;
  /** Frames used. */
  frames: number;
}

/**
 * One streaming pass: per-pixel mean and (population) standard deviation, by Welford's
 * update, so that a long movie does not lose precision in a running sum of squares.
 *
 * @param movie The source.
 * @param spec Crop, downsample and bin to apply first (normalisation is ignored).
 * @returns Mean and std images.
 */
export async function pixelStats(movie: Movie, spec: PreprocessSpec = {}): Promise<PixelStats> {
  const shape = processedShape(movie, spec);
  const px = shape.height * shape.width;
  const mean = new Float64Array(px), m2 = new Float64Array(px);
  let n = 0;
  for await (const c of spatialAndBinned(movie, spec, shape)) {
    for (let f = 0; f < c.count; f++) {
      n++;
      const inv = 1 / n, off = f * px;
      for (let q = 0; q < px; q++) {
        const v = c.frames[off + q], d = v - mean[q];
        mean[q] += d * inv;
        m2[q] += d * (v - mean[q]);
      }
    }
  }
  const std = m2.map((v) => Math.sqrt(v / n));
  return { mean, std, frames: n };
}

/**
 * The temporal mean image (the skip connection's input) after crop / downsample / bin.
 *
 * @param movie The source.
 * @param spec Crop, downsample, bin.
 * @returns height × width.
 */
export async function meanImage(movie: Movie, spec: PreprocessSpec = {}): Promise<Float32Array> {
  return Float32Array.from((await pixelStats(movie, { ...spec, normalize: "none" })).mean);
}

/**
 * The q-th percentile of `v[0..n)` by linear interpolation between order statistics
 * (NumPy's default), in O(n) by quickselect; reorders `v`.
 *
 * @param v Values (reordered).
 * @param n How many of them.
 * @param q Percentile, 0–100.
 * @returns The percentile.
 */
export function percentile(v: Float64Array, n: number, q: number): number {
  const p = (q / 100) * (n - 1), lo = Math.floor(p), frac = p - lo;
  const a = select(v, n, lo);
  if (frac === 0 || lo + 1 >= n) return a;
  // After selecting lo, the (lo+1)-th smallest is the minimum of the upper part.
  let b = Infinity;
  for (let i = lo + 1; i < n; i++) if (v[i] < b) b = v[i];
  return a + frac * (b - a);
}

/** Quickselect: the k-th smallest of v[0..n), with v partitioned around it. */
function select(v: Float64Array, n: number, k: number): number {
  let lo = 0, hi = n - 1;
  while (lo < hi) {
    const pivot = v[(lo + hi) >> 1];
    let i = lo, j = hi;
    while (i <= j) {
      while (v[i] < pivot) i++;
      while (v[j] > pivot) j--;
      if (i <= j) {
        const t = v[i];
        v[i] = v[j];
        v[j] = t;
        i++;
        j--;
      }
    }
    if (k <= j) hi = j;
    else if (k >= i) lo = i;
    else return v[k];
  }
  return v[k];
}

/**
 * One mean and standard deviation for the whole (cropped, downsampled, binned) movie,
 * from the per-pixel ones by the law of total variance.
 *
 * @param movie The source.
 * @param spec Crop, downsample and bin to apply first.
 * @returns The movie's mean and (population) standard deviation.
 */
export async function movieScale(
  movie: Movie,
  spec: PreprocessSpec = {},
): Promise<{ mean: number; sd: number }> {
  const { mean, std } = await pixelStats(movie, spec);
  const px = mean.length;
  let mu = 0, second = 0;
  for (let q = 0; q < px; q++) {
    mu += mean[q] / px;
    second += (std[q] * std[q] + mean[q] * mean[q]) / px;
  }
  return { mean: mu, sd: Math.sqrt(Math.max(second - mu * mu, 0)) };
}

/**
 * The spec with its normalisation statistics fixed to this movie's: `scale` for "scale",
 * `pixelStats` for "zscore" (ΔF/F divides each movie by its own running baseline, which is
 * what ΔF/F means; "none" has none). A run stores the result, and applies it to every movie
 * it processes later.
 *
 * @param movie The training movie.
 * @param spec The steps; statistics already given are kept.
 * @returns The spec with its statistics.
 *
 * @example
 * ```ts
 * import { freezeNormalisation } from "./preprocess.ts";
 * import { openMovie } from "./movie.ts";
 * import { encodeNpy } from "./npy.ts";
 *
 * const dir = await Deno.makeTempDir();
 * await Deno.writeFile(`${dir}/m.npy`, encodeNpy(Float64Array.of(1, 3, 1, 3), [2, 1, 2]));
 * const movie = await openMovie(`${dir}/m.npy`);
 * const spec = await freezeNormalisation(movie, { normalize: "scale" });
 * if (spec.scale?.mean !== 2 || spec.scale?.sd !== 1) throw new Error(JSON.stringify(spec));
 * movie.close();
 * await Deno.remove(dir, { recursive: true });
 * ```
 */
export async function freezeNormalisation(
  movie: Movie,
  spec: PreprocessSpec,
): Promise<PreprocessSpec> {
  if (spec.normalize === "scale" && !spec.scale) {
    return { ...spec, scale: await movieScale(movie, spec) };
  }
  if (spec.normalize === "zscore" && !spec.pixelStats) {
    const { mean, std } = await pixelStats(movie, spec);
    return { ...spec, pixelStats: { mean, std } };
  }
  return spec;
}

/**
 * The processed frames, in time order, chunk by chunk.
 *
 * @param movie The source.
 * @param spec The steps.
 * @returns An async iterator of chunks.
 * @throws {SparsedynError} `INVALID_ARGUMENT` for settings that do not fit the movie.
 */
export async function* preprocessFrames(
  movie: Movie,
  spec: PreprocessSpec = {},
): AsyncGenerator<FrameChunk> {
  const shape = processedShape(movie, spec);
  const normalize = spec.normalize ?? "none";
  if (normalize === "none") yield* spatialAndBinned(movie, spec, shape);
  else if (normalize === "scale") yield* scaled(movie, spec, shape);
  else if (normalize === "zscore") yield* zScored(movie, spec, shape);
  else yield* deltaFOverF(movie, spec, shape);
}

/** "scale": every pixel less one mean, over one standard deviation (given, or the movie's own). */
async function* scaled(
  movie: Movie,
  spec: PreprocessSpec,
  shape: ProcessedShape,
): AsyncGenerator<FrameChunk> {
  const { mean: mu, sd } = spec.scale ?? await movieScale(movie, spec);
  for await (const c of spatialAndBinned(movie, spec, shape)) {
    for (let i = 0; i < c.frames.length; i++) c.frames[i] = sd > 0 ? (c.frames[i] - mu) / sd : 0;
    yield c;
  }
}

/** "zscore": each pixel less its mean, over its standard deviation (given, or the movie's own). */
async function* zScored(
  movie: Movie,
  spec: PreprocessSpec,
  shape: ProcessedShape,
): AsyncGenerator<FrameChunk> {
  const px = shape.height * shape.width;
  const { mean, std } = spec.pixelStats ?? await pixelStats(movie, spec);
  if (mean.length !== px || std.length !== px) {
    bad("pixelStats", `pixelStats hold ${mean.length} pixels; the frames have ${px}`);
  }
  for await (const c of spatialAndBinned(movie, spec, shape)) {
    for (let f = 0; f < c.count; f++) {
      for (let q = 0; q < px; q++) {
        const i = f * px + q;
        c.frames[i] = std[q] > 0 ? (c.frames[i] - mean[q]) / std[q] : 0;
      }
    }
    yield c;
  }
}

/** ΔF/F's settings, defaults filled in and checked. */
function dffSettings(
  spec: PreprocessSpec,
  T: number,
): { window: number; q: number; stride: number; floor: number } {
  const window = spec.dff?.window ?? Math.min(T, 300);
  const q = spec.dff?.percentile ?? 8;
  const stride = spec.dff?.stride ?? Math.max(1, Math.floor(window / 10));
  const floor = spec.dff?.floor ?? 1e-6;
  if (!Number.isInteger(window) || window < 1) {
    bad("dff.window", `dff.window must be an integer ≥ 1; got ${window}`);
  }
  if (!Number.isInteger(stride) || stride < 1) {
    bad("dff.stride", `dff.stride must be an integer ≥ 1; got ${stride}`);
  }
  if (!(q >= 0 && q <= 100)) bad("dff.percentile", `dff.percentile must be in [0, 100]; got ${q}`);
  if (!(floor > 0)) bad("dff.floor", `dff.floor must be > 0; got ${floor}`);
  return { window, q, stride, floor };
}

/** The frames around the next anchor, pulled from the source in time order and dropped when done. */
class FrameRing {
  /** Frame index → frame. */
  readonly frames = new Map<number, Float32Array>();
  /** Frames pulled from the source. */
  #loaded = 0;

  constructor(private source: AsyncGenerator<FrameChunk>, private px: number) {}

  /** Pulls chunks until frame `upTo` is held (or the source ends). */
  async pull(upTo: number): Promise<void> {
    const px = this.px;
    while (this.#loaded <= upTo) {
      const { value, done } = await this.source.next();
      if (done) break;
      for (let f = 0; f < value.count; f++) {
        this.frames.set(this.#loaded + f, value.frames.subarray(f * px, (f + 1) * px));
      }
      this.#loaded += value.count;
    }
  }

  /** Drops the frames before `t`. */
  dropBefore(t: number): void {
    for (const k of this.frames.keys()) if (k < t) this.frames.delete(k);
  }
}

/** Collects frames into chunks of `size`; the last chunk may be shorter. */
class ChunkPacker {
  #pending: Float32Array[] = [];
  #start = 0;

  constructor(private size: number, private px: number) {}

  /** Adds a frame; returns the chunk it completes, if it does. */
  add(frame: Float32Array): FrameChunk | undefined {
    this.#pending.push(frame);
    if (this.#pending.length !== this.size) return undefined;
    return this.rest();
  }

  /** The frames added since the last chunk, as a chunk (undefined when none). */
  rest(): FrameChunk | undefined {
    if (this.#pending.length === 0) return undefined;
    const chunk = pack(this.#pending, this.#start, this.px);
    this.#start += this.#pending.length;
    this.#pending = [];
    return chunk;
  }
}

/** The baseline at anchor `a`: per pixel, the q-th percentile of the frames within `h` of it. */
function baselineAt(
  ring: FrameRing,
  a: number,
  { h, T, q, px }: { h: number; T: number; q: number; px: number },
  scratch: Float64Array,
): Float64Array {
  const lo = Math.max(0, a - h), hi = Math.min(T - 1, a + h), n = hi - lo + 1;
  const b = new Float64Array(px);
  for (let p = 0; p < px; p++) {
    for (let t = lo; t <= hi; t++) scratch[t - lo] = ring.frames.get(t)![p];
    b[p] = percentile(scratch, n, q);
  }
  return b;
}

/** (F − F0) / max(F0, floor), F0 interpolated a fraction `w` of the way from baseline `B0` to `B1`. */
function dffFrame(
  F: Float32Array,
  B0: Float64Array,
  B1: Float64Array,
  w: number,
  floor: number,
): Float32Array {
  const px = F.length;
  const out = new Float32Array(px);
  for (let p = 0; p < px; p++) {
    const f0 = B0[p] + w * (B1[p] - B0[p]);
    out[p] = (F[p] - f0) / Math.max(f0, floor);
  }
  return out;
}

/** "dff": ΔF/F over a running percentile baseline, with a ring of frames around the next anchor. */
async function* deltaFOverF(
  movie: Movie,
  spec: PreprocessSpec,
  shape: ProcessedShape,
): AsyncGenerator<FrameChunk> {
  const px = shape.height * shape.width;
  const T = shape.frames;
  const { window, q, stride, floor } = dffSettings(spec, T);
  const h = Math.floor(window / 2);
  const anchors: number[] = [];
  for (let a = 0; a < T - 1; a += stride) anchors.push(a);
  anchors.push(T - 1);
  const ring = new FrameRing(spatialAndBinned(movie, spec, shape), px);
  const scratch = new Float64Array(2 * h + 1);
  const packer = new ChunkPacker(Math.max(1, spec.chunk ?? 64), px);
  let prevB: Float64Array | undefined;
  for (let k = 0; k < anchors.length; k++) {
    const a = anchors[k];
    await ring.pull(Math.min(T - 1, a + h));
    const B = baselineAt(ring, a, { h, T, q, px }, scratch);
    if (k === 0) {
      prevB = B;
      continue;
    }
    // Frames a_{k−1} … a_k − 1 (and a_k itself at the end) between baselines prevB and B.
    const a0 = anchors[k - 1], last = k === anchors.length - 1 ? a : a - 1;
    for (let t = a0; t <= last; t++) {
      const w = a === a0 ? 0 : (t - a0) / (a - a0);
      const chunk = packer.add(dffFrame(ring.frames.get(t)!, prevB!, B, w, floor));
      if (chunk) yield chunk;
    }
    prevB = B;
    // Frames no later anchor's window or output needs any more.
    ring.dropBefore(Math.min(last + 1, Math.max(0, (anchors[k + 1] ?? T) - h)));
  }
  if (T === 1) {
    // One frame: it is its own baseline.
    const chunk = packer.add(new Float32Array(px));
    if (chunk) yield chunk;
  }
  const rest = packer.rest();
  if (rest) yield rest;
}

/** Frames (px values each) as one chunk starting at frame `start`. */
function pack(frames: Float32Array[], start: number, px: number): FrameChunk {
  const out = new Float32Array(frames.length * px);
  frames.forEach((f, i) => out.set(f, i * px));
  return { start, count: frames.length, frames: out };
}
