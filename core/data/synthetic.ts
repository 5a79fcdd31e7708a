/**
 * Synthetic calcium-imaging movies with known dynamics: the ground truth behind every
 * claim the model makes.
 *
 * A field of view of K localised cells (Gaussian or soft-disk footprints of random size)
 * over a static background (neuropil: a smooth random field; vessels: dark curvilinear
 * bands). Cell activity z (T×K) follows a sparse, stable VAR(p) with known coefficients;
 * it drives calcium through an exponential kernel, c_t = e^{−1/τ}·c_{t−1} + max(z_t, 0);
 * each cell's fluorescence is baseline_k + amplitude_k·c_{k,t}. Frames add a slow drift of
 * the background, optional integer motion jitter, and Poisson–Gaussian noise (photon
 * counts at `gain` photons per unit, plus read noise). Everything is seeded and
 * deterministic. In two-condition mode the same field of view is recorded twice, with a
 * chosen set of coefficients changed by a given effect size in condition B.
 *
 * @example Plan a small field of view and render two frames
 * ```ts
 * import { planSynthetic, renderFrames, simulateActivity } from "./synthetic.ts";
 *
 * const plan = planSynthetic({ height: 32, width: 32, frames: 50, cells: 4, seed: 3 });
 * const act = simulateActivity(plan, "a");
 * const frames = renderFrames(plan, act, 0, 2, plan.noiseGenerator("a"));
 * if (frames.length !== 2 * 32 * 32 || !frames.every(Number.isFinite)) throw new Error("2 frames");
 * ```
 *
 * @module
 */
import { SparsedynError } from "../errors.ts";
import { spectralRadiusEstimate } from "../var/stability.ts";
import { poisson } from "./poisson.ts";
import { normals, uniform } from "./random.ts";
import { backgroundImage, footprintImages, placeCells } from "./_synthetic_field.ts";
import { simulateVarWith, sparseStableCoefficients } from "./synthetic_var.ts";

/** Settings of the generator (every one has a default). */
export interface SynthOptions {
  /** Frame height in pixels (default 64). */
  height?: number;
  /** Frame width in pixels (default 64). */
  width?: number;
  /** Frames per condition (default 1000). */
  frames?: number;
  /** Number of cells K (default 12). */
  cells?: number;
  /** VAR order p (default 1). */
  lags?: number;
  /** Probability of an off-diagonal coefficient per lag (default 0.15). */
  density?: number;
  /** Spectral radius of the VAR's companion matrix (default 0.9). */
  radius?: number;
  /** Footprint shape (default "gaussian"). */
  footprint?: "gaussian" | "disk";
  /** Cell radius range in pixels (default [2.5, 4.5]). */
  cellRadius?: [number, number];
  /** Calcium decay time constant in frames (default 8). */
  tau?: number;
  /** Photons per unit of fluorescence (default 1). */
  gain?: number;
  /** Read-noise standard deviation, in fluorescence units (default 2). */
  readNoise?: number;
  /** Relative amplitude of the slow background drift (default 0.05). */
  drift?: number;
  /** Largest motion shift in pixels per frame, uniform in [−jitter, jitter] (default 0). */
  jitter?: number;
  /** Seed (default 1). */
  seed?: number;
  /** Two-condition mode: condition B changes `edges` coefficients by `effect`. */
  conditions?: { effect: number; edges: number };
}

/** One directed influence of the VAR: `from` drives `to` at lag `lag`. */
export interface SynthEdge {
  /** The driving cell. */
  from: number;
  /** The driven cell. */
  to: number;
  /** Lag, 1 … p. */
  lag: number;
  /** The coefficient A_lag[to][from]. */
  weight: number;
}

