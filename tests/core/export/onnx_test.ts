// Parity of the ONNX export: onnxruntime-node (CPU provider) on the exported encoder, static
// branch and decoder against the tfjs model (cpu backend, the reference) on the same weights
// (all of them random, biases included, so that every weight's place is checked), on random
// frames and on real frames through a run's preprocessing — for every architecture variant
// the config allows: skip none / mean / residual, stride 1 / 2, kernels 1 / 3 / 5, one to three
// layers, non-square frames and each activation.
import { caeToOnnx, type CaeToOnnxOptions, caeWeights } from "../../../core/export/onnx.ts";
import { decodeOnnxModel } from "../../../core/export/onnx_proto.ts";
import { type OrtSession, ortSession } from "../../../core/export/ort.ts";
import { type Cae, type CaeConfig, createCae } from "../../../core/model/cae.ts";
import { type Tensor4D, tf } from "../../../core/model/tf.ts";
import { openMovie } from "../../../core/data/movie.ts";
import { preprocessFrames } from "../../../core/data/preprocess.ts";
import { SparsedynError } from "../../../core/errors.ts";
import { VERSION } from "../../../core/version.ts";
import { assert, assertEquals, assertThrows, maxAbsDiff } from "../../_helpers/assert.ts";
import { normals, rng } from "../../_helpers/random.ts";

await tf.setBackend("cpu");

const DATA = Deno.env.get("SPARSEDYN_DATA") ??
  new URL("../../../../shared/data/", import.meta.url).pathname;

const TOL = 1e-4;

/** Every variable replaced by seeded normals (scaled like He init; biases ~0.1). */
function randomise(cae: Cae, seed: number): void {
  const u = rng(seed);
  for (const v of Object.values(cae.variables)) {
    const n = v.size;
    const fanIn = v.shape.length === 4 ? v.shape[0] * v.shape[1] * v.shape[2] : 0;
    const std = fanIn ? Math.sqrt(2 / fanIn) : 0.1;
    v.assign(tf.tensor(Float32Array.from(normals(u, n), (x) => x * std), v.shape));
  }
}

/** NHWC (tfjs) → NCHW (ONNX). */
function toNchw(x: Float32Array, [n, h, w, c]: number[]): Float32Array {
  const out = new Float32Array(x.length);
  for (let b = 0; b < n; b++) {
    for (let y = 0; y < h; y++) {
      for (let xx = 0; xx < w; xx++) {
        for (let k = 0; k < c; k++) {
          out[((b * c + k) * h + y) * w + xx] = x[((b * h + y) * w + xx) * c + k];
        }
      }
    }
  }
  return out;
}

interface Sessions {
  encoder: OrtSession;
  static?: OrtSession;
  decoder: OrtSession;
}

async function sessions(cae: Cae, options: CaeToOnnxOptions = {}): Promise<Sessions> {
  const files = caeToOnnx(cae.config, await caeWeights(cae), {
    preprocess: { normalize: "scale" },
  }, options);
  return {
    encoder: await ortSession(files.encoder),
    static: files.static ? await ortSession(files.static) : undefined,
    decoder: await ortSession(files.decoder),
  };
}

/** Compares encoder, static branch and decoder on `frames` (B×H×W); returns the max diffs. */
async function compare(cae: Cae, s: Sessions, frames: Float32Array, B: number) {
  const { height: H, width: W } = cae.config;
  const [h, w, C] = cae.latentShape;
  const x = tf.tensor4d(frames, [B, H, W, 1]);
  const z = cae.encode(x);
  const zData = await z.data() as Float32Array;
  const enc = await s.encoder.run({ frames: { data: frames, dims: [B, 1, H, W] } });
  assertEquals(enc.latent.dims, [B, C, h, w], "latent dims");
  assertEquals(enc.latent_flat.dims, [B, h * w * C], "latent_flat dims");
  const diffs: Record<string, number> = {
    latent: maxAbsDiff(enc.latent.data, toNchw(zData, [B, h, w, C])),
    // The flat latent is exactly tfjs's NHWC flattening (the order of latents.npy).
    latentFlat: maxAbsDiff(enc.latent_flat.data, zData),
  };
  let code: Tensor4D | undefined;
  const feeds: Record<string, { data: Float32Array; dims: number[] }> = {
    latent: { data: enc.latent.data, dims: enc.latent.dims },
  };
  if (cae.encodeStatic) {
    const mean = tf.tidy(() => tf.mean(x, 0, true)) as Tensor4D;
    code = cae.encodeStatic(mean);
    const S = cae.config.staticChannels;
    const st = await s.static!.run({
      mean_image: { data: await mean.data() as Float32Array, dims: [1, 1, H, W] },
    });
    assertEquals(st.static_code.dims, [1, S, h, w], "static dims");
    // Residual: tfjs's static tensor carries the mean image after the code's S channels;
    // the ONNX decoder takes the mean image as an input of its own.
    const onlyCode = tf.slice(code, [0, 0, 0, 0], [1, h, w, S]);
    diffs.static = maxAbsDiff(
      st.static_code.data,
      toNchw(await onlyCode.data() as Float32Array, [1, h, w, S]),
    );
    onlyCode.dispose();
    feeds.static_code = st.static_code;
    if (cae.config.skip === "residual") {
      feeds.mean_image = { data: await mean.data() as Float32Array, dims: [1, 1, H, W] };
    }
    mean.dispose();
  }
  const y = cae.decode(z, code);
  const dec = await s.decoder.run(feeds);
  assertEquals(dec.frames.dims, [B, 1, H, W], "decoded dims");
  diffs.decoded = maxAbsDiff(dec.frames.data, await y.data());
  tf.dispose([x, z, y, ...(code ? [code] : [])]);
  return diffs;
}

