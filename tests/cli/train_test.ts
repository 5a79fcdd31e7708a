// `sparsedyn train`: a run folder from a synthetic recording, the same seed → the same
// losses, and typed errors for bad flags.
import { loadRun } from "../../core/runs/run_folder.ts";
import { assert, assertEquals } from "../_helpers/assert.ts";
import { cli } from "./_run.ts";

Deno.test("sparsedyn train writes a complete run folder, reproducibly", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const s = await cli([
      "synth",
      "--out",
      `${dir}/s`,
      "--height",
      "16",
      "--width",
      "16",
      "--frames",
      "96",
      "--cells",
      "3",
    ]);
    assertEquals(s.code, 0, s.stderr);
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
    const s = await cli([
      "synth",
      "--out",
      `${dir}/s`,
      "--height",
      "16",
      "--width",
      "16",
      "--frames",
      "96",
      "--cells",
      "3",
    ]);
    assertEquals(s.code, 0, s.stderr);
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