/** What `truth.json` holds: the generator's settings and the true model. */
export interface SynthTruth {
  /** Format version of this record. */
  version: 1;
  /** The settings, defaults filled in. */
  options: Required<Omit<SynthOptions, "conditions">> & {
    conditions: SynthOptions["conditions"] | null;
  };
  /** Conditions recorded: ["a"] or ["a", "b"]. */
  conditions: string[];
  /** Coefficients per condition, p×K×K nested: A[c][k][i][j] = effect of cell j at lag k+1 on cell i. */
  A: Record<string, number[][][]>;
  /** Directed edges (i ≠ j) per condition: who drives whom. */
  edges: Record<string, SynthEdge[]>;
  /** Coefficients that differ between conditions (two-condition mode). */
  changed: { lag: number; to: number; from: number; a: number; b: number }[];
  /** Companion spectral radius per condition. */
  spectralRadius: Record<string, number>;
  /** Cell centres [y, x] in pixels. */
  centers: [number, number][];
  /** Cell radii in pixels. */
  radii: number[];
  /** Per-cell fluorescence baseline. */
  baseline: number[];
  /** Per-cell fluorescence per unit of calcium. */
  amplitude: number[];
  /** Files written beside truth.json, by content. */
  files: Record<string, string>;
}

/** A planned field of view: everything shared by the conditions, plus the coefficients. */
export interface SynthPlan {
  /** The truth record (written as truth.json). */
  truth: SynthTruth;
  /** Background image H×W (neuropil and vessels), before drift. */
  background: Float32Array;
  /** Footprints K×H×W (peak 1). */
  footprints: Float32Array;
  /** Coefficients per condition, p×K×K flat. */
  coefficients: Record<string, Float64Array>;
  /** Per-cell bounding boxes [y0, y1, x0, x1) of the footprints, for fast rendering. */
  boxes: [number, number, number, number][];
  /** The noise generator of a condition (fresh on each call, same seed → same draws). */
  noiseGenerator(condition: string): () => number;
}

/** Noise-free activity of one condition. */
export interface SynthActivity {
  /** VAR state z, T×K. */
  z: Float64Array;
  /** Innovations ε (z_t − Σ A_k z_{t−k} = ε_t), T×K. */
  innovations: Float64Array;
  /** Calcium c, T×K. */
  calcium: Float64Array;
}

/** The settings with every default filled in (the conditions apart). */
type Settings = Required<Omit<SynthOptions, "conditions">>;

const DEFAULTS: Settings = {
  height: 64,
  width: 64,
  frames: 1000,
  cells: 12,
  lags: 1,
  density: 0.15,
  radius: 0.9,
  footprint: "gaussian",
  cellRadius: [2.5, 4.5],
  tau: 8,
  gain: 1,
  readNoise: 2,
  drift: 0.05,
  jitter: 0,
  seed: 1,
};

function bad(argument: string, message: string): never {
  throw new SparsedynError("INVALID_ARGUMENT", message, { argument });
}

function checkOptions(o: Settings, c: SynthOptions["conditions"]) {
  const int = (name: keyof typeof o, min: number) => {
    const v = o[name] as number;
    if (!Number.isInteger(v) || v < min) bad(name, `${name} must be an integer ≥ ${min}; got ${v}`);
  };
  int("height", 8);
  int("width", 8);
  int("frames", o.lags + 2);
  int("cells", 1);
  int("lags", 1);
  int("jitter", 0);
  if (!Number.isInteger(o.seed)) bad("seed", `seed must be an integer; got ${o.seed}`);
  for (const name of ["density", "radius", "tau", "gain", "readNoise", "drift"] as const) {
    if (!Number.isFinite(o[name]) || o[name] < 0) {
      bad(name, `${name} must be a finite number ≥ 0; got ${o[name]}`);
    }
  }
  if (o.density > 1) bad("density", `density must be ≤ 1; got ${o.density}`);
  if (!(o.radius < 1)) bad("radius", `radius must be < 1 for a stable VAR; got ${o.radius}`);
  if (!(o.tau > 0) || !(o.gain > 0)) bad(o.tau > 0 ? "gain" : "tau", "tau and gain must be > 0");
  if (o.footprint !== "gaussian" && o.footprint !== "disk") {
    bad("footprint", `footprint must be "gaussian" or "disk"; got "${o.footprint}"`);
  }
  const [r0, r1] = o.cellRadius;
  if (!(r0 > 0 && r1 >= r0)) {
    bad("cellRadius", `cellRadius must be [min, max] with 0 < min ≤ max; got [${r0}, ${r1}]`);
  }
  if (2 * r1 >= Math.min(o.height, o.width)) {
    bad("cellRadius", `cells of radius ${r1} do not fit a ${o.height}×${o.width} frame`);
  }
  if (c) {
    if (!Number.isFinite(c.effect) || c.effect === 0) {
      bad("conditions.effect", `effect must be a non-zero number; got ${c.effect}`);
    }
    if (!Number.isInteger(c.edges) || c.edges < 1 || c.edges > o.cells * (o.cells - 1) * o.lags) {
      bad(
        "conditions.edges",
        `edges must be an integer in [1, ${o.cells * (o.cells - 1) * o.lags}]; got ${c.edges}`,
      );
    }
  }
}

