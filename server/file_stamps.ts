/**
 * Change stamps of files: modification time, size and inode, read synchronously. The dashboard's
 * caches compare a run's stamps on every request and reread the run only when one differs;
 * a handful of synchronous stats costs microseconds, while the same stats queued as
 * asynchronous operations behind fifty concurrent requests cost milliseconds each.
 *
 * @example
 * ```ts
 * import { runStamps } from "./file_stamps.ts";
 *
 * const dir = await Deno.makeTempDir();
 * await Deno.writeTextFile(`${dir}/var.json`, "{}");
 * const a = runStamps(dir);
 * await Deno.writeTextFile(`${dir}/var.json`, "{ }");
 * if (runStamps(dir) === a) throw new Error("a changed size changes the stamp");
 * await Deno.remove(dir, { recursive: true });
 * ```
 *
 * @module
 */

/**
 * A file's or folder's stamp: "mtime:size:inode", or "-" when it does not exist.
 *
 * @param path The path.
 * @returns The stamp.
 */
export function stamp(path: string): string {
  try {
    const s = Deno.statSync(path);
    // The inode too: a file replaced by a rename within one mtime tick still differs.
    return `${s.mtime?.getTime()}:${s.size}:${s.ino ?? ""}`;
  } catch {
    return "-";
  }
}

/** The files of a run folder whose change changes what the dashboard shows. */
const RUN_FILES = [
  "",
  "config.json",
  "metrics.jsonl",
  "latents.npy",
  "var.json",
  "test.json",
  "evaluation.json",
  "maps",
  "maps/maps.json",
  "weights",
  "weights/weights.json",
];

/**
 * The stamps of a run folder's files (and of every weight file), joined into one key.
 *
 * @param dir The run folder.
 * @returns A key that changes when any of them is written, added or removed.
 */
export function runStamps(dir: string): string {
  const parts = RUN_FILES.map((f) => stamp(f ? `${dir}/${f}` : dir));
  let weights: string[] = [];
  try {
    weights = [...Deno.readDirSync(`${dir}/weights`)].map((e) => e.name).sort();
  } catch {
    weights = [];
  }
  for (const w of weights) parts.push(`${w}=${stamp(`${dir}/weights/${w}`)}`);
  return parts.join("|");
}
