// Flag parsing shared by the subcommands: node:util's parseArgs (strict), with errors
// turned into typed usage errors that name the flag and say what was expected.
import { parseArgs } from "node:util";
import { SparsedynError } from "../core/errors.ts";
import { closest } from "../core/did_you_mean.ts";

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

// A value such as -1, -0.5, -.5, -1e-3 or -Infinity: parseArgs takes any token that starts
// with "-" for a flag and calls "--epochs -1" ambiguous; a number is what the user meant.
const NEGATIVE_NUMBER = /^-(\d|\.\d|inf)/i;

/**
 * Parses `argv` against `spec`; unknown flags (with the closest known flag suggested) and
 * missing values are usage errors. A negative number after a flag that takes a value is
 * that flag's value, so that its own check can say what the flag accepts.
 */
export function parseFlags<S extends FlagSpec>(argv: string[], spec: S) {
  const args = joinNegativeValues(argv, spec);
  try {
    return parseArgs({ args, options: spec, strict: true, allowPositionals: true });
  } catch (err) {
    throw usageFor(err, spec);
  }
}

function joinNegativeValues(argv: string[], spec: FlagSpec): string[] {
  const takesValue = new Set<string>();
  for (const [name, s] of Object.entries(spec)) {
    if (s.type !== "string") continue;
    takesValue.add(`--${name}`);
    if (s.short) takesValue.add(`-${s.short}`);
  }
  const out: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === "--") {
      out.push(...argv.slice(i));
      break;
    }
    const next = argv[i + 1];
    if (takesValue.has(a) && next !== undefined && NEGATIVE_NUMBER.test(next)) {
      out.push(`${a}=${next}`);
      i++;
    } else out.push(a);
  }
  return out;
}

function usageFor(err: unknown, spec: FlagSpec): UsageError {
  const msg = err instanceof Error ? err.message : String(err);
  const code = (err as { code?: string }).code;
  const flag = /'(-{1,2}[\w-]+)/.exec(msg)?.[1];
  if (code === "ERR_PARSE_ARGS_UNKNOWN_OPTION" && flag) {
    const known = Object.entries(spec).flatMap(([n, s]) => [
      `--${n}`,
      ...(s.short ? [`-${s.short}`] : []),
    ]);
    const guess = flag.startsWith("--") || flag.length > 2
      ? closest(flag, known.filter((k) => k.startsWith("--")))
      : undefined;
    return new UsageError(
      `unknown option ${flag}${guess ? ` (did you mean ${guess}?)` : ""}`,
      flag,
    );
  }
  if (flag && / argument missing/.test(msg)) {
    return new UsageError(`${flag} needs a value`, flag);
  }
  if (flag && /does not take an argument/.test(msg)) {
    return new UsageError(`${flag} is a switch and takes no value`, flag);
  }
  return new UsageError(msg.replace(/\. To specify a positional.*$/s, ""), flag);
}

/**
 * A numeric flag value, checked; the message says in words what the flag accepts
 * ("an integer ≥ 1 (a positive whole number)") and quotes what was given.
 */
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
    throw new UsageError(`${flag} must be ${what}${inWords(rule)}; got "${value}"`, flag);
  }
  return v;
}

function inWords(rule: { integer?: boolean; min?: number; exclusiveMin?: boolean }): string {
  const positive = (rule.min === 0 && rule.exclusiveMin) || (rule.integer && rule.min === 1);
  const nonNegative = rule.min === 0 && !rule.exclusiveMin;
  const kind = rule.integer ? "whole number" : "number";
  if (positive) return ` (a positive ${kind})`;
  if (nonNegative) return ` (zero or a positive ${kind})`;
  return "";
}

/** A subcommand: its help text and its entry point (returns the exit status). */
export interface Command {
  summary: string;
  usage: string;
  run(argv: string[]): Promise<number>;
}
