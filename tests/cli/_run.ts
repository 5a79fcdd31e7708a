// Runs the CLI in a child deno process, as a user would (`deno task cli` grants --allow-all:
// onnxruntime-node opens a native library, the auto backend looks for a GPU in /dev).
const MAIN = new URL("../../cli/main.ts", import.meta.url).pathname;

/** The deno arguments that run `sparsedyn <args>` (for a child the caller spawns itself). */
export function cliArgs(args: string[]): string[] {
  return ["run", "--allow-all", MAIN, ...args];
}

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

export async function cli(args: string[], cwd?: string): Promise<CliResult> {
  const out = await new Deno.Command(Deno.execPath(), {
    args: cliArgs(args),
    cwd,
    env: { NO_COLOR: "1" },
    stdout: "piped",
    stderr: "piped",
  }).output();
  const dec = new TextDecoder();
  return { code: out.code, stdout: dec.decode(out.stdout), stderr: dec.decode(out.stderr) };
}
