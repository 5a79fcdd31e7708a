/**
 * The studies under the dashboard's root: folders (to depth 3) that hold a study's
 * `plan.json` (written by `sparsedyn study run`), with their summary when it exists.
 *
 * @example
 * ```ts
 * import { findStudies } from "./study_index.ts";
 *
 * const root = await Deno.makeTempDir();
 * await Deno.mkdir(`${root}/lab/s1`, { recursive: true });
 * await Deno.writeTextFile(`${root}/lab/s1/plan.json`, "{}");
 * if (findStudies(root).join() !== "lab/s1") throw new Error("found");
 * await Deno.remove(root, { recursive: true });
 * ```
 *
 * @module
 */

/**
 * The study folders under `root`, relative to it, sorted.
 *
 * @param root The root (a realpath).
 * @param depth How deep to look (default 3).
 */
export function findStudies(root: string, depth = 3): string[] {
  const found: string[] = [];
  const walk = (rel: string, level: number) => {
    let entries: Deno.DirEntry[];
    try {
      entries = [...Deno.readDirSync(rel ? `${root}/${rel}` : root)];
    } catch {
      return;
    }
    for (const e of entries) {
      if (!e.isDirectory || e.isSymlink || e.name.startsWith(".")) continue;
      const child = rel ? `${rel}/${e.name}` : e.name;
      try {
        Deno.statSync(`${root}/${child}/plan.json`);
        found.push(child);
        continue; // a study's own folders (train/, logs/) are not studies
      } catch { /* not a study */ }
      if (level < depth) walk(child, level + 1);
    }
  };
  walk("", 1);
  return found.sort();
}
