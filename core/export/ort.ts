/**
 * ONNX Runtime (onnxruntime-node) sessions for the exported models: loaded lazily (the
 * native library is only opened when a session is made), on the CPU execution provider or
 * on CUDA where the user installed its provider libraries. onnxruntime-node ships its CPU
 * library inside the npm package; the CUDA provider is downloaded by the package's install
 * script, which sparsedyn does not run (offline machines cannot), so `device: "cuda"`
 * checks for it and otherwise fails with a message saying how to install it.
 *
 * Deno needs `--allow-ffi` (or `--allow-all`) to open the native library.
 *
 * @example Run a model on the CPU
 * ```ts
 * import { ortSession } from "./ort.ts";
 * import { GraphBuilder } from "./onnx_graph.ts";
 * import { encodeOnnxModel } from "./onnx_proto.ts";
 *
 * const g = new GraphBuilder("neg");
 * g.output(g.node("Neg", [g.input("x", ["N"], "values")]), "y", ["N"], "−x");
 * const s = await ortSession(encodeOnnxModel(g.model()), { device: "cpu" });
 * const y = await s.run({ x: { data: Float32Array.of(1, -2), dims: [2] } }, ["y"]);
 * if (y.y.data[1] !== 2) throw new Error("neg");
 * await s.release();
 * ```
 *
 * @module
 */
import { existsSync } from "node:fs";
import { createRequire } from "node:module";
import { SparsedynError } from "../errors.ts";

/** Where a session runs. */
export type OrtDevice = "cpu" | "cuda";

/** A float32 tensor in or out of a session. */
export interface OrtArray {
  /** Values, C order. */
  data: Float32Array;
  /** Shape. */
  dims: number[];
}

/** A session on one model. */
export interface OrtSession {
  /** Input names. */
  inputNames: string[];
  /** Output names. */
  outputNames: string[];
  /** The execution provider in use. */
  device: OrtDevice;
  /**
   * Runs the model.
   *
   * @param feeds Inputs by name.
   * @param fetches Outputs to compute (default all).
   * @returns Outputs by name.
   */
  run(feeds: Record<string, OrtArray>, fetches?: string[]): Promise<Record<string, OrtArray>>;
  /** Frees the native session. */
  release(): Promise<void>;
}

/** Session settings. */
export interface OrtSessionOptions {
  /** Execution provider (default "cpu"). */
  device?: OrtDevice;
  /** Threads inside one operator (default: onnxruntime's choice, all cores). */
  threads?: number;
  /**
   * onnxruntime's graph optimisations (default "all"); "disabled" for a graph that
   * onnxruntime has already optimised (see `ortCpuGraph`).
   */
  optimization?: "all" | "disabled";
}

// Written in full, not through the import map, so that mod.ts also works imported by URL.
type OrtModule = typeof import("npm:onnxruntime-node@1.30.0");
let loaded: Promise<OrtModule> | undefined;

/**
 * The onnxruntime-node module, imported on first use.
 *
 * @returns The module.
 * @throws {SparsedynError} `INVALID_ARGUMENT` (argument "--engine") when it cannot be loaded,
 *   e.g. when Deno was started without `--allow-ffi`.
 */
export function loadOrt(): Promise<OrtModule> {
  // deno-lint-ignore no-import-prefix
  loaded ??= import("npm:onnxruntime-node@1.30.0").catch((err) => {
    loaded = undefined;
    throw new SparsedynError(
      "INVALID_ARGUMENT",
      `onnxruntime-node cannot be loaded (${err instanceof Error ? err.message : err}); ` +
        "run Deno with --allow-ffi (or --allow-all), or use --engine tfjs",
      { argument: "--engine", cause: err },
    );
  });
  return loaded;
}

