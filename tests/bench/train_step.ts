// Benchmark: training-step throughput (frames/s) of the default autoencoder, AE-only and
// end to end (through the VAR layer; the predicted frames decoded at training's default
// number of random predicted steps, and, in a row of its own, at all of them — the exact
// term): on wasm with the fused step (what training uses there) and the async step (what
// webgpu needs), with 1 thread and with one per core (each thread
// count in a process of its own: the wasm backend's count is fixed once it has started), on
// webgpu where an adapter exists (a software one is marked so, and measured with fewer
// steps), and the same architecture in PyTorch on the CPU (Debian's python3-torch, the same
// thread count as the row) in the same run; prints the ratios.
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

const H = 64, W = 64, L = 64, STEPS = 8;
const config = defaultCaeConfig(H, W);

async function ours(
  backend: "wasm" | "webgpu",
  mode: "ae" | "end-to-end",
  step: "fused" | "async",
  steps = STEPS,
  weights?: { reconstruction: number; prediction: number; predictedFrames: number },
  predictedFramesSteps = DEFAULT_PREDICTED_FRAMES_STEPS,
) {
  await useBackend(backend);
  const cae = createCae(config, 1);
  const opt = new Adam(1e-3, cae.variables);
  const x = tf.randomNormal([L, H, W, 1], 0, 1, "float32", 1) as tf.Tensor4D;
  let drawn = 0;
  const one = async () => {
    // A fresh subset each step, drawn as trainCae draws it (0: every predicted step).
    const options: ObjectiveOptions = {
      mode,
      var: { lags: 1, lambdaFraction: 0.1 },
      weights,
      predictedFramesSubset: mode === "end-to-end"
        ? predictedStepsSample(L - 1, predictedFramesSteps, { seed: 1, epoch: 0, start: drawn++ })
        : undefined,
    };
    if (step === "fused") {
      opt.step(() => windowLoss(cae, x, options).total);
      return;
    }
    const r = await asyncWindowGradients(cae, x, options);
    opt.applyGradients(r.grads);
    tf.dispose(Object.values(r.grads));
  };
  for (let i = 0; i < 3; i++) await one(); // warm up (kernels compiled, buffers sized)
  // The median step: this machine's other tenants make single steps slow now and then.
  const times: number[] = [];
  for (let i = 0; i < steps; i++) {
    const t0 = performance.now();
    await one();
    times.push(performance.now() - t0);
  }
  times.sort((a, b) => a - b);
  const fps = L / (times[Math.floor(times.length / 2)] / 1000);
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

/** The wasm rows for this process's thread count (SPARSEDYN_WASM_THREADS). */
async function wasmRows(): Promise<{ name: string; ae: number; e2e: number }[]> {
  const aeFused = await ours("wasm", "ae", "fused");
  return [
    { name: "fused step", ae: aeFused, e2e: await ours("wasm", "end-to-end", "fused") },
    // The predicted frames decoded at every predicted step: the term training estimates.
    {
      name: "fused, exact predicted-frames term",
      ae: aeFused,
      e2e: await ours("wasm", "end-to-end", "fused", STEPS, undefined, 0),
    },
    // What the VAR layer itself costs: end to end without the predicted frames' decoder pass.
    {
      name: "fused, no predicted-frames term",
      ae: aeFused,
      e2e: await ours("wasm", "end-to-end", "fused", STEPS, {
        reconstruction: 1,
        prediction: 1,
        predictedFrames: 0,
      }),
    },
    {
      name: "async step",
      ae: await ours("wasm", "ae", "async"),
      e2e: await ours("wasm", "end-to-end", "async"),
    },
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
  const peers = new Map<number, Awaited<ReturnType<typeof torch>>>();
  for (const t of threadCounts) peers.set(t, await torch(t));
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
  for (const t of threadCounts) {
    for (const r of await wasmRowsIn(t)) {
      if (r.name === "fused step") wasmFused.set(t, r.ae);
      row(`wasm, ${r.name} (${t} thread${t > 1 ? "s" : ""})`, r.ae, r.e2e, t);
    }
  }
  const adapter = await webgpuAdapter();
  if (adapter.kind !== "none") {
    // A software adapter (Mesa's llvmpipe) takes seconds per step: fewer steps there.
    const steps = adapter.kind === "software" ? 2 : STEPS;
    row(
      `webgpu, async step (${adapter.kind}: ${adapter.description})`,
      await ours("webgpu", "ae", "async", steps),
      await ours("webgpu", "end-to-end", "async", steps),
      cores,
    );
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
