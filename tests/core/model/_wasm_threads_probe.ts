// Run by wasm_threads_test.ts in a process of its own (the wasm backend's thread count is
// fixed per process): starts `wasm` with SPARSEDYN_WASM_THREADS, computes a fixed set of
// XNNPACK-backed results (conv2d forward and both gradients, a matmul, a few Adam steps of
// the default autoencoder, AE and end to end) and prints them, bit for bit, as JSON. It
// ends without Deno.exit: an idle pthread pool must not keep the process alive.
import { useBackend } from "../../../core/model/backend.ts";
import { createCae, defaultCaeConfig } from "../../../core/model/cae.ts";
import { tf, tfWasm } from "../../../core/model/tf.ts";
import { Adam } from "../../../core/train/adam.ts";
import { windowLoss } from "../../../core/train/window_loss.ts";
import { normals, uniform } from "../../../core/data/random.ts";

await useBackend("wasm");
const u = uniform(5);
const x = tf.tensor4d(Float32Array.from(normals(u, 4 * 32 * 32 * 3)), [4, 32, 32, 3]);
const w = tf.tensor4d(Float32Array.from(normals(u, 3 * 3 * 3 * 16)), [3, 3, 3, 16]);
const [y, dx, dw] = tf.tidy(() => {
  const f = (a: tf.Tensor, b: tf.Tensor) =>
    tf.sum(tf.square(tf.conv2d(a as tf.Tensor4D, b as tf.Tensor4D, 2, "same")));
  const g = tf.grads(f)([x, w]);
  return [tf.conv2d(x, w, 1, "same"), g[0], g[1]];
});
const m = tf.tidy(() => tf.matMul(tf.reshape(x, [128, 96]), tf.reshape(x, [96, 128])));

const H = 32, W = 32, L = 16;
const cae = createCae(defaultCaeConfig(H, W), 1);
const opt = new Adam(1e-3, cae.variables);
const frames = tf.tensor4d(Float32Array.from(normals(u, L * H * W)), [L, H, W, 1]);
const losses: number[] = [];
for (const mode of ["ae", "end-to-end", "end-to-end"] as const) {
  const loss = opt.step(() =>
    windowLoss(cae, frames, { mode, var: { lags: 1, lambdaFraction: 0.1 } }).total
  );
  losses.push(loss);
}

const bits = (t: tf.Tensor) => Array.from(new Uint32Array(new Float32Array(t.dataSync()).buffer));
console.log(JSON.stringify({
  threads: tfWasm.getThreadsCount(),
  conv: bits(y),
  convGradInput: bits(dx),
  convGradFilter: bits(dw),
  matMul: bits(m),
  weights: bits(cae.variables["encoder.out.w"]),
  losses,
}));
