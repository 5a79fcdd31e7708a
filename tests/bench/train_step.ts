// Benchmark: training-step throughput (frames/s) of the default autoencoder, AE-only and
// end to end (through the VAR layer; the predicted frames decoded at training's default
// number of random predicted steps, and, in a row of its own, at all of them — the exact
// term), the configurations of a row group timed step by step in turn so that their ratios
// hold on a busy machine: on wasm with the fused step (what training uses there) and the
// async step (what webgpu needs), with 1 thread and with one per core (each thread
// count in a process of its own: the wasm backend's count is fixed once it has started), on
// webgpu where an adapter exists (a software one is marked so, and measured with fewer
// steps), and the same architecture in PyTorch on the CPU (Debian's python3-torch, the same
// thread count as the row, run before and after ours, its faster run kept) in the same run;
// prints the ratios.
//
//   deno task bench     (or: deno run -A tests/bench/train_step.ts)
import { MAX_WASM_THREADS, useBackend, webgpuAdapter } from "../../core/model/backend.ts";
import { createCae, defaultCaeConfig } from "../../core/model/cae.ts";
import { tf } from "../../core/model/tf.ts";
import { Adam } from "../../core/train/adam.ts";
import { asyncWindowGradients } from "../../core/train/async_step.ts";
import { type ObjectiveOptions, windowLoss } from "../../core/train/window_loss.ts";
import {
  DEFAULT_PREDICTED_FRAMES_STEPS,
  predictedStepsSample,
} from "../../core/train/predicted_steps.ts";

const H = 64, W = 64, L = 64, STEPS = 12;
const config = defaultCaeConfig(H, W);

/** One configuration to time: a model, an optimiser and a step of its own. */
interface Arm {
  mode: "ae" | "end-to-end";
  step: "fused" | "async";
  weights?: { reconstruction: number; prediction: number; predictedFrames: number };
  /** End to end: predicted steps decoded per step (0: all, the exact term). */
  predictedFramesSteps?: number;
}

/**
 * Frames/s of each arm, with steps interleaved (A B C A B C …) so that the other tenants
 * of a shared machine slow every arm alike and the ratios hold; the median step of each.
 */
async function ours(backend: "wasm" | "webgpu", arms: Arm[], steps = STEPS): Promise<number[]> {
  await useBackend(backend);
  const x = tf.randomNormal([L, H, W, 1], 0, 1, "float32", 1) as tf.Tensor4D;
  const runners = arms.map((arm) => {
    const cae = createCae(config, 1);
    const opt = new Adam(1e-3, cae.variables);
    let drawn = 0;
    const one = async () => {
      // A fresh subset each step, drawn as trainCae draws it (0: every predicted step).
      const options: ObjectiveOptions = {
        mode: arm.mode,
        var: { lags: 1, lambdaFraction: 0.1 },
        weights: arm.weights,
        predictedFramesSubset: arm.mode === "end-to-end"
          ? predictedStepsSample(
            L - 1,
            arm.predictedFramesSteps ?? DEFAULT_PREDICTED_FRAMES_STEPS,
            { seed: 1, epoch: 0, start: drawn++ },
          )
          : undefined,
      };
      if (arm.step === "fused") {
        opt.step(() => windowLoss(cae, x, options).total);
        return;
      }
      const r = await asyncWindowGradients(cae, x, options);
      opt.applyGradients(r.grads);
      tf.dispose(Object.values(r.grads));
    };
    return { cae, opt, one, times: [] as number[] };
  });
  // Warm up (kernels compiled, buffers sized).
  for (let i = 0; i < 3; i++) for (const r of runners) await r.one();
  for (let i = 0; i < steps; i++) {
    // Each round starts one arm later, so that no arm always follows the same one (an arm
    // after a heavy one inherits its caches and heap).
    for (let k = 0; k < runners.length; k++) {
      const r = runners[(i + k) % runners.length];
      const t0 = performance.now();
      await r.one();
      r.times.push(performance.now() - t0);
    }
  }
  tf.dispose(x);
  return runners.map((r) => {
    r.opt.dispose();
    tf.dispose(Object.values(r.cae.variables));
    const t = r.times.sort((a, b) => a - b);
    return L / (t[Math.floor(t.length / 2)] / 1000);
  });
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

/** The wasm rows for this process's thread count (SPARSEDYN_WASM_THREADS). */
async function wasmRows(): Promise<{ name: string; ae: number; e2e: number }[]> {
  const [ae, sampled, exact, noTerm] = await ours("wasm", [
    { mode: "ae", step: "fused" },
    { mode: "end-to-end", step: "fused" },
    // The predicted frames decoded at every predicted step: the term training estimates.
    { mode: "end-to-end", step: "fused", predictedFramesSteps: 0 },
    // What the VAR layer itself costs: end to end without the predicted frames' decoder pass.
    {
      mode: "end-to-end",
      step: "fused",
      weights: { reconstruction: 1, prediction: 1, predictedFrames: 0 },
    },
  ]);
  const [aeAsync, e2eAsync] = await ours("wasm", [
    { mode: "ae", step: "async" },
    { mode: "end-to-end", step: "async" },
  ]);
  return [
    { name: "fused step", ae, e2e: sampled },
    { name: "fused, exact predicted-frames term", ae, e2e: exact },
    { name: "fused, no predicted-frames term", ae, e2e: noTerm },
    { name: "async step", ae: aeAsync, e2e: e2eAsync },
  ];
}

/** The wasm rows measured in a child process with `threads` threads. */
async function wasmRowsIn(threads: number): Promise<{ name: string; ae: number; e2e: number }[]> {
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["run", "--allow-all", new URL(import.meta.url).pathname, "--wasm-rows"],
    env: { SPARSEDYN_WASM_THREADS: String(threads) },
    stdout: "piped",
    stderr: "inherit",
  }).output();
  if (!out.success) throw new Error(`the wasm bench with ${threads} thread(s) failed`);
  const lines = new TextDecoder().decode(out.stdout).trim().split("\n");
  return JSON.parse(lines[lines.length - 1]);
}

