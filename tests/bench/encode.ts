// Benchmark: encoding throughput (frames/s) of the default model on onnxruntime-node (CPU
// provider; the engine's rewritten graph, and onnxruntime's own optimisation of it for
// comparison) against the same model on tfjs-wasm, on the same frames in the same process,
// at 64×64 and 128×128, with 1 thread and with one per core (each thread count in a process
// of its own: the wasm backend's count is fixed once it has started); then the peak RSS of
// `encode` streaming synthetic uint16 movies of 10 000 and 100 000 frames (64×64) from disk
// (written to a temp folder: 100 000 × 64 × 64 × 2 bytes = 0.8 GB), to show memory does
// not grow with the length.
//
//   deno task bench     (or: deno run -A tests/bench/encode.ts [--frames 100000])
import { createEngine, type EngineOptions } from "../../core/encode/engine.ts";
import { caeWeights, type WeightArray } from "../../core/export/onnx.ts";
import { MAX_WASM_THREADS, useBackend } from "../../core/model/backend.ts";
import { type CaeConfig, createCae, defaultCaeConfig } from "../../core/model/cae.ts";
import { normals, uniform } from "../../core/data/random.ts";
import { encodeNpy } from "../../core/data/npy.ts";
import { npyHeader } from "../../core/data/npy_writer.ts";

const longArg = Deno.args.indexOf("--frames");
const LONG = longArg >= 0 ? Number(Deno.args[longArg + 1]) : 100_000;
// What `encode` hands an engine at a time.
const CHUNK = 256;
const SIZES = [64, 128];

type Model = { config: CaeConfig; weights: Record<string, WeightArray> };

/** The default model for size×size frames (weights of a fresh model: speed does not care). */
async function defaultModel(size: number): Promise<Model> {
  const cae = createCae(defaultCaeConfig(size, size), 1);
  const model = { config: cae.config, weights: await caeWeights(cae) };
  for (const v of Object.values(cae.variables)) v.dispose();
  return model;
}

/**
 * Frames/s of each engine on the same frames: passes interleaved (A B A B …) so that the
 * other tenants of a shared machine slow them alike; the median of 5 passes each.
 */
async function throughputs(
  model: Model,
  frames: Float32Array,
  n: number,
  variants: EngineOptions[],
): Promise<number[]> {
  const px = model.config.height * model.config.width;
  const engines = [];
  for (const v of variants) engines.push(await createEngine(model, v));
  const times: number[][] = engines.map(() => []);
  for (const e of engines) await e.encode(frames.subarray(0, CHUNK * px), CHUNK); // warm-up
  for (let r = 0; r < 5; r++) {
    for (const [i, e] of engines.entries()) {
      const t0 = performance.now();
      for (let t = 0; t < n; t += CHUNK) {
        const k = Math.min(CHUNK, n - t);
        await e.encode(frames.subarray(t * px, (t + k) * px), k);
      }
      times[i].push(performance.now() - t0);
    }
  }
  for (const e of engines) await e.close();
  return times.map((ts) => n / (ts.sort((a, b) => a - b)[2] / 1000));
}

/** ORT and tfjs-wasm frames/s per frame size, with this process's thread count. */
async function throughputRows(
  threads: number,
): Promise<{ size: number; ort: number; ortOwn: number; wasm: number }[]> {
  await useBackend("cpu"); // building the model's variables; the engines pick their own
  const out = [];
  for (const size of SIZES) {
    const model = await defaultModel(size);
    const n = size === 64 ? 2048 : 768;
    const frames = Float32Array.from(normals(uniform(7), n * size * size));
    const [ort, ortOwn, wasm] = await throughputs(model, frames, n, [
      { engine: "ort", threads },
      { engine: "ort", threads, rewrite: false },
      { engine: "tfjs", backend: "wasm" },
    ]);
    out.push({ size, ort, ortOwn, wasm });
  }
  return out;
}

/** The throughput rows measured in a child process with `threads` threads for both engines. */
async function throughputRowsIn(threads: number) {
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["run", "--allow-all", new URL(import.meta.url).pathname, "--throughput", `${threads}`],
    env: { SPARSEDYN_WASM_THREADS: String(threads) },
    stdout: "piped",
    stderr: "inherit",
  }).output();
  if (!out.success) throw new Error(`the encode bench with ${threads} thread(s) failed`);
  const lines = new TextDecoder().decode(out.stdout).trim().split("\n");
  return JSON.parse(lines[lines.length - 1]) as Awaited<ReturnType<typeof throughputRows>>;
}

function table(header: string[], body: string[][]): string {
  const w = header.map((h, c) => Math.max(h.length, ...body.map((r) => r[c].length)));
  const line = (r: string[]) => "| " + r.map((v, c) => v.padStart(w[c])).join(" | ") + " |";
  return [line(header), "|" + w.map((x) => "-".repeat(x + 2)).join("|") + "|", ...body.map(line)]
    .join("\n");
}

