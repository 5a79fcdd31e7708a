// `sparsedyn maps`: maps of a trained run folder (JSON and terminal), refusing an existing
// maps/ unless --force, a folder without a model (exit 1, named), usage errors (exit 2).
import { decodeNpy } from "../../core/data/npy.ts";
import { summarizeMap } from "../../core/maps/summary.ts";
import { assert, assertEquals } from "../_helpers/assert.ts";
import { cli, synth16 } from "./_run.ts";

Deno.test("sparsedyn maps writes the maps of a run, refuses to overwrite without --force", async () => {
  const dir = await Deno.makeTempDir();
  try {
    await synth16(`${dir}/s`, 72);
    const t = await cli([
      "train",
      `${dir}/s/movie.npy`,
      "--out",
      `${dir}/run`,
      "--mode",
      "two-stage",
      "--epochs",
      "1",
      "--window",
      "24",
    ]);
    assertEquals(t.code, 0, t.stderr);
    // The movie defaults to the one the run was trained on.
    const r = await cli([
      "maps",
      `${dir}/run`,
      "--frames",
      "6",
      "--steps",
      "4",
      "--edges",
      "--json",
    ]);
    assertEquals(r.code, 0, r.stderr);
    // stdout holds the one JSON object; progress went to stderr, as JSON lines, to the end.
    assertEquals(r.stdout.trim().split("\n").length, 1, r.stdout);
    const lines = r.stderr.trim().split("\n").map((l) => JSON.parse(l));
    for (const label of ["preprocess", "maps", "write maps"]) {
      assert(
        lines.some((l) => l.progress === label && l.done === l.total && l.total > 0),
        `${label} progress in ${r.stderr}`,
      );
    }
    const out = JSON.parse(r.stdout);
    assertEquals([out.height, out.width, out.latents, out.frames, out.steps], [16, 16, 8, 6, 4]);
    // Each edge's summary (its source's, scaled) is the summary of the edge map written.
    assert(out.edgeMaps.length > 0, "the VAR has edges");
    for (const e of out.edgeMaps) {
      for (const method of ["saliency", "ig"]) {
        const file = `${dir}/run/maps/edge_${e.from}_${e.to}_lag${e.lag}_${method}.npy`;
        const want = summarizeMap(decodeNpy(await Deno.readFile(file), file).data, 16, 16);
        const got = e[method];
        for (const k of ["sum", "max", "top5", "effectiveArea"] as const) {
          assert(
            Math.abs(got[k] - want[k]) <= 1e-5 * Math.abs(want[k]) + 1e-12,
            `${file} ${k}: ${got[k]} vs ${want[k]}`,
          );
        }
        assertEquals(got.peak, want.peak);
      }
    }
    assertEquals(out.methods, ["ig", "saliency"]);
    assertEquals(out.latentMaps.length, 8);
    assert(out.completeness.meanAbsError <= 0.05 * out.completeness.meanAbsChange, r.stdout);
    const index = JSON.parse(await Deno.readTextFile(`${dir}/run/maps/maps.json`));
    assertEquals(index.maps.length, out.files);
    // all + 8 latents + 8 encoders + one per edge, per method; 8 footprints.
    assertEquals(index.maps.length, 2 * (1 + 16 + out.edgeMaps.length) + 8);
    const m = decodeNpy(await Deno.readFile(`${dir}/run/maps/latent_0_ig.npy`), "x");
    assertEquals([m.dtype, m.shape.join()], ["<f4", "16,16"]);
    const png = await Deno.readFile(`${dir}/run/maps/latent_0_ig.png`);
    assertEquals(Array.from(png.subarray(0, 4)), [0x89, 0x50, 0x4e, 0x47]);

    const again = await cli([
      "maps",
      `${dir}/run`,
      `${dir}/s/movie.npy`,
      "--frames",
      "4",
      "--steps",
      "2",
    ]);
    assertEquals(again.code, 1);
    assert(
      again.stderr.includes("already exists") && again.stderr.includes("--force"),
      again.stderr,
    );
    const forced = await cli([
      "maps",
      `${dir}/run`,
      `${dir}/s/movie.npy`,
      "--frames",
      "4",
      "--method",
      "saliency",
      "--force",
    ]);
    assertEquals(forced.code, 0, forced.stderr);
    assert(forced.stdout.includes("Latents") && forced.stdout.includes("top 5%"), forced.stdout);
    const replaced = JSON.parse(await Deno.readTextFile(`${dir}/run/maps/maps.json`));
    assertEquals(replaced.methods, ["saliency"]);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("sparsedyn maps: a folder without a model fails naming it; bad usage exits 2", async () => {
  const dir = await Deno.makeTempDir();
  try {
    await Deno.mkdir(`${dir}/empty`);
    const r = await cli(["maps", `${dir}/empty`]);
    assertEquals(r.code, 1);
    assert(r.stderr.includes(`${dir}/empty`) && r.stderr.includes("config.json"), r.stderr);
    const j = await cli(["maps", `${dir}/empty`, "--json"]);
    assertEquals(j.code, 1);
    assertEquals(JSON.parse(j.stderr.trim().split("\n").pop()!).error.code, "BAD_FILE");
    assertEquals((await cli(["maps"])).code, 2);
    const m = await cli(["maps", `${dir}/empty`, "--method", "grad"]);
    assertEquals(m.code, 2);
    assert(m.stderr.includes("--method"), m.stderr);
    assertEquals((await cli(["maps", `${dir}/empty`, "--steps", "0"])).code, 2);
    assertEquals((await cli(["maps", "a", "b", "c"])).code, 2);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
