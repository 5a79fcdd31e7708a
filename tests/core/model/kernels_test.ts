// The kernels we add to the wasm backend, against the cpu backend (the reference) on
// random shapes, strides and paddings: relative error < 1e-4.
import { useBackend } from "../../../core/model/backend.ts";
import { tf } from "../../../core/model/tf.ts";
import { normals, uniform } from "../../../core/data/random.ts";
import { assert } from "../../_helpers/assert.ts";

/** The filter gradient of Σ(conv2d(x, w) ⊙ g) on one backend. */
async function filterGrad(
  backend: "cpu" | "wasm",
  x: Float32Array,
  xs: number[],
  w: Float32Array,
  ws: number[],
  g: Float32Array,
  strides: [number, number],
  pad: "same" | "valid",
) {
  await useBackend(backend);
  return tf.tidy(() => {
    const X = tf.tensor4d(x, xs as [number, number, number, number]);
    const W = tf.tensor4d(w, ws as [number, number, number, number]);
    const f = (ww: tf.Tensor) => {
      const y = tf.conv2d(X, ww as tf.Tensor4D, strides, pad);
      return tf.sum(tf.mul(y, tf.tensor(g.subarray(0, y.size), y.shape)));
    };
    return tf.grad(f)(W).dataSync() as Float32Array;
  });
}

Deno.test("Conv2DBackpropFilter on wasm equals the cpu backend on 24 random shapes, strides and paddings", async () => {
  const u = uniform(17);
  for (let c = 0; c < 24; c++) {
    const B = 1 + Math.floor(u() * 3), H = 5 + Math.floor(u() * 12), W = 5 + Math.floor(u() * 12);
    const Ci = 1 + Math.floor(u() * 4), Co = 1 + Math.floor(u() * 5);
    const KH = 1 + Math.floor(u() * 4), KW = 1 + Math.floor(u() * 4);
    const strides: [number, number] = [1 + Math.floor(u() * 3), 1 + Math.floor(u() * 3)];
    const pad = u() < 0.5 ? "same" : "valid";
    if (pad === "valid" && (KH > H || KW > W)) continue;
    const x = Float32Array.from(normals(u, B * H * W * Ci));
    const w = Float32Array.from(normals(u, KH * KW * Ci * Co));
    const g = Float32Array.from(normals(u, B * H * W * Co));
    const xs = [B, H, W, Ci], ws = [KH, KW, Ci, Co];
    const ref = await filterGrad("cpu", x, xs, w, ws, g, strides, pad);
    const got = await filterGrad("wasm", x, xs, w, ws, g, strides, pad);
    let err = 0, scale = 0;
    for (let i = 0; i < ref.length; i++) {
      err = Math.max(err, Math.abs(got[i] - ref[i]));
      scale = Math.max(scale, Math.abs(ref[i]));
    }
    assert(got.length === ref.length, "shape");
    assert(
      err <= 1e-4 * scale,
      `case ${c} ${JSON.stringify({ xs, ws, strides, pad })}: relative error ${err / scale}`,
    );
  }
});

/** The input gradient of Σ(conv2d(x, w) ⊙ g), and conv2dTranspose(g', w), on one backend. */
async function inputGrads(
  backend: "cpu" | "wasm",
  x: Float32Array,
  xs: number[],
  w: Float32Array,
  ws: number[],
  g: Float32Array,
  strides: [number, number],
  pad: "same" | "valid",
) {
  await useBackend(backend);
  return tf.tidy(() => {
    const X = tf.tensor4d(x, xs as [number, number, number, number]);
    const W = tf.tensor4d(w, ws as [number, number, number, number]);
    const y = tf.conv2d(X, W, strides, pad);
    const G = tf.tensor(g.subarray(0, y.size), y.shape) as tf.Tensor4D;
    const dx = tf.grad((xx: tf.Tensor) =>
      tf.sum(tf.mul(tf.conv2d(xx as tf.Tensor4D, W, strides, pad), G))
    )(X);
    const tr = tf.conv2dTranspose(G, W, xs as [number, number, number, number], strides, pad);
    return [dx.dataSync() as Float32Array, tr.dataSync() as Float32Array];
  });
}

Deno.test("Conv2DBackpropInput on wasm (our replacement) equals the cpu backend on 32 random shapes, strides and paddings", async () => {
  const u = uniform(29);
  let tested = 0;
  for (let c = 0; c < 40 && tested < 32; c++) {
    const B = 1 + Math.floor(u() * 3), H = 4 + Math.floor(u() * 13), W = 4 + Math.floor(u() * 13);
    const Ci = 1 + Math.floor(u() * 4), Co = 1 + Math.floor(u() * 5);
    const KH = 1 + Math.floor(u() * 5), KW = 1 + Math.floor(u() * 5);
    const strides: [number, number] = [1 + Math.floor(u() * 3), 1 + Math.floor(u() * 3)];
    const pad = u() < 0.5 ? "same" : "valid";
    if (pad === "valid" && (KH > H || KW > W)) continue;
    tested++;
    const x = Float32Array.from(normals(u, B * H * W * Ci));
    const w = Float32Array.from(normals(u, KH * KW * Ci * Co));
    const g = Float32Array.from(normals(u, B * H * W * Co));
    const xs = [B, H, W, Ci], ws = [KH, KW, Ci, Co];
    const ref = await inputGrads("cpu", x, xs, w, ws, g, strides, pad);
    const got = await inputGrads("wasm", x, xs, w, ws, g, strides, pad);
    for (let k = 0; k < 2; k++) {
      let err = 0, scale = 0;
      assert(got[k].length === ref[k].length, "shape");
      for (let i = 0; i < ref[k].length; i++) {
        err = Math.max(err, Math.abs(got[k][i] - ref[k][i]));
        scale = Math.max(scale, Math.abs(ref[k][i]));
      }
      assert(
        err <= 1e-4 * scale,
        `case ${c} ${["dx", "conv2dTranspose"][k]} ${
          JSON.stringify({ xs, ws, strides, pad })
        }: relative error ${err / scale}`,
      );
    }
  }
  assert(tested === 32, `${tested} cases`);
  await useBackend("wasm");
  assert(
    tf.getKernel("Conv2DBackpropInput", "wasm")?.kernelFunc ===
      (await import("../../../core/model/kernels/conv2d_backprop_input.ts"))
        .conv2dBackpropInputConfig.kernelFunc,
    "the replacement is the registered kernel",
  );
});