function nested(A: Float64Array, K: number, p: number): number[][][] {
  return Array.from(
    { length: p },
    (_, k) =>
      Array.from(
        { length: K },
        (_, i) => Array.from(A.subarray((k * K + i) * K, (k * K + i + 1) * K)),
      ),
  );
}

function edgesOf(A: Float64Array, K: number, p: number): SynthEdge[] {
  const out: SynthEdge[] = [];
  for (let k = 0; k < p; k++) {
    for (let i = 0; i < K; i++) {
      for (let j = 0; j < K; j++) {
        const w = A[(k * K + i) * K + j];
        if (i !== j && w !== 0) out.push({ from: j, to: i, lag: k + 1, weight: w });
      }
    }
  }
  return out;
}

/**
 * Plans a field of view and the true coefficients (no frames yet).
 *
 * @param options Generator settings.
 * @returns The plan: background, footprints, coefficients and the truth record.
 * @throws {SparsedynError} `INVALID_ARGUMENT` naming the setting that is out of range, or
 *   when condition B's change makes the VAR unstable.
 */
export function planSynthetic(options: SynthOptions = {}): SynthPlan {
  const o = {
    ...DEFAULTS,
    ...Object.fromEntries(Object.entries(options).filter(([, v]) => v !== undefined)),
  } as Settings;
  const cond = options.conditions;
  checkOptions(o, cond);
  const { cells: K, lags: p } = o;
  // Separate streams for layout, coefficients and each condition's dynamics and noise,
  // so that changing one setting (say the noise) leaves the others' draws unchanged.
  const layout = uniform(o.seed * 7 + 1);
  const coef = uniform(o.seed * 7 + 2);
  const { centers, radii } = placeCells(o, layout);
  const { footprints, boxes } = footprintImages(o, centers, radii);
  const background = backgroundImage(o, layout);
  const baseline = Array.from({ length: K }, () => 20 + 20 * layout());
  const amplitude = Array.from({ length: K }, () => 15 + 15 * layout());

  const { A, spectralRadius } = sparseStableCoefficients(K, p, coef, o.density, o.radius);
  const coefficients: Record<string, Float64Array> = { a: A };
  const rho: Record<string, number> = { a: spectralRadius };
  let changed: SynthTruth["changed"] = [];
  if (cond) {
    const b = conditionB(A, K, p, cond, coef);
    rho.b = b.spectralRadius;
    coefficients.b = b.B;
    changed = b.changed;
  }
  const names = cond ? ["a", "b"] : ["a"];
  const truth: SynthTruth = {
    version: 1,
    options: { ...o, conditions: cond ?? null },
    conditions: names,
    A: Object.fromEntries(names.map((c) => [c, nested(coefficients[c], K, p)])),
    edges: Object.fromEntries(names.map((c) => [c, edgesOf(coefficients[c], K, p)])),
    changed,
    spectralRadius: rho,
    centers,
    radii,
    baseline,
    amplitude,
    files: {},
  };
  const streams: Record<string, number> = { a: 3, b: 5 };
  return {
    truth,
    background,
    footprints,
    coefficients,
    boxes,
    noiseGenerator: (c) => uniform(o.seed * 7 + streams[c] + 1),
  };
}

