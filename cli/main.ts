#!/usr/bin/env -S deno run --allow-all
/**
 * The `sparsedyn` command: `sparsedyn <command> [options]`, one file per command.
 * Exit status: 0 success, 1 failure (bad input, I/O), 2 usage error.
 *
 * @module
 */
import { VERSION } from "../core/version.ts";
import { UsageError } from "./_flags.ts";
import { userWorkingFolder } from "./_user_cwd.ts";
import { COMMANDS } from "./_commands.ts";
import { reportError, unknownCommand } from "./_error_report.ts";

/** The overall help: the commands with their summaries, and the options of every command. */
function help(): string {
  const width = Math.max(...Object.keys(COMMANDS).map((k) => k.length));
  const list = Object.entries(COMMANDS).map(([k, c]) => `  ${k.padEnd(width)}  ${c.summary}`).join(
    "\n",
  );
  return `sparsedyn ${VERSION}: sparse, interpretable dynamics in calcium-imaging movies

Usage: sparsedyn <command> [options]

Commands:
${list}

Options:
  -h, --help     show help (also: sparsedyn <command> --help)
  -V, --version  print the version
  --json         (per command) machine-readable output; errors as JSON on stderr`;
}

/** Runs the CLI on `argv`; returns the exit status. */
export async function main(argv: string[]): Promise<number> {
  // `deno task cli -- <command>` hands the "--" through to the script: drop it.
  const [name, ...rest] = argv[0] === "--" ? argv.slice(1) : argv;
  if (name === undefined) {
    console.error(help());
    return 2;
  }
  if (name === "-h" || name === "--help" || name === "help") {
    console.log(help());
    return 0;
  }
  if (name === "-V" || name === "--version") {
    console.log(`sparsedyn ${VERSION}`);
    return 0;
  }
  const cmd = COMMANDS[name];
  const json = rest.includes("--json");
  if (!cmd) {
    reportError(unknownCommand(name, Object.keys(COMMANDS)), undefined, json);
    return 2;
  }
  try {
    return await cmd.run(rest);
  } catch (err) {
    reportError(err, name, json);
    return err instanceof UsageError ? 2 : 1;
  }
}

if (import.meta.main) {
  // `deno task cli` runs us in the project's folder; the user's paths are relative to theirs.
  const folder = userWorkingFolder();
  if (folder) Deno.chdir(folder);
  Deno.exit(await main(Deno.args));
}
