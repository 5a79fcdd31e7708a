/**
 * A folder given where a movie file is expected. A Suite2p output folder is a movie we
 * read: `plane0/` (holding `data.bin`), `suite2p/` (holding `plane0/`) or the folder above
 * it; any other folder is refused with a message that says it is a folder and lists the
 * movie files in it, so the user can pick one.
 *
 * @example
 * ```ts
 * import { movieInFolder } from "./movie_folder.ts";
 *
 * const suite2p = new URL("../../fixtures/movies/suite2p", import.meta.url).pathname;
 * if (!(await movieInFolder(suite2p)).endsWith("suite2p/plane0/data.bin")) throw new Error("suite2p");
 * const err = await movieInFolder(new URL("../../fixtures", import.meta.url).pathname).catch((e) => e);
 * if (!String(err.message).includes("is a directory, not a movie file")) throw err;
 * ```
 *
 * @module
 */
import { SparsedynError } from "../errors.ts";

const MOVIE_EXTENSIONS = [".tif", ".tiff", ".npy", ".nwb", ".h5", ".hdf5", ".bin"];

/**
 * The movie file a folder stands for.
 *
 * @param path A folder.
 * @returns The path of Suite2p's `data.bin` (plane 0) in or under it.
 * @throws {SparsedynError} `BAD_FILE` when it is not a Suite2p folder: the message says it
 *   is a folder and names up to five movie files found in it.
 */
export async function movieInFolder(path: string): Promise<string> {
  const base = path.replace(/\/+$/, "") || "/";
  const join = (...parts: string[]) => [base === "/" ? "" : base, ...parts].join("/");
  for (
    const candidate of [["data.bin"], ["plane0", "data.bin"], ["suite2p", "plane0", "data.bin"]]
  ) {
    const file = join(...candidate);
    if (await isFile(file)) return file;
  }
  const movies: string[] = [];
  try {
    for await (const e of Deno.readDir(base)) {
      const lower = e.name.toLowerCase();
      if (e.isFile && MOVIE_EXTENSIONS.some((x) => lower.endsWith(x))) movies.push(e.name);
    }
  } catch { /* unreadable: say what we can */ }
  movies.sort();
  const listed = movies.length === 0
    ? "it holds no movie files (TIFF, NPY, NWB / HDF5) and no Suite2p output (plane0/data.bin)"
    : `it holds ${movies.length} movie file${movies.length > 1 ? "s" : ""} (${
      movies.slice(0, 5).map((m) => join(m)).join(", ")
    }${movies.length > 5 ? ", …" : ""}): give one of them`;
  throw new SparsedynError("BAD_FILE", `"${path}" is a directory, not a movie file; ${listed}`, {
    file: path,
  });
}

async function isFile(p: string): Promise<boolean> {
  try {
    return (await Deno.stat(p)).isFile;
  } catch {
    return false;
  }
}
