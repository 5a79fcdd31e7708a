// `sparsedyn encode`: latents of whole movies through the run's preprocessing, streamed and
// resumable. The reference is the tfjs model (loadModel + encodeMovie, cpu backend); the
// resumed output must equal a one-shot encode bit for bit after a SIGKILL mid-way.
import { encodeMovie, loadModel } from "../../core/encode/load_model.ts";
import { useBackend } from "../../core/model/backend.ts";
import { trainRun } from "../../core/train/train_run.ts";
import { writeSynthetic } from "../../core/data/synthetic_write.ts";
import { decodeNpy } from "../../core/data/npy.ts";
import { cudaProviderInstalled } from "../../core/export/ort.ts";
import { assert, assertEquals, maxAbsDiff } from "../_helpers/assert.ts";
import { fitVarLasso } from "../../core/var/fit_var_lasso.ts";
import { cli, cliArgs } from "./_run.ts";

await useBackend("cpu");
const dir = await Deno.makeTempDir({ prefix: "sparsedyn-encode-test-" });
// A run trained briefly on a short movie; a longer movie of the same size to encode.
await writeSynthetic(`${dir}/short`, { height: 16, width: 16, frames: 60, cells: 3, seed: 2 });
await trainRun(`${dir}/short/movie.npy`, `${dir}/run`, {
  mode: "ae",
  epochs: 1,
  windowLength: 20,
});
const T = 3000;
await writeSynthetic(`${dir}/long`, { height: 16, width: 16, frames: T, cells: 3, seed: 3 });
const RUN = `${dir}/run`, MOVIE = `${dir}/long/movie.npy`;

const encode = (args: string[]) => cli(["encode", ...args]);
const read = async (p: string) => decodeNpy(await Deno.readFile(p), p);

const oneShot = `${dir}/one.npy`;

Deno.test("encode (ort) gives the tfjs model's latents of the whole movie", async () => {
  const r = await encode([RUN, MOVIE, "--out", oneShot, "--json", "--chunk", "10"]);
  assertEquals(r.code, 0, r.stderr);
  const doc = JSON.parse(r.stdout);
  assertEquals(doc.outputs[0].frames, T);
  assertEquals(doc.outputs[0].engine, "ort");
  assertEquals(doc.outputs[0].resumedFrom, 0);
  // Progress as JSON lines on stderr, ending at T.
  const last = r.stderr.trim().split("\n").map((l) => JSON.parse(l)).at(-1);
  assertEquals([last.done, last.total], [T, T]);
  const z = await read(oneShot);
  const model = await loadModel(RUN);
  try {
    const ref = await encodeMovie(model, MOVIE);
    assertEquals(z.shape, [T, ref.d]);
    const diff = maxAbsDiff(z.data, ref.latents);
    assert(diff < 1e-4, `max |ort − tfjs| = ${diff}`);
    // Nothing left behind but the output.
    const names = [...Deno.readDirSync(dir)].map((e) => e.name).filter((n) => n.startsWith("one"));
    assertEquals(names, ["one.npy"]);
  } finally {
    model.dispose();
  }
});

