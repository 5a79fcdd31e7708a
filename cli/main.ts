#!/usr/bin/env -S deno run --allow-all
/**
 * The `sparsedyn` command: `sparsedyn <command> [options]`, one file per command.
 * Exit status: 0 success, 1 failure (bad input, I/O), 2 usage error.
 *
 * @module
 */
import { SparsedynError } from "../core/errors.ts";
import { VERSION } from "../core/version.ts";
import { closest } from "../core/did_you_mean.ts";
import { type Command, UsageError } from "./_flags.ts";
import { userWorkingFolder } from "./_user_cwd.ts";
import { demo } from "./demo.ts";
import { encode } from "./encode.ts";
import { evaluate } from "./evaluate.ts";
import { experiment } from "./experiment.ts";
import { export_ } from "./export.ts";
import { fit } from "./fit.ts";
import { inspect } from "./inspect.ts";
import { lasso } from "./lasso.ts";
import { maps } from "./maps.ts";
import { preprocess } from "./preprocess.ts";
import { serve } from "./serve.ts";
import { study } from "./study.ts";
import { synth } from "./synth.ts";
import { test } from "./test.ts";
import { train } from "./train.ts";

const COMMANDS: Record<string, Command> = {
  demo,
  encode,
  evaluate,
  experiment,
  export: export_,
  fit,
  inspect,
  lasso,
  maps,
  preprocess,
  serve,
  study,
  synth,
  test,
  train,
};

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
    const guess = closest(name, Object.keys(COMMANDS));
    // A file where the command belongs: the user left the command out.
    const looksLikeFile = /[./]/.test(name) && !name.startsWith("-");
    const hint = guess
      ? `did you mean "${guess}"? `
      : looksLikeFile
      ? `a command comes first, e.g. "sparsedyn inspect ${name}"; `
      : "";
    report(
      new UsageError(`unknown command "${name}" (${hint}see sparsedyn --help)`),
      undefined,
      json,
    );
    return 2;
  }
  try {
    return await cmd.run(rest);
  } catch (err) {
    report(err, name, json);
    return err instanceof UsageError ? 2 : 1;
  }
}

function report(err: unknown, command: string | undefined, json: boolean) {
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

if (import.meta.main) {
  // `deno task cli` runs us in the project's folder; the user's paths are relative to theirs.
  const folder = userWorkingFolder();
  if (folder) Deno.chdir(folder);
  Deno.exit(await main(Deno.args));
}
