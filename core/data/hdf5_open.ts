/**
 * Opening an HDF5 file with h5wasm, for every reader that needs one (NWB / HDF5 movies in
 * their worker, NWB cell masks): the library loaded on first use and the file opened
 * read-only, or a `BAD_FILE` error naming the file and the library's root cause in plain
 * words.
 *
 * The HDF5 library prints its whole error stack ("HDF5-DIAG: Error detected…", dozens of
 * lines) on stderr by default, and h5wasm then throws a generic "error - name not defined!".
 * We switch on h5wasm's throwing error handler instead: the stack becomes the message of
 * the exception, nothing is printed, and {@link hdf5Cause} picks out the innermost
 * entry — the one that says what is wrong with the file.
 *
 * @example
 * ```ts
 * import { openHdf5 } from "./hdf5_open.ts";
 * import { SparsedynError } from "../errors.ts";
 *
 * const dir = await Deno.makeTempDir();
 * await Deno.writeTextFile(`${dir}/x.h5`, "not HDF5");
 * const err = await openHdf5(`${dir}/x.h5`).catch((e) => e);
 * if (!(err instanceof SparsedynError) || !err.message.includes("is not an HDF5 file")) {
 *   throw new Error(String(err));
 * }
 * await Deno.remove(dir, { recursive: true });
 * ```
 *
 * @module
 */
import { SparsedynError } from "../errors.ts";
import { describeBytes } from "./file_kind.ts";

// deno-lint-ignore no-explicit-any
type H5 = any;

let quiet = false;

/**
 * Loads h5wasm and opens `path` read-only.
 *
 * @param path The file.
 * @returns The library (for its classes) and the open file (the caller closes it).
 * @throws {SparsedynError} `BAD_FILE` naming the file and the reason when the library
 *   refuses it (not HDF5, truncated, corrupt).
 */
export async function openHdf5(path: string): Promise<{ h5wasm: H5; file: H5 }> {
  // The full specifier, not the import map's "h5wasm": import maps apply only to the root
  // project, and this module must also work when mod.ts is imported by URL. Loaded on
  // first use, so that importing sparsedyn does not load the HDF5 library.
  // deno-lint-ignore no-import-prefix
  const h5wasm = (await import("npm:h5wasm@0.10.3/node")).default as H5;
  const module = await h5wasm.ready;
  if (!quiet) {
    // Once per thread: errors become exceptions carrying the stack, nothing on stderr.
    module.activate_throwing_error_handler();
    quiet = true;
  }
  let file: H5;
  try {
    file = new h5wasm.File(path, "r");
  } catch (err) {
    throw hdf5FileError(path, err);
  }
  if (!(file.file_id >= 0)) throw hdf5FileError(path, new Error("invalid file id"));
  return { h5wasm, file };
}

/**
 * The root cause of an HDF5 library error, in the library's words: the innermost entry of
 * its error stack and that entry's "minor" kind (e.g. `truncated file: eof = 3000,
 * sblock->base_addr = 0, stored_eof = 604096 (File has been truncated)`); any other error's
 * message as it is.
 *
 * @param err What h5wasm threw.
 * @returns One line.
 */
export function hdf5Cause(err: unknown): string {
  const text = err instanceof Error ? err.message : String(err);
  const entries = [
    ...text.matchAll(/#\d+: .*? in [\w.]+\(\): (.*)\n\s*major: (.*)\n\s*minor: (.*)/g),
  ];
  if (!entries.length) return text.split("\n")[0];
  const [, message, , minor] = entries[entries.length - 1];
  return `${message.trim()} (${minor.trim()})`;
}

/**
 * A `BAD_FILE` error for an HDF5 file the library refused, saying what is wrong in a
 * scientist's words: truncated (how many bytes it holds and should hold), not HDF5 (and
 * what it looks like instead), or the library's root cause.
 *
 * @param path The file.
 * @param err What h5wasm threw.
 * @param step What the library was doing: opening the file or reading from it.
 * @returns The error, to throw.
 */
export function hdf5FileError(
  path: string,
  err: unknown,
  step: "open" | "read" = "open",
): SparsedynError {
  const cause = hdf5Cause(err);
  const truncated = /truncated file: eof = (\d+).*stored_eof = (\d+)/.exec(cause);
  let message: string;
  if (truncated) {
    const [has, needs] = [Number(truncated[1]), Number(truncated[2])];
    message =
      `${path} is truncated: it holds ${has} bytes, but its header says the file is ${needs} ` +
      `bytes long, so ${needs - has} bytes are missing (an interrupted copy or download?)`;
  } else if (/file signature not found/.test(cause)) {
    message = `${path} is not an HDF5 file (NWB files are HDF5): it is ${
      describeBytes(head(path))
    }`;
  } else {
    message = `${path}: the HDF5 library could not ${step} it: ${cause}`;
  }
  return new SparsedynError("BAD_FILE", message, { file: path });
}

function head(path: string): Uint8Array {
  try {
    const f = Deno.openSync(path, { read: true });
    try {
      const buf = new Uint8Array(256);
      const n = f.readSync(buf) ?? 0;
      return buf.subarray(0, n);
    } finally {
      f.close();
    }
  } catch {
    return new Uint8Array(0);
  }
}
