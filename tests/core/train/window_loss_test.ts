// The objective's weights: a term weighted 0 is not computed (the predicted frames' decoder
// pass is most of an end-to-end step's extra time), and the rest is unchanged.
import { createCae, defaultCaeConfig } from "../../../core/model/cae.ts";
import { tf } from "../../../core/model/tf.ts";
import { windowLoss } from "../../../core/train/window_loss.ts";
import { asyncWindowGradients } from "../../../core/train/async_step.ts";
import { SparsedynError } from "../../../core/errors.ts";
import { assert, assertEquals } from "../../_helpers/assert.ts";

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

// The predicted-frames term on a subset of the predicted steps (training's estimate): the
// whole subset is the exact term, and over all subsets of one size the mean of the term and
// of its gradient are the exact ones (uniform sampling without replacement is unbiased).
const Ls = 9, lags = 1, n = Ls - lags;
const small = () => ({ ...defaultCaeConfig(16, 16), channels: [4, 8, 8] });
const only = { reconstruction: 0, prediction: 0, predictedFrames: 1 };
const e2e = (predictedFramesSubset?: number[]) => ({
  mode: "end-to-end" as const,
  var: { lags, lambdaFraction: 0.2 },
  weights: only,
  predictedFramesSubset,
});

function subsets(count: number, k: number): number[][] {
  if (k === 0) return [[]];
  const out: number[][] = [];
  for (let first = 0; first <= count - k; first++) {
    for (const rest of subsets(count - first - 1, k - 1)) {
      out.push([first, ...rest.map((r) => r + first + 1)]);
    }
  }
  return out;
}

function gradients(cae: ReturnType<typeof createCae>, x: tf.Tensor4D, subset?: number[]) {
  const out: Record<string, Float64Array> = {};
  let total = 0;
  tf.tidy(() => {
    const { value, grads } = tf.variableGrads(() => windowLoss(cae, x, e2e(subset)).total);
    for (const [k, v] of Object.entries(cae.variables)) {
      out[k] = Float64Array.from(grads[v.name].dataSync());
    }
    total = value.dataSync()[0];
  });
  return { value: total, grads: out };
}

Deno.test("predictedFramesSubset holding every step is the exact term", async () => {
  await tf.setBackend("cpu");
  const cae = createCae(small(), 3);
  const x = tf.randomNormal([Ls, 16, 16, 1], 0, 1, "float32", 5) as tf.Tensor4D;
  const all = Array.from({ length: n }, (_, i) => i);
  const exact = tf.tidy(() => windowLoss(cae, x, e2e()).parts.predictedFrames);
  const whole = tf.tidy(() => windowLoss(cae, x, e2e(all)).parts.predictedFrames);
  assert(exact > 0, "a non-zero term");
  assert(Math.abs(whole - exact) <= 1e-7 * exact, `${whole} vs ${exact}`);
  // An out-of-range, repeated or empty subset is an error naming the option.
  for (const bad of [[n], [1, 1], [-1], [0.5], []]) {
    try {
      tf.tidy(() => windowLoss(cae, x, e2e(bad)).total);
      throw new Error(`${JSON.stringify(bad)} accepted`);
    } catch (err) {
      assert(
        err instanceof SparsedynError && err.argument === "predictedFramesSubset",
        String(err),
      );
    }
  }
  x.dispose();
  tf.dispose(Object.values(cae.variables));
});

Deno.test("over all subsets of K predicted steps, the term and its gradient average to the exact ones", async () => {
  await tf.setBackend("cpu");
  const cae = createCae(small(), 3);
  const x = tf.randomNormal([Ls, 16, 16, 1], 0, 1, "float32", 5) as tf.Tensor4D;
  const exact = gradients(cae, x);
  const all = subsets(n, 3);
  assertEquals(all.length, 56); // C(8, 3)
  let mean = 0, spread = 0;
  const sum: Record<string, Float64Array> = {};
  for (const s of all) {
    const g = gradients(cae, x, s);
    mean += g.value / all.length;
    spread = Math.max(spread, Math.abs(g.value - exact.value));
    for (const [k, v] of Object.entries(g.grads)) {
      sum[k] ??= new Float64Array(v.length);
      for (let i = 0; i < v.length; i++) sum[k][i] += v[i] / all.length;
    }
  }
  // Single subsets miss the exact value by far more than their mean does: the check bites.
  assert(spread > 1e-3 * exact.value, `subsets differ: ${spread}`);
  assert(Math.abs(mean - exact.value) <= 1e-5 * exact.value, `${mean} vs ${exact.value}`);
  for (const [k, want] of Object.entries(exact.grads)) {
    let err = 0, scale = 0, one = 0;
    const first = gradients(cae, x, all[0]).grads[k];
    for (let i = 0; i < want.length; i++) {
      err = Math.max(err, Math.abs(sum[k][i] - want[i]));
      scale = Math.max(scale, Math.abs(want[i]));
      one = Math.max(one, Math.abs(first[i] - want[i]));
    }
    assert(scale > 0, `${k}: a non-zero gradient`);
    assert(err <= 1e-4 * scale, `${k}: the mean gradient is off by ${err / scale} of its scale`);
    assert(one > 1e-2 * scale, `${k}: one subset's gradient differs (${one / scale})`);
  }
  x.dispose();
  tf.dispose(Object.values(cae.variables));
});
