// Flag parsing shared by the subcommands: node:util's parseArgs (strict), with errors
// turned into typed usage errors that name the flag.
import { parseArgs } from "node:util";
import { SparsedynError } from "../core/errors.ts";

/** A usage error: the CLI exits with status 2. */
export class UsageError extends SparsedynError {
  constructor(message: string, argument?: string) {
    super("INVALID_ARGUMENT", message, { argument });
    this.name = "UsageError";
  }
}

export type FlagSpec = Record<
  string,
  { type: "string" | "boolean"; short?: string; default?: string | boolean }
>;

/** Parses `argv` against `spec`; unknown flags and missing values are usage errors. */
export function parseFlags<S extends FlagSpec>(argv: string[], spec: S) {
  try {
    return parseArgs({ args: argv, options: spec, strict: true, allowPositionals: true });
  } catch (err) {
    const msg = err instanceof Error ? err.message : String(err);
    const flag = /'(-{1,2}[\w-]+)/.exec(msg)?.[1];
    throw new UsageError(msg.replace(/\. To specify a positional.*$/s, ""), flag);
  }
}

/** A numeric flag value, checked. */
export function numberFlag(
  value: string | undefined,
  flag: string,
  rule: { integer?: boolean; min?: number; exclusiveMin?: boolean } = {},
): number | undefined {
  if (value === undefined) return undefined;
  const v = Number(value);
  const ok = value.trim() !== "" && Number.isFinite(v) && (!rule.integer || Number.isInteger(v)) &&
    (rule.min === undefined || (rule.exclusiveMin ? v > rule.min : v >= rule.min));
  if (!ok) {
    const what = `${rule.integer ? "an integer" : "a number"}${
      rule.min === undefined ? "" : ` ${rule.exclusiveMin ? ">" : "≥"} ${rule.min}`
    }`;
    throw new UsageError(`${flag} must be ${what}; got "${value}"`, flag);
  }
  return v;
}

/** A subcommand: its help text and its entry point (returns the exit status). */
export interface Command {
  summary: string;
  usage: string;
  run(argv: string[]): Promise<number>;
}
