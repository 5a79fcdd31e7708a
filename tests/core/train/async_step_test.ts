// The asynchronous training step against the fused one (tf.variableGrads of windowLoss's
// total, through the VAR layer's customGrad) on the cpu backend: the same loss, parts and
// gradients, and no tensor left behind.
import { asyncWindowGradients, asyncWindowLoss } from "../../../core/train/async_step.ts";
import { Adam } from "../../../core/train/adam.ts";
import { type ObjectiveOptions, windowLoss } from "../../../core/train/window_loss.ts";
import { type Cae, createCae, defaultCaeConfig } from "../../../core/model/cae.ts";
import { useBackend } from "../../../core/model/backend.ts";
import { tf } from "../../../core/model/tf.ts";
import { normals, uniform } from "../../../core/data/random.ts";
import { assert, assertEquals } from "../../_helpers/assert.ts";

const L = 24, H = 16, W = 16;
// Narrow layers keep the cpu backend quick; the latent is still 2×2×2 (d = 8).
const small = (skip: "mean" | "none" | "residual" = "mean") => ({
  ...defaultCaeConfig(H, W),
  channels: [4, 8, 8],
  skip,
});

function window(seed: number): tf.Tensor4D {
  return tf.tensor4d(Float32Array.from(normals(uniform(seed), L * H * W)), [L, H, W, 1]);
}

function fused(cae: Cae, frames: tf.Tensor4D, options: ObjectiveOptions) {
  return tf.tidy(() => {
    const vars = Object.values(cae.variables);
    let parts = windowLoss(cae, frames, options).parts; // replaced inside the tape
    const { value, grads } = tf.variableGrads(() => {
      const l = windowLoss(cae, frames, options);
      parts = l.parts;
      return l.total;
    }, vars);
    const out: Record<string, Float32Array> = {};
    for (const [k, v] of Object.entries(cae.variables)) {
      out[k] = grads[v.name].dataSync() as Float32Array;
    }
    return { total: value.dataSync()[0], parts, grads: out };
  });
}

function disposeCae(cae: Cae) {
  tf.dispose(Object.values(cae.variables));
}

const cases: {
  name: string;
  skip: "mean" | "none" | "residual";
  options: ObjectiveOptions;
}[] = [
  { name: "ae", skip: "mean", options: { mode: "ae", var: { lags: 1, lambdaFraction: 0.1 } } },
  {
    name: "ae, skip residual",
    skip: "residual",
    options: { mode: "ae", var: { lags: 1, lambdaFraction: 0.1 } },
  },
  {
    name: "end-to-end, skip residual, lags 2, BIC",
    skip: "residual",
    options: {
      mode: "end-to-end",
      var: { lags: 2, bic: true },
      weights: { reconstruction: 1, prediction: 0.7, predictedFrames: 1.3 },
    },
  },
];
for (const skip of ["mean", "none"] as const) {
  for (const lags of [1, 2]) {
    for (const rule of [{ lambdaFraction: 0.1 }, { steps: 4 }, { bic: true }]) {
      cases.push({
        name: `end-to-end, skip ${skip}, lags ${lags}, ${JSON.stringify(rule)}`,
        skip,
        options: {
          mode: "end-to-end",
          var: { lags, ...rule },
          weights: { reconstruction: 1, prediction: 0.7, predictedFrames: 1.3 },
        },
      });
    }
  }
}

// Training's estimate of the predicted-frames term: the same subset in both steps.
cases.push({
  name: "end-to-end, lags 2, predicted frames at steps 0, 5, 21 of 22",
  skip: "mean",
  options: {
    mode: "end-to-end",
    var: { lags: 2, lambdaFraction: 0.1 },
    weights: { reconstruction: 1, prediction: 0.7, predictedFrames: 1.3 },
    predictedFramesSubset: [0, 5, 21],
  },
});

