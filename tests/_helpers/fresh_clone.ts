// What a fresh clone of this tree holds, in a temporary folder: the files git tracks plus the
// untracked ones it does not ignore (so uncommitted edits are tested too), and nothing git
// ignores — no node_modules, no wasm/.build, no wasm/dist, no other build output.

const REPO = new URL("../../", import.meta.url).pathname.replace(/\/$/, "");

/**
 * Copies the files a clone of this repository would hold into a new temporary folder.
 *
 * @returns The folder (the caller removes it).
 * @throws {Error} When git cannot list the files (not a git checkout).
 */
export async function freshClone(): Promise<string> {
  const ls = await new Deno.Command("git", {
    args: ["ls-files", "-z", "--cached", "--others", "--exclude-standard"],
    cwd: REPO,
    stdout: "piped",
    stderr: "piped",
  }).output();
  if (!ls.success) {
    throw new Error(`git ls-files failed in ${REPO}: ${new TextDecoder().decode(ls.stderr)}`);
  }
  const files = new TextDecoder().decode(ls.stdout).split("\0").filter((f) => f !== "");
  const dir = await Deno.makeTempDir({ prefix: "sparsedyn-clone-" });
  for (const f of new Set(files)) {
    let info: Deno.FileInfo;
    try {
      info = await Deno.lstat(`${REPO}/${f}`);
    } catch (err) {
      if (err instanceof Deno.errors.NotFound) continue; // deleted in the working tree
      throw err;
    }
    const to = `${dir}/${f}`;
    await Deno.mkdir(to.slice(0, to.lastIndexOf("/")), { recursive: true });
    if (info.isSymlink) await Deno.symlink(await Deno.readLink(`${REPO}/${f}`), to);
    else await Deno.copyFile(`${REPO}/${f}`, to);
  }
  return dir;
}
