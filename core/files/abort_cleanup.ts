/**
 * What a process removes when it is stopped by a signal (SIGTERM, or SIGINT / Ctrl-C): the
 * temporary folders it is filling and the locks it holds. Work registers a cleanup for as
 * long as it runs; while at least one is registered, a signal runs them all and ends the
 * process (exit status 143 for SIGTERM, 130 for SIGINT). With none registered no listener
 * is installed, so the signals keep their default effect and nothing keeps the process
 * alive.
 *
 * A command that stops gracefully on the first Ctrl-C (train finishes its epoch) registers
 * an interrupt handler: a SIGINT it accepts does not end the process; the next one does,
 * with the cleanups.
 *
 * A kill (SIGKILL) runs nothing: what it leaves is found and removed by the next process
 * (see `stale_temporaries.ts`).
 *
 * @example
 * ```ts
 * import { onAbort } from "./abort_cleanup.ts";
 *
 * const tmp = await Deno.makeTempDir();
 * const stop = onAbort(() => Deno.removeSync(tmp, { recursive: true }));
 * // ... fill tmp ...
 * stop();
 * await Deno.remove(tmp, { recursive: true });
 * ```
 *
 * @module
 */

type Signal = "SIGINT" | "SIGTERM";

const cleanups = new Map<number, () => void>();
const interrupts = new Map<number, () => boolean>();
let next = 0;
let listening = false;

const handlers: Record<Signal, () => void> = {
  SIGINT: () => onSignal("SIGINT"),
  SIGTERM: () => onSignal("SIGTERM"),
};

function onSignal(signal: Signal) {
  if (signal === "SIGINT") {
    for (const accept of [...interrupts.values()]) if (accept()) return;
  }
  runCleanups();
  Deno.exit(signal === "SIGINT" ? 130 : 143);
}

/** Runs every registered cleanup once, now (synchronously: the process is about to end). */
export function runCleanups(): void {
  for (const [id, f] of [...cleanups.entries()].reverse()) {
    cleanups.delete(id);
    try {
      f();
    } catch { /* the rest still run */ }
  }
  update();
}

function update() {
  const want = cleanups.size > 0;
  if (want === listening) return;
  for (const signal of Object.keys(handlers) as Signal[]) {
    try {
      if (want) Deno.addSignalListener(signal, handlers[signal]);
      else Deno.removeSignalListener(signal, handlers[signal]);
    } catch { /* a signal this platform does not have (SIGTERM on Windows) */ }
  }
  listening = want;
}

/**
 * Registers a cleanup to run if the process is stopped by SIGTERM or SIGINT.
 *
 * @param cleanup Synchronous (`Deno.removeSync`): it runs as the process ends.
 * @returns Unregisters it (call when the work is done or cleaned up by itself).
 */
export function onAbort(cleanup: () => void): () => void {
  const id = next++;
  cleanups.set(id, cleanup);
  update();
  return () => {
    cleanups.delete(id);
    update();
  };
}

/**
 * Registers a handler asked first on SIGINT: when it returns true the signal is taken as a
 * request to stop gracefully and the process goes on.
 *
 * @param accept Returns true to keep the process running (e.g. on the first Ctrl-C).
 * @returns Unregisters it.
 */
export function onInterrupt(accept: () => boolean): () => void {
  const id = next++;
  interrupts.set(id, accept);
  return () => interrupts.delete(id);
}
