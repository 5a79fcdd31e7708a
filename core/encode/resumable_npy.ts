/**
 * A float32 NPY file of rows written over a long time, that survives being killed: rows go
 * to `<path>.partial` (the NPY header of the final shape, then the rows so far) and a small
 * sidecar `<path>.partial.json` records how many rows are safely on disk and a key of what
 * produced them. Making rows durable (fsync, then the sidecar) costs milliseconds, so it is
 * done at most every `checkpointMs` (default 1000 ms) and at the end: a kill loses at most
 * that much work. Reopened with the same key, it continues after the last recorded row — a
 * row written after the last record is dropped and written again, so none is lost or
 * duplicated; with another key it refuses (the rows would come from a different
 * computation). `finish()` renames the file into place and removes the sidecar: the target
 * appears complete or not at all.
 *
 * @example Killed after two rows, resumed, finished
 * ```ts
 * import { ResumableNpy } from "./resumable_npy.ts";
 * import { decodeNpy } from "../data/npy.ts";
 *
 * const dir = await Deno.makeTempDir();
 * const a = await ResumableNpy.open(`${dir}/z.npy`, 3, 2, "k1", 0); // record every append
 * await a.append(Float32Array.of(1, 2, 3, 4), 2);
 * a.abandon(); // as if the process died here
 * const b = await ResumableNpy.open(`${dir}/z.npy`, 3, 2, "k1");
 * if (b.rowsDone !== 2) throw new Error("resumes after row 2");
 * await b.append(Float32Array.of(5, 6), 1);
 * await b.finish();
 * if (decodeNpy(await Deno.readFile(`${dir}/z.npy`), "z").data.join() !== "1,2,3,4,5,6") throw new Error("rows");
 * await Deno.remove(dir, { recursive: true });
 * ```
 *
 * @module
 */
import { ioError, SparsedynError } from "../errors.ts";
import { npyHeader } from "../data/npy_writer.ts";
import { writeFileAtomic } from "../files/atomic_write.ts";

/** What the sidecar holds. */
interface State {
  /** Identifies the computation that produced the rows. */
  key: string;
  /** Rows safely on disk. */
  rows: number;
  /** Final shape. */
  shape: [number, number];
}

/** One resumable output; see the module documentation. */
export class ResumableNpy {
  /** The target file. */
  readonly path: string;
  /** Rows of the final array. */
  readonly totalRows: number;
  /** Values per row. */
  readonly rowSize: number;
  readonly #key: string;
  readonly #header: number;
  readonly #file: Deno.FsFile;
  readonly #checkpointMs: number;
  #rows: number;
  #recorded: number;
  #lastRecord = performance.now();

  private constructor(
    path: string,
    total: number,
    rowSize: number,
    key: string,
    header: number,
    file: Deno.FsFile,
    rows: number,
    checkpointMs: number,
  ) {
    this.path = path;
    this.totalRows = total;
    this.rowSize = rowSize;
    this.#key = key;
    this.#header = header;
    this.#file = file;
    this.#rows = rows;
    this.#recorded = rows;
    this.#checkpointMs = checkpointMs;
  }

  /** Rows written so far (at open: those recorded, where a resumed run starts). */
  get rowsDone(): number {
    return this.#rows;
  }

  /** Rows recorded as durable in the sidecar (a resumed run starts there). */
  get rowsRecorded(): number {
    return this.#recorded;
  }

  /** The partial file's path. */
  static partialPath(path: string): string {
    return `${path}.partial`;
  }

  /** The sidecar's path. */
  static statePath(path: string): string {
    return `${path}.partial.json`;
  }

