/**
 * One writer per output: a process that will write a run folder, a latents file or a
 * `maps/` folder first takes `<output>.lock`, a small JSON file with its pid, host and start
 * time, and keeps it until it is done. A second process that wants the same output fails at
 * once, before any work, with a message naming the owner. A lock whose process has ended
 * (killed, crashed) is stale: the next process takes it over (see `process_owner.ts`).
 *
 * The lock file is made complete under a temporary name and linked into place, an atomic
 * step that fails when the lock exists: there is never a half-written lock to misread.
 *
 * @example
 * ```ts
 * import { lockOutput } from "./output_lock.ts";
 *
 * const dir = await Deno.makeTempDir();
 * const lock = await lockOutput(`${dir}/run`);
 * const second = await lockOutput(`${dir}/run`).then(() => "taken", (e) => e.message);
 * if (!second.includes("in use")) throw new Error(second);
 * await lock.release();
 * await Deno.remove(dir, { recursive: true });
 * ```
 *
 * @module
 */
import { ioError, SparsedynError } from "../errors.ts";
import { currentOwner, type Owner, ownerEnded } from "./process_owner.ts";
import { onAbort } from "./abort_cleanup.ts";

/** A held lock. */
export interface OutputLock {
  /** The lock file. */
  readonly path: string;
  /** Removes the lock file (when it is still this one). */
  release(): Promise<void>;
}

/** What a lock file holds. */
interface LockRecord extends Owner {
  /** A random token: tells this lock from a later one of the same pid. */
  token: string;
}

/** The locks this process holds, by path (a second lock of one output is refused too). */
const held = new Map<string, string>();

// A process that ends (an error, Deno.exit) gives its locks back; only a kill leaves one,
// and a stale lock is taken over.
globalThis.addEventListener("unload", () => {
  for (const [path, token] of held) if (readLock(path)?.token === token) removeQuietly(path);
});

/**
 * The lock file of an output.
 *
 * @param output The output path (a folder or a file).
 * @returns `<output>.lock`.
 */
export function lockPath(output: string): string {
  return `${output.replace(/\/+$/, "") || "/"}.lock`;
}

/**
 * Takes the lock of `output` for this process.
 *
 * @param output The folder or file about to be written (it need not exist; its parent must).
 * @returns The lock; release it when the output is written (a kill leaves it stale, and the
 *   next process takes it over).
 * @throws {SparsedynError} `IO` naming the output and the owner's pid and host when another
 *   live process holds it; `IO` naming the folder when the lock cannot be written.
 */
export async function lockOutput(output: string): Promise<OutputLock> {
  const out = output.replace(/\/+$/, "") || "/";
  const path = lockPath(out);
  const parent = out.includes("/") ? out.slice(0, out.lastIndexOf("/")) || "/" : ".";
  if (!(await Deno.stat(parent).then((s) => s.isDirectory, () => false))) {
    throw new SparsedynError(
      "IO",
      `Cannot write "${out}": the folder "${parent}" does not exist (create it first, or choose ` +
        `another place; nothing was changed)`,
      { file: out },
    );
  }
  const record: LockRecord = { ...currentOwner(), token: crypto.randomUUID() };
  const text = JSON.stringify(record) + "\n";
  for (let attempt = 0; attempt < 5; attempt++) {
    if (held.has(path)) throw inUse(out, path, record, `this process, ${describe(record)}`);
    if (await tryCreate(path, text)) {
      held.set(path, record.token);
      const stopAbort = onAbort(() => {
        if (readLock(path)?.token === record.token) removeQuietly(path);
      });
      return {
        path,
        release: () => {
          stopAbort();
          held.delete(path);
          if (readLock(path)?.token === record.token) removeQuietly(path);
          return Promise.resolve();
        },
      };
    }
    const other = readLock(path);
    const ended = other ? await ownerEnded(other) : null;
    if (other === undefined) continue; // removed meanwhile: try again
    if (other === null || ended === null) {
      throw inUse(out, path, other, other ? describe(other) : "an unreadable lock");
    }
    await takeOver(path, other);
  }
  throw new SparsedynError(
    "IO",
    `"${out}": could not take its lock ${path} (other processes keep taking it); try again`,
    { file: out },
  );
}

function describe(o: Partial<LockRecord>): string {
  return `pid ${o.pid}${o.host ? ` on ${o.host}` : ""}${o.started ? `, since ${o.started}` : ""}`;
}

function inUse(out: string, path: string, o: Partial<LockRecord> | null, who: string) {
  return new SparsedynError(
    "IO",
    `"${out}" is in use by a sparsedyn process (${who}); wait for it to finish, or, ` +
      `if that process is gone${o?.host ? "" : " or ran on another machine"}, remove ${path} ` +
      `(nothing was changed)`,
    { file: out },
  );
}

/** Creates the lock file complete, atomically; false when it exists. */
async function tryCreate(path: string, text: string): Promise<boolean> {
  const tmp = `${path}.new-${Deno.pid}-${crypto.randomUUID().slice(0, 8)}`;
  try {
    await Deno.writeTextFile(tmp, text);
    try {
      await Deno.link(tmp, path); // fails when the lock exists: the atomic test-and-set
      return true;
    } catch (err) {
      if (err instanceof Deno.errors.AlreadyExists) return false;
      throw err;
    }
  } catch (err) {
    throw ioError("write", path, err);
  } finally {
    await Deno.remove(tmp).catch(() => {});
  }
}

/** The lock's record; undefined when there is none, null when it is unreadable. */
function readLock(path: string): LockRecord | null | undefined {
  let text: string;
  try {
    text = Deno.readTextFileSync(path);
  } catch (err) {
    return err instanceof Deno.errors.NotFound ? undefined : null;
  }
  try {
    return JSON.parse(text) as LockRecord;
  } catch {
    return null;
  }
}

function removeQuietly(path: string) {
  try {
    Deno.removeSync(path);
  } catch { /* gone already */ }
}

/**
 * Removes a stale lock without removing a live one that replaced it meanwhile: the lock is
 * moved aside (atomic), and put back when what was moved is not the stale lock.
 */
async function takeOver(path: string, stale: LockRecord) {
  const aside = `${path}.stale-${Deno.pid}-${crypto.randomUUID().slice(0, 8)}`;
  try {
    await Deno.rename(path, aside);
  } catch {
    return; // someone else moved it: the next attempt sees what is there now
  }
  if (readLock(aside)?.token !== stale.token) {
    await Deno.link(aside, path).catch(() => {}); // a live lock: back in place
  }
  await Deno.remove(aside).catch(() => {});
}
