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

/** Writes a small synthetic recording of 16×16 frames (3 cells) to `out` with `sparsedyn synth`. */
export async function synth16(out: string, frames: number): Promise<void> {
  const s = await cli(
    ["synth", "--out", out, "--height", "16", "--width", "16", "--frames", String(frames)]
      .concat(["--cells", "3"]),
  );
  if (s.code !== 0) throw new Error(`sparsedyn synth failed (${s.code}): ${s.stderr}`);
}
