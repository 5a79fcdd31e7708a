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
    assertEquals(a.latents.shape, [96, 64]);
    assertEquals(a.var.A[0].length, 64);
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
