/**
 * Raw frames and their reconstructions, computed on demand: the run's model is loaded and
 * its movie preprocessed as in training (once per run, into a temporary file that lives
 * until the store is closed), and each request decodes the window of frames around it,
 * with the window's mean image for the skip connection as in training. Windows are kept
 * in a small cache. Loaded lazily by the server (it pulls in TensorFlow.js).
 *
 * @example
 * ```ts
 * import { FrameStore } from "./frame_store.ts";
 *
 * const store = new FrameStore();
 * const r = await store.frame("/no/such/run", 0).catch((e) => e);
 * if (!(r instanceof Error)) throw new Error("a missing run is an error");
 * await store.close();
 * ```
 *
 * @module
 */
import type { Movie } from "../data/movie.ts";
import { type LoadedModel, loadModel, withPreprocessedMovie } from "./load_model.ts";
import { useBackend } from "../model/backend.ts";
import { tf } from "../model/tf.ts";
import { findMovie } from "../runs/run_movie.ts";
import type { Tensor4D } from "@tensorflow/tfjs";

/** One frame and its reconstruction. */
export interface FramePair {
  /** Frames in the preprocessed movie. */
  T: number;
  /** Height. */
  H: number;
  /** Width. */
  W: number;
  /** The preprocessed frame, H × W. */
  raw: Float32Array;
  /** The model's reconstruction, H × W. */
  reconstruction: Float32Array;
}

interface Open {
  model: LoadedModel;
  frames: Movie;
  T: number;
  window: number;
  blocks: Map<number, { raw: Float32Array; rec: Float32Array; n: number }>;
  release: () => void;
  done: Promise<unknown>;
}

let backendReady: Promise<unknown> | null = null;

/** Opens runs' models and movies on demand and serves frame pairs. */
export class FrameStore {
  #open = new Map<string, Promise<Open>>();

  /**
   * Frame `t` of the run in `dir`, raw and reconstructed.
   *
   * @param dir The run folder.
   * @param t Frame index (clamped to the movie).
   * @returns The pair.
   * @throws Error when the model or movie cannot be read.
   */
  async frame(dir: string, t: number): Promise<FramePair> {
    let p = this.#open.get(dir);
    if (!p) {
      p = this.#start(dir);
      this.#open.set(dir, p);
      p.catch(() => this.#open.delete(dir));
    }
    const o = await p;
    const { height: H, width: W } = o.model.config;
    const tt = Math.max(0, Math.min(o.T - 1, Math.floor(t)));
    const start = Math.min(Math.floor(tt / o.window) * o.window, Math.max(0, o.T - o.window));
    let block = o.blocks.get(start);
    if (!block) {
      const n = Math.min(o.window, o.T - start);
      const raw = await o.frames.read(start, n);
      const x = tf.tensor4d(raw, [n, H, W, 1]);
      const y = tf.tidy(() => {
        const staticCode = o.model.cae.encodeStatic?.(tf.mean(x, 0, true) as Tensor4D);
        return o.model.cae.decode(o.model.cae.encode(x), staticCode);
      });
      const rec = new Float32Array(await y.data());
      x.dispose();
      y.dispose();
      block = { raw, rec, n };
      if (o.blocks.size >= 8) o.blocks.delete(o.blocks.keys().next().value!);
      o.blocks.set(start, block);
    }
    const off = (tt - start) * H * W;
    return {
      T: o.T,
      H,
      W,
      raw: block.raw.slice(off, off + H * W),
      reconstruction: block.rec.slice(off, off + H * W),
    };
  }

  async #start(dir: string): Promise<Open> {
    backendReady ??= useBackend("wasm");
    await backendReady;
    const model = await loadModel(dir);
    try {
      if (!model.movie) throw new Error("config.json records no movie");
      const moviePath = await findMovie(dir, model.movie);
      if (!moviePath) {
        throw new Error(`the run's movie "${model.movie}" is not on this machine`);
      }
      const opt = (JSON.parse(await Deno.readTextFile(`${dir}/config.json`)).optimisation ??
        {}) as { windowLength?: number };
      let release = () => {};
      const released = new Promise<void>((r) => release = r);
      return await new Promise<Open>((resolve, reject) => {
        const done = withPreprocessedMovie(model, moviePath, (frames, shape) => {
          resolve({
            model,
            frames,
            T: shape.frames,
            window: Math.max(1, Math.min(opt.windowLength ?? 64, shape.frames)),
            blocks: new Map(),
            release,
            done,
          });
          return released; // keep the preprocessed movie until close()
        });
        done.catch(reject);
      });
    } catch (err) {
      model.dispose();
      throw err;
    }
  }

  /** Releases every model and removes the temporary movies. */
  async close(): Promise<void> {
    const all = [...this.#open.values()];
    this.#open.clear();
    for (const p of all) {
      const o = await p.catch(() => null);
      if (!o) continue;
      o.release();
      await o.done.catch(() => {});
      o.model.dispose();
    }
  }
}
