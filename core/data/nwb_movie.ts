/**
 * NWB 2 and HDF5 movies through h5wasm: a `TwoPhotonSeries`, `OnePhotonSeries` or
 * `ImageSeries` under `/acquisition` or `/processing` is found automatically (or named
 * with the `dataset` option); in a plain HDF5 file the only 3-D dataset is taken. Chunked
 * and gzip-compressed datasets are read by hyperslab, frames on demand. The rate comes
 * from `starting_time@rate`, from `timestamps`, from the imaging plane's
 * `imaging_rate`, or from a Suite2p `ops` JSON (`fs`).
 *
 * Needs `--allow-read` and `--allow-env` (the HDF5 library reads its environment).
 * The HDF5 library runs on a worker thread and every request has a time limit
 * (`hdf5TimeoutMs`, default 60 s, more for large reads): a corrupt file can send the
 * library into an endless loop, and only terminating its thread stops that. The thread is
 * then restarted, and other open movies reopen their files on it transparently.
 *
 * @example
 * ```ts
 * import { openNwbMovie } from "./nwb_movie.ts";
 *
 * const m = await openNwbMovie(new URL("../../fixtures/movies/tiny_two_photon.nwb", import.meta.url).pathname);
 * if (m.frames !== 6 || m.rate !== 30 || m.metadata.neurodataType !== "TwoPhotonSeries") throw new Error("nwb");
 * m.close();
 * ```
 *
 * @module
 */
import { Worker } from "node:worker_threads";
import { ioError, SparsedynError, type SparsedynErrorCode } from "../errors.ts";
import { describeBytes } from "./file_kind.ts";
import { checkRange, type Movie, type MovieOptions } from "./movie.ts";
import type { Hdf5Info } from "./_hdf5_worker.ts";
import { workerUrl } from "../worker_url.ts";

/** Options of the NWB / HDF5 reader beyond {@link MovieOptions}. */
export interface NwbOptions extends MovieOptions {
  /** Time limit of one request to the HDF5 library, in ms (default 60 000; reads get 1 ms more per 10 000 values). */
  hdf5TimeoutMs?: number;
}

interface Pending {
  resolve(v: unknown): void;
  reject(e: unknown): void;
}

/** The HDF5 worker: one thread, restarted when a request overruns its time limit. */
class Hdf5Thread {
  generation = 0;
  #worker?: Worker;
  #ready?: Promise<Worker>;
  #pending = new Map<number, Pending>();
  #nextId = 0;
  #busy = 0;

  #start(): Promise<Worker> {
    if (this.#ready) return this.#ready;
    const w = new Worker(workerUrl(new URL("./_hdf5_worker.ts", import.meta.url)));
    this.#worker = w;
    this.#ready = new Promise((resolve, reject) => {
      w.on(
        "message",
        (
          msg: {
            id: number;
            result?: unknown;
            error?: { code: string; message: string; file?: string };
          },
        ) => {
          if (msg.id === -1) {
            w.unref();
            resolve(w);
            return;
          }
          const p = this.#pending.get(msg.id);
          if (!p) return;
          this.#pending.delete(msg.id);
          this.#release();
          if (msg.error) {
            p.reject(
              new SparsedynError(msg.error.code as SparsedynErrorCode, msg.error.message, {
                file: msg.error.file,
              }),
            );
          } else p.resolve(msg.result);
        },
      );
      w.once("error", (err) => {
        reject(err);
        this.#fail(err);
      });
    });
    return this.#ready;
  }

  #hold() {
    if (this.#busy++ === 0) this.#worker?.ref();
  }

  #release() {
    if (--this.#busy === 0) this.#worker?.unref();
  }

  #fail(err: unknown) {
    for (const p of this.#pending.values()) p.reject(err);
    this.#pending.clear();
    this.#busy = 0;
  }

  /** Terminates the thread (its open files are lost; the next request starts a new one). */
  async restart(): Promise<void> {
    const w = this.#worker;
    this.#worker = undefined;
    this.#ready = undefined;
    this.generation++;
    this.#fail(new SparsedynError("IO", "the HDF5 thread was restarted"));
    if (w) await w.terminate();
  }

  async request<T>(msg: Record<string, unknown>, timeoutMs: number, path: string): Promise<T> {
    const w = await this.#start();
    const id = this.#nextId++;
    this.#hold();
    let timer: ReturnType<typeof setTimeout> | undefined;
    try {
      return await new Promise<T>((resolve, reject) => {
        this.#pending.set(id, { resolve: resolve as (v: unknown) => void, reject });
        timer = setTimeout(() => {
          if (!this.#pending.has(id)) return;
          this.#pending.delete(id);
          this.#release();
          reject(
            new SparsedynError(
              "BAD_FILE",
              `${path}: the HDF5 library did not finish within ${timeoutMs} ms (a corrupt file?)`,
              { file: path },
            ),
          );
          this.restart();
        }, timeoutMs);
        w.postMessage({ ...msg, id, path });
      });
    } finally {
      clearTimeout(timer);
    }
  }
}

