// The autoencoder: shapes for every architecture the config allows, the same forward and
// gradients on wasm as on cpu, a skip connection that really feeds the decoder, and typed
// errors for bad configs.
import {
  type CaeConfig,
  checkCaeConfig,
  createCae,
  defaultCaeConfig,
} from "../../../core/model/cae.ts";
import { useBackend } from "../../../core/model/backend.ts";
import { tf } from "../../../core/model/tf.ts";
import { normals, uniform } from "../../../core/data/random.ts";
import { SparsedynError } from "../../../core/errors.ts";
import { assert, assertEquals, assertThrows } from "../../_helpers/assert.ts";

const VARIANTS: CaeConfig[] = [
  defaultCaeConfig(32, 32),
  { ...defaultCaeConfig(16, 24), skip: "none" },
  { ...defaultCaeConfig(16, 16), stride: 1, channels: [8], activation: "relu" },
  {
    ...defaultCaeConfig(32, 16),
    channels: [4, 8, 8],
    kernel: 5,
    activation: "leakyRelu",
    latentChannels: 2,
  },
  { ...defaultCaeConfig(8, 8), channels: [6], activation: "tanh", staticChannels: 1 },
  { ...defaultCaeConfig(16, 24), skip: "residual" },
  { ...defaultCaeConfig(12, 8), stride: 1, channels: [4, 3], kernel: 3, skip: "residual" },
];

/** Loss and gradients of one reconstruction step on a backend. */
async function step(backend: "cpu" | "wasm", config: CaeConfig, frames: Float32Array) {
  await useBackend(backend);
  const cae = createCae(config, 5);
  const { height: H, width: W } = config;
  const B = frames.length / (H * W);
  const out = tf.tidy(() => {
    const x = tf.tensor4d(frames, [B, H, W, 1]);
    const mean = tf.mean(x, 0, true) as tf.Tensor4D;
    const f = () => {
      const z = cae.encode(x);
      const rec = cae.decode(z, cae.encodeStatic?.(mean));
      return tf.mean(tf.square(tf.sub(rec, x))) as tf.Scalar;
    };
    const { value, grads } = tf.variableGrads(f);
    const zShape = cae.encode(x).shape;
    // Gradients by the model's own variable names (tfjs's names carry a per-model prefix).
    const byName = Object.fromEntries(
      Object.entries(cae.variables).map(([k, v]) => [k, grads[v.name].dataSync() as Float32Array]),
    );
    return { loss: value.dataSync()[0], grads: byName, zShape };
  });
  for (const v of Object.values(cae.variables)) v.dispose();
  return { ...out, latentShape: cae.latentShape };
}

for (const config of VARIANTS) {
  Deno.test(`createCae() ${JSON.stringify({ ...config, height: undefined, width: undefined })} at ${config.height}×${config.width}: shapes, and wasm equals cpu`, async () => {
    const frames = Float32Array.from(normals(uniform(1), 3 * config.height * config.width));
    const cpu = await step("cpu", config, frames);
    const wasm = await step("wasm", config, frames);
    assertEquals(cpu.zShape.slice(1), cpu.latentShape, "latent map shape");
    assert(Math.abs(cpu.loss - wasm.loss) <= 1e-4 * cpu.loss, `loss ${cpu.loss} vs ${wasm.loss}`);
    assertEquals(
      Object.keys(wasm.grads).sort(),
      Object.keys(cpu.grads).sort(),
      "every variable has a gradient",
    );
    for (const [k, g] of Object.entries(cpu.grads)) {
      let err = 0, scale = 0;
      for (let i = 0; i < g.length; i++) {
        err = Math.max(err, Math.abs(g[i] - wasm.grads[k][i]));
        scale = Math.max(scale, Math.abs(g[i]));
      }
      assert(err <= 1e-4 * scale + 1e-7, `${k}: relative error ${err / scale}`);
    }
  });
}

Deno.test("the skip connection feeds the decoder: another mean image, another reconstruction", async () => {
  await useBackend("cpu");
  const cae = createCae(defaultCaeConfig(16, 16), 2);
  const diff = tf.tidy(() => {
    const z = cae.encode(tf.zeros([1, 16, 16, 1]) as tf.Tensor4D);
    const a = cae.decode(z, cae.encodeStatic!(tf.zeros([1, 16, 16, 1]) as tf.Tensor4D));
    const b = cae.decode(z, cae.encodeStatic!(tf.ones([1, 16, 16, 1]) as tf.Tensor4D));
    return tf.max(tf.abs(tf.sub(a, b))).dataSync()[0];
  });
  assert(diff > 1e-3, `the static code changes the output (${diff})`);
  assertThrows(() => cae.decode(tf.zeros([1, 4, 4, 4]) as tf.Tensor4D), SparsedynError, {
    argument: "staticCode",
  });
});

Deno.test("the residual skip adds the mean image to the decoder's output, one per static code", async () => {
  await useBackend("cpu");
  const config = { ...defaultCaeConfig(16, 16), skip: "residual" as const };
  const cae = createCae(config, 3);
  const plain = createCae({ ...config, skip: "mean" }, 3); // the same weights, no addition
  const [h, w] = cae.latentShape;
  const { diff, extra, shape } = tf.tidy(() => {
    const z = tf.randomNormal([3, h, w, 2], 0, 1, "float32", 7) as tf.Tensor4D;
    const mean = tf.randomNormal([1, 16, 16, 1], 0, 1, "float32", 8) as tf.Tensor4D;
    const code = cae.encodeStatic!(mean);
    const withMean = cae.decode(z, code);
    const without = plain.decode(z, plain.encodeStatic!(mean));
    // The decoder's departure plus the mean image, broadcast over the batch.
    const d = tf.max(tf.abs(tf.sub(withMean, tf.add(without, mean)))).dataSync()[0];
    return {
      diff: d,
      extra: code.shape[3] - config.staticChannels,
      shape: withMean.shape,
    };
  });
  assert(diff < 1e-5, `decode = mean + the same decoder's output (${diff})`);
  assertEquals(extra, (16 * 16) / (h * w), "the mean image rides along in the static tensor");
  assertEquals(shape, [3, 16, 16, 1]);
  for (const m of [cae, plain]) for (const v of Object.values(m.variables)) v.dispose();
});

Deno.test("checkCaeConfig() names the field that is wrong", () => {
  const ok = defaultCaeConfig(32, 32);
  for (
    const [patch, field] of [
      [{ kernel: 4 }, "kernel"],
      [{ stride: 3 }, "stride"],
      [{ channels: [8, -1] }, "channels"],
      [{ channels: [] }, "channels"],
      [{ activation: "gelu" }, "activation"],
      [{ skip: "median" }, "skip"],
      [{ height: 30 }, "stride"],
      [{ latentChannels: 0 }, "latentChannels"],
    ] as const
  ) {
    assertThrows(
      () => checkCaeConfig({ ...ok, ...patch } as unknown as CaeConfig),
      SparsedynError,
      { argument: field },
    );
  }
});
