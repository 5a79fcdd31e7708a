/**
 * Where a run's movie is. config.json records the path the run was trained from; the
 * dashboard and the reconstruction service both need to find it again on this machine.
 *
 * @example
 * ```ts
 * import { findMovie } from "./run_movie.ts";
 *
 * const dir = await Deno.makeTempDir();
 * await Deno.writeTextFile(`${dir}/m.npy`, "");
 * if (await findMovie(dir, "m.npy") !== `${dir}/m.npy`) throw new Error("found in the run");
 * if (await findMovie(dir, "none.npy") !== null) throw new Error("missing is null");
 * await Deno.remove(dir, { recursive: true });
 * ```
 *
 * @module
 */

/**
 * Finds a run's recorded movie: an absolute path, or one relative to the working folder,
 * the run's parent or the run.
 *
 * @param dir The run folder.
 * @param movie The path config.json records.
 * @returns The path found, or null.
 */
export async function findMovie(dir: string, movie: string): Promise<string | null> {
  const candidates = movie.startsWith("/")
    ? [movie]
    : [movie, `${dir}/../${movie}`, `${dir}/${movie}`];
  for (const c of candidates) {
    if (await Deno.stat(c).then((s) => s.isFile, () => false)) return c;
  }
  return null;
}
