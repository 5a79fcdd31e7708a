/**
 * The encoders that `encode` runs frames through, behind one interface: onnxruntime-node on
 * the exported ONNX encoder (`ort`, the default: CPU, or CUDA where installed) or the tfjs
 * model itself (`tfjs`, on the wasm backend unless told otherwise). Both take a chunk of
 * preprocessed frames (n × H × W, float32) and give the latents (n × d, float32) in
 * sparsedyn's order — the order of latents.npy and of the VAR's coefficients.
 *
 * @example
 * ```ts
 * import { createEngine } from "./engine.ts";
 * import { caeWeights } from "../export/onnx.ts";
 * import { createCae, defaultCaeConfig } from "../model/cae.ts";
 * import { tf } from "../model/tf.ts";
 *
 * await tf.setBackend("cpu");
 * const cae = createCae(defaultCaeConfig(16, 16), 1);
 * const engine = await createEngine({ config: cae.config, weights: await caeWeights(cae) }, { engine: "ort" });
 * const z = await engine.encode(new Float32Array(5 * 256), 5);
 * if (z.length !== 5 * engine.latentSize) throw new Error("n × d");
 * await engine.close();
 * ```
 *
 * @module
 */
import { SparsedynError } from "../errors.ts";
import type { Cae, CaeConfig } from "../model/cae.ts";
import { createCae } from "../model/cae.ts";
import { type BackendName, useBackend } from "../model/backend.ts";
import { type Tensor4D, tf } from "../model/tf.ts";
import { caeToOnnx, type WeightArray } from "../export/onnx.ts";
import { type OrtDevice, type OrtSession, ortSession } from "../export/ort.ts";
import { ortCpuGraph } from "../export/ort_cpu_graph.ts";
import { normals, uniform } from "../data/random.ts";

/** Which runtime encodes. */
export type EngineName = "ort" | "tfjs";

/** A ready encoder. */
export interface Engine {
  /** The runtime. */
  name: EngineName;
  /** Where it runs ("cpu"/"cuda" for ort, the tfjs backend for tfjs). */
  device: string;
  /** Latent dimension d. */
  latentSize: number;
  /**
   * ort on the CPU: how many NCHWc round trips were taken out of onnxruntime's optimised
   * graph (`ortCpuGraph`); 0 where none were (or the rewrite was off or failed its check).
   */
  graphRewrites?: number;
  /**
   * Encodes n frames.
   *
   * @param frames n × H × W, float32, preprocessed.
   * @param n Number of frames.
   * @returns n × d latents, float32.
   */
  encode(frames: Float32Array, n: number): Promise<Float32Array>;
  /** Frees the session or the model's tensors. */
  close(): Promise<void>;
}

/** How to build the engine. */
export interface EngineOptions {
  /** Runtime (default "ort"). */
  engine?: EngineName;
  /** ort: execution provider (default "cpu"). tfjs: must be "cpu" or absent. */
  device?: OrtDevice;
  /** ort: threads inside an operator (default: onnxruntime's choice). */
  threads?: number;
  /**
   * ort: frames per session run (default {@link defaultOrtBatch}). A chunk is run in
   * batches of this size: onnxruntime's CPU convolutions are faster on batches whose
   * activations stay in cache.
   */
  batch?: number;
  /** tfjs: the backend (default "wasm"). */
  backend?: BackendName;
  /**
   * ort on the CPU: run onnxruntime's optimised graph without the NCHWc round trips around
   * the activations (`ortCpuGraph`; default true), once its latents have matched those of
   * the graph as onnxruntime runs it on a probe batch. About 1.1× faster.
   */
  rewrite?: boolean;
}

/**
 * The default batch of the ort engine: 16 frames up to 128×128 pixels, fewer for larger
 * frames so that a batch's first feature maps stay a few MB. Measured here (default model,
 * 1 and 2 threads): 16 was within 3% of the best batch at 64×64 and 128×128, while 64
 * lost 6% at 64×64 and 25% at 128×128.
 *
 * @param height Frame height.
 * @param width Frame width.
 * @returns Frames per session run.
 */
export function defaultOrtBatch(height: number, width: number): number {
  return Math.min(16, Math.max(1, Math.round(16 * 128 * 128 / (height * width))));
}

/**
 * Whether `candidate` gives the latents of `reference` on a probe batch of seeded normal
 * frames, to 1e-5 of their scale (a NaN anywhere is a mismatch).
 *
 * @param reference The session to match.
 * @param candidate The session to check.
 * @param dims The probe's shape, [n, 1, H, W].
 * @returns True when every latent agrees.
 */
export async function probeAgrees(
  reference: OrtSession,
  candidate: OrtSession,
  dims: number[],
): Promise<boolean> {
  const probe = {
    data: Float32Array.from(normals(uniform(1), dims.reduce((a, b) => a * b))),
    dims,
  };
  const want = (await reference.run({ frames: probe }, ["latent_flat"])).latent_flat.data;
  const got = (await candidate.run({ frames: probe }, ["latent_flat"])).latent_flat.data;
  let scale = 1;
  for (const v of want) scale = Math.max(scale, Math.abs(v));
  return got.length === want.length && want.every((v, i) => Math.abs(got[i] - v) <= 1e-5 * scale);
}

/**
 * A session on `ortCpuGraph`'s rewrite of the encoder, if it removes anything, loads, and
 * gives the latents of `plain` (onnxruntime's own optimisation of the same graph) on a probe
 * batch ({@link probeAgrees}: the same kernels on the same values agree to the bit in
 * practice); otherwise undefined, and the caller keeps `plain`.
 */
