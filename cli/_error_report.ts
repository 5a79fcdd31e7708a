// How `sparsedyn` reports a failed command on stderr: the message after the command's name
// (with a pointer to its help for a usage error), or one JSON object with --json.
import { SparsedynError } from "../core/errors.ts";
import { closest } from "../core/did_you_mean.ts";
import { UsageError } from "./_flags.ts";

/**
 * The usage error for a command `name` that is not one of `commands`: a did-you-mean when one
 * is close, else a hint when `name` looks like a file (the user left the command out).
 */
export function unknownCommand(name: string, commands: string[]): UsageError {
  const guess = closest(name, commands);
  // A file where the command belongs: the user left the command out.
  const looksLikeFile = /[./]/.test(name) && !name.startsWith("-");
  const hint = guess
    ? `did you mean "${guess}"? `
    : looksLikeFile
    ? `a command comes first, e.g. "sparsedyn inspect ${name}"; `
    : "";
  return new UsageError(`unknown command "${name}" (${hint}see sparsedyn --help)`);
}

/**
 * Prints `err` on stderr, prefixed by the command (when known). A {@link SparsedynError} is
 * its message (or its code, message, argument and file as JSON); anything else is an
 * internal error with its stack.
 */
export function reportError(err: unknown, command: string | undefined, json: boolean): void {
  const prefix = command ? `sparsedyn ${command}` : "sparsedyn";
  if (err instanceof SparsedynError) {
    if (json) {
      console.error(JSON.stringify({
        error: { code: err.code, message: err.message, argument: err.argument, file: err.file },
      }));
    } else {
      console.error(`${prefix}: ${err.message}`);
      if (err instanceof UsageError && command) console.error(`(see sparsedyn ${command} --help)`);
    }
  } else {
    const msg = err instanceof Error ? err.stack ?? err.message : String(err);
    console.error(
      json
        ? JSON.stringify({ error: { code: "INTERNAL", message: msg } })
        : `${prefix}: internal error: ${msg}`,
    );
  }
}
