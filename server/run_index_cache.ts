/**
 * The runs list, kept between requests. Each request walks the root's folders (a few
 * directory reads) and compares each run's file stamps (`file_stamps.ts`) with those of
 * the row kept; only a new run or one whose files changed is read again, and concurrent
 * requests that need the same run share one read. When nothing changed, the same array is
 * returned, so that the pages and JSON rendered from it can be kept too (`cached()`).
 *
 * Without it every request to `/` or `/api/runs` parsed every run's var.json, metrics and
 * latent headers: 2 000 requests at concurrency 50 had a p99 of 9 s on a root of 512-latent
 * runs (the dashboard bench, tests/bench/dashboard.ts).
 *
 * Checkpoints (trainings in progress) are re-described on every request: their status
 * depends on whether the training process is alive, which no file stamp shows.
 *
 * @example
 * ```ts
 * import { RunIndex } from "./run_index_cache.ts";
 *
 * const root = await Deno.makeTempDir();
 * const index = new RunIndex(root);
 * const a = await index.list();
 * if (a.length !== 0 || (await index.list()) !== a) throw new Error("kept while unchanged");
 * await Deno.mkdir(`${root}/r`);
 * await Deno.writeTextFile(`${root}/r/config.json`, "{}");
 * if ((await index.list()).length !== 1) throw new Error("a new run appears");
 * await Deno.remove(root, { recursive: true });
 * ```
 *
 * @module
 */
import { runStamps, stamp } from "./file_stamps.ts";
import { CHECKPOINT, describeRunFolder, findRunFolders, type RunListing } from "./run_index.ts";

interface Row {
  key: string;
  row: Promise<RunListing>;
}

/** The runs under a root, reread only where files changed. */
export class RunIndex {
  #root: string;
  #rows = new Map<string, Row>();
  #last: { key: string; list: RunListing[] } | null = null;
  #derived = new WeakMap<RunListing[], Map<string, unknown>>();

  /** @param root The runs root (its realpath). */
  constructor(root: string) {
    this.#root = root;
  }

  /**
   * The runs list, sorted by name.
   *
   * @returns The rows; the same array as the last call when no run changed.
   */
  async list(): Promise<RunListing[]> {
    const folders = findRunFolders(this.#root);
    const keys = folders.map((f) =>
      f.checkpoint
        ? `cp|${stamp(`${this.#root}/${f.name}${CHECKPOINT}/metrics.jsonl`)}|${
          stamp(`${this.#root}/${f.name}${CHECKPOINT}/owner.json`)
        }|${Date.now()}` // re-described every time (see the module description)
        : runStamps(`${this.#root}/${f.name}`)
    );
    const seen = new Set<string>();
    const rows = folders.map((f, k) => {
      const id = `${f.checkpoint ? "cp:" : ""}${f.name}`;
      seen.add(id);
      let r = this.#rows.get(id);
      if (!r || r.key !== keys[k]) {
        r = { key: keys[k], row: describeRunFolder(this.#root, f) };
        this.#rows.set(id, r);
      }
      return r.row;
    });
    for (const id of this.#rows.keys()) if (!seen.has(id)) this.#rows.delete(id);
    const list = await Promise.all(rows);
    const key = folders.map((f, k) => `${f.name}#${keys[k]}`).join("\n");
    const anyCheckpoint = folders.some((f) => f.checkpoint);
    // With a training in progress the rows are fresh each time; compare their content.
    const content = anyCheckpoint ? JSON.stringify(list) : key;
    if (this.#last && this.#last.key === content) return this.#last.list;
    this.#last = { key: content, list };
    return list;
  }

  /**
   * Something derived from a runs list (a page, its JSON), computed once per list.
   *
   * @param list A list returned by {@link list}.
   * @param what A name for what is derived.
   * @param make Computes it.
   * @returns The value kept for this list, or a new one.
   */
  cached<T>(list: RunListing[], what: string, make: () => T): T {
    let m = this.#derived.get(list);
    if (!m) this.#derived.set(list, m = new Map());
    if (!m.has(what)) m.set(what, make());
    return m.get(what) as T;
  }
}
