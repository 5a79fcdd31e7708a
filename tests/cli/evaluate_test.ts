// `sparsedyn evaluate`: a trained run on held-out frames (JSON and the table), its
// evaluation.json, and bad input (exit 1, the file named, nothing written) and usage errors
// (exit 2, the flag named).
import { encodeNpy } from "../../core/data/npy.ts";
import { assert, assertEquals } from "../_helpers/assert.ts";
import { cli, synth16 } from "./_run.ts";

Deno.test("sparsedyn evaluate: held-out errors next to the baselines, cells scored, evaluation.json written", async () => {
  const dir = await Deno.makeTempDir();
  try {
    await synth16(`${dir}/s`, 100);
    const t = await cli([
      "train",
      `${dir}/s/movie.npy[0:70]`,
      "--out",
      `${dir}/run`,
      "--mode",
      "end-to-end",
      "--epochs",
      "1",
      "--window",
      "24",
    ]);
    assertEquals(t.code, 0, t.stderr);
    assert(
      t.stderr.includes("fitting the VAR"),
      "the steps after training are announced: " + t.stderr,
    );
    const cells = new Float64Array(256);
    for (let q = 0; q < 40; q++) cells[q * 6] = 1;
    await Deno.writeFile(`${dir}/cells.npy`, encodeNpy(cells, [16, 16]));
    const r = await cli([
      "evaluate",
      `${dir}/run`,
      "--heldout",
      `${dir}/s/movie.npy[70:]`,
      "--rois",
      `${dir}/cells.npy`,
      "--map-frames",
      "4",
      "--map-steps",
      "2",
      "--json",
    ]);
    assertEquals(r.code, 0, r.stderr);
    const e = JSON.parse(r.stdout);
    assertEquals([e.frames.heldout, e.latents, e.horizons.join()], [30, 8, "1,2,5"]);
    assertEquals(e.baselines.reconstruction.pca.map((p: { k: number }) => p.k), [8]);
    assert(e.model.prediction.length === 3 && e.cells.count > 0, r.stdout);
    assertEquals(JSON.parse(await Deno.readTextFile(`${dir}/run/evaluation.json`)), e);
    const text = await cli([
      "evaluate",
      `${dir}/run`,
      "--heldout",
      `${dir}/s/movie.npy[70:]`,
      "--components",
      "2,4",
    ]);
    assertEquals(text.code, 0, text.stderr);
    for (
      const part of [
        "reconstruction",
        "1-step",
        "5-step",
        "persistence",
        "PCA-2 (+ lasso VAR)",
        "PCA-4",
        "latent persistence",
        "recent mean",
      ]
    ) {
      assert(text.stdout.includes(part), `"${part}" in:\n${text.stdout}`);
    }

    // Bad input: exit 1, the file named; the earlier evaluation.json kept.
    const before = await Deno.readTextFile(`${dir}/run/evaluation.json`);
    const short = await cli(["evaluate", `${dir}/run`, "--heldout", `${dir}/s/movie.npy[97:]`]);
    assertEquals(short.code, 1, short.stderr);
    assert(short.stderr.includes("movie.npy[97:]"), short.stderr);
    const past = await cli(["evaluate", `${dir}/run`, "--heldout", `${dir}/s/movie.npy[70:500]`]);
    assertEquals(past.code, 1, past.stderr);
    assert(past.stderr.includes("100 frames"), past.stderr);
    const noRun = await cli(["evaluate", `${dir}/nothing`, "--heldout", `${dir}/s/movie.npy`]);
    assertEquals(noRun.code, 1, noRun.stderr);
    assertEquals(await Deno.readTextFile(`${dir}/run/evaluation.json`), before);

    // Usage errors: exit 2, the flag named.
    for (
      const [args, flag] of [
        [[`${dir}/run`], "--heldout"],
        [[`${dir}/run`, "--heldout", "x.npy", "--horizons", "1,0"], "--horizons"],
        [[`${dir}/run`, "--heldout", "x.npy", "--backend", "gpu"], "--backend"],
        [[`${dir}/run`, "--heldout", "x.npy", "--frobnicate"], "--frobnicate"],
      ] as const
    ) {
      const u = await cli(["evaluate", ...args]);
      assertEquals(u.code, 2, `${args.join(" ")}: ${u.stderr}`);
      assert(u.stderr.includes(flag), u.stderr);
    }
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