/** What to tell a user whose onnxruntime-node has no CUDA provider. */
export const CUDA_INSTALL_HINT =
  "onnxruntime-node's CUDA execution provider is not installed: its install script downloads " +
  "it (libonnxruntime_providers_cuda.so, CUDA 12 + cuDNN 9 needed) on a machine with internet " +
  "access: `ONNXRUNTIME_NODE_INSTALL=cuda12 deno install --allow-scripts=npm:onnxruntime-node " +
  "--frozen=false` in the sparsedyn folder (or copy those .so files from the " +
  "Microsoft.ML.OnnxRuntime.Gpu.Linux package into node_modules/onnxruntime-node/bin/napi-v6/" +
  "linux/x64/); or use --device cpu";

/**
 * Whether onnxruntime-node's CUDA provider libraries are installed beside its native binding
 * (the package lists "cuda" among its backends either way).
 *
 * @returns True when `libonnxruntime_providers_cuda.so` is there.
 */
export function cudaProviderInstalled(): boolean {
  let index: string;
  try {
    index = createRequire(import.meta.url).resolve("onnxruntime-node");
  } catch {
    return false;
  }
  const bin = index.replace(/\/dist\/index\.js$/, "") +
    `/bin/napi-v6/${Deno.build.os}/${Deno.build.arch === "x86_64" ? "x64" : "arm64"}`;
  return existsSync(`${bin}/libonnxruntime_providers_cuda.so`) &&
    existsSync(`${bin}/libonnxruntime_providers_shared.so`);
}

/**
 * Creates a session on an ONNX model.
 *
 * @param model The `.onnx` bytes, or a path.
 * @param options Device and threads.
 * @returns The session.
 * @throws {SparsedynError} `INVALID_ARGUMENT` (argument "--device") for `cuda` when its
 *   execution provider is missing or cannot start, with the install instructions;
 *   `BAD_FILE` when onnxruntime rejects the model.
 */
export async function ortSession(
  model: Uint8Array | string,
  options: OrtSessionOptions = {},
): Promise<OrtSession> {
  const ort = await loadOrt();
  const device = options.device ?? "cpu";
  if (device === "cuda" && !cudaProviderInstalled()) {
    // onnxruntime would log a loader error of its own before failing: say it plainly instead.
    throw new SparsedynError("INVALID_ARGUMENT", CUDA_INSTALL_HINT, { argument: "--device" });
  }
  let session: Awaited<ReturnType<OrtModule["InferenceSession"]["create"]>>;
  const opts = {
    executionProviders: [device],
    graphOptimizationLevel: options.optimization ?? "all",
    ...(options.threads ? { intraOpNumThreads: options.threads } : {}),
  };
  try {
    session = typeof model === "string"
      ? await ort.InferenceSession.create(model, opts)
      : await ort.InferenceSession.create(model, opts);
  } catch (err) {
    const msg = err instanceof Error ? err.message : String(err);
    if (device === "cuda") {
      throw new SparsedynError("INVALID_ARGUMENT", `${CUDA_INSTALL_HINT} (onnxruntime: ${msg})`, {
        argument: "--device",
        cause: err,
      });
    }
    throw new SparsedynError("BAD_FILE", `onnxruntime cannot load the model: ${msg}`, {
      file: typeof model === "string" ? model : "<in memory>",
      cause: err,
    });
  }
  return {
    inputNames: [...session.inputNames],
    outputNames: [...session.outputNames],
    device,
    async run(feeds, fetches) {
      const inputs: Record<string, InstanceType<OrtModule["Tensor"]>> = {};
      for (const [k, v] of Object.entries(feeds)) {
        inputs[k] = new ort.Tensor("float32", v.data, v.dims);
      }
      const res = fetches ? await session.run(inputs, fetches) : await session.run(inputs);
      const out: Record<string, OrtArray> = {};
      for (const [k, v] of Object.entries(res)) {
        out[k] = { data: v.data as Float32Array, dims: [...v.dims] };
      }
      return out;
    },
    release: () => session.release(),
  };
}
