// Getting started as a user does: `sparsedyn` installed from this checkout (the `install`
// task) and from a URL (the checkout served over HTTP), then run from a folder outside the
// repository on a relative movie path; and `deno task --config <repo>/deno.json cli` from
// that folder, whose paths must resolve there, not in the repository.
import { assert, assertEquals } from "../_helpers/assert.ts";

const REPO = new URL("../../", import.meta.url).pathname.replace(/\/$/, "");
const MOVIES = `${REPO}/fixtures/movies`;
const DENO_DIR = Deno.execPath().slice(0, Deno.execPath().lastIndexOf("/"));

/** The environment of a user's shell: no INIT_CWD left over from a task that started us. */
function userEnv(extra: Record<string, string> = {}): Record<string, string> {
  const env: Record<string, string> = { ...Deno.env.toObject(), NO_COLOR: "1", ...extra };
  delete env.INIT_CWD;
  return env;
}

async function run(cmd: string, args: string[], cwd: string, env = userEnv()) {
  const out = await new Deno.Command(cmd, {
    args,
    cwd,
    env,
    clearEnv: true,
    stdout: "piped",
    stderr: "piped",
  }).output();
  const dec = new TextDecoder();
  return { code: out.code, stdout: dec.decode(out.stdout), stderr: dec.decode(out.stderr) };
}

/** A user's folder outside the repository, holding a movie of each format under its own name. */
async function userFolder(): Promise<string> {
  const dir = await Deno.makeTempDir({ prefix: "sparsedyn-user-" });
  await Deno.copyFile(`${MOVIES}/u16_lzw.tif`, `${dir}/day1.tif`);
  await Deno.copyFile(`${MOVIES}/tiny_two_photon.nwb`, `${dir}/day2.nwb`);
  return dir;
}

/** `sparsedyn inspect` of both movies, by relative path, from the user's folder. */
async function inspectsBoth(bin: string, dir: string) {
  const env = userEnv({ PATH: `${bin}:${DENO_DIR}:${Deno.env.get("PATH") ?? ""}` });
  for (
    const [movie, format, frames] of [["day1.tif", "tiff", 6], ["day2.nwb", "nwb", 6]] as const
  ) {
    const r = await run("sparsedyn", ["inspect", movie, "--json"], dir, env);
    assertEquals(r.code, 0, `${movie}: ${r.stderr}`);
    const s = JSON.parse(r.stdout);
    assertEquals([s.path, s.format, s.frames], [movie, format, frames], movie);
  }
  // The numeric core (WebAssembly, found relative to the installed code).
  const core = await run(
    "sparsedyn",
    ["demo", "--core-only", "--json", "--series", "4", "--samples", "300"],
    dir,
    env,
  );
  assertEquals(core.code, 0, core.stderr);
  assert(JSON.parse(core.stdout).core.recall > 0.5, core.stdout);
  // An error still names the user's file as they typed it.
  const missing = await run("sparsedyn", ["inspect", "day3.tif"], dir, env);
  assertEquals(missing.code, 1);
  assertEquals(
    missing.stderr.trim(),
    'sparsedyn inspect: Cannot open "day3.tif": No such file in this folder (did you mean "day1.tif"?)',
  );
}

Deno.test("the install task puts a working sparsedyn on the PATH; it reads movies in the user's folder", async () => {
  const cfg = JSON.parse(await Deno.readTextFile(`${REPO}/deno.json`));
  // The task's last step is the global install; the step before fills the checkout's
  // node_modules, already done for the test run.
  const step = (cfg.tasks.install as string).split("&&").pop()!.trim().split(/\s+/);
  assertEquals(step.slice(0, 3), ["deno", "install", "--global"], "the task installs globally");
  const root = await Deno.makeTempDir({ prefix: "sparsedyn-install-" });
  const dir = await userFolder();
  try {
    const inst = await run(
      Deno.execPath(),
      step.slice(1),
      REPO,
      userEnv({ DENO_INSTALL_ROOT: root }),
    );
    assertEquals(inst.code, 0, inst.stderr);
    assert((await Deno.stat(`${root}/bin/sparsedyn`)).isFile, "the command is installed");
    await inspectsBoth(`${root}/bin`, dir);
    await servesDashboard(`${root}/bin`, dir);
  } finally {
    await Deno.remove(root, { recursive: true });
    await Deno.remove(dir, { recursive: true });
  }
});

