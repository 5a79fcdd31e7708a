/**
 * Whether a path names an existing folder; false for a file and for nothing at all (the
 * caller then reads or writes it and reports what it finds).
 *
 * @example
 * ```ts
 * import { isDirectory } from "./is_directory.ts";
 *
 * if (!(await isDirectory(Deno.cwd())) || await isDirectory("/no/such/place")) throw new Error("folder");
 * ```
 *
 * @module
 */

/**
 * Whether `path` is an existing folder.
 *
 * @param path Any path.
 * @returns True for a folder; false for a file or a missing path.
 */
export async function isDirectory(path: string): Promise<boolean> {
  try {
    return (await Deno.stat(path)).isDirectory;
  } catch {
    return false;
  }
}
