// `sparsedyn train`: a run folder from a synthetic recording, the same seed → the same
// losses, and typed errors for bad flags.
import { loadRun } from "../../core/runs/run_folder.ts";
import { webgpuAdapter } from "../../core/model/backend.ts";
import { assert, assertEquals } from "../_helpers/assert.ts";
import { cli, synth16 } from "./_run.ts";

Deno.test("sparsedyn train writes a complete run folder, reproducibly", async () => {
  const dir = await Deno.makeTempDir();
  try {
    await synth16(`${dir}/s`, 96);
    for (const [name, mode] of [["a", "end-to-end"], ["b", "end-to-end"], ["c", "two-stage"]]) {
      const r = await cli([
        "train",
        `${dir}/s/movie.npy`,
        "--out",
        `${dir}/${name}`,
        "--mode",
        mode,
        "--epochs",
        "2",
        "--window",
        "24",
        "--json",
      ]);
      assertEquals(r.code, 0, r.stderr);
      assertEquals(JSON.parse(r.stdout).mode, mode);
    }
    const a = await loadRun(`${dir}/a`),
      b = await loadRun(`${dir}/b`),
      c = await loadRun(`${dir}/c`);
    assertEquals(
      a.metrics.map((m) => m.loss),
      b.metrics.map((m) => m.loss),
      "same seed, same losses",
    );
    assertEquals(a.latents.shape, [96, 8]); // 16×16 / 2³ → 2×2 maps of 2 channels
    assertEquals(a.var.A[0].length, 8);
    assert(
      Object.keys(a.weights).length > 10 && a.meanImage.shape.join() === "16,16",
      "weights and mean image",
    );
    assertEquals(c.metrics[0].prediction, 0, "two-stage trains the autoencoder alone");
    assert((a.metrics[0].prediction as number) > 0, "end-to-end trains through the VAR");
    const again = await cli(["train", `${dir}/s/movie.npy`, "--out", `${dir}/a`]);
    assertEquals(again.code, 1);
    assert(again.stderr.includes("already exists"), again.stderr);
    const bad = await cli(["train", `${dir}/s/movie.npy`, "--out", `${dir}/x`, "--mode", "joint"]);
    assertEquals(bad.code, 2);
    assert(bad.stderr.includes("--mode"), bad.stderr);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("sparsedyn train stops cleanly on Ctrl-C and --resume finishes with the same losses", async () => {
  const dir = await Deno.makeTempDir();
  try {
    await synth16(`${dir}/s`, 96);
    const args = (
      out: string,
    ) => ["train", `${dir}/s/movie.npy`, "--out", out, "--epochs", "6", "--window", "24", "--json"];
    const whole = await cli(args(`${dir}/whole`));
    assertEquals(whole.code, 0, whole.stderr);
    // Interrupt a run once its first epoch has been reported, then resume it.
    const main = new URL("../../cli/main.ts", import.meta.url).pathname;
    const child = new Deno.Command(Deno.execPath(), {
      args: ["run", "--allow-read", "--allow-write", "--allow-env", main, ...args(`${dir}/cut`)],
      stdout: "piped",
      stderr: "piped",
      env: { NO_COLOR: "1" },
    }).spawn();
    const reader = child.stderr.pipeThrough(new TextDecoderStream()).getReader();
    let seen = "";
    while (!seen.includes('"done":1')) {
      const { value, done } = await reader.read();
      if (done) break;
      seen += value;
    }
    child.kill("SIGINT");
    for (;;) {
      const { value, done } = await reader.read();
      if (done) break;
      seen += value;
    }
    const status = await child.status;
    await child.stdout.cancel();
    assertEquals(status.code, 130, seen);
    assert(seen.includes("--resume"), seen);
    const live = Deno.readTextFileSync(`${dir}/cut.checkpoint/metrics.jsonl`).trim().split("\n")
      .map((l) => JSON.parse(l));
    assert(live.length >= 1, "the live metrics hold the finished epochs");
    assertEquals(live[0].epoch, 0);
    const resumed = await cli([...args(`${dir}/cut`), "--resume"]);
    assertEquals(resumed.code, 0, resumed.stderr);
    const a = await loadRun(`${dir}/whole`), b = await loadRun(`${dir}/cut`);
    assertEquals(
      b.metrics.map((m) => m.loss),
      a.metrics.map((m) => m.loss),
      "identical losses after an interruption",
    );
    assertEquals(
      [...Deno.readDirSync(dir)].map((e) => e.name).sort(),
      ["cut", "s", "whole"],
      "the checkpoint is gone",
    );
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("sparsedyn train --config: the file's settings, flags override, bad files and backends are typed errors", async () => {
  const dir = await Deno.makeTempDir();
  try {
    await synth16(`${dir}/s`, 64);
    await Deno.writeTextFile(
      `${dir}/c.json`,
      JSON.stringify({
        mode: "two-stage",
        epochs: 5,
        windowLength: 16,
        cae: { channels: [8, 8], latentChannels: 3, activation: "tanh" },
      }),
    );
    const r = await cli([
      "train",
      `${dir}/s/movie.npy`,
      "--out",
      `${dir}/run`,
      "--config",
      `${dir}/c.json`,
      "--epochs",
      "1",
      "--json",
    ]);
    assertEquals(r.code, 0, r.stderr);
    const run = await loadRun(`${dir}/run`);
    assertEquals(run.config.mode, "two-stage", "mode from the file");
    assertEquals(run.config.backend, "wasm", "the backend that trained it (auto → wasm, no GPU)");
    const cae = run.config.cae as Record<string, unknown>;
    assertEquals(cae.channels, [8, 8]);
    assertEquals(cae.activation, "tanh");
    assertEquals(run.latents.shape, [64, 4 * 4 * 3], "16×16 / 2² → 4×4 maps of 3 channels");
    assertEquals(run.metrics.length, 1, "--epochs overrides the file's 5");
    assertEquals((run.config.optimisation as Record<string, unknown>).windowLength, 16);

    await Deno.writeTextFile(`${dir}/typo.json`, JSON.stringify({ epoch: 3 }));
    await Deno.writeTextFile(`${dir}/kernel.json`, JSON.stringify({ cae: { kernel: 4 } }));
    for (
      const [file, words] of [
        [`${dir}/typo.json`, ['unknown key "epoch"']],
        [`${dir}/kernel.json`, ['"cae.kernel" must be an odd integer']],
        [`${dir}/absent.json`, ["cannot read the config"]],
      ] as const
    ) {
      const bad = await cli([
        "train",
        `${dir}/s/movie.npy`,
        "--out",
        `${dir}/bad`,
        "--config",
        file,
      ]);
      assert(bad.code !== 0, "a bad config fails");
      assert(bad.stderr.includes(file), bad.stderr);
      for (const w of words) assert(bad.stderr.includes(w), bad.stderr);
    }
    const tfNode = await cli([
      "train",
      `${dir}/s/movie.npy`,
      "--out",
      `${dir}/bad`,
      "--backend",
      "tensorflow",
    ]);
    assert(tfNode.code !== 0, "tensorflow is absent here");
    assert(tfNode.stderr.includes("@tensorflow/tfjs-node"), tfNode.stderr);
    assert(
      ![...Deno.readDirSync(dir)].some((e) =>
        e.name.startsWith("bad") || e.name.startsWith(".sparsedyn-frames-")
      ),
      "no output (nor the preprocessed frames' temporary folder) from failed runs",
    );
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

const adapter = await webgpuAdapter();

Deno.test({
  name: `sparsedyn train --backend webgpu trains as cpu does (adapter: ${adapter.description})`,
  ignore: adapter.kind === "none",
  async fn() {
    const dir = await Deno.makeTempDir();
    try {
      await synth16(`${dir}/s`, 48);
      const runs = [];
      for (const backend of ["cpu", "webgpu"]) {
        const r = await cli([
          "train",
          `${dir}/s/movie.npy`,
          "--out",
          `${dir}/${backend}`,
          "--backend",
          backend,
          "--epochs",
          "1",
          "--window",
          "16",
          "--json",
        ]);
        assertEquals(r.code, 0, r.stderr);
        assertEquals(JSON.parse(r.stdout).backend, backend);
        runs.push(await loadRun(`${dir}/${backend}`));
      }
      const [cpu, gpu] = runs.map((r) => r.metrics[0].loss as number);
      assert(Math.abs(cpu - gpu) <= 1e-3 * cpu, `loss on cpu ${cpu}, on webgpu ${gpu}`);
      assertEquals(runs[1].latents.shape, [48, 8]);
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  },
});

Deno.test("sparsedyn train notes a window too short for the VAR layer's coefficients", async () => {
  const dir = await Deno.makeTempDir();
  try {
    await synth16(`${dir}/s`, 32);
    // 16×16 → 2×2 maps of 2 channels: d = 8 coefficients per latent, 7 samples per window.
    // By default the encoder gets a fourth layer (1×1×2: d = 2) and says so.
    const short = await cli(
      ["train", `${dir}/s/movie.npy`, "--out", `${dir}/a`, "--epochs", "1", "--window", "8"],
    );
    assertEquals(short.code, 0, short.stderr);
    assert(short.stderr.includes("note: model: 2 latents"), short.stderr);
    assert(short.stderr.includes("4 stride-2 layers instead of 3"), short.stderr);
    assert(!short.stderr.includes("expect slow"), short.stderr);
    assertEquals(
      JSON.parse(await Deno.readTextFile(`${dir}/a/config.json`)).cae.channels.length,
      4,
    );
    // Channels given: kept, with the warning.
    await Deno.writeTextFile(`${dir}/c.json`, JSON.stringify({ cae: { channels: [16, 32, 32] } }));
    const given = await cli([
      "train",
      `${dir}/s/movie.npy`,
      "--out",
      `${dir}/c`,
      "--epochs",
      "1",
      "--window",
      "8",
      "--config",
      `${dir}/c.json`,
    ]);
    assertEquals(given.code, 0, given.stderr);
    assert(given.stderr.includes("note: the VAR layer fits 8 coefficients"), given.stderr);
    const fine = await cli(
      ["train", `${dir}/s/movie.npy`, "--out", `${dir}/b`, "--epochs", "1", "--window", "16"],
    );
    assertEquals(fine.code, 0, fine.stderr);
    assert(fine.stderr.includes("note: model: 8 latents"), fine.stderr);
    assert(!fine.stderr.includes("expect slow"), fine.stderr);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("sparsedyn train --bic chooses each window's λ per equation by BIC, and says so in config.json", async () => {
  const dir = await Deno.makeTempDir();
  try {
    await synth16(`${dir}/s`, 48);
    const r = await cli(
      [
        "train",
        `${dir}/s/movie.npy`,
        "--out",
        `${dir}/a`,
        "--epochs",
        "1",
        "--window",
        "16",
        "--bic",
      ],
    );
    assertEquals(r.code, 0, r.stderr);
    const run = await loadRun(`${dir}/a`);
    const objective = run.config.objective as Record<string, unknown>;
    assertEquals(objective.bic, true);
    assert(!("lambdaFraction" in objective), JSON.stringify(objective));
    assert((run.metrics[0].prediction as number) > 0, "the VAR layer trained");
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