  /**
   * Opens the output, continuing a partial one with the same key.
   *
   * @param path The target file; must not exist.
   * @param rows Rows of the final array.
   * @param rowSize Values per row.
   * @param key What produced the rows (e.g. a hash of the arguments).
   * @param checkpointMs Least time between two records of progress (0: after every append).
   * @returns The output, with {@link rowsDone} rows already there.
   * @throws {SparsedynError} `IO` when `path` exists or cannot be written;
   *   `INVALID_ARGUMENT` when a partial output of another computation is there.
   */
  static async open(
    path: string,
    rows: number,
    rowSize: number,
    key: string,
    checkpointMs = 1000,
  ): Promise<ResumableNpy> {
    try {
      await Deno.lstat(path);
      throw new SparsedynError(
        "IO",
        `${path} exists: remove it or choose another output`,
        { file: path },
      );
    } catch (err) {
      if (!(err instanceof Deno.errors.NotFound)) throw err;
    }
    const header = npyHeader("<f4", [rows, rowSize]);
    const partial = ResumableNpy.partialPath(path), statePath = ResumableNpy.statePath(path);
    let state: State | undefined;
    try {
      state = JSON.parse(await Deno.readTextFile(statePath)) as State;
    } catch (err) {
      if (!(err instanceof Deno.errors.NotFound)) {
        throw new SparsedynError(
          "BAD_FILE",
          `${statePath} is unreadable (${err instanceof Error ? err.message : err}); ` +
            `remove it and ${partial} to start again`,
          { file: statePath },
        );
      }
    }
    if (state && state.key !== key) {
      throw new SparsedynError(
        "INVALID_ARGUMENT",
        `${partial} was written by an encode with other inputs or settings (run, movie, ` +
          `engine, device or chunk differ); continue it with the same arguments, or remove ` +
          `${partial} and ${statePath} to start again`,
        { file: partial },
      );
    }
    if (state && !(await Deno.stat(partial).then(() => true, () => false))) {
      state = undefined; // the rows are gone: start again
    }
    let file: Deno.FsFile;
    let done = 0;
    try {
      if (state) {
        file = await Deno.open(partial, { read: true, write: true });
        const size = (await file.stat()).size;
        // Rows recorded in the sidecar are on disk; anything after them is not trusted.
        done = Math.min(state.rows, Math.floor((size - header.length) / (4 * rowSize)));
        if (size < header.length || done < 0) done = 0;
        await file.truncate(header.length + done * 4 * rowSize);
        await file.seek(0, Deno.SeekMode.Start);
        await writeAll(file, header, path);
        await file.seek(0, Deno.SeekMode.End);
      } else {
        file = await Deno.open(partial, { write: true, create: true, truncate: true });
        await writeAll(file, header, path);
      }
    } catch (err) {
      if (err instanceof SparsedynError) throw err;
      throw ioError("write", partial, err);
    }
    const out = new ResumableNpy(path, rows, rowSize, key, header.length, file, done, checkpointMs);
    await out.#record();
    return out;
  }

  async #record(): Promise<void> {
    try {
      // The rows must be on disk before the sidecar says so.
      await this.#file.syncData();
    } catch (err) {
      throw ioError("write", ResumableNpy.partialPath(this.path), err);
    }
    const state: State = {
      key: this.#key,
      rows: this.#rows,
      shape: [this.totalRows, this.rowSize],
    };
    await writeFileAtomic(
      ResumableNpy.statePath(this.path),
      new TextEncoder().encode(JSON.stringify(state) + "\n"),
    );
    this.#recorded = this.#rows;
    this.#lastRecord = performance.now();
  }

  /**
   * Appends rows; makes them durable and records them when `checkpointMs` has passed
   * since the last record.
   *
   * @param values n × rowSize values.
   * @param n Rows.
   * @throws {SparsedynError} `INVALID_ARGUMENT` past the final shape; `IO` on write errors.
   */
  async append(values: Float32Array, n: number): Promise<void> {
    if (values.length !== n * this.rowSize || this.#rows + n > this.totalRows) {
      throw new SparsedynError(
        "INVALID_ARGUMENT",
        `${this.path}: ${n} rows of ${values.length / Math.max(n, 1)} values do not fit ` +
          `(${this.#rows} of ${this.totalRows} rows of ${this.rowSize} written)`,
        { argument: "values" },
      );
    }
    await writeAll(
      this.#file,
      new Uint8Array(values.buffer, values.byteOffset, values.byteLength),
      this.path,
    );
    this.#rows += n;
    if (performance.now() - this.#lastRecord >= this.#checkpointMs) await this.#record();
  }

  /**
   * Moves the finished file into place and removes the sidecar.
   *
   * @throws {SparsedynError} `INVALID_ARGUMENT` when rows are missing.
   */
  async finish(): Promise<void> {
    if (this.#rows !== this.totalRows) {
      throw new SparsedynError(
        "INVALID_ARGUMENT",
        `${this.path}: ${this.totalRows - this.#rows} rows missing`,
        { file: this.path },
      );
    }
    await this.#record();
    this.#file.close();
    try {
      await Deno.rename(ResumableNpy.partialPath(this.path), this.path);
    } catch (err) {
      throw ioError("write", this.path, err);
    }
    await Deno.remove(ResumableNpy.statePath(this.path)).catch(() => {});
  }

  /** Closes the file and keeps the partial output for a later resume (on errors). */
  abandon(): void {
    try {
      this.#file.close();
    } catch { /* already closed */ }
  }
}

async function writeAll(file: Deno.FsFile, bytes: Uint8Array, path: string): Promise<void> {
  try {
    let off = 0;
    while (off < bytes.length) off += await file.write(bytes.subarray(off));
  } catch (err) {
    throw ioError("write", path, err);
  }
}
