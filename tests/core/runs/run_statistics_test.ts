// A run applies its training movie's normalisation statistics to every movie it processes
// later: the training movie encodes to the run's own latents, and a movie twice as bright
// encodes differently (scaled by its own statistics, it would be the same movie).
import { encodeNpy } from "../../../core/data/npy.ts";
import { openMovie } from "../../../core/data/movie.ts";
import { preprocessFrames } from "../../../core/data/preprocess.ts";
import { writeSynthetic } from "../../../core/data/synthetic_write.ts";
import { decodeNpy } from "../../../core/data/npy.ts";
import { useBackend } from "../../../core/model/backend.ts";
import { encodeMovie, loadModel } from "../../../core/encode/load_model.ts";
import { trainRun } from "../../../core/train/train_run.ts";
import { assert, assertEquals } from "../../_helpers/assert.ts";
import { maxAbsDiff } from "../../_helpers/assert.ts";

async function frames(path: string): Promise<Float32Array> {
  const m = await openMovie(path);
  const out = await m.read(0, m.frames);
  m.close();
  return out;
}

for (const normalize of ["scale", "zscore"] as const) {
  Deno.test(`a ${normalize} run records its statistics and applies them to every movie`, async () => {
    await useBackend("cpu");
    const dir = await Deno.makeTempDir();
    try {
      await writeSynthetic(`${dir}/s`, { height: 16, width: 16, frames: 60, cells: 3 });
      const x = await frames(`${dir}/s/movie.npy`);
      await Deno.writeFile(
        `${dir}/bright.npy`,
        encodeNpy(Float64Array.from(x, (v) => 2 * v + 5), [60, 16, 16]),
      );
      // Trained on the first 40 frames: the statistics are those of the segment.
      await trainRun(`${dir}/s/movie.npy[0:40]`, `${dir}/run`, {
        mode: "ae",
        epochs: 1,
        windowLength: 20,
        normalize,
      });
      const config = JSON.parse(await Deno.readTextFile(`${dir}/run/config.json`));
      if (normalize === "scale") {
        let mean = 0, ss = 0;
        for (let i = 0; i < 40 * 256; i++) mean += x[i] / (40 * 256);
        for (let i = 0; i < 40 * 256; i++) ss += (x[i] - mean) ** 2;
        assert(
          Math.abs(config.preprocess.scale.mean - mean) < 1e-6 * Math.abs(mean),
          JSON.stringify(config.preprocess),
        );
        assert(
          Math.abs(config.preprocess.scale.sd - Math.sqrt(ss / (40 * 256))) < 1e-6,
          JSON.stringify(config.preprocess),
        );
      } else {
        assertEquals(decodeNpy(await Deno.readFile(`${dir}/run/pixel_stats.npy`), "p").shape, [
          2,
          16,
          16,
        ]);
        assert(
          config.preprocess.pixelStats === undefined,
          "per-pixel statistics stay out of the JSON",
        );
      }
      const model = await loadModel(`${dir}/run`);
      try {
        const runLatents = decodeNpy(await Deno.readFile(`${dir}/run/latents.npy`), "l").data;
        const again = await encodeMovie(model, `${dir}/s/movie.npy[0:40]`);
        assertEquals(
          maxAbsDiff(again.latents, runLatents),
          0,
          "the training movie encodes to the run's latents",
        );
        // The whole movie's frames 0–39 are the same frames on the same scale.
        const whole = await encodeMovie(model, `${dir}/s/movie.npy`);
        assertEquals(maxAbsDiff(whole.latents.subarray(0, runLatents.length), runLatents), 0);
        // Twice as bright: on the run's scale, not the same frames.
        const m = await openMovie(`${dir}/bright.npy`);
        let first: Float32Array | undefined;
        for await (const c of preprocessFrames(m, model.preprocess)) {
          first ??= c.frames;
        }
        m.close();
        const own = await openMovie(`${dir}/s/movie.npy`);
        let ownFirst: Float32Array | undefined;
        for await (const c of preprocessFrames(own, model.preprocess)) ownFirst ??= c.frames;
        own.close();
        assert(maxAbsDiff(first!, ownFirst!) > 0.5, "brightness survives the run's scaling");
        const bright = await encodeMovie(model, `${dir}/bright.npy`);
        assert(
          maxAbsDiff(bright.latents, whole.latents) > 1e-3,
          "a brighter movie encodes differently",
        );
      } finally {
        model.dispose();
      }
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  });
}