for (const c of cases) {
  Deno.test(`asyncWindowGradients() equals the fused step's gradients (${c.name})`, async () => {
    await useBackend("cpu");
    const cae = createCae(small(c.skip), 5);
    const frames = window(11);
    try {
      const want = fused(cae, frames, c.options);
      const got = await asyncWindowGradients(cae, frames, c.options);
      assert(
        Math.abs(got.total - want.total) <= 1e-5 * want.total,
        `${got.total} vs ${want.total}`,
      );
      for (const k of ["reconstruction", "prediction", "predictedFrames"] as const) {
        assert(
          Math.abs(got.parts[k] - want.parts[k]) <= 1e-5 * Math.abs(want.parts[k]),
          `${k}: ${got.parts[k]} vs ${want.parts[k]}`,
        );
      }
      assertEquals(got.parts.activeMean, want.parts.activeMean);
      if (c.options.mode === "end-to-end") assert(want.parts.activeMean > 0, "a non-empty fit");
      assertEquals(Object.keys(got.grads).sort(), Object.keys(want.grads).sort());
      for (const [k, g] of Object.entries(want.grads)) {
        const a = await got.grads[k].data();
        let err = 0, scale = 0;
        for (let i = 0; i < g.length; i++) {
          err = Math.max(err, Math.abs(a[i] - g[i]));
          scale = Math.max(scale, Math.abs(g[i]));
        }
        assert(scale > 0, `${k}: a non-zero gradient`);
        // float32: the two steps sum the same terms in another order.
        assert(err <= 1e-4 * scale, `${k}: relative error ${err / scale}`);
      }
      tf.dispose(Object.values(got.grads));
    } finally {
      frames.dispose();
      disposeCae(cae);
    }
  });
}

Deno.test("asyncWindowLoss() equals windowLoss() (end-to-end, validation)", async () => {
  await useBackend("cpu");
  const cae = createCae(small(), 2);
  const frames = window(3);
  const options: ObjectiveOptions = { mode: "end-to-end", var: { lags: 2, lambdaFraction: 0.2 } };
  const want = tf.tidy(() => windowLoss(cae, frames, options).total.dataSync()[0]);
  const got = await asyncWindowLoss(cae, frames, options);
  assert(Math.abs(got.total - want) <= 1e-6 * want, `${got.total} vs ${want}`);
  frames.dispose();
  disposeCae(cae);
});

for (
  const [mode, predictedFramesSubset] of [["ae"], ["end-to-end"], ["end-to-end", [2, 9]]] as const
) {
  const name = predictedFramesSubset ? `${mode}, 2 predicted steps` : mode;
  Deno.test(`asyncWindowGradients() leaves no tensor behind across steps (${name})`, async () => {
    await useBackend("cpu");
    const cae = createCae(small(), 1);
    const opt = new Adam(1e-3, cae.variables);
    const frames = window(4);
    const options: ObjectiveOptions = {
      mode,
      var: { lags: 1, lambdaFraction: 0.1 },
      predictedFramesSubset,
    };
    const counts: number[] = [];
    for (let i = 0; i < 3; i++) {
      const before = tf.memory().numTensors;
      const r = await asyncWindowGradients(cae, frames, options);
      opt.applyGradients(r.grads);
      tf.dispose(Object.values(r.grads));
      await asyncWindowLoss(cae, frames, options);
      counts.push(tf.memory().numTensors - before);
    }
    assertEquals(counts, [0, 0, 0]);
    opt.dispose();
    frames.dispose();
    disposeCae(cae);
  });
}

Deno.test("Adam.applyGradients() takes the same step as Adam.step()", async () => {
  await useBackend("cpu");
  const options: ObjectiveOptions = { mode: "end-to-end", var: { lags: 1, lambdaFraction: 0.1 } };
  const frames = window(8);
  const [a, b] = [createCae(small(), 6), createCae(small(), 6)];
  const [oa, ob] = [new Adam(1e-2, a.variables), new Adam(1e-2, b.variables)];
  for (let i = 0; i < 2; i++) {
    oa.step(() => windowLoss(a, frames, options).total);
    const r = await asyncWindowGradients(b, frames, options);
    ob.applyGradients(r.grads);
    tf.dispose(Object.values(r.grads));
  }
  for (const k of Object.keys(a.variables)) {
    const wa = a.variables[k].dataSync(), wb = b.variables[k].dataSync();
    let err = 0;
    for (let i = 0; i < wa.length; i++) err = Math.max(err, Math.abs(wa[i] - wb[i]));
    // Adam's first steps are ±learning rate per entry: the gradients' rounding hardly shows.
    assert(err <= 1e-4, `${k}: weights differ by ${err}`);
  }
  for (const o of [oa, ob]) o.dispose();
  for (const c of [a, b]) disposeCae(c);
  frames.dispose();
});
