// The maps point at the cells that drive the dynamics, on synthetic movies with known
// footprints: a small model is trained (two-stage on one field, end to end on another),
// the VAR fitted on its latents as `sparsedyn train` fits var.json, and the integrated-
// gradient map of the VAR prediction (summed over latents) is scored against the cells.
//
// Which cells: all of them. The generator's VAR gives every cell a self-coefficient
// (A_1's diagonal, in [0.2, 0.5]) and calcium decays over τ = 8 frames, so each cell's past
// predicts its own future; cells that also drive others add to that. The background
// (neuropil, vessels, slow drift) carries nothing that predicts the latents' next step.
// So the positives are the pixels inside any footprint (half maximum), the negatives those
// outside all of them (`footprint_score.ts`).
import { planSynthetic, renderFrames, simulateActivity } from "../../../core/data/synthetic.ts";
import { contributionMaps } from "../../../core/maps/contribution.ts";
import { scoreAgainstFootprints } from "../../../core/maps/footprint_score.ts";
import { defaultCaeConfig } from "../../../core/model/cae.ts";
import { useBackend } from "../../../core/model/backend.ts";
import { tf } from "../../../core/model/tf.ts";
import { encodeAll } from "../../../core/encode/encode_all.ts";
import { trainCae } from "../../../core/train/train.ts";
import { fitVarLasso } from "../../../core/var/fit_var_lasso.ts";
import { assert } from "../../_helpers/assert.ts";

await useBackend("wasm");

const S = 32, T = 512, K = 6, P = S * S;

/** Sum over latents of d maps of P pixels. */
function total(maps: Float32Array, d: number): Float32Array {
  const out = new Float32Array(P);
  for (let i = 0; i < d; i++) for (let q = 0; q < P; q++) out[q] += maps[i * P + q];
  return out;
}

for (const [seed, mode] of [[1, "ae"], [2, "end-to-end"]] as const) {
  Deno.test(`IG maps concentrate on the true cells (seed ${seed}, ${mode === "ae" ? "two-stage" : mode})`, async () => {
    const plan = planSynthetic({ height: S, width: S, frames: T, cells: K, seed });
    const frames = renderFrames(plan, simulateActivity(plan, "a"), 0, T, plan.noiseGenerator("a"));
    // The whole movie scaled to mean 0 and variance 1, as training preprocesses it.
    let m = 0, ss = 0;
    for (const v of frames) m += v / frames.length;
    for (const v of frames) ss += (v - m) ** 2;
    const sd = Math.sqrt(ss / frames.length);
    for (let i = 0; i < frames.length; i++) frames[i] = (frames[i] - m) / sd;
    const mean = new Float32Array(P);
    for (let t = 0; t < T; t++) for (let q = 0; q < P; q++) mean[q] += frames[t * P + q] / T;

    const { cae } = await trainCae(frames, [T, S, S], {
      cae: defaultCaeConfig(S, S),
      mode,
      var: { lags: 1, lambdaFraction: 0.1 },
      windowLength: 32,
      stride: 32,
      epochs: 8,
      learningRate: 2e-3,
      seed,
    });
    try {
      const d = cae.latentSize;
      const fit = fitVarLasso(await encodeAll(cae, frames, T), T, d, 1);
      const A = [
        Array.from({ length: d }, (_, i) => Array.from(fit.A.subarray(i * d, (i + 1) * d))),
      ];
      const maps = await contributionMaps(cae, frames, T, { lags: 1, A }, mean, {
        frames: 32,
        steps: 8,
      });
      const ig = scoreAgainstFootprints(total(maps.ig!.prediction, d), plan.footprints, K);
      const sal = scoreAgainstFootprints(total(maps.saliency!.prediction, d), plan.footprints, K);
      const foot = scoreAgainstFootprints(
        total(maps.footprint.map(Math.abs), d),
        plan.footprints,
        K,
      );
      const c = maps.completeness!;
      console.log(
        `seed ${seed} ${mode}: IG AUC ${ig.auc.toFixed(3)}, localisation ${
          ig.localisation.toFixed(3)
        } (chance ${ig.chance.toFixed(3)}); saliency AUC ${sal.auc.toFixed(3)}; ` +
          `footprints AUC ${foot.auc.toFixed(3)}; completeness ${
            c.meanAbsError.toExponential(2)
          } of ${c.meanAbsChange.toFixed(3)}`,
      );
      assert(ig.auc >= 0.9, `IG AUC ${ig.auc}`);
      assert(ig.localisation >= 1.5 * ig.chance, `localisation ${ig.localisation} vs ${ig.chance}`);
      // Plain gradients do not know which pixels move: they weigh the encoder's receptive
      // field, background included. IG weighs it by the frame's departure from the mean.
      assert(ig.auc > sal.auc, `IG ${ig.auc} vs saliency ${sal.auc}`);
      assert(foot.auc >= 0.8, `decoder footprints AUC ${foot.auc}`);
      assert(c.meanAbsError <= 0.01 * c.meanAbsChange, `IG completeness ${JSON.stringify(c)}`);
    } finally {
      tf.dispose(Object.values(cae.variables));
    }
  });
}
