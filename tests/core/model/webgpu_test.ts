// The webgpu backend against cpu: the autoencoder's loss and every gradient, and training
// (the asynchronous step) epoch by epoch. Runs wherever WebGPU has an adapter — in CI,
// Mesa's software "llvmpipe" (the test setup installs mesa-vulkan-drivers); ignored, and
// named so, where there is none.
import { useBackend, webgpuAdapter } from "../../../core/model/backend.ts";
import { createCae, defaultCaeConfig } from "../../../core/model/cae.ts";
import { tf } from "../../../core/model/tf.ts";
import { normals, uniform } from "../../../core/data/random.ts";
import { assert, assertEquals } from "../../_helpers/assert.ts";

const adapter = await webgpuAdapter();

async function step(backend: "cpu" | "webgpu", frames: Float32Array) {
  await useBackend(backend);
  const cae = createCae(defaultCaeConfig(16, 16), 4);
  const x = tf.tensor4d(frames, [4, 16, 16, 1]);
  const mean = tf.mean(x, 0, true) as tf.Tensor4D;
  const { value, grads } = tf.variableGrads(() =>
    tf.mean(tf.square(tf.sub(cae.decode(cae.encode(x), cae.encodeStatic!(mean)), x))) as tf.Scalar
  );
  const out: Record<string, Float32Array> = {};
  for (const [k, v] of Object.entries(cae.variables)) {
    out[k] = (await grads[v.name].data()) as Float32Array;
  }
  const loss = (await value.data())[0];
  tf.dispose([x, mean, value, ...Object.values(grads), ...Object.values(cae.variables)]);
  return { loss, grads: out };
}

Deno.test({
  name:
    `webgpu equals cpu on the autoencoder's loss and gradients (adapter: ${adapter.description})`,
  ignore: adapter.kind === "none",
  async fn() {
    const frames = Float32Array.from(normals(uniform(2), 4 * 256));
    const cpu = await step("cpu", frames);
    const gpu = await step("webgpu", frames);
    assert(Math.abs(cpu.loss - gpu.loss) <= 1e-4 * cpu.loss, `loss ${cpu.loss} vs ${gpu.loss}`);
    for (const [k, g] of Object.entries(cpu.grads)) {
      let err = 0, scale = 0;
      for (let i = 0; i < g.length; i++) {
        err = Math.max(err, Math.abs(g[i] - gpu.grads[k][i]));
        scale = Math.max(scale, Math.abs(g[i]));
      }
      // GPU reductions sum in another order: float32 agreement to 1e-3 of the scale.
      assert(err <= 1e-3 * scale + 1e-7, `${k}: relative error ${err / scale}`);
    }
    await useBackend("cpu");
  },
});

for (const mode of ["end-to-end", "ae"] as const) {
  Deno.test({
    name:
      `trainCae trains (${mode}) on webgpu, epoch by epoch as on cpu (adapter: ${adapter.description})`,
    ignore: adapter.kind === "none",
    async fn() {
      const { trainCae } = await import("../../../core/train/train.ts");
      // 24 frames of 16×16, windows of 8: two training windows and a validation one.
      const frames = Float32Array.from(normals(uniform(5), 24 * 256));
      const run = async (backend: "cpu" | "webgpu") => {
        await useBackend(backend);
        const r = await trainCae(frames, [24, 16, 16], {
          cae: defaultCaeConfig(16, 16),
          mode,
          var: { lags: 1, lambdaFraction: 0.1 },
          windowLength: 8,
          stride: 4,
          epochs: 2,
          learningRate: 1e-3,
          seed: 1,
          validationFraction: 0.4,
          // End to end, both windows make one batch: webgpu sums the async step's gradients
          // over the batch, cpu differentiates the batch's mean loss in one tape.
          batchSize: mode === "end-to-end" ? 2 : 1,
        });
        tf.dispose(Object.values(r.cae.variables));
        return r.history;
      };
      try {
        const cpu = await run("cpu");
        const gpu = await run("webgpu");
        assertEquals(gpu.length, 2);
        for (let e = 0; e < 2; e++) {
          for (
            const k of [
              "loss",
              "reconstruction",
              "prediction",
              "predictedFrames",
              "validation",
            ] as const
          ) {
            const a = cpu[e][k]!, b = gpu[e][k]!;
            assert(Math.abs(a - b) <= 1e-3 * Math.abs(a), `epoch ${e} ${k}: cpu ${a}, webgpu ${b}`);
          }
          assertEquals(gpu[e].activeMean, cpu[e].activeMean, `epoch ${e}: the same fits`);
        }
      } finally {
        await useBackend("cpu");
      }
    },
  });
}