Deno.test("a SIGKILLed encode resumes where it stopped: equal to a one-shot encode, bit for bit", async () => {
  const out = `${dir}/killed.npy`;
  // Progress recorded after every chunk, so that the kill finds some on disk.
  const args = [RUN, MOVIE, "--out", out, "--json", "--chunk", "10", "--checkpoint", "0"];
  const child = new Deno.Command(Deno.execPath(), {
    args: cliArgs(["encode", ...args]),
    cwd: new URL("../../", import.meta.url).pathname,
    stdout: "null",
    stderr: "piped",
  }).spawn();
  // Kill it once a few chunks are on disk (progress lines come after each chunk).
  const lines = child.stderr.pipeThrough(new TextDecoderStream()).values();
  let buf = "", seen = 0;
  outer: for await (const text of lines) {
    buf += text;
    let nl;
    while ((nl = buf.indexOf("\n")) >= 0) {
      const line = buf.slice(0, nl);
      buf = buf.slice(nl + 1);
      if (line.startsWith("{") && JSON.parse(line).done >= 300) {
        child.kill("SIGKILL");
        seen = JSON.parse(line).done;
        break outer;
      }
    }
  }
  const status = await child.status;
  assertEquals(status.signal, "SIGKILL", "killed, not finished");
  assert(seen >= 300);
  // The partial output holds whole recorded chunks; the target does not exist yet.
  const state = JSON.parse(await Deno.readTextFile(`${out}.partial.json`));
  assert(state.rows >= 300 && state.rows < T, `rows on disk: ${state.rows}`);
  assert(!(await Deno.stat(out).then(() => true, () => false)), "no half-written output");
  // Other arguments refuse the partial output, and leave it as it was.
  const other = await encode([RUN, MOVIE, "--out", out, "--chunk", "50"]);
  assertEquals(other.code, 1);
  assert(other.stderr.includes("other inputs or settings"), other.stderr);
  // The same arguments continue it.
  const again = await encode(args);
  assertEquals(again.code, 0, again.stderr);
  const res = JSON.parse(again.stdout).outputs[0];
  assert(res.resumedFrom >= state.rows && res.resumedFrom < T, `resumed from ${res.resumedFrom}`);
  const a = await Deno.readFile(out), b = await Deno.readFile(oneShot);
  assertEquals(a.length, b.length, "file sizes");
  assert(a.every((v, i) => v === b[i]), "resumed output differs from the one-shot encode");
  assert(!(await Deno.stat(`${out}.partial`).then(() => true, () => false)), "partial removed");
  assert(!(await Deno.stat(`${out}.partial.json`).then(() => true, () => false)), "state removed");
});

Deno.test("two encodes to one --out: the second fails at once, naming the first; the first finishes whole", async () => {
  const out = `${dir}/twice.npy`;
  const args = [RUN, MOVIE, "--out", out, "--json", "--chunk", "10", "--checkpoint", "0"];
  const first = new Deno.Command(Deno.execPath(), {
    args: cliArgs(["encode", ...args]),
    stdout: "null",
    stderr: "null",
  }).spawn();
  let stopped = false;
  try {
    // Held still once it has its lock, so that the two surely overlap.
    let status: Deno.CommandStatus | undefined;
    first.status.then((s) => status = s);
    while (!status && !(await Deno.lstat(`${out}.lock`).then(() => true, () => false))) {
      await new Promise((r) => setTimeout(r, 20));
    }
    assert(!status, "the first encode holds a lock file while it works");
    first.kill("SIGSTOP");
    stopped = true;
    const partial = await Deno.readTextFile(`${out}.partial.json`).catch(() => null);
    const second = await encode(args);
    assertEquals(second.code, 1, second.stderr);
    assert(second.stderr.includes("is in use") && second.stderr.includes(out), second.stderr);
    assert(second.stderr.includes(`pid ${first.pid}`), second.stderr);
    assertEquals(
      await Deno.readTextFile(`${out}.partial.json`).catch(() => null),
      partial,
      "the second touched nothing",
    );
  } finally {
    if (stopped) first.kill("SIGCONT");
  }
  assertEquals((await first.status).code, 0);
  const a = await Deno.readFile(out), b = await Deno.readFile(oneShot);
  assert(a.length === b.length && a.every((v, i) => v === b[i]), "equal to a one-shot encode");
  const left = [...Deno.readDirSync(dir)].map((e) => e.name).filter((n) => n.startsWith("twice"));
  assertEquals(left, ["twice.npy"], "no lock, no partial, no sidecar left");
});

