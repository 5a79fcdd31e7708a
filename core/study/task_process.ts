/**
 * The command line of one task process, the same for the local pool and for Slurm:
 * `deno run -A --config <project>/deno.json <project>/cli/main.ts <args>`. Both executors
 * start it, so a task runs the same way on a laptop and on a cluster node. Paths are
 * absolute: a Slurm job starts in another folder.
 *
 * @example
 * ```ts
 * import { sparsedynCommand } from "./task_process.ts";
 *
 * const argv = sparsedynCommand(["study", "task", "/out", "train/m1"]);
 * if (!argv[argv.length - 5].endsWith("/cli/main.ts")) throw new Error(argv.join(" "));
 * ```
 *
 * @module
 */

const PROJECT = new URL("../../", import.meta.url);

/**
 * The argv (program first) that runs `sparsedyn <args>` in a new process.
 *
 * @param args The arguments after `sparsedyn`.
 * @returns Program and arguments.
 */
export function sparsedynCommand(args: string[]): string[] {
  if (PROJECT.protocol !== "file:") {
    // Imported by URL: run the same module by URL.
    return [Deno.execPath(), "run", "-A", new URL("cli/main.ts", PROJECT).href, ...args];
  }
  const root = decodeURIComponent(PROJECT.pathname).replace(/\/$/, "");
  return [
    Deno.execPath(),
    "run",
    "-A",
    "--config",
    `${root}/deno.json`,
    `${root}/cli/main.ts`,
    ...args,
  ];
}

/** Quotes a word for a POSIX shell (for the scripts kept in DIR/slurm/). */
export function shellQuote(word: string): string {
  return /^[\w@%+=:,./-]+$/.test(word) ? word : `'${word.replaceAll("'", `'"'"'`)}'`;
}