const VARIANTS: (Partial<CaeConfig> & { height: number; width: number })[] = [
  // The default architecture (three stride-2 layers, ELU, skip).
  { height: 32, width: 32 },
  { height: 16, width: 24, channels: [8, 4], kernel: 5, activation: "relu", skip: "none" },
  { height: 12, width: 12, channels: [4], stride: 1, activation: "tanh", staticChannels: 3 },
  {
    height: 16,
    width: 16,
    channels: [6, 5],
    kernel: 5,
    stride: 1,
    activation: "leakyRelu",
    skip: "none",
  },
  { height: 16, width: 8, channels: [3, 5], kernel: 1, activation: "linear", latentChannels: 3 },
  { height: 24, width: 16, channels: [5, 7, 3], kernel: 3, activation: "relu", staticChannels: 1 },
  { height: 8, width: 8, channels: [4], kernel: 7, activation: "elu", skip: "none" },
  { height: 20, width: 12, channels: [2, 3], kernel: 3, stride: 1, activation: "linear" },
  { height: 16, width: 16, channels: [4, 4], kernel: 5, activation: "tanh", latentChannels: 1 },
  // Residual skip: the decoder adds the mean image to its output.
  { height: 16, width: 24, channels: [4, 6], kernel: 3, activation: "elu", skip: "residual" },
  { height: 12, width: 12, channels: [3], stride: 1, activation: "relu", skip: "residual" },
];

const BASE: CaeConfig = {
  height: 0,
  width: 0,
  channels: [16, 32, 32],
  kernel: 3,
  stride: 2,
  activation: "elu",
  latentChannels: 2,
  skip: "mean",
  staticChannels: 2,
};

for (const [i, v] of VARIANTS.entries()) {
  const config = { ...BASE, ...v };
  const name = `channels ${config.channels.join("/")}, k${config.kernel}, s${config.stride}, ` +
    `${config.activation}, skip ${config.skip}, ${config.height}×${config.width}`;
  Deno.test(`ONNX parity with tfjs: ${name}`, async () => {
    const cae = createCae(config, 10 + i);
    randomise(cae, 100 + i);
    const s = await sessions(cae);
    const u = rng(200 + i);
    const B = 3;
    const frames = Float32Array.from(normals(u, B * config.height * config.width));
    const diffs = await compare(cae, s, frames, B);
    for (const [k, d] of Object.entries(diffs)) assert(d < TOL, `${k}: max |diff| ${d} ≥ ${TOL}`);
    // A batch of one and a larger batch go through the same (symbolic-batch) graphs.
    const one = await compare(cae, s, frames.subarray(0, config.height * config.width), 1);
    for (const [k, d] of Object.entries(one)) assert(d < TOL, `B=1 ${k}: ${d}`);
    for (const x of Object.values(s)) await x?.release();
    for (const x of Object.values(cae.variables)) x.dispose();
  });
}

Deno.test("ONNX parity with tfjs: ELU written as max(x, exp(min(x, 0)) − 1) (encode's form)", async () => {
  for (const [i, v] of VARIANTS.entries()) {
    const config = { ...BASE, ...v };
    if (config.activation !== "elu") continue;
    const cae = createCae(config, 10 + i);
    randomise(cae, 100 + i);
    const files = caeToOnnx(cae.config, await caeWeights(cae), {}, { eluAsExp: true });
    for (const bytes of [files.encoder, files.decoder]) {
      const ops = decodeOnnxModel(bytes).graph!.node!.map((n) => n.opType);
      assert(!ops.includes("Elu") && ops.includes("Exp") && ops.includes("Max"), ops.join());
    }
    const s = await sessions(cae, { eluAsExp: true });
    const B = 3;
    // Wide inputs, so that both branches and large negative values are reached.
    const frames = Float32Array.from(normals(rng(300 + i), B * config.height * config.width))
      .map((x) => 4 * x);
    const diffs = await compare(cae, s, frames, B);
    for (const [k, d] of Object.entries(diffs)) assert(d < TOL, `${k}: max |diff| ${d} ≥ ${TOL}`);
    for (const x of Object.values(s)) await x?.release();
    for (const x of Object.values(cae.variables)) x.dispose();
  }
});

