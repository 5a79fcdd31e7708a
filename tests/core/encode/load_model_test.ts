import { assert, assertEquals, assertRejects } from "../../_helpers/assert.ts";
import { SparsedynError } from "../../../core/errors.ts";
import { encodeNpy } from "../../../core/data/npy.ts";
import { writeSynthetic } from "../../../core/data/synthetic_write.ts";
import { useBackend } from "../../../core/model/backend.ts";
import { encodeMovie, loadModel } from "../../../core/encode/load_model.ts";
import { loadRun } from "../../../core/runs/run_folder.ts";
import { trainRun } from "../../../core/train/train_run.ts";

Deno.test("loadModel restores the trained weights: re-encoding the movie gives the run's latents", async () => {
  await useBackend("wasm");
  const dir = await Deno.makeTempDir();
  try {
    await writeSynthetic(`${dir}/s`, { height: 16, width: 24, frames: 70, cells: 3, seed: 4 });
    await trainRun(`${dir}/s/movie.npy`, `${dir}/run`, {
      mode: "end-to-end",
      epochs: 2,
      windowLength: 30,
      seed: 3,
    });
    const run = await loadRun(`${dir}/run`);
    const model = await loadModel(`${dir}/run`);
    try {
      assertEquals(model.mode, "end-to-end");
      assertEquals(model.lags, 1);
      assertEquals(model.config.height, 16);
      assertEquals(model.config.width, 24);
      const { latents, T, d } = await encodeMovie(model, `${dir}/s/movie.npy`);
      assertEquals([T, d], run.latents.shape);
      let worst = 0, scale = 0;
      for (let q = 0; q < latents.length; q++) {
        worst = Math.max(worst, Math.abs(latents[q] - run.latents.data[q]));
        scale = Math.max(scale, Math.abs(run.latents.data[q]));
      }
      assert(scale > 0, "latents are not all zero");
      // Same backend, same weights (float32 round trip through float64 NPY): same latents.
      assert(worst <= 1e-6 * scale, `max |Δ| ${worst} vs scale ${scale}`);
    } finally {
      model.dispose();
    }

    // A movie of another frame size is refused, naming the movie.
    await Deno.writeFile(`${dir}/small.npy`, encodeNpy(new Float64Array(5 * 8 * 8), [5, 8, 8]));
    const again = await loadModel(`${dir}/run`);
    try {
      const err = await assertRejects(
        () => encodeMovie(again, `${dir}/small.npy`),
        SparsedynError,
        "small.npy",
      );
      assertEquals(err.code, "BAD_FILE");
    } finally {
      again.dispose();
    }

    // A weight of the wrong shape is refused, naming the file.
    const index = JSON.parse(await Deno.readTextFile(`${dir}/run/weights/weights.json`));
    const first = Object.keys(index)[0];
    await Deno.writeFile(
      `${dir}/run/weights/${index[first].file}`,
      encodeNpy(new Float64Array(3), [3]),
    );
    const bad = await assertRejects(() => loadModel(`${dir}/run`), SparsedynError, first);
    assertEquals(bad.code, "BAD_FILE");
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("loadModel on a folder without a model names the folder and the missing file", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const err = await assertRejects(() => loadModel(dir), SparsedynError, "config.json");
    assertEquals(err.code, "BAD_FILE");
    assert(err.message.includes(dir));
    await Deno.writeTextFile(`${dir}/config.json`, JSON.stringify({ mode: "ae" }));
    const noCae = await assertRejects(() => loadModel(dir), SparsedynError, "architecture");
    assertEquals(noCae.code, "BAD_FILE");
    await Deno.writeTextFile(`${dir}/config.json`, "{not json");
    await assertRejects(() => loadModel(dir), SparsedynError, "not valid JSON");
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
