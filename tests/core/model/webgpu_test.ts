// The webgpu backend against cpu: the autoencoder's loss and every gradient. Runs wherever
// WebGPU has an adapter — in CI, Mesa's software "llvmpipe" (the test setup installs
// mesa-vulkan-drivers); ignored, and named so, where there is none.
import { useBackend, webgpuAdapter } from "../../../core/model/backend.ts";
import { createCae, defaultCaeConfig } from "../../../core/model/cae.ts";
import { tf } from "../../../core/model/tf.ts";
import { normals, uniform } from "../../../core/data/random.ts";
import { assert } from "../../_helpers/assert.ts";

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

Deno.test({
  name: `trainCae refuses webgpu with a clear error, not a crash (adapter: ${adapter.description})`,
  ignore: adapter.kind === "none",
  async fn() {
    const { trainCae } = await import("../../../core/train/train.ts");
    const { SparsedynError } = await import("../../../core/errors.ts");
    await useBackend("webgpu");
    try {
      await trainCae(new Float32Array(8 * 256), [8, 16, 16], {
        cae: defaultCaeConfig(16, 16),
        mode: "ae",
        var: { lags: 1, lambdaFraction: 0.1 },
        windowLength: 4,
        stride: 2,
        epochs: 1,
        learningRate: 1e-3,
        seed: 1,
      });
      throw new Error("trainCae ran on webgpu");
    } catch (err) {
      assert(err instanceof SparsedynError, String(err));
      assert(err.argument === "backend" && err.message.includes("webgpu"), err.message);
    } finally {
      await useBackend("cpu");
    }
  },
});