// The real movies live beside the repository (../shared/data, or $SPARSEDYN_DATA), not in
// it; where a checkout has none, this test is reported as ignored, as the readers' is.
const THUNDER = `${DATA}/svoboda_thunder_mouse_500x64x64_int16.tif`;
const haveThunder = await Deno.stat(THUNDER).then(() => true, () => false);

Deno.test({
  name: "ONNX parity on real frames (thunder mouse, 2× downsampled, scaled)",
  ignore: !haveThunder,
}, async () => {
  const movie = await openMovie(THUNDER);
  const spec = { downsample: 2, normalize: "scale" as const, chunk: 16 };
  const it = preprocessFrames(movie, spec);
  const first = (await it.next()).value!;
  await it.return(undefined);
  movie.close();
  assertEquals(first.count, 16);
  const cae = createCae({ ...BASE, height: 32, width: 32 }, 3);
  randomise(cae, 4);
  const s = await sessions(cae);
  const diffs = await compare(cae, s, first.frames, first.count);
  for (const [k, d] of Object.entries(diffs)) assert(d < TOL, `${k}: max |diff| ${d} ≥ ${TOL}`);
  // The frames are real and different, so their latents differ: the parity is not on a constant.
  const enc = await s.encoder.run({ frames: { data: first.frames, dims: [16, 1, 32, 32] } });
  const d = enc.latent_flat.dims[1];
  assert(
    maxAbsDiff(enc.latent_flat.data.subarray(0, d), enc.latent_flat.data.subarray(d, 2 * d)) > 1e-3,
  );
  for (const x of Object.values(s)) await x?.release();
  for (const x of Object.values(cae.variables)) x.dispose();
});

Deno.test("exported files: opset 17, symbolic batch, names and metadata", async () => {
  const cae = createCae({ ...BASE, height: 16, width: 16 }, 1);
  const files = caeToOnnx(cae.config, await caeWeights(cae), {
    preprocess: { downsample: 2, normalize: "scale" },
    extra: { lags: 2 },
  });
  for (const [role, bytes] of Object.entries(files)) {
    const m = decodeOnnxModel(bytes!);
    assertEquals(m.irVersion, 8);
    assertEquals(m.opsetImport, [{ domain: "", version: 17 }]);
    assertEquals(m.producerName, "sparsedyn");
    const meta = Object.fromEntries(m.metadataProps!.map((p) => [p.key, p.value]));
    assertEquals(meta["sparsedyn.version"], VERSION);
    assertEquals(meta["sparsedyn.role"], role);
    assertEquals(JSON.parse(meta["sparsedyn.config"]), cae.config);
    assertEquals(JSON.parse(meta["sparsedyn.preprocess"]), { downsample: 2, normalize: "scale" });
    assertEquals(meta["sparsedyn.lags"], "2");
    for (const v of [...m.graph!.input!, ...m.graph!.output!]) {
      assert(v.type.tensorType.shape.dim[0].dimParam, `${role} ${v.name}: symbolic batch`);
    }
  }
  const names = (b: Uint8Array) => {
    const g = decodeOnnxModel(b).graph!;
    return [g.input!.map((v) => v.name), g.output!.map((v) => v.name)];
  };
  assertEquals(names(files.encoder), [["frames"], ["latent", "latent_flat"]]);
  assertEquals(names(files.static!), [["mean_image"], ["static_code"]]);
  assertEquals(names(files.decoder), [["latent", "static_code"], ["frames"]]);
  for (const x of Object.values(cae.variables)) x.dispose();
});

Deno.test("unsupported configs and weights fail with a typed error naming them", async () => {
  const cae = createCae({ ...BASE, height: 16, width: 16, skip: "none" }, 1);
  const weights = await caeWeights(cae);
  // An unknown key (a layer type a later version might add) is refused, not ignored.
  assertThrows(
    () => caeToOnnx({ ...cae.config, batchNorm: true } as CaeConfig, weights),
    SparsedynError,
    { code: "INVALID_ARGUMENT", argument: "batchNorm" },
  );
  assertThrows(
    () => caeToOnnx({ ...cae.config, activation: "gelu" } as unknown as CaeConfig, weights),
    SparsedynError,
    { code: "INVALID_ARGUMENT", argument: "activation" },
  );
  // A weight the graph has no place for.
  assertThrows(
    () =>
      caeToOnnx(cae.config, {
        ...weights,
        "encoder.norm0.g": { data: new Float32Array(1), shape: [1] },
      }),
    SparsedynError,
    { code: "INVALID_ARGUMENT", argument: "encoder.norm0.g" },
  );
  // A missing or misshapen weight.
  const { ["decoder.out.b"]: _dropped, ...missing } = weights;
  assertThrows(() => caeToOnnx(cae.config, missing), SparsedynError, {
    argument: "decoder.out.b",
  });
  assertThrows(
    () =>
      caeToOnnx(cae.config, {
        ...weights,
        "encoder.conv0.w": { data: new Float32Array(3 * 3 * 16), shape: [3, 3, 16, 1] },
      }),
    SparsedynError,
    { argument: "encoder.conv0.w" },
  );
  for (const x of Object.values(cae.variables)) x.dispose();
});
