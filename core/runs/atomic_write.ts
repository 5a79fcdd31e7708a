/**
 * Writing a file so that it is either complete or absent: the bytes go to a temporary
 * file beside the target, which is renamed over it only once fully written. An
 * interrupted or failed write never leaves a half-written result, and an existing file
 * is replaced only by a complete new one.
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

/**
 * Writes `data` to `path` atomically (temporary file + rename in the same folder).
 *
 * @param path Target file.
 * @param data Its full content.
 * @throws {SparsedynError} `IO`, naming the file, when it cannot be written.
 */
export async function writeFileAtomic(path: string, data: Uint8Array): Promise<void> {
  const slash = path.lastIndexOf("/");
  const dir = slash >= 0 ? path.slice(0, slash) || "/" : ".";
  const base = slash >= 0 ? path.slice(slash + 1) : path;
  const tmp = `${dir}/.${base}.partial-${Deno.pid}-${crypto.randomUUID().slice(0, 8)}`;
  try {
    await Deno.writeFile(tmp, data);
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
