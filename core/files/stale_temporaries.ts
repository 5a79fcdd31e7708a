/**
 * Finding what killed processes left behind, and dealing with it on the next start:
 *
 *     .sparsedyn-frames-<pid>-<x>/   a training's preprocessed movie        → removed
 *     <name>.partial-<pid>/          a folder being filled (run, maps/)     → removed, or,
 *                                    when complete (it holds `.complete`)
 *                                    and <name> does not exist, renamed
 *                                    into place: the kill came at the
 *                                    last step, and the result is kept
 *     .<file>.partial-<pid>[-<x>]    an atomic write's temporary file       → removed
 *     <name>.old-<pid>/              a folder being replaced (maps --force)  → removed, or
 *                                    put back when <name> never came
 *
 * Only leftovers whose process has ended are touched (`process_owner.ts`): a live
 * process's temporaries are never removed. Folders that name no pid (written before pids
 * were recorded) cannot be judged and are left alone.
 *
 * @example
 * ```ts
 * import { sweepStale } from "./stale_temporaries.ts";
 *
 * const dir = await Deno.makeTempDir();
 * await Deno.mkdir(`${dir}/.sparsedyn-frames-999999999-abc`);
 * const done = await sweepStale(dir);
 * if (done.length !== 1) throw new Error(JSON.stringify(done));
 * await Deno.remove(dir, { recursive: true });
 * ```
 *
 * @module
 */
import { ownerEnded } from "./process_owner.ts";

/** The marker a complete `<name>.partial-<pid>/` holds until it is renamed into place. */
export const COMPLETE_MARKER = ".complete";

/** The prefix of a training's temporary folder of preprocessed frames. */
export const FRAMES_PREFIX = ".sparsedyn-frames-";

/**
 * The prefix of this process's temporary folder of preprocessed frames (the pid in the
 * name, so that a later process can tell whether its owner is alive).
 *
 * @returns `.sparsedyn-frames-<pid>-`.
 */
export function framesPrefix(): string {
  return `${FRAMES_PREFIX}${Deno.pid}-`;
}

/**
 * Cleans the leftovers of ended processes in a folder.
 *
 * @param parent The folder to look in.
 * @param only When given, only `<only>.partial-<pid>/` folders of this name are considered
 *   besides frames and atomic-write files (a run's own leftovers).
 * @returns One sentence per leftover dealt with (for the user's log).
 */
export async function sweepStale(parent: string, only?: string): Promise<string[]> {
  const done: string[] = [];
  let entries: Deno.DirEntry[];
  try {
    entries = await Array.fromAsync(Deno.readDir(parent));
  } catch {
    return done; // nothing to see (absent, unreadable): nothing to clean
  }
  const at = (name: string) => parent === "/" ? `/${name}` : `${parent}/${name}`;
  for (const e of entries) {
    const path = at(e.name);
    let m: RegExpExecArray | null;
    if (e.isDirectory && (m = /^\.sparsedyn-frames-(\d+)-/.exec(e.name))) {
      const owner = await readOwner(path, Number(m[1]));
      const why = await ownerEnded(owner);
      if (why !== null && await removed(path)) {
        done.push(`removed ${path}, a training's temporary frames (${why})`);
      }
    } else if (e.isDirectory && (m = /^(.+)\.partial-(\d+)$/.exec(e.name))) {
      if (only !== undefined && m[1] !== only) continue;
      const why = await ownerEnded({ pid: Number(m[2]) });
      if (why === null) continue;
      const target = at(m[1]);
      const complete = await exists(`${path}/${COMPLETE_MARKER}`);
      if (complete && !(await exists(target))) {
        try {
          await Deno.rename(path, target);
          await Deno.remove(`${target}/${COMPLETE_MARKER}`).catch(() => {});
          done.push(
            `finished ${target}: it was complete in ${path} when its process ended ` +
              `before the last step, the rename (${why})`,
          );
          continue;
        } catch { /* fall through: remove it */ }
      }
      if (await removed(path)) {
        done.push(
          `removed ${path}, ${complete ? `a copy of ${target}` : "an incomplete output"} (${why})`,
        );
      }
    } else if (e.isFile && (m = /^\..+\.partial-(\d+)(-[0-9a-f]{8})?$/.exec(e.name))) {
      if ((await ownerEnded({ pid: Number(m[1]) })) !== null) await removed(path);
    }
  }
  // A folder moved aside to be replaced (`<name>.old-<pid>`, maps --force): dropped once its
  // replacement is in place, put back when the replacement never arrived.
  for (const e of entries) {
    const m = /^(.+)\.old-(\d+)$/.exec(e.name);
    if (!e.isDirectory || !m || (only !== undefined && m[1] !== only)) continue;
    const why = await ownerEnded({ pid: Number(m[2]) });
    if (why === null) continue;
    const path = at(e.name), target = at(m[1]);
    if (!(await exists(target)) && await Deno.rename(path, target).then(() => true, () => false)) {
      done.push(`restored ${target} from ${path}: its replacement was never written (${why})`);
    } else if (await removed(path)) {
      done.push(`removed ${path}, the replaced copy of ${target} (${why})`);
    }
  }
  return done;
}

async function readOwner(dir: string, pid: number): Promise<unknown> {
  try {
    const o = JSON.parse(await Deno.readTextFile(`${dir}/owner.json`));
    return o?.pid === pid ? o : { pid };
  } catch {
    return { pid }; // not written yet or never: the pid in the name still tells
  }
}

async function exists(path: string): Promise<boolean> {
  return await Deno.lstat(path).then(() => true, () => false);
}

async function removed(path: string): Promise<boolean> {
  return await Deno.remove(path, { recursive: true }).then(() => true, () => false);
}
