/**
 * Writing a file so that it is either complete or absent: the bytes go to a temporary
 * file beside the target, are flushed to the disk, and the file is renamed over the target
 * only then. An interrupted or failed write (a kill, a full disk) never leaves a
 * half-written result, and an existing file is replaced only by a complete new one.
 *
 * @example
 * ```ts
 * import { writeFileAtomic } from "./atomic_write.ts";
 *
 * const dir = await Deno.makeTempDir();
 * await writeFileAtomic(`${dir}/out.json`, new TextEncoder().encode("{}"));
 * if (await Deno.readTextFile(`${dir}/out.json`) !== "{}") throw new Error("written");
 * await Deno.remove(dir, { recursive: true });
 * ```
 *
 * @module
 */
import { SparsedynError } from "../errors.ts";
import { faultPoint } from "./fault_injection.ts";

/**
 * The temporary name {@link writeFileAtomic} writes `path` under: hidden, beside it, with
 * this process's pid (so that a later process can remove one left by a kill).
 *
 * @param path Target file.
 * @returns The temporary file's path.
 */
export function atomicTempPath(path: string): string {
  const slash = path.lastIndexOf("/");
  const dir = slash >= 0 ? path.slice(0, slash) || "/" : ".";
  const base = slash >= 0 ? path.slice(slash + 1) : path;
  return `${dir}/.${base}.partial-${Deno.pid}-${crypto.randomUUID().slice(0, 8)}`;
}

/**
 * Writes `data` to `path` atomically (temporary file, flushed, then renamed in the same
 * folder).
 *
 * @param path Target file.
 * @param data Its full content.
 * @throws {SparsedynError} `IO`, naming the file, when it cannot be written.
 */
export async function writeFileAtomic(path: string, data: Uint8Array): Promise<void> {
  const tmp = atomicTempPath(path);
  try {
    await faultPoint(`write ${tmp}`);
    const file = await Deno.open(tmp, { write: true, createNew: true });
    try {
      let off = 0;
      while (off < data.length) off += await file.write(data.subarray(off));
      // On the disk before the rename makes it visible: a power cut cannot swap a good
      // file for an empty one.
      await file.syncData();
    } finally {
      file.close();
    }
    await faultPoint(`rename ${tmp} → ${path}`);
    await Deno.rename(tmp, path);
  } catch (err) {
    await Deno.remove(tmp).catch(() => {});
    throw new SparsedynError(
      "IO",
      `Cannot write "${path}": ${err instanceof Error ? err.message : String(err)}`,
      { file: path, cause: err },
    );
  }
}
