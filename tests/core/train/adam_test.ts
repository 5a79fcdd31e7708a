// Adam's gradient clipping: a gradient above the global norm is scaled down to it (the
// first moment records the scaled gradient), one below it is left alone.
import { Adam } from "../../../core/train/adam.ts";
import { tf } from "../../../core/model/tf.ts";
import { assert } from "../../_helpers/assert.ts";

Deno.test("Adam clipNorm scales the gradient to the global norm across variables, only when above it", async () => {
  await tf.setBackend("cpu");
  // loss = a·u + b·v has gradient (a, b): global norm √(9 + 16 + 144) = 13.
  const a = Float32Array.of(3, 4), b = Float32Array.of(12);
  for (const [clip, factor] of [[1, 1 / 13], [26, 1], [undefined, 1]] as const) {
    const u = tf.variable(tf.zeros([2])), v = tf.variable(tf.zeros([1]));
    const opt = new Adam(1e-3, { u, v });
    opt.clipNorm = clip;
    opt.step(() =>
      tf.add(tf.sum(tf.mul(u, tf.tensor1d(a))), tf.sum(tf.mul(v, tf.tensor1d(b)))) as tf.Scalar
    );
    // After one step, m = (1 − β₁)·g with g the (clipped) gradient.
    const m = opt.state().m;
    const got = [...m.u.dataSync(), ...m.v.dataSync()];
    const want = [...a, ...b].map((g) => 0.1 * g * factor);
    for (let i = 0; i < 3; i++) {
      assert(
        Math.abs(got[i] - want[i]) <= 1e-6 * Math.abs(want[i]),
        `clip ${clip}: ${got} vs ${want}`,
      );
    }
    opt.dispose();
    tf.dispose([u, v]);
  }
});