Deno.test("encode --engine tfjs agrees with ort; several movies go to --out DIR", async () => {
  const outDir = `${dir}/several`;
  const r = await encode([
    RUN,
    MOVIE,
    `${dir}/short/movie.npy`,
    "--out",
    outDir,
    "--engine",
    "tfjs",
  ]);
  // Both movies are named movie.npy: refused before any work.
  assertEquals(r.code, 2);
  assert(r.stderr.includes("same name"), r.stderr);
  await Deno.copyFile(`${dir}/short/movie.npy`, `${dir}/short.npy`);
  const ok = await encode([RUN, MOVIE, `${dir}/short.npy`, "--out", outDir, "--engine", "tfjs"]);
  assertEquals(ok.code, 0, ok.stderr);
  assert(ok.stdout.includes("tfjs on wasm"), ok.stdout);
  const z = await read(`${outDir}/movie.latents.npy`);
  const ref = await read(oneShot);
  const diff = maxAbsDiff(z.data, ref.data);
  assert(diff < 1e-4, `max |tfjs-wasm − ort| = ${diff}`);
  assertEquals((await read(`${outDir}/short.latents.npy`)).shape[0], 60);
});

Deno.test("encode --var-window: one VAR per window of the latents, equal to fitting each window", async () => {
  const out = `${dir}/var.npy`;
  const r = await encode([RUN, MOVIE, "--out", out, "--var-window", "40", "--var-stride", "30"]);
  assertEquals(r.code, 0, r.stderr);
  assert(r.stdout.includes("VAR(1) per window"), r.stdout);
  const z = await read(out);
  const [frames, d] = z.shape;
  const A = await read(`${dir}/var.var.npy`);
  const index = JSON.parse(await Deno.readTextFile(`${dir}/var.var.json`));
  const starts = Array.from({ length: Math.floor((frames - 40) / 30) + 1 }, (_, k) => 30 * k);
  assertEquals(index.starts, starts);
  assertEquals(A.shape, [starts.length, 1, d, d]);
  // Each window's coefficients are the lasso-BIC VAR of that slice of the latents.
  for (const [w, s] of starts.entries()) {
    const fit = fitVarLasso(z.data.slice(s * d, (s + 40) * d), 40, d, 1);
    const got = A.data.subarray(w * d * d, (w + 1) * d * d);
    assert(maxAbsDiff(got, Float32Array.from(fit.A)) === 0, `window ${w}`);
    assertEquals(index.nonZero[w], fit.A.filter((v) => v !== 0).length);
  }
  const usage = await encode([RUN, MOVIE, "--out", `${dir}/v2.npy`, "--var-lags", "2"]);
  assertEquals(usage.code, 2, usage.stderr);
  assert(usage.stderr.includes("--var-window"), usage.stderr);
});

Deno.test("encode: usage errors, an existing output, a movie of another size, --device cuda", async () => {
  assertEquals((await encode([RUN])).code, 2);
  assertEquals((await encode([RUN, MOVIE, "--engine", "onnx"])).code, 2);
  assertEquals((await encode([RUN, MOVIE, "--device", "tpu"])).code, 2);
  assertEquals((await encode([RUN, MOVIE, "--engine", "tfjs", "--device", "cuda"])).code, 2);
  assertEquals((await encode([RUN, MOVIE, "--chunk", "0"])).code, 2);
  const exists = await encode([RUN, MOVIE, "--out", oneShot]);
  assertEquals(exists.code, 1);
  assert(exists.stderr.includes("exists"), exists.stderr);
  await writeSynthetic(`${dir}/big`, { height: 24, width: 24, frames: 10, cells: 2 });
  const wrong = await encode([RUN, `${dir}/big/movie.npy`, "--out", `${dir}/w.npy`]);
  assertEquals(wrong.code, 1);
  assert(wrong.stderr.includes("24×24") && wrong.stderr.includes("16×16"), wrong.stderr);
  const cuda = await encode([RUN, MOVIE, "--out", `${dir}/cuda.npy`, "--device", "cuda"]);
  if (cudaProviderInstalled()) {
    assertEquals(cuda.code, 0, cuda.stderr);
  } else {
    assertEquals(cuda.code, 1);
    assert(cuda.stderr.includes("ONNXRUNTIME_NODE_INSTALL=cuda12"), cuda.stderr);
    assert(!(await Deno.stat(`${dir}/cuda.npy.partial`).then(() => true, () => false)));
  }
});

Deno.test("encode: cleanup", async () => {
  await Deno.remove(dir, { recursive: true });
});
