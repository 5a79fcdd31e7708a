// evaluateRun: the model's held-out errors recomputed independently (frames scaled by the
// run's recorded statistics, windows decoded by hand), the forecast plumbing checked by a
// VAR that is the identity (its forecasts are latent persistence), the cells' scores, and
// bad input that leaves evaluation.json as it was.
import { encodeNpy } from "../../../core/data/npy.ts";
import { openMovie } from "../../../core/data/movie.ts";
import { writeSynthetic } from "../../../core/data/synthetic_write.ts";
import { SparsedynError } from "../../../core/errors.ts";
import { evaluateRun } from "../../../core/heldout/evaluate_run.ts";
import { useBackend } from "../../../core/model/backend.ts";
import { type Tensor4D, tf } from "../../../core/model/tf.ts";
import { loadModel } from "../../../core/encode/load_model.ts";
import { trainRun } from "../../../core/train/train_run.ts";
import { assert, assertAlmostEquals, assertEquals } from "../../_helpers/assert.ts";

const S = 16, T = 90, TRAIN = 60;

async function setup(): Promise<{ dir: string; movie: string; run: string }> {
  await useBackend("cpu");
  const dir = await Deno.makeTempDir();
  await writeSynthetic(`${dir}/s`, { height: S, width: S, frames: T, cells: 3, seed: 4 });
  const movie = `${dir}/s/movie.npy`;
  await trainRun(`${movie}[0:${TRAIN}]`, `${dir}/run`, {
    mode: "end-to-end",
    epochs: 1,
    windowLength: 20,
  });
  return { dir, movie, run: `${dir}/run` };
}

async function rawFrames(path: string): Promise<Float32Array> {
  const m = await openMovie(path);
  const x = await m.read(0, m.frames);
  m.close();
  return x;
}