/** `sparsedyn serve .` from the user's folder answers its pages (the clone install only). */
async function servesDashboard(bin: string, dir: string) {
  const env = userEnv({ PATH: `${bin}:${DENO_DIR}:${Deno.env.get("PATH") ?? ""}` });
  const child = new Deno.Command("sparsedyn", {
    args: ["serve", ".", "--port", "0", "--json"],
    cwd: dir,
    env,
    clearEnv: true,
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  try {
    const reader = child.stdout.pipeThrough(new TextDecoderStream()).getReader();
    let text = "";
    while (!text.includes("\n")) {
      const { value, done } = await reader.read();
      if (done) break;
      text += value;
    }
    reader.releaseLock();
    const { url, root } = JSON.parse(text.split("\n")[0]);
    assertEquals(root, await Deno.realPath(dir), "the runs root is the user's folder");
    for (const page of ["", "api/runs"]) {
      const r = await fetch(new URL(page, url));
      await r.body?.cancel();
      assertEquals(r.status, 200, `/${page}`);
    }
  } finally {
    child.kill("SIGTERM");
    await child.status;
    await child.stdout.cancel().catch(() => {});
    await child.stderr.cancel();
  }
}

Deno.test("installed from a URL (the checkout served over HTTP), sparsedyn works the same", async () => {
  const ac = new AbortController();
  const server = Deno.serve(
    { hostname: "127.0.0.1", port: 0, signal: ac.signal, onListen() {} },
    async (req) => {
      const path = decodeURIComponent(new URL(req.url).pathname);
      if (path.includes("..")) return new Response("no", { status: 403 });
      try {
        const body = await Deno.readFile(REPO + path);
        // TypeScript as text/plain, as a git host's raw files and the README's server send it.
        const type = path.endsWith(".wasm")
          ? "application/wasm"
          : path.endsWith(".json")
          ? "application/json"
          : "text/plain";
        return new Response(body, { headers: { "content-type": type } });
      } catch {
        return new Response("not found", { status: 404 });
      }
    },
  );
  const base = `http://127.0.0.1:${server.addr.port}`;
  const root = await Deno.makeTempDir({ prefix: "sparsedyn-install-" });
  const dir = await userFolder();
  try {
    // As the README says: the import map is the served deno.json.
    const inst = await run(
      Deno.execPath(),
      [
        "install",
        "--global",
        "--allow-all",
        "--force",
        "--name",
        "sparsedyn",
        "--import-map",
        `${base}/deno.json`,
        `${base}/cli/main.ts`,
      ],
      dir,
      userEnv({ DENO_INSTALL_ROOT: root }),
    );
    assertEquals(inst.code, 0, inst.stderr);
    const shim = await Deno.readTextFile(`${root}/bin/sparsedyn`);
    assert(shim.includes(`${base}/cli/main.ts`), shim);
    await inspectsBoth(`${root}/bin`, dir);
  } finally {
    ac.abort();
    await server.finished;
    await Deno.remove(root, { recursive: true });
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("deno task --config <repo>/deno.json cli, run from the user's folder, resolves paths there", async () => {
  const dir = await userFolder();
  try {
    const task = (args: string[]) =>
      run(Deno.execPath(), [
        "task",
        "--quiet",
        "--config",
        `${REPO}/deno.json`,
        "cli",
        "--",
        ...args,
      ], dir);
    const r = await task(["inspect", "day1.tif", "--json"]);
    assertEquals(r.code, 0, r.stderr);
    assertEquals(JSON.parse(r.stdout).path, "day1.tif");
    // What a command writes lands in the user's folder too, not in the repository.
    const name = `synth-${crypto.randomUUID().slice(0, 8)}`;
    const s = await task([
      "synth",
      "--out",
      name,
      "--frames",
      "64",
      "--cells",
      "3",
      "--height",
      "16",
      "--width",
      "16",
    ]);
    assertEquals(s.code, 0, s.stderr);
    assert((await Deno.stat(`${dir}/${name}/movie.npy`)).isFile, "written in the user's folder");
    assert(!(await Deno.stat(`${REPO}/${name}`).then(() => true, () => false)), "not in the repo");
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
