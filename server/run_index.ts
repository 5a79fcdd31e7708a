/**
 * The runs under a root: every folder (to depth 3) that holds a run's files, and every
 * `<name>.checkpoint/` of a training still in progress, with a status and the facts the
 * runs list shows. A run that cannot be read is listed as "failed" with the reason; it
 * never stops the listing. Symlinked folders are not followed (nothing outside the root).
 *
 * @example
 * ```ts
 * import { listRuns } from "./run_index.ts";
 *
 * const root = await Deno.makeTempDir();
 * await Deno.mkdir(`${root}/r1`);
 * await Deno.writeTextFile(`${root}/r1/config.json`, "{ not json");
 * const runs = await listRuns(root);
 * if (runs[0].name !== "r1" || runs[0].status !== "failed") throw new Error("listed as failed");
 * await Deno.remove(root, { recursive: true });
 * ```
 *
 * @module
 */
import { parseNpyHeader } from "../core/data/npy.ts";
import { runDamage } from "./run_damage.ts";
import { ownerEnded as processEnded } from "../core/files/process_owner.ts";

/**
 * Where a run stands. "damaged": a complete run folder that can be shown, but one of its
 * files is cut short or does not match what the run recorded (the reasons are listed).
 */
export type RunStatus = "running" | "stopped" | "finished" | "damaged" | "failed";

/** One row of the runs list. */
export interface RunListing {
  /** Path relative to the root (the run's id in URLs). */
  name: string;
  /**
   * Running (checkpoint only, its process alive or unknown), stopped (checkpoint only, its
   * training process on this machine has ended: resumable), finished (complete folder) or
   * failed (unreadable).
   */
  status: RunStatus;
  /** Why it failed, or a note. */
  error?: string;
  /** Why a run is "damaged": one reason per damaged file. */
  damage?: string[];
  /** Training mode. */
  mode?: string;
  /** Skip connection. */
  skip?: string;
  /** Backend, when the run recorded it. */
  backend?: string;
  /** Frames of the latent series. */
  frames?: number;
  /** Latent dimension d. */
  latents?: number;
  /** VAR order. */
  lags?: number;
  /** Epochs recorded. */
  epochs?: number;
  /** The last epoch's metrics. */
  last?: Record<string, number>;
  /** Non-zero VAR coefficients. */
  nonZero?: number;
  /** Condition test p-value, when the run has test.json. */
  pValue?: number;
  /** Whether maps/ is present. */
  maps?: boolean;
  /** Last modification (ISO 8601). */
  date: string;
}

const SKIP = new Set(["weights", "maps"]);

/** A checkpoint folder's suffix. */
export const CHECKPOINT = ".checkpoint";

/** A run found under the root: its id, and whether only its checkpoint exists yet. */
export interface RunFolder {
  /** Path relative to the root. */
  name: string;
  /** True for a training in progress (`<name>.checkpoint/` without `<name>/`). */
  checkpoint: boolean;
}

/**
 * The run folders under `root` (synchronous: a few directory reads, and the cache calls it on
 * every request, where one synchronous pass costs less than a queue of asynchronous ones).
 *
 * @param root The runs root.
 * @param depth How deep to look (default 3).
 * @param visited Receives every folder read (relative; "" for the root).
 * @returns The runs, sorted by name.
 */
export function findRunFolders(root: string, depth = 3, visited?: string[]): RunFolder[] {
  const found: RunFolder[] = [];
  const walk = (rel: string, level: number) => {
    const dir = rel ? `${root}/${rel}` : root;
    let entries: Deno.DirEntry[];
    try {
      entries = [...Deno.readDirSync(dir)];
    } catch {
      return;
    }
    visited?.push(rel);
    const names = new Set(entries.map((e) => e.name));
    for (const e of entries) {
      if (!e.isDirectory || e.isSymlink || e.name.startsWith(".") || SKIP.has(e.name)) continue;
      if (e.name.includes(".partial-") || e.name.includes(".old-")) continue;
      const child = rel ? `${rel}/${e.name}` : e.name;
      if (e.name.endsWith(CHECKPOINT)) {
        // A training in progress: its run folder does not exist yet.
        if (!names.has(e.name.slice(0, -CHECKPOINT.length))) {
          found.push({ name: child.slice(0, -CHECKPOINT.length), checkpoint: true });
        }
        continue;
      }
      if (isRunFolder(`${root}/${child}`)) found.push({ name: child, checkpoint: false });
      else if (level < depth) walk(child, level + 1);
    }
  };
  walk("", 1);
  return found.sort((a, b) => a.name.localeCompare(b.name));
}

