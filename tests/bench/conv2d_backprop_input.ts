// Benchmark: the wasm backend's Conv2DBackpropInput — ours (core/model/kernels/
// conv2d_backprop_input.ts) against tfjs-backend-wasm's own kernel, on the same inputs in
// the same run, called in turn (A B A B …) so that a busy machine slows both alike; the
// median time per call of each and their ratio. The shapes are the input gradients of the
// default model's stride-2 convolutions on 128×128 frames (batch 32) and a decoder's
// upsampling to 64×64 (batch 64).
//
//   deno task bench     (or: deno run -A tests/bench/conv2d_backprop_input.ts [reps])
import { useBackend } from "../../core/model/backend.ts";
import { tf } from "../../core/model/tf.ts";
import { conv2dBackpropInputConfig } from "../../core/model/kernels/conv2d_backprop_input.ts";

type Shape4 = [number, number, number, number];

// The backend's own kernel, taken before useBackend() registers ours in its place; its
// setup (binding its wasm function) is run by hand below, once the backend has started.
const own = tf.getKernel("Conv2DBackpropInput", "wasm");
const REPS = Number(Deno.args.find((a) => /^\d+$/.test(a)) ?? 5);
const CASES: [string, Shape4, Shape4][] = [
  ["encoder 128×128×1 ← 64×64×16 (B 32)", [32, 128, 128, 1], [3, 3, 1, 16]],
  ["encoder 64×64×16 ← 32×32×32 (B 32)", [32, 64, 64, 16], [3, 3, 16, 32]],
  ["encoder 32×32×32 ← 16×16×32 (B 32)", [32, 32, 32, 32], [3, 3, 32, 32]],
  ["decoder 32×32×32 → 64×64×16 (B 64)", [64, 64, 64, 16], [3, 3, 16, 32]],
];

/** One call of a kernel function: its output (free it) and its time in ms. */
function timed(k: tf.KernelFunc, dy: tf.Tensor, filter: tf.Tensor, inputShape: Shape4) {
  const attrs = { strides: 2, pad: "same", dataFormat: "NHWC", inputShape };
  const t0 = performance.now();
  const out = k({ inputs: { dy, filter }, backend: tf.backend(), attrs }) as tf.TensorInfo;
  return { out, ms: performance.now() - t0 };
}

/** The largest difference between two outputs, relative to the largest value. */
function relativeDifference(a: tf.TensorInfo, b: tf.TensorInfo): number {
  const x = tf.engine().makeTensorFromTensorInfo(a).dataSync();
  const y = tf.engine().makeTensorFromTensorInfo(b).dataSync();
  let err = 0, scale = 0;
  for (let i = 0; i < x.length; i++) {
    err = Math.max(err, Math.abs(x[i] - y[i]));
    scale = Math.max(scale, Math.abs(y[i]));
  }
  return err / scale;
}

const median = (v: number[]) => v.slice().sort((a, b) => a - b)[v.length >> 1];

/** Times one shape: medians of ours and the peer, and how far apart their results are. */
function benchCase(peer: tf.KernelFunc, xs: Shape4, ws: Shape4) {
  const dy = tf.randomNormal([xs[0], xs[1] / 2, xs[2] / 2, ws[3]], 0, 1, "float32", 1);
  const w = tf.randomNormal(ws, 0, 1, "float32", 2);
  const ours: number[] = [], theirs: number[] = [];
  let diff = 0;
  for (let r = 0; r < REPS; r++) {
    const a = timed(conv2dBackpropInputConfig.kernelFunc, dy, w, xs);
    const b = timed(peer, dy, w, xs);
    ours.push(a.ms), theirs.push(b.ms);
    if (r === 0) diff = relativeDifference(a.out, b.out);
    tf.backend().disposeData(a.out.dataId), tf.backend().disposeData(b.out.dataId);
  }
  tf.dispose([dy, w]);
  return { ours: median(ours), theirs: median(theirs), diff };
}

/** Times every shape and prints a line each (in a process where wasm has not started). */
async function main() {
  if (!own?.setupFunc) throw new Error("tfjs-backend-wasm's own kernel is not registered");
  await useBackend("wasm");
  own.setupFunc(tf.backend());
  console.log(`Conv2DBackpropInput (wasm, 1 thread), median of ${REPS} calls each, in turn:`);
  for (const [name, xs, ws] of CASES) {
    const r = benchCase(own.kernelFunc, xs, ws);
    console.log(
      `  ${name}: ours ${r.ours.toFixed(1)} ms, tfjs-backend-wasm ${r.theirs.toFixed(1)} ms, ` +
        `${(r.theirs / r.ours).toFixed(1)}× faster (results differ by ${r.diff.toExponential(1)})`,
    );
  }
  console.log(`  load average ${Deno.loadavg().map((x) => x.toFixed(2)).join(" ")}`);
}

if (Deno.args.includes("--child")) await main();
else {
  // A process of its own: under `deno task bench` other benches have started wasm already,
  // with ours registered in place of the backend's own kernel.
  const args = ["run", "--allow-all", new URL(import.meta.url).pathname, "--child", String(REPS)];
  const { success } = await new Deno.Command(Deno.execPath(), {
    args,
    env: { SPARSEDYN_WASM_THREADS: "1" },
    stdout: "inherit",
    stderr: "inherit",
  }).output();
  if (!success) throw new Error("the Conv2DBackpropInput bench failed");
}
