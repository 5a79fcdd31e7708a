// `sparsedyn export`: a trained run's model as ONNX files, read back from disk by
// onnxruntime-node and compared with the run's tfjs model (loadModel, cpu backend).
import { loadModel } from "../../core/encode/load_model.ts";
import { useBackend } from "../../core/model/backend.ts";
import { trainRun } from "../../core/train/train_run.ts";
import { writeSynthetic } from "../../core/data/synthetic_write.ts";
import { decodeNpy } from "../../core/data/npy.ts";
import { decodeOnnxModel } from "../../core/export/onnx_proto.ts";
import { ortSession } from "../../core/export/ort.ts";
import { type Tensor4D, tf } from "../../core/model/tf.ts";
import { assert, assertEquals, maxAbsDiff } from "../_helpers/assert.ts";
import { cli } from "./_run.ts";

await useBackend("cpu");
const dir = await Deno.makeTempDir({ prefix: "sparsedyn-export-test-" });
await writeSynthetic(`${dir}/s`, { height: 16, width: 16, frames: 60, cells: 3, seed: 4 });
await trainRun(`${dir}/s/movie.npy`, `${dir}/run`, { mode: "ae", epochs: 1, windowLength: 20 });
const RUN = `${dir}/run`;
const exportCmd = (args: string[]) => cli(["export", ...args]);

Deno.test("export writes encoder, static branch and decoder that compute the run's model", async () => {
  const r = await exportCmd([RUN, "--json"]);
  assertEquals(r.code, 0, r.stderr);
  const doc = JSON.parse(r.stdout);
  assertEquals(doc.dir, `${RUN}/onnx`);
  const names = [...Deno.readDirSync(`${RUN}/onnx`)].map((e) => e.name).sort();
  assertEquals(names, [
    "decoder.onnx",
    "encoder.onnx",
    "mean_image.npy",
    "onnx.json",
    "static.onnx",
  ]);
  const manifest = JSON.parse(await Deno.readTextFile(`${RUN}/onnx/onnx.json`));
  const config = JSON.parse(await Deno.readTextFile(`${RUN}/config.json`));
  assertEquals(manifest.config, config.cae);
  assertEquals(manifest.preprocess, config.preprocess);
  const meta = Object.fromEntries(
    decodeOnnxModel(await Deno.readFile(`${RUN}/onnx/encoder.onnx`)).metadataProps!.map((
      p,
    ) => [p.key, p.value]),
  );
  assertEquals(JSON.parse(meta["sparsedyn.preprocess"]), config.preprocess);
  assertEquals(JSON.parse(meta["sparsedyn.mode"]), "ae");

  // The files, loaded by path, against the run's tfjs model.
  const model = await loadModel(RUN);
  const { height: H, width: W } = model.config;
  const [h, w, C] = model.cae.latentShape;
  const frames = Float32Array.from(
    decodeNpy(await Deno.readFile(`${dir}/s/movie.npy`), "movie").data.slice(0, 5 * H * W),
    (v) => (v - 50) / 20,
  );
  const mean = Float32Array.from(
    decodeNpy(await Deno.readFile(`${RUN}/onnx/mean_image.npy`), "mean").data,
  );
  assertEquals(maxAbsDiff(mean, model.meanImage.data), 0);
  const enc = await ortSession(`${RUN}/onnx/encoder.onnx`);
  const st = await ortSession(`${RUN}/onnx/static.onnx`);
  const dec = await ortSession(`${RUN}/onnx/decoder.onnx`);
  try {
    const x = tf.tensor4d(frames, [5, H, W, 1]);
    const z = model.cae.encode(x);
    const code = model.cae.encodeStatic!(tf.tensor4d(mean, [1, H, W, 1]) as Tensor4D);
    const y = model.cae.decode(z, code);
    const e = await enc.run({ frames: { data: frames, dims: [5, 1, H, W] } });
    assert(maxAbsDiff(e.latent_flat.data, await z.data()) < 1e-4, "encoder");
    assertEquals(e.latent.dims, [5, C, h, w]);
    const s = await st.run({ mean_image: { data: mean, dims: [1, 1, H, W] } });
    // The default skip is "residual": the decoder also takes the mean image, as onnx.json says.
    const manifest = JSON.parse(await Deno.readTextFile(`${RUN}/onnx/onnx.json`));
    assertEquals(Object.keys(manifest.models.decoder.inputs), [
      "latent",
      "static_code",
      "mean_image",
    ]);
    const d = await dec.run({
      latent: e.latent,
      static_code: s.static_code,
      mean_image: { data: mean, dims: [1, 1, H, W] },
    });
    assertEquals(d.frames.dims, [5, 1, H, W]);
    const diff = maxAbsDiff(d.frames.data, await y.data());
    assert(diff < 1e-4, `decoder: ${diff}`);
    tf.dispose([x, z, code, y]);
  } finally {
    await enc.release();
    await st.release();
    await dec.release();
    model.dispose();
  }
});

Deno.test("export refuses an existing folder, writes --out, names a folder without a model", async () => {
  const again = await exportCmd([RUN]);
  assertEquals(again.code, 1);
  assert(again.stderr.includes(`${RUN}/onnx`), again.stderr);
  const other = await exportCmd([RUN, "--out", `${dir}/elsewhere`]);
  assertEquals(other.code, 0, other.stderr);
  assert(other.stdout.includes(`wrote ${dir}/elsewhere`), other.stdout);
  assertEquals(
    await Deno.readFile(`${dir}/elsewhere/encoder.onnx`),
    await Deno.readFile(`${RUN}/onnx/encoder.onnx`),
  );
  const none = await exportCmd([`${dir}/s`]);
  assertEquals(none.code, 1);
  assert(none.stderr.includes("config.json is missing"), none.stderr);
  assertEquals((await exportCmd([])).code, 2);
  assertEquals((await exportCmd([RUN, "--bogus"])).code, 2);
});

Deno.test("export: cleanup", async () => {
  await Deno.remove(dir, { recursive: true });
});
