/**
 * Opening an HDF5 file with h5wasm, for every reader that needs one (NWB / HDF5 movies in
 * their worker, NWB cell masks): the library loaded on first use and the file opened
 * read-only, or a `BAD_FILE` error naming it.
 *
 * @example
 * ```ts
 * import { openHdf5 } from "./hdf5_open.ts";
 *
 * const dir = await Deno.makeTempDir();
 * await Deno.writeTextFile(`${dir}/x.h5`, "not HDF5");
 * const { file } = await openHdf5(`${dir}/x.h5`);
 * if (!(file.file_id < 0)) throw new Error("h5wasm hands back an invalid id for a non-HDF5 file");
 * await Deno.remove(dir, { recursive: true });
 * ```
 *
 * @module
 */
import { SparsedynError } from "../errors.ts";

// deno-lint-ignore no-explicit-any
type H5 = any;

/**
 * Loads h5wasm and opens `path` read-only.
 *
 * @param path The file.
 * @returns The library (for its classes) and the open file (the caller closes it).
 * @throws {SparsedynError} `BAD_FILE` naming the file when the library refuses it.
 */
export async function openHdf5(path: string): Promise<{ h5wasm: H5; file: H5 }> {
  // The full specifier, not the import map's "h5wasm": import maps apply only to the root
  // project, and this module must also work when mod.ts is imported by URL. Loaded on
  // first use, so that importing sparsedyn does not load the HDF5 library.
  // deno-lint-ignore no-import-prefix
  const h5wasm = (await import("npm:h5wasm@0.10.3/node")).default as H5;
  await h5wasm.ready;
  try {
    return { h5wasm, file: new h5wasm.File(path, "r") };
  } catch (err) {
    throw new SparsedynError(
      "BAD_FILE",
      `${path}: HDF5 library could not open it: ${err instanceof Error ? err.message : err}`,
      { file: path },
    );
  }
}
