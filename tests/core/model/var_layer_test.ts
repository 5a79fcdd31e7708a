// The VAR layer's gradient against central finite differences of the same layer computed
// in float64 (an independent implementation of the forward pass, below).
import { varLayer, varLoss } from "../../../core/model/var_layer.ts";
import { useBackend } from "../../../core/model/backend.ts";
import { tf } from "../../../core/model/tf.ts";
import { loss64 } from "../../_helpers/var_loss64.ts";
import { normals, uniform } from "../../../core/data/random.ts";
import { simulateVar } from "../../../core/data/synthetic_var.ts";
import { assert } from "../../_helpers/assert.ts";

for (
  const [p, rule, d] of [
    [1, { lambda: 0.2 }, 3],
    [2, { lambda: 0.1 }, 3],
    // d = 6 (m = 12): the layer's products take four rows and columns at a time, plus the rest.
    [2, { lambda: 0.1 }, 6],
    [1, { steps: 3 }, 3],
    [1, { bic: true }, 3],
    [2, { bic: true }, 3],
  ] as const
) {
  Deno.test(`varLayer() gradient equals float64 finite differences (p = ${p}, d = ${d}, ${JSON.stringify(rule)})`, async () => {
    await useBackend("cpu");
    const L = 30, n = L - p, u = uniform(7 + p);
    // BIC keeps an empty model on white noise: give it a series with dynamics to find.
    const z = "bic" in rule
      ? simulateVar({ d, p, T: L, seed: 5, density: 0.5, radius: 0.95 }).series
      : normals(u, L * d);
    const W = normals(u, n * d);
    const opts = "bic" in rule
      ? { lags: p, bic: true }
      : "steps" in rule
      ? { lags: p, steps: rule.steps }
      : { lags: p, lambdaFraction: rule.lambda };
    const grad = tf.tidy(() => {
      const g = tf.grad((zz: tf.Tensor) =>
        tf.sum(
          tf.mul(
            varLayer(zz as tf.Tensor2D, opts).prediction,
            tf.tensor2d(Float32Array.from(W), [n, d]),
          ),
        )
      );
      return g(tf.tensor2d(Float32Array.from(z), [L, d])).dataSync();
    });
    let err = 0, scale = 0;
    const base = loss64(z, L, d, p, W, rule);
    for (let i = 0; i < L * d; i++) {
      const h = 1e-6;
      const zp = z.slice(), zm = z.slice();
      zp[i] += h;
      zm[i] -= h;
      const up = loss64(zp, L, d, p, W, rule), dn = loss64(zm, L, d, p, W, rule);
      assert(
        up.active === base.active && dn.active === base.active,
        "perturbation crossed a breakpoint",
      );
      const fd = (up.s - dn.s) / (2 * h);
      err = Math.max(err, Math.abs(fd - grad[i]));
      scale = Math.max(scale, Math.abs(fd));
    }
    assert(scale > 0, "a non-zero gradient");
    assert(/\d/.test(base.active), `some variable is active: "${base.active}"`);
    assert(err <= 1e-4 * scale, `relative error ${err / scale}`);
  });
}

Deno.test("varLoss() cannot be lowered by shrinking the latents (no collapse), and its gradient flows", async () => {
  await useBackend("cpu");
  const z = tf.tensor2d(Float32Array.from(normals(uniform(3), 60 * 4)), [60, 4]);
  const losses = [1, 0.1, 0.001].map((c) =>
    tf.tidy(() =>
      varLoss(tf.mul(z, c) as tf.Tensor2D, { lags: 1, lambdaFraction: 0.1 }, 0).loss.dataSync()[0]
    )
  );
  for (const l of losses) assert(Math.abs(l - losses[0]) <= 1e-4 * losses[0], `losses ${losses}`);
  // Without standardisation the same loss would shrink with the scale: the guard matters.
  const raw = [1, 0.1].map((c) =>
    tf.tidy(() => {
      const zz = tf.mul(z, c) as tf.Tensor2D;
      const pred = varLayer(zz, { lags: 1, lambdaFraction: 0.1 }).prediction;
      return tf.mean(tf.square(tf.sub(pred, tf.slice(zz, [1, 0], [-1, -1])))).dataSync()[0];
    })
  );
  assert(raw[1] < 0.02 * raw[0], `the raw loss collapses with the scale: ${raw}`);
  const g = tf.tidy(() =>
    tf.grad((zz: tf.Tensor) => varLoss(zz as tf.Tensor2D, { lags: 1, lambdaFraction: 0.1 }).loss)(z)
      .dataSync()
  );
  assert(g.every(Number.isFinite) && g.some((v) => v !== 0), "a finite, non-zero gradient");
});
