// Benchmark: the `torch` backend's training step (frames/s of the default autoencoder, AE
// and end to end through the VAR layer, 64-frame windows) and its encoder, against PyTorch
// eager on the same device, with the same torch install (the python3 whose libtorch the
// backend opens), the same shapes and the same thread count, in the same run; on the CPU
// also against the wasm backend at that thread count. Each of our measurements runs in a
// child process whose thread count is set before libtorch starts (OMP_NUM_THREADS; PyTorch
// sets its own with torch.set_num_threads); the peer runs before and after ours, its faster
// run kept.
//
//   deno task bench                          (the CPU rows at 64×64, 1 thread and all cores)
//   deno run -A tests/bench/torch_step.ts --threads 1 --sizes 64,128   (chosen rows)
//   deno run -A tests/bench/torch_step.ts --device cuda --sizes 64,128,256,512
//                                            (the GPU table; tests/bench/torch_gpu.sh runs it
//                                            where Deno is not installed)
import { MAX_WASM_THREADS, useBackend } from "../../core/model/backend.ts";
import { createCae, defaultCaeConfig } from "../../core/model/cae.ts";
import { tf } from "../../core/model/tf.ts";
import { Adam } from "../../core/train/adam.ts";
import { type ObjectiveOptions, windowLoss } from "../../core/train/window_loss.ts";
import {
  DEFAULT_PREDICTED_FRAMES_STEPS,
  predictedStepsSample,
} from "../../core/train/predicted_steps.ts";
import { fallbackKernelsUsed } from "../../core/model/torch/torch_backend.ts";

const L = 64, ENCODE = 256;

function arg(name: string, fallback: string): string {
  const i = Deno.args.indexOf(name);
  return i >= 0 ? Deno.args[i + 1] : fallback;
}

const device = arg("--device", "cpu") as "cpu" | "cuda";
const sizes = arg("--sizes", "64").split(",").map(Number);
const steps = Number(arg("--steps", device === "cuda" ? "20" : "8"));

/** Our rows, in this process: median frames/s of AE and end-to-end steps, and of encoding. */
async function measure(backend: "torch" | "wasm", size: number) {
  await useBackend(backend, backend === "torch" ? { device } : {});
  const config = defaultCaeConfig(size, size);
  const x = tf.randomNormal([L, size, size, 1], 0, 1, "float32", 1) as tf.Tensor4D;
  const arms = (["ae", "end-to-end"] as const).map((mode) => {
    const cae = createCae(config, 1);
    const opt = new Adam(1e-3, cae.variables);
    let drawn = 0;
    const one = () => {
      const options: ObjectiveOptions = {
        mode,
        var: { lags: 1, lambdaFraction: 0.1 },
        predictedFramesSubset: mode === "end-to-end"
          ? predictedStepsSample(L - 1, DEFAULT_PREDICTED_FRAMES_STEPS, {
            seed: 1,
            epoch: 0,
            start: drawn++,
          })
          : undefined,
      };
      // Adam.step reads the loss back: every step ends with the device's work done.
      opt.step(() => windowLoss(cae, x, options).total);
    };
    return { cae, opt, one, times: [] as number[] };
  });
  for (let i = 0; i < 3; i++) for (const a of arms) a.one();
  for (let i = 0; i < steps; i++) {
    for (let k = 0; k < arms.length; k++) {
      const a = arms[(i + k) % arms.length];
      const t0 = performance.now();
      a.one();
      a.times.push(performance.now() - t0);
    }
  }
  const median = (t: number[]) => t.sort((a, b) => a - b)[Math.floor(t.length / 2)];
  const [ae, e2e] = arms.map((a) => L / (median(a.times) / 1000));
  // Encoding: the encoder on 256 frames, the latents read back (what `encode` does).
  const frames = tf.randomNormal([ENCODE, size, size, 1], 0, 1, "float32", 2) as tf.Tensor4D;
  const encTimes: number[] = [];
  for (let i = 0; i < steps + 2; i++) {
    const t0 = performance.now();
    const z = arms[0].cae.encode(frames);
    await z.data();
    z.dispose();
    if (i >= 2) encTimes.push(performance.now() - t0);
  }
  const encode = ENCODE / (median(encTimes) / 1000);
  for (const a of arms) {
    a.opt.dispose();
    tf.dispose(Object.values(a.cae.variables));
  }
  tf.dispose([x, frames]);
  return { ae, e2e, encode, fallbacks: fallbackKernelsUsed() };
}

type Ours = Awaited<ReturnType<typeof measure>>;