const f0 = (v: number) => v.toFixed(0);
const throughputArg = Deno.args.indexOf("--throughput");
if (throughputArg >= 0) {
  console.log(JSON.stringify(await throughputRows(Number(Deno.args[throughputArg + 1]))));
  Deno.exit(0);
}
const cores = Math.min(navigator.hardwareConcurrency || 1, MAX_WASM_THREADS);
const rows: string[][] = [];
const best: Record<number, { ort: number; wasm: number }> = {};
for (const threads of cores > 1 ? [1, cores] : [1]) {
  for (const r of await throughputRowsIn(threads)) {
    rows.push([
      `${r.size}×${r.size}`,
      String(threads),
      f0(r.ort),
      f0(r.ortOwn),
      f0(r.wasm),
      `${(r.ort / r.wasm).toFixed(1)}×`,
    ]);
    best[r.size] = {
      ort: Math.max(best[r.size]?.ort ?? 0, r.ort),
      wasm: Math.max(best[r.size]?.wasm ?? 0, r.wasm),
    };
  }
}
console.log(
  `\nencode throughput, default model (channels 16/32/32, k3, s2, elu), chunks of ${CHUNK} ` +
    `frames, ${navigator.hardwareConcurrency} cores (frames/s, median of 5 interleaved passes; ` +
    "both engines with the row's threads)",
);
console.log(
  table(["frames", "threads", "ORT", "ORT, own graph", "tfjs-wasm", "ORT / wasm"], rows),
);
for (const [size, b] of Object.entries(best)) {
  console.log(
    `${size}×${size}: fastest ORT ${f0(b.ort)} frames/s, fastest tfjs-wasm ${f0(b.wasm)} ` +
      `frames/s: ${(b.ort / b.wasm).toFixed(1)}×`,
  );
}

await useBackend("cpu");
const model64 = await defaultModel(64);
// Peak RSS: a run folder for the 64×64 model, movies written in chunks, `encode` in a child.
const tmp = await Deno.makeTempDir({ prefix: "sparsedyn-bench-encode-" });
try {
  const run = `${tmp}/run`, m = model64;
  await Deno.mkdir(`${run}/weights`, { recursive: true });
  const index: Record<string, { file: string; shape: number[] }> = {};
  for (const [name, w] of Object.entries(m.weights)) {
    index[name] = { file: `${name}.npy`, shape: w.shape };
    await Deno.writeFile(
      `${run}/weights/${name}.npy`,
      encodeNpy(Float64Array.from(w.data), w.shape),
    );
  }
  await Deno.writeTextFile(`${run}/weights/weights.json`, JSON.stringify(index));
  await Deno.writeTextFile(
    `${run}/config.json`,
    JSON.stringify({ cae: m.config, preprocess: { normalize: "scale" }, mode: "ae" }),
  );
  await Deno.writeFile(`${run}/mean_image.npy`, encodeNpy(new Float64Array(64 * 64), [64, 64]));
  const rss: string[][] = [];
  for (const T of [LONG / 10, LONG]) {
    const path = `${tmp}/movie_${T}.npy`;
    const f = await Deno.open(path, { write: true, create: true, truncate: true });
    await f.write(npyHeader("<u2", [T, 64, 64]));
    const u = uniform(T);
    for (let t = 0; t < T; t += 1000) {
      const k = Math.min(1000, T - t);
      const block = new Uint16Array(k * 64 * 64);
      for (let i = 0; i < block.length; i++) block[i] = 100 + Math.floor(u() * 1000);
      const bytes = new Uint8Array(block.buffer);
      for (let o = 0; o < bytes.length;) o += await f.write(bytes.subarray(o));
    }
    f.close();
    const code = `
      import { encodeMovieToNpy } from ${
      JSON.stringify(new URL("../../core/encode/encode_movie.ts", import.meta.url).href)
    };
      const r = await encodeMovieToNpy(${JSON.stringify(run)}, ${JSON.stringify(path)}, ${
      JSON.stringify(`${tmp}/z_${T}.npy`)
    });
      const hwm = /VmHWM:\\s+(\\d+) kB/.exec(Deno.readTextFileSync("/proc/self/status"))[1];
      console.log(JSON.stringify({ frames: r.frames, seconds: r.seconds, peakKb: Number(hwm) }));`;
    const out = await new Deno.Command(Deno.execPath(), {
      args: ["eval", "--quiet", code],
      cwd: new URL("../../", import.meta.url).pathname,
      stdout: "piped",
      stderr: "inherit",
    }).output();
    if (!out.success) throw new Error(`encode of ${T} frames failed`);
    const r = JSON.parse(new TextDecoder().decode(out.stdout).trim().split("\n").at(-1)!);
    rss.push([
      String(T),
      `${(T * 64 * 64 * 2 / 1e9).toFixed(2)} GB`,
      `${(r.peakKb / 1024).toFixed(0)} MB`,
      f0(r.frames / r.seconds),
    ]);
    await Deno.remove(path);
    await Deno.remove(`${tmp}/z_${T}.npy`);
  }
  console.log(
    "\nencode from disk (uint16 NPY, 64×64, normalize scale: a statistics pass, then the " +
      `encode pass; ORT, chunks of ${CHUNK}), peak RSS of the whole process (VmHWM)`,
  );
  console.log(table(["frames", "movie", "peak RSS", "frames/s"], rss));
} finally {
  await Deno.remove(tmp, { recursive: true });
}
