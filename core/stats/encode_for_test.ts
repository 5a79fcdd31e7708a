/**
 * Movies into latent series for a condition test, through a trained run's encoder (with
 * the run's preprocessing). The tfjs backend must have been chosen (`useBackend`) first.
 *
 * @example
 * ```ts
 * import { encodeForTest } from "./encode_for_test.ts";
 * import { trainRun } from "../train/train_run.ts";
 * import { writeSynthetic } from "../data/synthetic_write.ts";
 * import { useBackend } from "../model/backend.ts";
 *
 * await useBackend("wasm");
 * const dir = await Deno.makeTempDir();
 * await writeSynthetic(`${dir}/s`, { height: 16, width: 16, frames: 40, cells: 2 });
 * await trainRun(`${dir}/s/movie.npy`, `${dir}/run`, { mode: "ae", epochs: 1, windowLength: 20 });
 * const z = await encodeForTest(`${dir}/run`, `${dir}/s/movie.npy`);
 * if (z.T !== 40 || z.series.length !== z.T * z.d) throw new Error("T×d latents");
 * await Deno.remove(dir, { recursive: true });
 * ```
 *
 * @module
 */
import { encodeMovie, type LoadedModel, loadModel } from "../encode/load_model.ts";

/** A movie's latent series. */
export interface EncodedSeries {
  /** T×d row-major. */
  series: Float64Array;
  /** Frames. */
  T: number;
  /** Latent dimensions. */
  d: number;
  /** The run's VAR order. */
  lags: number;
}

/**
 * A run's encoder, loaded once for several movies.
 *
 * @param runDir The run folder.
 * @returns `encode(moviePath)`, the run's lags, and `dispose()`.
 * @throws {SparsedynError} `BAD_FILE` naming the folder when it holds no trained model.
 */
export async function runEncoder(runDir: string): Promise<{
  lags: number;
  encode(moviePath: string): Promise<EncodedSeries>;
  dispose(): void;
}> {
  const model = await loadModel(runDir);
  return { ...modelEncoder(model), dispose: () => model.dispose() };
}

/**
 * A loaded model's encoder for condition tests (the caller keeps and disposes the model,
 * e.g. to make contribution maps with it too).
 *
 * @param model From `loadModel`.
 * @returns `encode(moviePath)` and the run's lags.
 */
export function modelEncoder(model: LoadedModel): {
  lags: number;
  encode(
    moviePath: string,
    onProgress?: (done: number, total: number) => void,
  ): Promise<EncodedSeries>;
} {
  return {
    lags: model.lags,
    // onProgress: the movie's preprocessing, frames done of total.
    async encode(moviePath: string, onProgress?: (done: number, total: number) => void) {
      const { latents, T, d } = await encodeMovie(model, moviePath, onProgress);
      return { series: latents, T, d, lags: model.lags };
    },
  };
}

/**
 * Encodes one movie with a run's model.
 *
 * @param runDir The run folder.
 * @param moviePath A movie of the run's frame size.
 * @returns The latent series.
 * @throws {SparsedynError} `BAD_FILE` naming the folder or the movie.
 */
export async function encodeForTest(runDir: string, moviePath: string): Promise<EncodedSeries> {
  const enc = await runEncoder(runDir);
  try {
    return await enc.encode(moviePath);
  } finally {
    enc.dispose();
  }
}