/**
 * Finds and describes the runs under `root` (uncached; the server uses `RunIndex`).
 *
 * @param root The runs root.
 * @param depth How deep to look (default 3).
 * @returns Runs, sorted by name.
 */
export async function listRuns(root: string, depth = 3): Promise<RunListing[]> {
  return await Promise.all(findRunFolders(root, depth).map((f) => describeRunFolder(root, f)));
}

/**
 * One row of the runs list.
 *
 * @param root The runs root.
 * @param f The run found.
 * @returns Its row ("failed" with the reason when it cannot be read).
 */
export function describeRunFolder(root: string, f: RunFolder): Promise<RunListing> {
  return f.checkpoint ? describeCheckpoint(root, f.name) : describeRun(root, f.name);
}

const RUN_FILES = ["config.json", "metrics.jsonl", "latents.npy", "var.json"];

/** Whether a folder looks like a run (any of its files present). */
export function isRunFolder(dir: string): boolean {
  for (const f of RUN_FILES) {
    try {
      Deno.lstatSync(`${dir}/${f}`);
      return true;
    } catch {
      // next file
    }
  }
  return false;
}

/**
 * Parses metrics JSON lines; a last line that does not parse (being written) is dropped,
 * an earlier bad line is an error.
 *
 * @param text The file's text.
 * @param file Its name, for messages.
 * @returns One record per epoch.
 */
export function parseMetrics(text: string, file: string): Record<string, number>[] {
  const lines = text.split("\n").filter((l) => l.trim() !== "");
  const out: Record<string, number>[] = [];
  for (let i = 0; i < lines.length; i++) {
    try {
      const v = JSON.parse(lines[i]);
      if (typeof v !== "object" || v === null || Array.isArray(v)) throw new Error("not an object");
      out.push(v);
    } catch {
      if (i === lines.length - 1 && !text.endsWith("\n")) break;
      throw new Error(`${file}:${i + 1} is not a JSON object`);
    }
  }
  return out;
}

async function mtime(path: string): Promise<Date> {
  return (await Deno.stat(path).catch(() => null))?.mtime ?? new Date(0);
}

async function describeCheckpoint(root: string, name: string): Promise<RunListing> {
  const dir = `${root}/${name}${CHECKPOINT}`;
  const date = await mtime(`${dir}/metrics.jsonl`);
  try {
    const metrics = parseMetrics(
      await Deno.readTextFile(`${dir}/metrics.jsonl`).catch(() => ""),
      `${name}${CHECKPOINT}/metrics.jsonl`,
    );
    const ended = await ownerEnded(dir);
    return {
      name,
      status: ended ? "stopped" : "running",
      ...(ended
        ? { error: `${ended}; sparsedyn train --resume continues from its checkpoint` }
        : {}),
      epochs: metrics.length,
      last: metrics.at(-1),
      date: date.toISOString(),
    };
  } catch (err) {
    return { name, status: "failed", error: message(err), date: date.toISOString() };
  }
}

/**
 * Whether the process that trains into a checkpoint has ended: `owner.json` (written by
 * training) names its pid and host; on this host, a pid with no /proc entry, or one that
 * is no longer a Deno process (the pid reused), has ended. Unknown (no owner file, another
 * host, no /proc) counts as running.
 *
 * @returns Why it counts as ended, or null.
 */
export async function ownerEnded(checkpointDir: string): Promise<string | null> {
  let owner: unknown;
  try {
    owner = JSON.parse(await Deno.readTextFile(`${checkpointDir}/owner.json`));
  } catch {
    return null;
  }
  const why = await processEnded(owner);
  return why && why.replace(/^its process/, "its training process");
}

/**
 * Reads the shape in an NPY file's header and checks the file holds all its data.
 *
 * @param path The file.
 * @param label Its name in messages.
 * @returns The shape.
 * @throws Error naming the file when unreadable or truncated.
 */