const thread = new Hdf5Thread();

/**
 * Opens an NWB or HDF5 file as a movie.
 *
 * @param path The file.
 * @param options `dataset` to choose the series; `rate` to override the file's;
 *   `hdf5TimeoutMs` to bound each request to the HDF5 library.
 * @returns The movie.
 * @throws {SparsedynError} `BAD_FILE` when the file is not HDF5, holds no imaging series
 *   (or several 3-D datasets and no `dataset` option), the dataset is not 3-D, or the
 *   library does not answer in time.
 */
export async function openNwbMovie(path: string, options: NwbOptions = {}): Promise<Movie> {
  const bad = (why: string) => new SparsedynError("BAD_FILE", `${path}: ${why}`, { file: path });
  let info: Deno.FileInfo;
  try {
    info = await Deno.stat(path);
  } catch (err) {
    throw ioError("open", path, err);
  }
  if (info.isDirectory) throw bad("is a directory, not a movie file");
  // HDF5 signature: \x89HDF\r\n\x1a\n at offset 0.
  const buf = new Uint8Array(256);
  const fh = await Deno.open(path);
  let head: Uint8Array;
  try {
    head = buf.subarray(0, (await fh.read(buf)) ?? 0);
  } finally {
    fh.close();
  }
  const sig = [0x89, 0x48, 0x44, 0x46, 0x0d, 0x0a, 0x1a, 0x0a];
  if (!sig.every((b, i) => head[i] === b)) {
    throw new SparsedynError(
      "BAD_FILE",
      `${path} is not an HDF5 file (NWB files are HDF5): it is ${describeBytes(head)}`,
      { file: path },
    );
  }

  const timeout = options.hdf5TimeoutMs ?? 60_000;
  const request = { dataset: options.dataset, rate: options.rate };
  let { handle, info: h } = await thread.request<{ handle: number; info: Hdf5Info }>(
    { op: "open", options: request },
    timeout,
    path,
  );
  let generation = thread.generation;
  const [T, H, W] = h.shape;
  let closed = false;
  const movie: Movie = {
    path,
    format: h.nwb ? "nwb" : "hdf5",
    frames: T,
    height: H,
    width: W,
    dtype: h.dtype,
    rate: h.rate,
    metadata: h.metadata,
    async read(start, count) {
      checkRange(movie, start, count);
      if (closed) throw new SparsedynError("IO", `${path}: the movie is closed`, { file: path });
      if (count === 0) return new Float32Array(0);
      if (generation !== thread.generation) {
        // The thread was restarted (another file overran its time limit): reopen.
        ({ handle, info: h } = await thread.request<{ handle: number; info: Hdf5Info }>(
          { op: "open", options: { ...request, dataset: h.dataPath } },
          timeout,
          path,
        ));
        generation = thread.generation;
      }
      return await thread.request<Float32Array>(
        { op: "read", handle, start, count },
        timeout + (count * H * W) / 10_000,
        path,
      );
    },
    close() {
      if (closed) return;
      closed = true;
      if (generation === thread.generation) {
        thread.request({ op: "close", handle }, timeout, path).catch(() => {});
      }
    },
  };
  return movie;
}
