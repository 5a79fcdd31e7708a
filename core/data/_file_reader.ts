// Random access into a file with bounded reads: the readers fetch headers, directories
// and frames by offset, never the whole file.
import { ioError, SparsedynError } from "../errors.ts";

/** An open file read by offset. */
export class FileReader {
  readonly path: string;
  readonly size: number;
  #file: Deno.FsFile;

  private constructor(path: string, file: Deno.FsFile, size: number) {
    this.path = path;
    this.#file = file;
    this.size = size;
  }

  /** Opens `path`; a missing path, a directory or an unreadable file is a typed error. */
  static async open(path: string): Promise<FileReader> {
    let info: Deno.FileInfo;
    try {
      info = await Deno.stat(path);
    } catch (err) {
      throw ioError("open", path, err);
    }
    if (info.isDirectory) {
      throw new SparsedynError("BAD_FILE", `"${path}" is a directory, not a movie file`, {
        file: path,
      });
    }
    try {
      return new FileReader(path, await Deno.open(path, { read: true }), info.size);
    } catch (err) {
      throw ioError("open", path, err);
    }
  }

  /**
   * Reads exactly `length` bytes at `offset`.
   *
   * @throws {SparsedynError} `BAD_FILE` ("truncated") when the file ends first.
   */
  read(offset: number, length: number, what = "data"): Promise<Uint8Array> {
    return this.readInto(offset, new Uint8Array(Math.max(0, length)), what);
  }

  /**
   * Fills `target` with the bytes at `offset`; reusing a caller's buffer avoids
   * allocating (and zeroing) one per read on the hot path.
   *
   * @throws {SparsedynError} `BAD_FILE` ("truncated") when the file ends first.
   */
  readInto(offset: number, target: Uint8Array, what = "data"): Promise<Uint8Array> {
    const length = target.length;
    if (offset < 0 || offset + length > this.size) {
      return Promise.reject(
        new SparsedynError(
          "BAD_FILE",
          `${this.path}: truncated: ${what} at byte ${offset} (+${length}) lies beyond the end of the file (${this.size} bytes)`,
          { file: this.path },
        ),
      );
    }
    // A seek and its read must not interleave with another call's: queue them.
    const run = this.#queue.then(async () => {
      await this.#file.seek(offset, Deno.SeekMode.Start);
      let got = 0;
      while (got < length) {
        const n = await this.#file.read(target.subarray(got));
        if (n === null) {
          throw new SparsedynError("BAD_FILE", `${this.path}: truncated while reading ${what}`, {
            file: this.path,
          });
        }
        got += n;
      }
      return target;
    });
    this.#queue = run.catch(() => {});
    return run;
  }

  #queue: Promise<unknown> = Promise.resolve();

  /** Reads up to `length` bytes at `offset` (fewer at the end of the file). */
  readUpTo(offset: number, length: number, what = "header"): Promise<Uint8Array> {
    return this.read(offset, Math.max(0, Math.min(length, this.size - offset)), what);
  }

  /** Closes the file (idempotent). */
  close(): void {
    try {
      this.#file.close();
    } catch { /* already closed */ }
  }
}