/**
 * Condition B's coefficients: `cond.edges` of A's off-diagonal coefficients changed by
 * `cond.effect` (away from zero), chosen at random from the coefficient stream.
 *
 * @throws {SparsedynError} `INVALID_ARGUMENT` when the change makes the VAR unstable.
 */
function conditionB(
  A: Float64Array,
  K: number,
  p: number,
  cond: NonNullable<SynthOptions["conditions"]>,
  coef: () => number,
): { B: Float64Array; changed: SynthTruth["changed"]; spectralRadius: number } {
  // Prefer existing edges (a change of strength); add new ones if there are too few.
  const slots: number[] = [], empty: number[] = [];
  for (let k = 0; k < p; k++) {
    for (let i = 0; i < K; i++) {
      for (let j = 0; j < K; j++) {
        if (i !== j) (A[(k * K + i) * K + j] !== 0 ? slots : empty).push((k * K + i) * K + j);
      }
    }
  }
  const shuffle = (xs: number[]) => {
    for (let q = xs.length - 1; q > 0; q--) {
      const r = Math.floor(coef() * (q + 1));
      [xs[q], xs[r]] = [xs[r], xs[q]];
    }
    return xs;
  };
  const pick = [...shuffle(slots), ...shuffle(empty)].slice(0, cond.edges);
  const B = A.slice();
  const changed: SynthTruth["changed"] = [];
  for (const q of pick) {
    B[q] = A[q] + cond.effect * (A[q] < 0 ? -1 : 1);
    const k = Math.floor(q / (K * K)), i = Math.floor((q % (K * K)) / K), j = q % K;
    changed.push({ lag: k + 1, to: i, from: j, a: A[q], b: B[q] });
  }
  const rho = spectralRadiusEstimate(B, K, p);
  if (!(rho < 0.999)) {
    bad(
      "conditions.effect",
      `effect ${cond.effect} on ${cond.edges} edges makes condition B unstable (spectral radius ${
        rho.toFixed(3)
      }); use a smaller effect or fewer edges`,
    );
  }
  return { B, changed, spectralRadius: rho };
}

/**
 * The noise-free activity of one condition: the VAR state, its innovations, the calcium.
 *
 * @param plan From {@link planSynthetic}.
 * @param condition "a" or, in two-condition mode, "b".
 * @returns z, ε and c, each T×K.
 */
export function simulateActivity(plan: SynthPlan, condition: string): SynthActivity {
  const A = plan.coefficients[condition];
  if (!A) {
    bad(
      "condition",
      `condition must be one of ${plan.truth.conditions.join(", ")}; got "${condition}"`,
    );
  }
  const { frames: T, cells: K, lags: p, tau, seed } = plan.truth.options;
  const u = uniform(seed * 7 + (condition === "a" ? 3 : 5));
  const { series: z, innovations } = simulateVarWith(A, K, p, T, u, 1, 500);
  const calcium = new Float64Array(T * K);
  const decay = Math.exp(-1 / tau);
  for (let t = 0; t < T; t++) {
    for (let k = 0; k < K; k++) {
      const prev = t > 0 ? calcium[(t - 1) * K + k] : 0;
      calcium[t * K + k] = decay * prev + Math.max(z[t * K + k], 0);
    }
  }
  return { z, innovations, calcium };
}

