/**
 * The folder the user typed the command in, when it is not the process's working folder.
 *
 * `deno task cli -- inspect x.tif`, run with `--config <clone>/deno.json` from the user's
 * own folder, starts the CLI in the clone (a task always runs in its deno.json's folder),
 * so `x.tif` would be looked for there. `deno task` (like npm) puts the folder the user was
 * in into `INIT_CWD`. When we run in the project's own folder and `INIT_CWD` names another
 * existing folder, that folder is where the user's relative paths point. The installed
 * `sparsedyn` command runs in the user's folder already and never matches.
 *
 * @example
 * ```ts
 * import { userWorkingFolder } from "./_user_cwd.ts";
 *
 * const project = new URL("..", import.meta.url).pathname.replace(/\/$/, "");
 * const elsewhere = await Deno.makeTempDir();
 * const env = (k: string) => (k === "INIT_CWD" ? elsewhere : undefined);
 * if (userWorkingFolder(env, project) !== elsewhere) throw new Error("task from elsewhere");
 * if (userWorkingFolder(env, elsewhere) !== undefined) throw new Error("already there");
 * await Deno.remove(elsewhere);
 * ```
 *
 * @module
 */

const PROJECT = new URL("..", import.meta.url);

/**
 * Where relative paths on the command line should resolve, if not the current folder.
 *
 * @param env Reads an environment variable (default: the process's; none without permission).
 * @param cwd The process's working folder.
 * @returns The user's folder, or undefined to stay where we are.
 */
export function userWorkingFolder(
  env: (key: string) => string | undefined = readEnv,
  cwd: string = Deno.cwd(),
): string | undefined {
  if (PROJECT.protocol !== "file:") return undefined;
  const init = env("INIT_CWD");
  if (!init || init === cwd) return undefined;
  if (!sameFolder(cwd, PROJECT.pathname)) return undefined;
  try {
    return Deno.statSync(init).isDirectory ? init : undefined;
  } catch {
    return undefined;
  }
}

function readEnv(key: string): string | undefined {
  try {
    return Deno.env.get(key);
  } catch {
    return undefined; // no --allow-env: behave as before
  }
}

function sameFolder(a: string, b: string): boolean {
  try {
    return Deno.realPathSync(a) === Deno.realPathSync(b);
  } catch {
    return false;
  }
}
