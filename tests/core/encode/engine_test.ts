// The encode engines on one model: onnxruntime with its rewritten CPU graph (the default),
// onnxruntime on the graph as it optimises it, and the tfjs model on the cpu backend (the
// reference), on the same frames, over several chunks and a last partial batch.
import { createEngine, probeAgrees } from "../../../core/encode/engine.ts";
import { caeToOnnx, caeWeights } from "../../../core/export/onnx.ts";
import { ortSession } from "../../../core/export/ort.ts";
import { createCae, defaultCaeConfig } from "../../../core/model/cae.ts";
import { tf } from "../../../core/model/tf.ts";
import { assert, assertEquals, maxAbsDiff } from "../../_helpers/assert.ts";
import { normals, rng } from "../../_helpers/random.ts";

await tf.setBackend("cpu");

Deno.test("encode engines agree: rewritten ort graph, ort's own graph, tfjs", async () => {
  const cae = createCae(defaultCaeConfig(32, 32), 5);
  const model = { config: cae.config, weights: await caeWeights(cae) };
  const n = 37; // two batches of 16 and a partial one
  const frames = Float32Array.from(normals(rng(8), n * 32 * 32)).map((v) => 2 * v);
  const fast = await createEngine(model, { engine: "ort", threads: 1 });
  const plain = await createEngine(model, { engine: "ort", threads: 1, rewrite: false });
  const ref = await createEngine(model, { engine: "tfjs", backend: "cpu" });
  assertEquals(plain.graphRewrites, 0);
  // The default model's three ELUs sit between NCHWc convolutions wherever onnxruntime's
  // kernels have blocks (x86-64); elsewhere the engine keeps onnxruntime's graph.
  if (Deno.build.arch === "x86_64") assertEquals(fast.graphRewrites, 3);
  const [zf, zp, zr] = [await fast.encode(frames, n), await plain.encode(frames, n)].concat(
    await ref.encode(frames, n),
  );
  assertEquals(zf.length, n * fast.latentSize);
  assert(maxAbsDiff(zf, zp) <= 1e-6, `rewritten vs plain: ${maxAbsDiff(zf, zp)}`);
  assert(maxAbsDiff(zf, zr) < 1e-4, `rewritten vs tfjs: ${maxAbsDiff(zf, zr)}`);
  // Not a constant: frames differ, so do their latents.
  const d = fast.latentSize;
  assert(maxAbsDiff(zf.subarray(0, d), zf.subarray(d, 2 * d)) > 1e-3);
  for (const e of [fast, plain, ref]) await e.close();
  for (const v of Object.values(cae.variables)) v.dispose();
});

Deno.test("the rewrite's check: equal latents pass, a different or NaN-giving encoder fails", async () => {
  const config = defaultCaeConfig(16, 16);
  const graphs = [];
  for (const seed of [1, 2]) {
    const cae = createCae(config, seed);
    graphs.push(caeToOnnx(cae.config, await caeWeights(cae), {}, { eluAsExp: true }).encoder);
    for (const v of Object.values(cae.variables)) v.dispose();
  }
  // A NaN weight: the encoder gives NaN latents.
  const nanCae = createCae(config, 1);
  const weights = await caeWeights(nanCae);
  weights["encoder.out.b"].data[0] = NaN;
  graphs.push(caeToOnnx(nanCae.config, weights, {}, { eluAsExp: true }).encoder);
  for (const v of Object.values(nanCae.variables)) v.dispose();
  const [a, a2, b, nan] = [
    await ortSession(graphs[0]),
    await ortSession(graphs[0], { optimization: "disabled" }),
    await ortSession(graphs[1]),
    await ortSession(graphs[2]),
  ];
  const dims = [3, 1, 16, 16];
  assert(await probeAgrees(a, a2, dims), "the same graph, optimised or not");
  assert(!(await probeAgrees(a, b, dims)), "other weights");
  assert(!(await probeAgrees(a, nan, dims)), "NaN latents");
  assert(!(await probeAgrees(nan, a, dims)), "NaN in the reference");
  for (const s of [a, a2, b, nan]) await s.release();
});
