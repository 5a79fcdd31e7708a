// Run folders for the dashboard's tests: real runs made by the CLI (synth → train → test
// --maps → maps --edges), a synthetic 100 000-frame run written directly, and broken runs
// (malformed, truncated, half-written, a symlink leaving the root).
import { uniform } from "../../core/data/random.ts";
import { writeRun } from "../../core/runs/run_folder.ts";

const CLI = new URL("../../cli/main.ts", import.meta.url).pathname;

/** Runs `sparsedyn <args>` in a subprocess; throws with its output on failure. */
export async function cli(...args: string[]): Promise<void> {
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["run", "--allow-all", CLI, ...args],
    stdout: "piped",
    stderr: "piped",
  }).output();
  if (!out.success) {
    const text = new TextDecoder().decode(out.stderr) + new TextDecoder().decode(out.stdout);
    throw new Error(`sparsedyn ${args.join(" ")} failed:\n${text}`);
  }
}

/**
 * A root with two trained runs of a two-condition synthetic recording: `e2e` (end-to-end,
 * with test.json and its maps sub-test, and maps/ with edge maps) and `two-stage`. The
 * movies live outside the root, in `<tmp>/rec`.
 */
export async function trainedRoot(): Promise<{ tmp: string; root: string }> {
  const tmp = await Deno.realPath(await Deno.makeTempDir({ prefix: "sparsedyn-dash-" }));
  const root = `${tmp}/runs`;
  await Deno.mkdir(root);
  await cli(
    "synth",
    "--out",
    `${tmp}/rec`,
    "--height",
    "16",
    "--width",
    "16",
    "--frames",
    "320",
    "--cells",
    "4",
    "--effect",
    "0.3",
    "--edges",
    "2",
  );
  const movie = `${tmp}/rec/movie_a.npy`;
  const common = ["--epochs", "2", "--window", "32", "--backend", "wasm"];
  await Promise.all([
    cli("train", movie, "--out", `${root}/e2e`, "--mode", "end-to-end", ...common),
    cli("train", movie, "--out", `${root}/two-stage`, "--mode", "two-stage", ...common),
  ]);
  await cli("test", `${root}/e2e`, "--a", movie, "--b", `${tmp}/rec/movie_b.npy`, "--maps");
  await cli("maps", `${root}/e2e`, "--edges");
  return { tmp, root };
}

/**
 * A run folder of T frames × d latents written directly (no model: reconstructions are
 * unavailable): a stable sparse VAR(1) simulated, its coefficients as var.json, 30 epochs of
 * metrics, a 32 × 32 mean image.
 */
export async function writeBigRun(dir: string, T = 100_000, d = 16): Promise<void> {
  const r = uniform(7);
  const A = Array.from({ length: d }, (_, i) =>
    Array.from({ length: d }, (_, j) => {
      if (i === j) return 0.5;
      return r() < 0.15 ? (r() - 0.5) * 0.4 : 0;
    }));
  const z = new Float64Array(T * d);
  for (let t = 1; t < T; t++) {
    for (let i = 0; i < d; i++) {
      let s = 0.3 * (r() + r() + r() - 1.5);
      for (let j = 0; j < d; j++) s += A[i][j] * z[(t - 1) * d + j];
      z[t * d + i] = s;
    }
  }
  await writeRun(dir, {
    config: { mode: "end-to-end", cae: { skip: "mean" }, objective: { lags: 1 } },
    metrics: Array.from({ length: 30 }, (_, e) => ({
      epoch: e,
      loss: 1 / (e + 1),
      reconstruction: 0.5 / (e + 1),
      prediction: 0.4 / (e + 2),
    })),
    weights: {},
    latents: { data: z, shape: [T, d] },
    meanImage: { data: new Float64Array(32 * 32).map(() => r()), shape: [32, 32] },
    var: { lags: 1, A: [A], intercept: new Array(d).fill(0), lambda: new Array(d).fill(0.01) },
  });
}

/** A tiny complete run (4 × 2 latents). */
export async function writeTinyRun(dir: string): Promise<void> {
  await writeRun(dir, {
    config: { mode: "two-stage", cae: { skip: "none" } },
    metrics: [{ epoch: 0, loss: 1 }, { epoch: 1, loss: 0.5 }],
    weights: {},
    latents: { data: Float64Array.of(1, 0, 0.5, 1, 0.25, 0.5, 0.125, 0.25), shape: [4, 2] },
    meanImage: { data: new Float64Array(4), shape: [2, 2] },
    var: { lags: 1, A: [[[0.5, 0], [0.1, 0.5]]], intercept: [0, 0], lambda: [0, 0] },
  });
}

/**
 * Broken runs under `root`: `bad-config` (config.json not JSON), `truncated` (latents.npy
 * cut short), `bad-var` (var.json of the wrong shape), `half-metrics` (a last metrics line
 * being written, otherwise fine), `bad-test` (test.json not JSON, otherwise fine), and a
 * symlink `escape` to a folder outside the root holding a run.
 */
export async function writeBrokenRuns(root: string, outside: string): Promise<void> {
  await writeTinyRun(`${root}/bad-config`);
  await Deno.writeTextFile(`${root}/bad-config/config.json`, "{ mode: ");
  await writeTinyRun(`${root}/truncated`);
  const lat = await Deno.readFile(`${root}/truncated/latents.npy`);
  await Deno.writeFile(`${root}/truncated/latents.npy`, lat.subarray(0, lat.length - 20));
  await writeTinyRun(`${root}/bad-var`);
  await Deno.writeTextFile(`${root}/bad-var/var.json`, JSON.stringify({ A: [[[1]]] }));
  await writeTinyRun(`${root}/half-metrics`);
  await Deno.writeTextFile(`${root}/half-metrics/metrics.jsonl`, '{"epoch":0,"loss":1}\n{"epo');
  await writeTinyRun(`${root}/bad-test`);
  await Deno.writeTextFile(`${root}/bad-test/test.json`, "[1, 2");
  await writeTinyRun(`${outside}/secret-run`);
  await Deno.writeTextFile(`${outside}/secret.txt`, "not for the dashboard");
  await Deno.symlink(outside, `${root}/escape`);
}