/**
 * Renders frames [start, start + count) of a condition with drift, jitter and noise.
 * Frames must be rendered in order with one generator (as `writeSynthetic` does) for the
 * result to be reproducible.
 *
 * @param plan The plan.
 * @param activity The condition's activity.
 * @param start First frame.
 * @param count Number of frames.
 * @param u The condition's noise generator, consumed in frame order.
 * @param shifts If given, receives the motion shift [dy, dx] of each frame.
 * @returns count×H×W float32, frame-major.
 */
export function renderFrames(
  plan: SynthPlan,
  activity: SynthActivity,
  start: number,
  count: number,
  u: () => number,
  shifts?: Int32Array,
): Float32Array {
  const { height: H, width: W, gain, readNoise, jitter } = plan.truth.options;
  const out = new Float32Array(count * H * W);
  const clean = new Float64Array(H * W);
  for (let f = 0; f < count; f++) {
    const t = start + f;
    cleanImage(plan, activity, t, clean);
    let dy = 0, dx = 0;
    if (jitter > 0) {
      dy = Math.floor(u() * (2 * jitter + 1)) - jitter;
      dx = Math.floor(u() * (2 * jitter + 1)) - jitter;
    }
    if (shifts) {
      shifts[2 * f] = dy;
      shifts[2 * f + 1] = dx;
    }
    const noise = normals(u, H * W);
    const frame = out.subarray(f * H * W, (f + 1) * H * W);
    for (let y = 0; y < H; y++) {
      const sy = Math.min(H - 1, Math.max(0, y - dy));
      for (let x = 0; x < W; x++) {
        const sx = Math.min(W - 1, Math.max(0, x - dx));
        const mean = clean[sy * W + sx];
        frame[y * W + x] = poisson(u, mean * gain) / gain + readNoise * noise[y * W + x];
      }
    }
  }
  return out;
}

/** The expected image of frame t (background with drift, plus the cells), before motion and noise. */
function cleanImage(plan: SynthPlan, activity: SynthActivity, t: number, clean: Float64Array) {
  const { height: H, width: W, cells: K, frames: T, drift } = plan.truth.options;
  const { baseline, amplitude } = plan.truth;
  const g = 1 + drift * Math.sin((2 * Math.PI * t) / Math.max(T, 200));
  for (let q = 0; q < H * W; q++) clean[q] = plan.background[q] * g;
  for (let k = 0; k < K; k++) {
    const level = baseline[k] + amplitude[k] * activity.calcium[t * K + k];
    const [y0, y1, x0, x1] = plan.boxes[k];
    for (let y = y0; y < y1; y++) {
      const row = (k * H + y) * W;
      for (let x = x0; x < x1; x++) clean[y * W + x] += level * plan.footprints[row + x];
    }
  }
}

/**
 * The noiseless frames [start, start + count): what {@link renderFrames} draws its noise
 * around (background with drift, plus the cells; no motion). A denoising target: how close
 * a model's reconstruction comes to the signal, not to the noisy movie.
 *
 * @param plan The plan.
 * @param activity The condition's activity.
 * @param start First frame.
 * @param count Number of frames.
 * @returns count×H×W float32, frame-major.
 *
 * @example
 * ```ts
 * import { planSynthetic, renderCleanFrames, simulateActivity } from "./synthetic.ts";
 *
 * const plan = planSynthetic({ height: 16, width: 16, frames: 20, cells: 2, seed: 1 });
 * const clean = renderCleanFrames(plan, simulateActivity(plan, "a"), 0, 20);
 * if (clean.length !== 20 * 256 || !clean.every((v) => v >= 0)) throw new Error("clean");
 * ```
 */
export function renderCleanFrames(
  plan: SynthPlan,
  activity: SynthActivity,
  start: number,
  count: number,
): Float32Array {
  const { height: H, width: W } = plan.truth.options;
  const out = new Float32Array(count * H * W);
  const clean = new Float64Array(H * W);
  for (let f = 0; f < count; f++) {
    cleanImage(plan, activity, start + f, clean);
    out.set(clean, f * H * W);
  }
  return out;
}
