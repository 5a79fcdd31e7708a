// A file written under a temporary name beside its target and renamed into place only
// when complete: a crash or a failure never leaves a half-written target, and an existing
// target is replaced only by a finished file.
import { ioError } from "../errors.ts";
import { onAbort } from "../files/abort_cleanup.ts";

export class PartialFile {
  readonly path: string;
  readonly tmp: string;
  #file: Deno.FsFile;
  // SIGTERM or Ctrl-C while writing: the temporary file goes with the process.
  #stopAbort: () => void;

  private constructor(path: string, tmp: string, file: Deno.FsFile) {
    this.path = path;
    this.tmp = tmp;
    this.#file = file;
    this.#stopAbort = onAbort(() => Deno.removeSync(tmp));
  }

  /** Creates the temporary file for `path`. */
  static async create(path: string): Promise<PartialFile> {
    const slash = path.lastIndexOf("/");
    const tmp = `${slash >= 0 ? path.slice(0, slash + 1) : ""}.${
      path.slice(slash + 1)
    }.partial-${Deno.pid}`;
    try {
      return new PartialFile(
        path,
        tmp,
        await Deno.open(tmp, { write: true, create: true, truncate: true }),
      );
    } catch (err) {
      await Deno.remove(tmp).catch(() => {});
      throw ioError("write", path, err);
    }
  }

  /** Appends all of `bytes`. */
  async write(bytes: Uint8Array): Promise<void> {
    try {
      let off = 0;
      while (off < bytes.length) off += await this.#file.write(bytes.subarray(off));
    } catch (err) {
      throw ioError("write", this.path, err);
    }
  }

  /** Closes and renames the file into place. */
  async commit(): Promise<void> {
    this.#stopAbort();
    this.#file.close();
    try {
      await Deno.rename(this.tmp, this.path);
    } catch (err) {
      await Deno.remove(this.tmp).catch(() => {});
      throw ioError("write", this.path, err);
    }
  }

  /** Closes and removes the temporary file; the target is left as it was. */
  async abort(): Promise<void> {
    this.#stopAbort();
    try {
      this.#file.close();
    } catch { /* already closed */ }
    await Deno.remove(this.tmp).catch(() => {});
  }
}
