// Random access into a file with bounded reads: the readers fetch headers, directories
// and frames by offset, never the whole file.
import { SparsedynError } from "../errors.ts";

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
      throw new SparsedynError(
        "IO",
        `Cannot open "${path}": ${err instanceof Error ? err.message : err}`,
        {
          file: path,
          cause: err,
        },
      );
    }
    if (info.isDirectory) {
      throw new SparsedynError("BAD_FILE", `"${path}" is a directory, not a movie file`, {
        file: path,
      });
    }
    try {
      return new FileReader(path, await Deno.open(path, { read: true }), info.size);
    } catch (err) {
      throw new SparsedynError(
        "IO",
        `Cannot open "${path}": ${err instanceof Error ? err.message : err}`,
        {
          file: path,
          cause: err,
        },
      );
    }
  }

  /**
   * Reads exactly `length` bytes at `offset`.
   *
   * @throws {SparsedynError} `BAD_FILE` ("truncated") when the file ends first.
   */
  async read(offset: number, length: number, what = "data"): Promise<Uint8Array> {
    if (offset < 0 || length < 0 || offset + length > this.size) {
      throw new SparsedynError(
        "BAD_FILE",
        `${this.path}: truncated: ${what} at byte ${offset} (+${length}) lies beyond the end of the file (${this.size} bytes)`,
        { file: this.path },
      );
    }
    const out = new Uint8Array(length);
    await this.#file.seek(offset, Deno.SeekMode.Start);
    let got = 0;
    while (got < length) {
      const n = await this.#file.read(out.subarray(got));
      if (n === null) {
        throw new SparsedynError("BAD_FILE", `${this.path}: truncated while reading ${what}`, {
          file: this.path,
        });
      }
      got += n;
    }
    return out;
  }

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