export async function npyShape(path: string, label: string): Promise<number[]> {
  const f = await Deno.open(path).catch(() => {
    throw new Error(`${label} is missing`);
  });
  try {
    const head = new Uint8Array(4096);
    const n = (await f.read(head)) ?? 0;
    const h = parseNpyHeader(head.subarray(0, n), label);
    const size = (await f.stat()).size;
    const need = h.dataOffset + h.itemSize * h.shape.reduce((a, b) => a * b, 1);
    if (size < need) throw new Error(`${label} is truncated (${size} of ${need} bytes)`);
    return h.shape;
  } finally {
    f.close();
  }
}

async function describeRun(root: string, name: string): Promise<RunListing> {
  const dir = `${root}/${name}`;
  const date = (await mtime(`${dir}/var.json`)).getTime() > 0
    ? await mtime(`${dir}/var.json`)
    : await mtime(dir);
  const row: RunListing = { name, status: "finished", date: date.toISOString() };
  try {
    const config = await readJsonObject(`${dir}/config.json`, "config.json");
    row.mode = typeof config.mode === "string" ? config.mode : undefined;
    const cae = config.cae as Record<string, unknown> | undefined;
    row.skip = typeof cae?.skip === "string" ? cae.skip : undefined;
    row.backend = typeof config.backend === "string" ? config.backend : undefined;
    const metrics = parseMetrics(
      await Deno.readTextFile(`${dir}/metrics.jsonl`).catch(() => {
        throw new Error("metrics.jsonl is missing");
      }),
      "metrics.jsonl",
    );
    row.epochs = metrics.length;
    row.last = metrics.at(-1);
    const shape = await npyShape(`${dir}/latents.npy`, "latents.npy");
    if (shape.length !== 2) throw new Error(`latents.npy has shape (${shape}); expected T × d`);
    [row.frames, row.latents] = shape;
    const v = await readJsonObject(`${dir}/var.json`, "var.json");
    checkVar(v, shape[1]);
    row.lags = (v.A as unknown[]).length;
    row.nonZero = (v.A as number[][][]).flat(2).filter((a) => a !== 0).length;
    const test = await readJsonObject(`${dir}/test.json`, "test.json").catch(() => null);
    if (test && typeof test.pValue === "number") row.pValue = test.pValue;
    row.maps = await Deno.stat(`${dir}/maps/maps.json`).then(() => true, () => false);
    const damage = await runDamage(dir);
    if (damage.length) {
      row.status = "damaged";
      row.damage = damage;
    }
  } catch (err) {
    row.status = "failed";
    row.error = message(err);
  }
  return row;
}

/**
 * Checks var.json's shape: A is p × d × d of numbers, intercept has d numbers.
 *
 * @param v The parsed file.
 * @param d The latent dimension.
 * @throws Error saying what is wrong.
 */
export function checkVar(v: Record<string, unknown>, d: number): void {
  const A = v.A;
  const okRow = (r: unknown) =>
    Array.isArray(r) && r.length === d && r.every((x) => typeof x === "number");
  if (
    !Array.isArray(A) || A.length === 0 ||
    !A.every((m) => Array.isArray(m) && m.length === d && m.every(okRow))
  ) {
    throw new Error(`var.json: A must be lags × ${d} × ${d} numbers (d from latents.npy)`);
  }
  if (!okRow(v.intercept)) throw new Error(`var.json: intercept must hold ${d} numbers`);
}

/**
 * Reads a JSON object.
 *
 * @param path The file.
 * @param label Its name in messages.
 * @returns The object.
 * @throws Error naming the file when missing, not JSON or not an object.
 */
export async function readJsonObject(
  path: string,
  label: string,
): Promise<Record<string, unknown>> {
  const text = await Deno.readTextFile(path).catch(() => {
    throw new Error(`${label} is missing`);
  });
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch (err) {
    throw new Error(`${label} is not valid JSON (${message(err)})`);
  }
  if (typeof v !== "object" || v === null || Array.isArray(v)) {
    throw new Error(`${label} is not a JSON object`);
  }
  return v as Record<string, unknown>;
}

/** An error's message. */
export function message(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
