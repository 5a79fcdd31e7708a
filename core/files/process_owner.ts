/**
 * Who owns a file or folder that a process is writing: its pid, host and start time, and
 * whether that process has ended. Lock files, checkpoints and temporary folders record an
 * owner so that a later process can tell a live writer (leave it alone) from one that was
 * killed (its leftovers can be cleaned or taken over).
 *
 * An owner on this host whose pid has no `/proc` entry, or whose pid now belongs to a
 * process that is not Deno (the pid was reused), has ended. An owner on another host, or a
 * system without `/proc`, cannot be checked and counts as alive: nothing live is ever
 * removed on a guess.
 *
 * @example
 * ```ts
 * import { currentOwner, ownerEnded } from "./process_owner.ts";
 *
 * const me = currentOwner();
 * if ((await ownerEnded(me)) !== null) throw new Error("this process is alive");
 * ```
 *
 * @module
 */

/** A process that writes somewhere. */
export interface Owner {
  /** Its process id. */
  pid: number;
  /** Its host name (null when Deno may not read it: no --allow-sys). */
  host: string | null;
  /** When it started writing (ISO 8601). */
  started: string;
}

/**
 * The host's name, or null without the permission to read it.
 *
 * @returns The name.
 */
export function hostName(): string | null {
  try {
    return Deno.hostname(); // needs --allow-sys; without it an owner is only a pid
  } catch {
    return null;
  }
}

/**
 * This process as an owner.
 *
 * @returns pid, host and the current time.
 */
export function currentOwner(): Owner {
  return { pid: Deno.pid, host: hostName(), started: new Date().toISOString() };
}

/**
 * Whether an owner's process has ended.
 *
 * @param owner The owner as recorded (any JSON value: a malformed one cannot be checked).
 * @returns Why it counts as ended (a sentence naming the pid), or null when it is alive or
 *   cannot be checked.
 */
export async function ownerEnded(owner: unknown): Promise<string | null> {
  if (owner === null || typeof owner !== "object") return null;
  const { pid, host } = owner as { pid?: unknown; host?: unknown };
  if (typeof pid !== "number" || !Number.isInteger(pid) || pid <= 0) return null;
  const here = hostName();
  if (typeof host === "string" && here !== null && host !== here) return null;
  if (!(await Deno.stat("/proc/self").then(() => true, () => false))) return null;
  const cmdline = await Deno.readTextFile(`/proc/${pid}/cmdline`).catch(() => null);
  if (cmdline === null) return `its process (pid ${pid}) has ended`;
  if (!/deno/i.test(cmdline)) return `its process (pid ${pid}) has ended (the pid is reused)`;
  return null;
}
