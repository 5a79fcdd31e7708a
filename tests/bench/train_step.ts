// Benchmark: training-step throughput (frames/s) of the default autoencoder on the wasm
// backend, AE-only and end to end (through the VAR layer), and the same architecture in
// PyTorch on the CPU (Debian's python3-torch, same thread count) in the same run; prints
// the ratios. (webgpu is not here yet: the training step reads values synchronously —
// the VAR layer's G and C inside its forward, the losses for the metrics — and the webgpu
// backend can only read asynchronously; see the notes of the model issue.)
//
//   deno task bench     (or: deno run -A tests/bench/train_step.ts)
import { useBackend } from "../../core/model/backend.ts";
import { createCae, defaultCaeConfig } from "../../core/model/cae.ts";
import { tf } from "../../core/model/tf.ts";
import { Adam } from "../../core/train/adam.ts";
import { windowLoss } from "../../core/train/window_loss.ts";

const H = 64, W = 64, L = 64, STEPS = 8;
const config = defaultCaeConfig(H, W);

async function ours(backend: "wasm", mode: "ae" | "end-to-end") {
  await useBackend(backend);
  const cae = createCae(config, 1);
  const opt = new Adam(1e-3, cae.variables);
  const x = tf.randomNormal([L, H, W, 1], 0, 1, "float32", 1) as tf.Tensor4D;
  const step = () =>
    opt.step(() => windowLoss(cae, x, { mode, var: { lags: 1, lambdaFraction: 0.1 } }).total);
  for (let i = 0; i < 2; i++) step(); // warm up
  const t0 = performance.now();
  for (let i = 0; i < STEPS; i++) step();
  const fps = (STEPS * L) / ((performance.now() - t0) / 1000);
  opt.dispose();
  tf.dispose([x, ...Object.values(cae.variables)]);
  return fps;
}

async function torch(threads: number) {
  const out = await new Deno.Command("/usr/bin/python3", {
    args: [
      new URL("./torch_peer.py", import.meta.url).pathname,
      `${H}`,
      `${W}`,
      `${L}`,
      config.channels.join(","),
      `${config.latentChannels}`,
      `${config.staticChannels}`,
      `${threads}`,
      `${STEPS}`,
    ],
    stdout: "piped",
    stderr: "piped",
  }).output();
  if (!out.success) {
    return {
      framesPerSecond: NaN,
      torch: "unavailable: " +
        new TextDecoder().decode(out.stderr).split("\n").filter(Boolean).pop(),
    };
  }
  return JSON.parse(new TextDecoder().decode(out.stdout)) as {
    framesPerSecond: number;
    torch: string;
  };
}

const peer = await torch(1);
const rows: string[][] = [];
for (const backend of ["wasm"] as const) {
  const ae = await ours(backend, "ae");
  const e2e = await ours(backend, "end-to-end");
  rows.push([
    "wasm (1 thread)",
    ae.toFixed(0),
    e2e.toFixed(0),
    (ae / e2e).toFixed(2) + "×",
    Number.isFinite(peer.framesPerSecond) ? peer.framesPerSecond.toFixed(0) : "—",
    Number.isFinite(peer.framesPerSecond) ? (ae / peer.framesPerSecond).toFixed(2) + "×" : "—",
  ]);
}
const head = [
  "backend",
  "AE frames/s",
  "end-to-end frames/s",
  "e2e step / AE step",
  "PyTorch CPU frames/s",
  "AE / PyTorch",
];
const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
const line = (r: string[]) => "| " + r.map((c, i) => c.padStart(widths[i])).join(" | ") + " |";
console.log(
  `Training step, default autoencoder, ${L}-frame windows of ${H}×${W}; peer: PyTorch ${peer.torch}, 1 thread`,
);
console.log(line(head));
console.log("|" + widths.map((w) => "-".repeat(w + 2)).join("|") + "|");
for (const r of rows) console.log(line(r));
