// Runs one CLI subcommand (a `Command` exported by a file of cli/) in a child deno process
// with --allow-all (onnxruntime-node opens a native library), exiting as cli/main.ts does:
// 0 success, 1 failure, 2 usage error; the error's message on stderr. Used for commands
// before (and independently of) their registration in cli/main.ts.
const ROOT = new URL("../../", import.meta.url);

export interface CommandResult {
  code: number;
  signal: Deno.Signal | null;
  stdout: string;
  stderr: string;
}

/** The deno arguments that run `exportName` from `cliFile` (relative to cli/) on `args`. */
export function commandArgs(cliFile: string, exportName: string, args: string[]): string[] {
  const url = new URL(`cli/${cliFile}`, ROOT).href;
  const code = `
    import { ${exportName} as cmd } from ${JSON.stringify(url)};
    import { UsageError } from ${JSON.stringify(new URL("cli/_flags.ts", ROOT).href)};
    let status = 0;
    try { status = await cmd.run(Deno.args); } catch (err) {
      console.error(err instanceof Error ? err.message : String(err));
      status = err instanceof UsageError ? 2 : 1;
    }
    Deno.exit(status);`;
  return ["eval", "--quiet", code, ...args];
}

/** Runs the command to completion. */
export async function runCommand(
  cliFile: string,
  exportName: string,
  args: string[],
  cwd?: string,
): Promise<CommandResult> {
  const out = await new Deno.Command(Deno.execPath(), {
    args: commandArgs(cliFile, exportName, args),
    cwd: cwd ?? new URL(".", ROOT).pathname,
    env: { NO_COLOR: "1" },
    stdout: "piped",
    stderr: "piped",
  }).output();
  const dec = new TextDecoder();
  return {
    code: out.code,
    signal: out.signal,
    stdout: dec.decode(out.stdout),
    stderr: dec.decode(out.stderr),
  };
}
