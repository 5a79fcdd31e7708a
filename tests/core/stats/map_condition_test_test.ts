// The condition test on contribution maps, on synthetic movies with known dynamics:
// a small autoencoder trained on condition A; condition B either the same process with
// fresh noise (null) or the same cells with the dynamics of the two most active driving
// cells removed (their rows and columns of A set to zero: they still fire, but nothing
// they do is predictable or predicts anything). Map mass must drop, most over them.
import { assert, assertEquals, assertRejects } from "../../_helpers/assert.ts";
import { SparsedynError } from "../../../core/errors.ts";
import { encodeNpy } from "../../../core/data/npy.ts";
import {
  planSynthetic,
  renderFrames,
  simulateActivity,
  type SynthPlan,
} from "../../../core/data/synthetic.ts";
import { useBackend } from "../../../core/model/backend.ts";
import { encodeMovie, loadModel } from "../../../core/encode/load_model.ts";
import { mapConditionTest } from "../../../core/stats/map_condition_test.ts";
import { trainRun } from "../../../core/train/train_run.ts";

const S = 24, K = 4, T = 600;

async function writeMovie(path: string, plan: SynthPlan, condition: string) {
  const activity = simulateActivity(plan, condition);
  const frames = renderFrames(plan, activity, 0, T, plan.noiseGenerator(condition));
  await Deno.writeFile(path, encodeNpy(Float64Array.from(frames), [T, S, S]));
}

Deno.test("map condition test: silencing the dynamics of two cells is found, over those cells", async () => {
  await useBackend("wasm");
  const dir = await Deno.makeTempDir();
  try {
    const base = planSynthetic({
      height: S,
      width: S,
      frames: T,
      cells: K,
      seed: 3,
      cellRadius: [2.5, 3.5],
      density: 0.4,
      // B is replaced below; the generator's two-condition mode gives B its own noise stream.
      conditions: { effect: 0.05, edges: 1 },
    });
    const A = base.coefficients.a;
    // The two cells with the largest outgoing coefficients.
    const out = Array.from({ length: K }, (_, j) => {
      let s = 0;
      for (let i = 0; i < K; i++) if (i !== j) s += Math.abs(A[i * K + j]);
      return { j, s };
    }).sort((x, y) => y.s - x.s);
    const silenced = [out[0].j, out[1].j];
    const B = Float64Array.from(A);
    for (const j of silenced) {
      for (let i = 0; i < K; i++) B[i * K + j] = B[j * K + i] = 0;
    }
    const nullPlan = { ...base, coefficients: { a: A, b: A } };
    const altPlan = { ...base, coefficients: { a: A, b: B } };
    await writeMovie(`${dir}/a.npy`, base, "a");
    await writeMovie(`${dir}/null_b.npy`, nullPlan, "b");
    await writeMovie(`${dir}/alt_b.npy`, altPlan, "b");
    await trainRun(`${dir}/a.npy`, `${dir}/run`, {
      mode: "end-to-end",
      epochs: 4,
      windowLength: 50,
      seed: 1,
      cae: { channels: [8, 8, 8] },
    });
    const model = await loadModel(`${dir}/run`);
    try {
      const options = { window: 50, framesPerWindow: 6, steps: 6, downsample: 4 };
      const alt = await mapConditionTest(model, [`${dir}/a.npy`], [`${dir}/alt_b.npy`], options);
      assertEquals(alt.windows.a, 12);
      assertEquals(alt.grid, { height: 6, width: 6, downsample: 4 });
      assert(alt.pValue <= 0.05, `alternative: p = ${alt.pValue}`);
      assert(alt.significant.length > 0, "some grid cells are named");
      // The grid cells that differ most lie over the silenced cells, and every named cell
      // loses map mass (cells they drove lose their predictors too, so they may be named).
      const { centers } = base.truth;
      const byT = [...alt.significant].sort((x, y) => Math.abs(y.t) - Math.abs(x.t));
      for (const c of byT.slice(0, 3)) {
        const near = silenced.some((k) =>
          Math.abs(centers[k][0] - (c.y * 4 + 1.5)) <= 5 &&
          Math.abs(centers[k][1] - (c.x * 4 + 1.5)) <= 5
        );
        assert(near, `grid cell (${c.y}, ${c.x}) is not over a silenced cell`);
      }
      for (const c of alt.significant) {
        assert(c.meanA > c.meanB, `grid cell (${c.y}, ${c.x}) gained map mass`);
      }

      const nul = await mapConditionTest(model, [`${dir}/a.npy`], [`${dir}/null_b.npy`], options);
      assert(nul.pValue > 0.05, `null: p = ${nul.pValue}`);
      assert(nul.variability.ratio < alt.variability.ratio, "between/within larger under B");

      // Latents handed over (as the CLI hands over the coefficient test's, so that each
      // movie is encoded once) give the same result as encoding the movies here.
      const za = await encodeMovie(model, `${dir}/a.npy`);
      const zb = await encodeMovie(model, `${dir}/null_b.npy`);
      const given = new Map([[`${dir}/a.npy`, za.latents], [`${dir}/null_b.npy`, zb.latents]]);
      const same = await mapConditionTest(model, [`${dir}/a.npy`], [`${dir}/null_b.npy`], {
        ...options,
        latents: given,
      });
      assertEquals([same.statistic, same.pValue], [nul.statistic, nul.pValue]);

      // A movie of another frame size is named.
      await Deno.writeFile(`${dir}/small.npy`, encodeNpy(new Float64Array(60 * 64), [60, 8, 8]));
      const err = await assertRejects(
        () => mapConditionTest(model, [`${dir}/a.npy`], [`${dir}/small.npy`], options),
        SparsedynError,
        "small.npy",
      );
      assertEquals(err.code, "BAD_FILE");
    } finally {
      model.dispose();
    }
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
