// mod.ts imported over http, as users do: a plain static file server serves a fresh clone of
// this tree (no build step: no wasm/dist, no wasm/.build, no toolchain) on 127.0.0.1, and a
// fresh deno process — empty cache, no config, nothing on its PATH — imports mod.ts by URL.
// The WebAssembly core must come with the code (the committed generated module), not from a
// build or a fetch at run time.
import { assert, assertEquals } from "../_helpers/assert.ts";
import { freshClone } from "../_helpers/fresh_clone.ts";
import { lassoPath } from "../../mod.ts";

const TYPES: Record<string, string> = {
  ".ts": "application/typescript; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".wasm": "application/wasm",
  ".json": "application/json",
};

async function exists(path: string): Promise<boolean> {
  return await Deno.lstat(path).then(() => true, () => false);
}

Deno.test("mod.ts imported over http from a fresh clone fits a lasso path in a fresh deno process, in a worker too", async () => {
  const clone = await freshClone();
  const root = new URL(`file://${clone}/`);
  for (const built of ["wasm/dist", "wasm/.build", "node_modules"]) {
    assert(!(await exists(`${clone}/${built}`)), `a fresh clone holds no ${built}`);
  }
  const served: string[] = [];
  const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen() {} }, async (req) => {
    const path = decodeURIComponent(new URL(req.url).pathname);
    if (path.split("/").includes("..")) return new Response("bad path", { status: 400 });
    served.push(path);
    try {
      const body = await Deno.readFile(new URL("." + path, root));
      const ext = path.slice(path.lastIndexOf("."));
      return new Response(body, {
        headers: { "content-type": TYPES[ext] ?? "application/octet-stream" },
      });
    } catch {
      return new Response("not found", { status: 404 });
    }
  });
  let stopped = false;
  const tmp = await Deno.makeTempDir();
  const emptyBin = await Deno.makeTempDir();
  try {
    const { port } = server.addr as Deno.NetAddr;
    const base = `http://127.0.0.1:${port}`;
    const script = `
      import { lassoPath, lassoPathBatchParallel } from "${base}/mod.ts";
      const p = lassoPath(Float64Array.of(1, 0, 0, 1), Float64Array.of(3, 1), 4);
      // Worker threads too: their module is fetched over http as well.
      const [q] = await lassoPathBatchParallel(
        Float64Array.of(1, 0, 0, 1), Float64Array.of(3, 1), 4, { workers: 1 },
      );
      console.log(JSON.stringify({
        lambdas: Array.from(p.lambdas), coefs: Array.from(p.coefs),
        workerLambdas: Array.from(q.lambdas), workerCoefs: Array.from(q.coefs),
      }));
    `;
    await Deno.writeTextFile(`${tmp}/main.ts`, script);
    const child = (flags: string[]) =>
      new Deno.Command(Deno.execPath(), {
        args: [
          "run",
          "--no-config",
          "--no-lock",
          ...flags,
          `--allow-import=127.0.0.1:${port}`,
          `--allow-net=127.0.0.1:${port}`,
          "main.ts",
        ],
        cwd: tmp,
        // An empty PATH: no emcc, f2c or apt-get could build anything. (The rest of the
        // environment stays: npm packages come from the registry, through its proxy if any.)
        env: { DENO_DIR: `${tmp}/cache`, NO_COLOR: "1", PATH: emptyBin },
        stdout: "piped",
        stderr: "piped",
      }).output();
    const out = await child([]);
    const stderr = new TextDecoder().decode(out.stderr);
    assert(out.success, `child failed: ${stderr}`);
    const got = JSON.parse(new TextDecoder().decode(out.stdout));
    const local = lassoPath(Float64Array.of(1, 0, 0, 1), Float64Array.of(3, 1), 4);
    assertEquals(got.lambdas, Array.from(local.lambdas), "breakpoints over http");
    assertEquals(got.coefs, Array.from(local.coefs), "coefficients over http");
    assertEquals(got.workerLambdas, got.lambdas, "breakpoints from a worker over http");
    assertEquals(got.workerCoefs, got.coefs, "coefficients from a worker over http");
    assert(served.includes("/core/var/_lasso_worker.ts"), "the worker was fetched over http");
    assert(
      served.includes("/wasm/sparsedyn_core.generated.ts"),
      "the core came with the code, as the committed generated module",
    );
    const fetched = served.filter((p) => !p.endsWith(".ts") && !p.endsWith(".json"));
    assertEquals(fetched, [], "nothing but modules was fetched (no WebAssembly at run time)");

    // The core was cached with the code: with the server gone, the cache alone runs it again.
    await server.shutdown();
    stopped = true;
    const again = await child(["--cached-only"]);
    assert(again.success, `from the cache: ${new TextDecoder().decode(again.stderr)}`);
    assertEquals(
      JSON.parse(new TextDecoder().decode(again.stdout)),
      got,
      "the same path from the cache alone",
    );
  } finally {
    if (!stopped) await server.shutdown();
    for (const dir of [tmp, emptyBin, clone]) await Deno.remove(dir, { recursive: true });
  }
});
