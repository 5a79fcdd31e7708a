/**
 * The one error class of sparsedyn. Callers branch on `code`; the message names the
 * argument or file and the reason.
 *
 * @example Branch on the code
 * ```ts
 * import { SparsedynError } from "./errors.ts";
 *
 * const err = new SparsedynError("NOT_SYMMETRIC", "G is not symmetric", { argument: "G" });
 * if (err.code !== "NOT_SYMMETRIC" || err.argument !== "G") throw new Error("unexpected");
 * ```
 *
 * @module
 */
import { closest } from "./did_you_mean.ts";

// The class lives with the WASM core, the lowest layer, so the core can throw it without
// importing upwards; re-exported here, where every other part imports it from.
export {
  SparsedynError,
  type SparsedynErrorCode,
  type SparsedynErrorOptions,
} from "../wasm/sparsedyn_error.ts";
import { SparsedynError } from "../wasm/sparsedyn_error.ts";

/**
 * The error for a file that cannot be opened, read or written: code `IO`, the file named,
 * the system's reason quoted, the original error as the cause.
 *
 * @param verb What was attempted.
 * @param path The file.
 * @param err What the system threw.
 * @returns The error, to throw.
 *
 * @example
 * ```ts
 * import { ioError } from "./errors.ts";
 *
 * const e = ioError("read", "/no/such/file", new Error("No such file or directory"));
 * if (e.code !== "IO" || e.file !== "/no/such/file") throw new Error(e.message);
 *
 * // A missing file: said plainly, with the closest name in its folder when there is one.
 * const r = ioError("open", "/no/such/file", new Deno.errors.NotFound("stat"));
 * if (!r.message.includes('the folder "/no" does not exist')) throw new Error(r.message);
 *
 * // Writing where a folder is missing names the folder to create.
 * const w = ioError("write", "/no/such/out.npy", new Deno.errors.NotFound("open"));
 * if (!w.message.includes('the folder "/no" does not exist')) throw new Error(w.message);
 * ```
 */
export function ioError(
  verb: "open" | "read" | "write",
  path: string,
  err: unknown,
): SparsedynError {
  const reason = err instanceof Deno.errors.NotFound
    ? notFound(verb, path, err.message)
    : err instanceof Error
    ? err.message
    : String(err);
  return new SparsedynError("IO", `Cannot ${verb} "${path}": ${reason}`, {
    file: path,
    cause: err,
  });
}

/**
 * Why a path was not found, in words: the folder that is missing (the system's "No such file
 * or directory … tmpdir" does not say which), or the file, with the closest name in its folder.
 */
function notFound(verb: "open" | "read" | "write", path: string, system: string): string {
  // Making a folder (or a temporary one) inside `path`: `path` itself is a folder.
  const inside = verb === "write" && /\b(tmpdir|mkdir)\b/.test(system);
  const missing = missingFolder(inside ? path : parentOf(path));
  if (missing) {
    return `the folder "${missing}" does not exist (create it first, or choose another place)`;
  }
  if (verb === "write") return system;
  const folder = parentOf(path);
  const name = path.slice(path.lastIndexOf("/") + 1);
  let names: string[] = [];
  try {
    names = [...Deno.readDirSync(folder)].map((e) => e.name);
  } catch { /* unreadable folder: no suggestion */ }
  const guess = closest(name, names);
  const where = folder === "." ? "this folder" : `"${folder}"`;
  return `No such file in ${where}${guess ? ` (did you mean "${guess}"?)` : ""}`;
}

function parentOf(path: string): string {
  const i = path.replace(/\/+$/, "").lastIndexOf("/");
  return i < 0 ? "." : i === 0 ? "/" : path.slice(0, i);
}

/**
 * The outermost missing folder on the way to `path`, `path` included; undefined when every
 * folder exists.
 */
function missingFolder(path: string): string | undefined {
  const exists = (p: string) => {
    try {
      Deno.statSync(p);
      return true;
    } catch {
      return false;
    }
  };
  const parts = path.split("/");
  // Walk down from the first component: the first one that is missing is the one to create.
  for (let i = 1; i <= parts.length; i++) {
    const prefix = parts.slice(0, i).join("/");
    if (prefix === "" || prefix === ".") continue;
    if (!exists(prefix)) return prefix;
  }
  return undefined;
}