if (Deno.args.includes("--wasm-rows")) {
  console.log(JSON.stringify(await wasmRows()));
} else {
  const cores = Math.min(navigator.hardwareConcurrency || 1, MAX_WASM_THREADS);
  const threadCounts = cores > 1 ? [1, cores] : [1];
  // The peer runs before and after our rows and keeps its faster run: a busy moment on a
  // shared machine should not make it look slow.
  const peers = new Map<number, Awaited<ReturnType<typeof torch>>>();
  const runPeers = async () => {
    for (const t of threadCounts) {
      const p = await torch(t), before = peers.get(t);
      if (!before || !(before.framesPerSecond >= p.framesPerSecond)) peers.set(t, p);
    }
  };
  await runPeers();
  const rows: string[][] = [];
  const row = (name: string, ae: number, e2e: number, threads: number) => {
    const peer = peers.get(threads)!;
    const ok = Number.isFinite(peer.framesPerSecond);
    rows.push([
      name,
      ae.toFixed(ae < 10 ? 1 : 0),
      e2e.toFixed(e2e < 10 ? 1 : 0),
      (ae / e2e).toFixed(2) + "×",
      ok ? `${peer.framesPerSecond.toFixed(0)} (${threads} thr.)` : "—",
      ok ? (ae / peer.framesPerSecond).toFixed(2) + "×" : "—",
    ]);
  };
  const wasmFused = new Map<number, number>();
  const measured = new Map<number, Awaited<ReturnType<typeof wasmRowsIn>>>();
  for (const t of threadCounts) measured.set(t, await wasmRowsIn(t));
  await runPeers();
  for (const [t, rs] of measured) {
    for (const r of rs) {
      if (r.name === "fused step") wasmFused.set(t, r.ae);
      row(`wasm, ${r.name} (${t} thread${t > 1 ? "s" : ""})`, r.ae, r.e2e, t);
    }
  }
  const adapter = await webgpuAdapter();
  if (adapter.kind !== "none") {
    // A software adapter (Mesa's llvmpipe) takes seconds per step: fewer steps there.
    const steps = adapter.kind === "software" ? 2 : STEPS;
    const [ae, e2e] = await ours("webgpu", [
      { mode: "ae", step: "async" },
      { mode: "end-to-end", step: "async" },
    ], steps);
    row(`webgpu, async step (${adapter.kind}: ${adapter.description})`, ae, e2e, cores);
  } else rows.push([`webgpu: ${adapter.description}`, "—", "—", "—", "—", "—"]);
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
    `Training step, default autoencoder, ${L}-frame windows of ${H}×${W}; end to end, the ` +
      `predicted frames at ${DEFAULT_PREDICTED_FRAMES_STEPS} of ${L - 1} predicted steps ` +
      `unless the row says otherwise; ` +
      `peer: PyTorch ${peers.get(1)!.torch}, same thread count as the row`,
  );
  console.log(line(head));
  console.log("|" + widths.map((w) => "-".repeat(w + 2)).join("|") + "|");
  for (const r of rows) console.log(line(r));
  // The target compares with PyTorch as fast as it runs here, whichever its threads.
  const best = [...peers].filter(([, p]) => Number.isFinite(p.framesPerSecond))
    .sort((a, b) => b[1].framesPerSecond - a[1].framesPerSecond)[0];
  const oursBest = Math.max(...wasmFused.values());
  if (best) {
    console.log(
      `Fastest wasm AE step (fused): ${oursBest.toFixed(0)} frames/s; fastest PyTorch: ` +
        `${best[1].framesPerSecond.toFixed(0)} frames/s (${best[0]} thread(s)); ratio ` +
        `${(oursBest / best[1].framesPerSecond).toFixed(2)}×`,
    );
  }
}
