/**
 * Finding an installed PyTorch for the `torch` backend: its package folder from
 * `SPARSEDYN_TORCH` (the folder of `torch/__init__.py`, or its `lib/`), else by asking
 * `python3` where `import torch` lands. Nothing is downloaded: a user installs torch with pip
 * (`pip install torch`); `tests/setup.sh` installs the pinned CPU build for the tests.
 *
 * @example
 * ```ts
 * import { findTorch } from "./find_torch.ts";
 *
 * const found = findTorch();
 * // Either the libraries' folder, or a sentence that says why there is none.
 * if (!("libDir" in found) && typeof found.why !== "string") throw new Error("no reason");
 * ```
 *
 * @module
 */

/** The environment variable that names the torch package folder (or its `lib/`). */
export const TORCH_ENV = "SPARSEDYN_TORCH";

/** Where torch's shared libraries are, and what said so. */
export interface TorchLocation {
  /** Folder holding libtorch_cpu.so (and libtorch_cuda.so in a CUDA build). */
  libDir: string;
  /** "SPARSEDYN_TORCH" or "python3". */
  source: string;
}

function isFile(path: string): boolean {
  try {
    return Deno.statSync(path).isFile;
  } catch {
    return false;
  }
}

/** The shared library's file name on this OS. */
export function libraryName(stem: string): string {
  return Deno.build.os === "darwin"
    ? `lib${stem}.dylib`
    : Deno.build.os === "windows"
    ? `${stem}.dll`
    : `lib${stem}.so`;
}

/**
 * Where libtorch is, or why it was not found.
 *
 * @returns `{ libDir, source }`, or `{ why }`: a sentence naming what was tried.
 */
export function findTorch(): TorchLocation | { why: string } {
  let env: string | undefined;
  try {
    env = Deno.env.get(TORCH_ENV);
  } catch {
    env = undefined; // no --allow-env: ask python3
  }
  const cpuLib = libraryName("torch_cpu");
  if (env !== undefined && env.trim() !== "") {
    const dir = env.trim().replace(/\/+$/, "");
    for (const libDir of [dir, `${dir}/lib`]) {
      if (isFile(`${libDir}/${cpuLib}`)) return { libDir, source: TORCH_ENV };
    }
    return {
      why: `${TORCH_ENV}=${JSON.stringify(env)} holds no ${cpuLib} (neither in it nor in its ` +
        `lib/); point it at the folder of an installed torch package`,
    };
  }
  let out: Deno.CommandOutput;
  try {
    out = new Deno.Command("python3", {
      // Where `import torch` would land, without importing it (that takes seconds).
      args: [
        "-c",
        "import importlib.util as u, os, sys\ns = u.find_spec('torch')\n" +
        "sys.exit('No module named torch') if s is None else print(os.path.dirname(s.origin))",
      ],
      stdout: "piped",
      stderr: "piped",
    }).outputSync();
  } catch (err) {
    return {
      why: `no torch: python3 could not be run to find one (${
        err instanceof Error ? err.message : err
      }); install torch with pip, or set ${TORCH_ENV} to its package folder`,
    };
  }
  if (!out.success) {
    const last = new TextDecoder().decode(out.stderr).trim().split("\n").pop() ?? "";
    return {
      why: `no torch: python3 cannot import it (${last}); install it with ` +
        `"pip install torch", or set ${TORCH_ENV} to its package folder`,
    };
  }
  const dir = new TextDecoder().decode(out.stdout).trim();
  const libDir = `${dir}/lib`;
  if (!isFile(`${libDir}/${cpuLib}`)) {
    return { why: `python3's torch at ${dir} has no lib/${cpuLib}` };
  }
  return { libDir, source: "python3" };
}