async function child(backend: "torch" | "wasm", size: number, threads: number): Promise<Ours> {
  const out = await new Deno.Command(Deno.execPath(), {
    args: [
      "run",
      "--allow-all",
      // deno.json's settings where there is one; none for the bundle torch_gpu.sh packs.
      ...(import.meta.url.endsWith(".js") ? ["--no-config"] : []),
      new URL(import.meta.url).pathname,
      "--child",
      backend,
      "--size",
      String(size),
      "--device",
      device,
      "--steps",
      String(steps),
    ],
    env: {
      OMP_NUM_THREADS: String(threads),
      MKL_NUM_THREADS: String(threads),
      SPARSEDYN_WASM_THREADS: String(threads),
    },
    stdout: "piped",
    stderr: "inherit",
  }).output();
  if (!out.success) throw new Error(`the ${backend} bench at ${size}² failed`);
  const lines = new TextDecoder().decode(out.stdout).trim().split("\n");
  return JSON.parse(lines[lines.length - 1]);
}

interface Peer {
  framesPerSecond: number;
  encodeFramesPerSecond: number;
  torch: string;
}

async function peer(size: number, threads: number): Promise<Peer> {
  const c = defaultCaeConfig(size, size);
  const out = await new Deno.Command("python3", {
    args: [
      arg("--peer", new URL("./torch_peer.py", import.meta.url).pathname),
      `${size}`,
      `${size}`,
      `${L}`,
      c.channels.join(","),
      `${c.latentChannels}`,
      `${c.staticChannels}`,
      `${threads}`,
      `${steps}`,
      device,
    ],
    // OpenMP's waiting as the torch backend sets it (core/model/torch/libtorch.ts): with its
    // default spinning, either side can lose a busy machine's cores to its own idle thread.
    env: { OMP_WAIT_POLICY: Deno.env.get("OMP_WAIT_POLICY") ?? "PASSIVE" },
    stdout: "piped",
    stderr: "piped",
  }).output();
  if (!out.success) {
    const why = new TextDecoder().decode(out.stderr).split("\n").filter(Boolean).pop();
    return { framesPerSecond: NaN, encodeFramesPerSecond: NaN, torch: `unavailable: ${why}` };
  }
  return JSON.parse(new TextDecoder().decode(out.stdout));
}

if (Deno.args.includes("--child")) {
  const backend = arg("--child", "torch") as "torch" | "wasm";
  console.log(JSON.stringify(await measure(backend, Number(arg("--size", "64")))));
} else {
  const cores = Math.min(navigator.hardwareConcurrency || 1, MAX_WASM_THREADS);
  const threadCounts = Deno.args.includes("--threads")
    ? arg("--threads", "1").split(",").map(Number)
    : device === "cuda"
    ? [cores]
    : cores > 1
    ? [1, cores]
    : [1];
  const rows: string[][] = [];
  const f = (v: number) => (Number.isFinite(v) ? v.toFixed(v < 10 ? 1 : 0) : "—");
  const r = (a: number, b: number) => (Number.isFinite(a / b) ? (a / b).toFixed(2) + "×" : "—");
  let version = "";
  for (const size of sizes) {
    for (const t of threadCounts) {
      let best = await peer(size, t);
      const ours = await child("torch", size, t);
      // wasm's row: "—" where it cannot run (the bundle torch_gpu.sh packs has no wasm
      // binaries of tfjs; the child has printed why).
      const wasm = device === "cpu"
        ? await child("wasm", size, t).catch(() => undefined)
        : undefined;
      const again = await peer(size, t);
      if (!(best.framesPerSecond >= again.framesPerSecond)) best = again;
      version = best.torch;
      rows.push([
        `${size}×${size}`,
        device === "cpu" ? String(t) : device,
        f(ours.ae),
        f(ours.e2e),
        r(ours.ae, ours.e2e),
        f(best.framesPerSecond),
        r(ours.ae, best.framesPerSecond),
        wasm ? f(wasm.ae) : "—",
        wasm ? r(ours.ae, wasm.ae) : "—",
        f(ours.encode),
        f(best.encodeFramesPerSecond),
        ours.fallbacks.length ? ours.fallbacks.join(" ") : "none",
      ]);
    }
  }
  const head = [
    "frames",
    device === "cpu" ? "threads" : "device",
    "torch AE f/s",
    "torch e2e f/s",
    "e2e step / AE step",
    "PyTorch AE f/s",
    "ours / PyTorch",
    "wasm AE f/s",
    "torch / wasm",
    "encode f/s",
    "PyTorch encode f/s",
    "cpu fallbacks",
  ];
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((x) => x[i].length)));
  const line = (x: string[]) => "| " + x.map((c, i) => c.padStart(widths[i])).join(" | ") + " |";
  console.log(
    `torch backend (${device}), default autoencoder, ${L}-frame windows; end to end with the ` +
      `predicted frames at ${DEFAULT_PREDICTED_FRAMES_STEPS} of ${L - 1} steps; encode: ` +
      `${ENCODE} frames a call; peer: PyTorch ${version} eager, same device and threads`,
  );
  console.log(line(head));
  console.log("|" + widths.map((w) => "-".repeat(w + 2)).join("|") + "|");
  for (const x of rows) console.log(line(x));
}
