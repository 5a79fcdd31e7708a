// The objective's weights: a term weighted 0 is not computed (the predicted frames' decoder
// pass is most of an end-to-end step's extra time), and the rest is unchanged.
import { createCae, defaultCaeConfig } from "../../../core/model/cae.ts";
import { tf } from "../../../core/model/tf.ts";
import { windowLoss } from "../../../core/train/window_loss.ts";
import { asyncWindowGradients } from "../../../core/train/async_step.ts";
import { assert } from "../../_helpers/assert.ts";

Deno.test("predictedFrames weighted 0: not computed, and the total is the other two terms", async () => {
  await tf.setBackend("cpu");
  const cae = createCae(defaultCaeConfig(16, 16), 4);
  const x = tf.randomNormal([12, 16, 16, 1], 0, 1, "float32", 7) as tf.Tensor4D;
  const weights = { reconstruction: 1, prediction: 0.5, predictedFrames: 0 };
  const options = { mode: "end-to-end" as const, var: { lags: 1, lambdaFraction: 0.2 }, weights };
  const full = tf.tidy(() =>
    windowLoss(cae, x, { ...options, weights: { ...weights, predictedFrames: 1 } }).parts
  );
  const { total, parts } = tf.tidy(() => {
    const l = windowLoss(cae, x, options);
    return { total: l.total.dataSync()[0], parts: l.parts };
  });
  assert(parts.predictedFrames === 0 && full.predictedFrames > 0, JSON.stringify({ parts, full }));
  assert(
    parts.reconstruction === full.reconstruction && parts.prediction === full.prediction,
    "same terms",
  );
  const want = parts.reconstruction + 0.5 * parts.prediction;
  assert(Math.abs(total - want) <= 1e-6 * want, `total ${total} vs ${want}`);
  // The async step agrees with the fused one on the gradients without the term.
  const fused = tf.variableGrads(() => windowLoss(cae, x, options).total);
  const split = await asyncWindowGradients(cae, x, options);
  for (const [name, v] of Object.entries(cae.variables)) {
    const a = fused.grads[v.name].dataSync(), b = split.grads[name].dataSync();
    let err = 0, scale = 0;
    for (let i = 0; i < a.length; i++) {
      err = Math.max(err, Math.abs(a[i] - b[i]));
      scale = Math.max(scale, Math.abs(a[i]));
    }
    assert(err <= 1e-4 * scale + 1e-9, `${name}: ${err} of ${scale}`);
  }
  tf.dispose([x, fused.value, ...Object.values(fused.grads), ...Object.values(split.grads)]);
  tf.dispose(Object.values(cae.variables));
});