Deno.test("evaluateRun: the model's errors equal an independent recomputation; an identity VAR forecasts as latent persistence", async () => {
  const { dir, movie, run } = await setup();
  try {
    const e = await evaluateRun(run, `${movie}[${TRAIN}:]`, { components: [2, 8] });
    assertEquals([e.frames.training, e.frames.heldout, e.latents, e.firstTarget], [
      TRAIN,
      T - TRAIN,
      8,
      5,
    ]);
    assertEquals(e.training, `${movie}[0:${TRAIN}]`, "the run's movie as recorded");
    assertEquals(e.warnings, []);
    const saved = JSON.parse(await Deno.readTextFile(`${run}/evaluation.json`));
    assertEquals(saved.model, JSON.parse(JSON.stringify(e.model)));

    // The frames on the run's scale, from config.json's statistics.
    const config = JSON.parse(await Deno.readTextFile(`${run}/config.json`));
    const { mean, sd } = config.preprocess.scale;
    const all = await rawFrames(movie);
    const P = S * S;
    const held = Float32Array.from(all.subarray(TRAIN * P), (v) => (v - mean) / sd);
    const Th = T - TRAIN;

    // Reconstruction by hand: windows of 20 (the run's), the last one of 10.
    const model = await loadModel(run);
    let sse = 0;
    for (const [s, n] of [[0, 20], [20, 10]]) {
      const x = tf.tensor4d(held.subarray(s * P, (s + n) * P), [n, S, S, 1]);
      const err = tf.tidy(() => {
        const code = model.cae.encodeStatic!(tf.mean(x, 0, true) as Tensor4D);
        return tf.sum(tf.square(tf.sub(model.cae.decode(model.cae.encode(x), code), x)));
      });
      sse += (await err.data())[0];
      err.dispose();
      x.dispose();
    }
    model.dispose();
    assertAlmostEquals(e.model.reconstruction, sse / (Th * P), 1e-6 * e.model.reconstruction);

    // Persistence, training mean and the held-out variance by hand.
    const train = Float32Array.from(all.subarray(0, TRAIN * P), (v) => (v - mean) / sd);
    const trainMean = new Float64Array(P);
    for (let t = 0; t < TRAIN; t++) {
      for (let q = 0; q < P; q++) trainMean[q] += train[t * P + q] / TRAIN;
    }
    e.horizons.forEach((h, i) => {
      let sp = 0, sm = 0;
      for (let t = e.firstTarget; t < Th; t++) {
        for (let q = 0; q < P; q++) {
          sp += (held[t * P + q] - held[(t - h) * P + q]) ** 2;
          sm += (held[t * P + q] - trainMean[q]) ** 2;
        }
      }
      const n = (Th - e.firstTarget) * P;
      assertAlmostEquals(
        e.baselines.prediction.persistence[i],
        sp / n,
        1e-6 * (sp / n),
        `persistence h=${h}`,
      );
      assertAlmostEquals(
        e.baselines.prediction.trainMean[i],
        sm / n,
        1e-6 * (sm / n),
        `training mean h=${h}`,
      );
    });

    // A run whose VAR is the identity: its h-step forecast is z_{t−h}, latent persistence.
    const v = JSON.parse(await Deno.readTextFile(`${run}/var.json`));
    v.A = [
      v.A[0].map((row: number[], i: number) =>
        row.map((_: number, j: number) => (i === j ? 1 : 0))
      ),
    ];
    v.intercept = v.intercept.map(() => 0);
    await Deno.writeTextFile(`${run}/var.json`, JSON.stringify(v));
    const id = await evaluateRun(run, `${movie}[${TRAIN}:]`, { components: [2], write: false });
    // Frames the run trained on are no held-out frames: said so.
    const overlap = await evaluateRun(run, `${movie}[50:]`, { components: [2], write: false });
    assert(overlap.warnings[0]?.includes("overlap the training frames"), overlap.warnings.join());
    e.horizons.forEach((_, i) => {
      assertAlmostEquals(id.model.prediction[i], id.model.latentPersistence[i], 1e-12);
      assertAlmostEquals(id.model.latentPersistence[i], e.model.latentPersistence[i], 1e-12);
    });
    assert(id.model.prediction[0] < id.model.prediction[2], "one step ahead is easier than five");
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("evaluateRun with cells: the model's map and the summary images scored on the processed frame", async () => {
  const { dir, movie, run } = await setup();
  try {
    // Cells as a label mask of the source frame (here the same size as the model's).
    const labels = new Float64Array(S * S);
    for (let y = 2; y < 6; y++) for (let x = 3; x < 7; x++) labels[y * S + x] = 1;
    for (let y = 9; y < 12; y++) for (let x = 9; x < 13; x++) labels[y * S + x] = 2;
    await Deno.writeFile(`${dir}/cells.npy`, encodeNpy(labels, [S, S]));
    const e = await evaluateRun(run, `${movie}[${TRAIN}:]`, {
      components: [8],
      rois: `${dir}/cells.npy`,
      maps: { frames: 6, steps: 4 },
    });
    const c = e.cells!;
    assertEquals(c.count, 2);
    assertAlmostEquals(c.chance, 28 / 256, 1e-12);
    for (
      const s of [c.model, c.images.mean, c.images.std, c.images.max, c.images.localCorrelation]
    ) {
      assert(s.auc >= 0 && s.auc <= 1 && s.massShare >= 0 && s.massShare <= 1, JSON.stringify(s));
      assert(s.topShare >= 0 && s.topShare <= 1, JSON.stringify(s));
    }
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("evaluateRun: too few held-out frames, a movie of another size, unknown cells: typed errors, evaluation.json untouched", async () => {
  const { dir, movie, run } = await setup();
  try {
    await Deno.writeTextFile(`${run}/evaluation.json`, "earlier\n");
    const expectError = async (f: () => Promise<unknown>, code: string, text: string) => {
      let err: unknown;
      try {
        await f();
      } catch (e) {
        err = e;
      }
      assert(err instanceof SparsedynError && err.code === code, String(err));
      assert(err.message.includes(text), err.message);
    };
    await expectError(
      () => evaluateRun(run, `${movie}[85:]`),
      "INVALID_ARGUMENT",
      "leave no prediction target",
    );
    await Deno.writeFile(
      `${dir}/other.npy`,
      encodeNpy(new Float64Array(30 * 24 * 24), [30, 24, 24]),
    );
    await expectError(() => evaluateRun(run, `${dir}/other.npy`), "BAD_FILE", "24×24");
    await expectError(
      () => evaluateRun(run, `${movie}[${TRAIN}:]`, { rois: `${dir}/none.json` }),
      "IO",
      "none.json",
    );
    await expectError(
      () => evaluateRun(run, `${movie}[${TRAIN}:]`, { horizons: [0] }),
      "INVALID_ARGUMENT",
      "horizons",
    );
    assertEquals(await Deno.readTextFile(`${run}/evaluation.json`), "earlier\n");
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