async function rewrittenSession(
  graph: Uint8Array,
  plain: OrtSession,
  dims: number[],
  options: EngineOptions,
): Promise<{ session: OrtSession; skipped: number } | undefined> {
  let session: OrtSession | undefined;
  try {
    const rewritten = await ortCpuGraph(graph, ["latent_flat"]);
    if (rewritten.skipped === 0) return undefined;
    session = await ortSession(rewritten.bytes, {
      device: "cpu",
      threads: options.threads,
      optimization: "disabled",
    });
    if (await probeAgrees(plain, session, dims)) return { session, skipped: rewritten.skipped };
  } catch {
    // E.g. no write permission for onnxruntime's file, or a graph it refuses: keep the plain one.
  }
  await session?.release();
  return undefined;
}

/** A model given by its config and weights, as {@link createEngine} takes it. */
type EngineModel = { config: CaeConfig; weights: Record<string, WeightArray> };

/**
 * The ort engine: the exported encoder in an onnxruntime session (on the CPU, the
 * rewritten graph where it agrees), run in batches of `options.batch` frames.
 */
async function ortEngine(model: EngineModel, options: EngineOptions, d: number): Promise<Engine> {
  const { height: H, width: W } = model.config;
  const batch = options.batch ?? defaultOrtBatch(H, W);
  if (!Number.isInteger(batch) || batch < 1) {
    throw new SparsedynError("INVALID_ARGUMENT", `batch must be an integer ≥ 1; got ${batch}`, {
      argument: "batch",
    });
  }
  // Only the encoder is needed; building all three graphs also checks every weight.
  const graph = caeToOnnx(model.config, model.weights, {}, { eluAsExp: true }).encoder;
  let session = await ortSession(graph, { device: options.device, threads: options.threads });
  let graphRewrites = 0;
  if (session.device === "cpu" && (options.rewrite ?? true)) {
    const fast = await rewrittenSession(graph, session, [Math.min(batch, 4), 1, H, W], options);
    if (fast) {
      await session.release();
      ({ session, skipped: graphRewrites } = fast);
    }
  }
  return {
    name: "ort",
    device: session.device,
    latentSize: d,
    graphRewrites,
    async encode(frames, n) {
      const out = new Float32Array(n * d);
      for (let t = 0; t < n; t += batch) {
        const k = Math.min(batch, n - t);
        const r = await session.run(
          { frames: { data: frames.subarray(t * H * W, (t + k) * H * W), dims: [k, 1, H, W] } },
          ["latent_flat"],
        );
        out.set(r.latent_flat.data, t * d);
      }
      return out;
    },
    close: () => session.release(),
  };
}

/** Sets every variable of `cae` to its weight, which must be there and of its shape. */
function assignWeights(cae: Cae, weights: Record<string, WeightArray>): void {
  for (const [name, v] of Object.entries(cae.variables)) {
    const w = weights[name];
    if (!w || w.shape.join() !== v.shape.join()) {
      throw new SparsedynError(
        "INVALID_ARGUMENT",
        `weight '${name}' is missing or misshapen (the architecture needs [${v.shape}])`,
        { argument: name },
      );
    }
    v.assign(tf.tensor(w.data, v.shape));
  }
}

/** The tfjs engine: the model itself on a tfjs backend (wasm unless told otherwise). */
async function tfjsEngine(model: EngineModel, options: EngineOptions, d: number): Promise<Engine> {
  const { height: H, width: W } = model.config;
  if (options.device === "cuda" && options.backend !== "torch") {
    throw new SparsedynError(
      "INVALID_ARGUMENT",
      "--device cuda needs --engine ort, or --engine tfjs with --backend torch (the tfjs " +
        "engine runs on its backend: wasm by default)",
      { argument: "--device" },
    );
  }
  // torch: on the device asked for (cpu when none was: --device defaults to cpu).
  const backend = await useBackend(
    options.backend ?? "wasm",
    options.backend === "torch" ? { device: options.device ?? "cpu" } : {},
  );
  const cae = createCae(model.config, 1);
  assignWeights(cae, model.weights);
  return {
    name: "tfjs",
    device: backend,
    latentSize: d,
    async encode(frames, n) {
      const z = tf.tidy(() => cae.encode(tf.tensor4d(frames, [n, H, W, 1]) as Tensor4D));
      try {
        // NHWC flattened per frame: sparsedyn's latent order.
        return await z.data() as Float32Array;
      } finally {
        z.dispose();
      }
    },
    close() {
      for (const v of Object.values(cae.variables)) v.dispose();
      return Promise.resolve();
    },
  };
}

/**
 * Builds an encoder for a model given by its config and weights.
 *
 * @param model Architecture and weights (e.g. from `readRunModel`).
 * @param options Runtime and device.
 * @returns The engine.
 * @throws {SparsedynError} `INVALID_ARGUMENT` ("--device") for CUDA where it is not
 *   installed, or with the tfjs engine.
 */
export async function createEngine(
  model: { config: CaeConfig; weights: Record<string, WeightArray> },
  options: EngineOptions = {},
): Promise<Engine> {
  const c = model.config;
  const down = c.stride ** c.channels.length;
  const d = (c.height / down) * (c.width / down) * c.latentChannels;
  if ((options.engine ?? "ort") === "ort") return await ortEngine(model, options, d);
  return await tfjsEngine(model, options, d);
}
