// A command as data: one table of flags (name, type, default, help, range) from which the
// parser's spec, the --help text, the type and range checks and did-you-mean all come, so a
// command file is its table plus a call into the library.
import { type FlagSpec, numberFlag, parseFlags, UsageError } from "./_flags.ts";
import type { Command } from "./_flags.ts";

/** One flag: its type, help line, and for numbers the range it accepts. */
export interface FlagDef {
  /**
   * `integer` and `number` are checked against min; `list` may be repeated; `integers` is
   * a comma-separated list of integers, each checked against min.
   */
  type: "string" | "boolean" | "integer" | "number" | "list" | "integers";
  /** One line (or several, joined by "\n") of help. */
  help: string;
  /** The value's placeholder in the help, e.g. "N" (default: none for switches, "X"). */
  arg?: string;
  short?: string;
  /** The value when the flag is absent; shown in the help as "(default …)". */
  default?: string | number | boolean;
  min?: number;
  exclusiveMin?: boolean;
  /** The values a string flag accepts. */
  choices?: readonly string[];
  /** The help section (default "Options"). */
  group?: string;
}

/** A command's flags by name (without the leading "--"). */
export type FlagTable = Record<string, FlagDef>;

type ValueOf<F extends FlagDef> = F["type"] extends "boolean" ? boolean
  : F["type"] extends "integer" | "number" ? number
  : F["type"] extends "list" ? string[]
  : F["type"] extends "integers" ? number[]
  : string;

/** The parsed, checked flags: absent ones are undefined unless they have a default. */
export type Flags<T extends FlagTable> = {
  -readonly [K in keyof T]: T[K] extends { default: unknown } ? ValueOf<T[K]>
    : ValueOf<T[K]> | undefined;
};

/** What a command declares. */
export interface CommandDef<T extends FlagTable> {
  summary: string;
  /** What follows "Usage: sparsedyn <name>", e.g. "<file> [options]". */
  synopsis: string;
  /** Paragraphs between the usage line and the options. */
  description: string;
  flags: T;
  /** Text after the options (extra sections, exit status). */
  footer?: string;
  run(flags: Flags<T>, positionals: string[]): Promise<number>;
}

/** The help text of `name` from its table. */
export function usageText<T extends FlagTable>(name: string, def: CommandDef<T>): string {
  const rows = new Map<string, [string, string][]>();
  const all: [string, FlagDef][] = [
    ...Object.entries(def.flags),
    ["help", { type: "boolean", short: "h", help: "show this help" }],
  ];
  for (const [flag, d] of all) {
    const left = `${d.short ? `-${d.short}, ` : ""}--${flag}${
      d.type === "boolean" ? "" : ` ${d.arg ?? "X"}`
    }`;
    const right = d.default === undefined ? d.help : `${d.help} (default ${d.default})`;
    const group = d.group ?? "Options";
    if (!rows.has(group)) rows.set(group, []);
    rows.get(group)!.push([left, right]);
  }
  const width = Math.max(...[...rows.values()].flat().map(([l]) => l.length)) + 2;
  const sections = [...rows].map(([group, list]) =>
    `${group}:\n${
      list.map(([l, r]) => `  ${l.padEnd(width)}${r.split("\n").join(`\n  ${"".padEnd(width)}`)}`)
        .join("\n")
    }`
  );
  return [`Usage: sparsedyn ${name} ${def.synopsis}`, def.description, ...sections, def.footer]
    .filter((s) => s !== undefined && s !== "").join("\n\n");
}

/**
 * Parses and checks `argv` against `table`: types, ranges, choices, defaults.
 *
 * @example
 * ```ts
 * import { readFlags } from "./_command.ts";
 *
 * const table = {
 *   epochs: { type: "integer", min: 1, default: 10, help: "passes" },
 *   a: { type: "list", help: "a recording (repeat)" },
 * } as const;
 * const { flags, positionals } = readFlags(["run", "--a", "x.npy", "--a", "y.npy"], table);
 * if (flags.epochs !== 10 || flags.a?.length !== 2 || positionals[0] !== "run") {
 *   throw new Error(JSON.stringify(flags));
 * }
 * ```
 */
export function readFlags<T extends FlagTable>(
  argv: string[],
  table: T,
): { flags: Flags<T>; positionals: string[]; help: boolean } {
  const spec: FlagSpec & Record<string, { multiple?: boolean }> = {
    help: { type: "boolean", short: "h" },
  };
  for (const [name, d] of Object.entries(table)) {
    spec[name] = {
      type: d.type === "boolean" ? "boolean" : "string",
      ...(d.short ? { short: d.short } : {}),
      ...(d.type === "list" ? { multiple: true } : {}),
    };
  }
  const { values, positionals } = parseFlags(argv, spec);
  const raw = values as Record<string, string | string[] | boolean | undefined>;
  const flags: Record<string, unknown> = {};
  // --help wins over a bad value elsewhere on the line.
  if (raw.help === true) return { flags: flags as Flags<T>, positionals, help: true };
  for (const [name, d] of Object.entries(table)) {
    const v = raw[name];
    flags[name] = v === undefined ? d.default : check(`--${name}`, d, v);
  }
  return { flags: flags as Flags<T>, positionals, help: false };
}

function check(flag: string, d: FlagDef, v: string | string[] | boolean): unknown {
  if (d.type === "integers") {
    const parts = (v as string).split(",").map((s) => s.trim());
    return parts.map((s) => numberFlag(s, flag, { integer: true, min: d.min })!);
  }
  if (d.type === "integer" || d.type === "number") {
    return numberFlag(v as string, flag, {
      integer: d.type === "integer",
      min: d.min,
      exclusiveMin: d.exclusiveMin,
    });
  }
  if (d.choices && !d.choices.includes(v as string)) {
    // The words the messages always used: "--mode must be ae, two-stage or end-to-end".
    const c = d.choices;
    const list = c.length === 1 ? c[0] : `${c.slice(0, -1).join(", ")} or ${c.at(-1)}`;
    throw new UsageError(`${flag} must be ${list}; got "${v}"`, flag);
  }
  return v;
}

/**
 * A subcommand from its declaration: `--help` prints the text built from the table, and
 * `run` receives the checked flags.
 */
export function defineCommand<T extends FlagTable>(name: string, def: CommandDef<T>): Command {
  const usage = usageText(name, def);
  return {
    summary: def.summary,
    usage,
    run(argv) {
      const { flags, positionals, help } = readFlags(argv, def.flags);
      if (help) {
        console.log(usage);
        return Promise.resolve(0);
      }
      return def.run(flags, positionals);
    },
  };
}
