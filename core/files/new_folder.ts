/**
 * Writing a new folder so that it is either complete or absent: it is filled under a
 * temporary name beside the target and renamed only once complete. An existing folder is
 * never touched, and a failure removes the partial one. A signal (SIGTERM, Ctrl-C) removes
 * it too; a kill leaves `<dir>.partial-<pid>/`, which the next start deals with
 * (`stale_temporaries.ts`): once filled, the folder holds a `.complete` marker until it is
 * renamed, so a kill at the very last step loses nothing — the next start finishes the
 * rename.
 *
 * @example
 * ```ts
 * import { writeNewFolder } from "./new_folder.ts";
 *
 * const dir = await Deno.makeTempDir();
 * await writeNewFolder(`${dir}/out`, (tmp) => Deno.writeTextFile(`${tmp}/a.txt`, "a"));
 * if (await Deno.readTextFile(`${dir}/out/a.txt`) !== "a") throw new Error("written");
 * await Deno.remove(dir, { recursive: true });
 * ```
 *
 * @module
 */
import { SparsedynError } from "../errors.ts";
import { onAbort } from "./abort_cleanup.ts";
import { faultPoint } from "./fault_injection.ts";
import { COMPLETE_MARKER } from "./stale_temporaries.ts";

/**
 * Creates `dir` by letting `fill` write into a temporary folder, then renaming it.
 *
 * @param dir The folder to create; must not exist.
 * @param fill Writes the contents into the folder it is given.
 * @returns What `fill` returns.
 * @throws {SparsedynError} `IO` when `dir` exists; whatever `fill` throws, after the
 *   partial folder is removed.
 */
export async function writeNewFolder<T>(
  dir: string,
  fill: (tmp: string) => Promise<T>,
): Promise<T> {
  const out = await refuseExisting(dir);
  const tmp = `${out}.partial-${Deno.pid}`;
  const stopAbort = onAbort(() => Deno.removeSync(tmp, { recursive: true }));
  try {
    await Deno.mkdir(tmp, { recursive: true });
    const result = await fill(tmp);
    await faultPoint(`mark ${tmp} complete`);
    await Deno.writeFile(`${tmp}/${COMPLETE_MARKER}`, new Uint8Array());
    await faultPoint(`rename ${tmp} → ${out}`);
    await Deno.rename(tmp, out);
    stopAbort();
    await Deno.remove(`${out}/${COMPLETE_MARKER}`).catch(() => {});
    return result;
  } catch (err) {
    stopAbort();
    await Deno.remove(tmp, { recursive: true }).catch(() => {});
    throw err;
  }
}

/**
 * Refuses a path that exists (file, folder or link), before any work that would end by
 * writing there is started.
 *
 * @param dir The path.
 * @returns The path without trailing slashes.
 * @throws {SparsedynError} `IO` naming the path when it exists.
 *
 * @example
 * ```ts
 * import { refuseExisting } from "./new_folder.ts";
 *
 * const here = await Deno.makeTempDir();
 * const refused = await refuseExisting(here).then(() => false, () => true);
 * await Deno.remove(here);
 * if (!refused) throw new Error("an existing folder must be refused");
 * ```
 */
export async function refuseExisting(dir: string): Promise<string> {
  const out = dir.replace(/\/+$/, "");
  if (await Deno.lstat(out).then(() => true, () => false)) {
    throw new SparsedynError(
      "IO",
      `"${out}" already exists; choose a new folder (nothing was changed)`,
      { file: out },
    );
  }
  return out;
}
