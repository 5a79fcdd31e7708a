// The torch backend (libtorch through Deno's FFI) against the cpu backend, the reference:
// on random architectures the forward pass, every gradient and five Adam steps agree to 1e-4
// of each tensor's scale; training end to end through the VAR layer gives the same losses
// with no kernel left on the cpu fallback; the VAR layer's gradient on torch equals float64
// finite differences; a resumed training is bit-identical to an uninterrupted one. Needs an
// installed torch (tests/setup.sh installs the CPU build with pip).
import { useBackend } from "../../../core/model/backend.ts";
import { type CaeConfig, createCae } from "../../../core/model/cae.ts";
import { tf } from "../../../core/model/tf.ts";
import { varLayer } from "../../../core/model/var_layer.ts";
import { Adam } from "../../../core/train/adam.ts";
import { trainCae } from "../../../core/train/train.ts";
import { readCheckpoint, settingsKey } from "../../../core/train/checkpoint.ts";
import { fallbackKernelsUsed, type TorchBackend } from "../../../core/model/torch/torch_backend.ts";
import { findTorch, TORCH_ENV } from "../../../core/model/torch/find_torch.ts";
import { openLibtorch } from "../../../core/model/torch/libtorch.ts";
import { SparsedynError } from "../../../core/errors.ts";
import { normals, uniform } from "../../../core/data/random.ts";
import { loss64 } from "../../_helpers/var_loss64.ts";
import { assert, assertEquals, assertThrows } from "../../_helpers/assert.ts";

/** max |a − b| over max |a|: agreement relative to the tensor's scale. */
function relErr(a: ArrayLike<number>, b: ArrayLike<number>): number {
  assertEquals(a.length, b.length, "lengths");
  let err = 0, scale = 0;
  for (let i = 0; i < a.length; i++) {
    err = Math.max(err, Math.abs(a[i] - b[i]));
    scale = Math.max(scale, Math.abs(a[i]));
  }
  return scale === 0 ? err : err / scale;
}

/** A random architecture of the kinds the issue lists: every draw is valid. */
function randomConfig(u: () => number): CaeConfig {
  const pick = <T>(xs: readonly T[]) => xs[Math.floor(u() * xs.length)];
  const layers = 1 + Math.floor(u() * 3);
  const stride = pick([1, 2] as const);
  const down = stride ** layers;
  // Non-square: height and width different multiples of the total stride.
  const a = 2 + Math.floor(u() * 3), b = a + 1 + Math.floor(u() * 2);
  return {
    height: down * (stride === 1 ? a + 3 : a),
    width: down * (stride === 1 ? b + 3 : b),
    channels: Array.from({ length: layers }, () => 1 + Math.floor(u() * 6)),
    kernel: pick([1, 3, 5, 7]),
    stride,
    activation: pick(["elu", "relu", "leakyRelu", "tanh", "linear"] as const),
    latentChannels: 1 + Math.floor(u() * 3),
    skip: pick(["none", "mean"] as const),
    staticChannels: 1 + Math.floor(u() * 2),
  };
}

/** Forward output, loss, gradients and the weights after 5 Adam steps, on one backend. */
async function fiveSteps(backend: "cpu" | "torch", c: CaeConfig, frames: Float32Array) {
  await useBackend(backend);
  const cae = createCae(c, 3);
  const B = 3;
  const x = tf.tensor4d(frames, [B, c.height, c.width, 1]);
  const mean = tf.mean(x, 0, true) as tf.Tensor4D;
  const loss = () =>
    tf.tidy(() => {
      const y = cae.decode(cae.encode(x), cae.encodeStatic?.(mean));
      return tf.mean(tf.square(tf.sub(y, x))) as tf.Scalar;
    });
  const forward = tf.tidy(() => cae.decode(cae.encode(x), cae.encodeStatic?.(mean)).dataSync());
  const { value, grads } = tf.variableGrads(loss);
  const g: Record<string, Float32Array> = {};
  for (const [k, v] of Object.entries(cae.variables)) {
    g[k] = grads[v.name].dataSync() as Float32Array;
  }
  const l0 = value.dataSync()[0];
  tf.dispose([value, ...Object.values(grads)]);
  // The project's step size: with 10× more, a ReLU unit at its kink can switch on one backend
  // and not the other within five steps (float32 rounding apart), and the runs part.
  const adam = new Adam(1e-3, cae.variables);
  for (let i = 0; i < 5; i++) adam.step(loss);
  const w: Record<string, Float32Array> = {};
  for (const [k, v] of Object.entries(cae.variables)) w[k] = v.dataSync() as Float32Array;
  adam.dispose();
  tf.dispose([x, mean, ...Object.values(cae.variables)]);
  return { forward, loss: l0, grads: g, weights: w };
}

Deno.test("torch is found (tests/setup.sh installs it) and says which", () => {
  const where = findTorch();
  assert("libDir" in where, "why" in where ? where.why : "");
  const lib = openLibtorch("cpu");
  assert(/^torch \d+\.\d+/.test(lib.description), lib.description);
  assert(lib.description.includes(where.libDir), lib.description);
});

const u = uniform(15);
for (let trial = 0; trial < 8; trial++) {
  const c = randomConfig(u);
  const frames = Float32Array.from(normals(u, 3 * c.height * c.width));
  Deno.test(
    `torch equals cpu: forward, gradients, 5 Adam steps (${c.height}×${c.width}, ` +
      `k ${c.kernel}, stride ${c.stride}, [${c.channels}], ${c.activation}, skip ${c.skip})`,
    async () => {
      try {
        const ref = await fiveSteps("cpu", c, frames);
        const got = await fiveSteps("torch", c, frames);
        assert(
          relErr(ref.forward, got.forward) <= 1e-4,
          `forward ${relErr(ref.forward, got.forward)}`,
        );
        assert(Math.abs(ref.loss - got.loss) <= 1e-4 * ref.loss, `loss ${ref.loss} ${got.loss}`);
        for (const k of Object.keys(ref.grads)) {
          const e = relErr(ref.grads[k], got.grads[k]);
          assert(e <= 1e-4, `gradient of ${k}: relative error ${e}`);
          const w = relErr(ref.weights[k], got.weights[k]);
          assert(w <= 1e-4, `${k} after 5 Adam steps: relative error ${w}`);
        }
        // The steps moved the weights: the comparison above is not of initial values.
        const moved = Object.keys(ref.weights).some((k) =>
          relErr(ref.weights[k], ref.grads[k].map(() => 0)) > 0
        );
        assert(moved, "weights are non-zero");
      } finally {
        await useBackend("cpu");
      }
    },
  );
}

for (const mode of ["end-to-end", "ae"] as const) {
  Deno.test(`trainCae (${mode}, batches, validation) on torch gives cpu's losses, all kernels native`, async () => {
    const T = 40, H = 16, W = 24;
    const frames = Float32Array.from(normals(uniform(9), T * H * W));
    const run = async (backend: "cpu" | "torch") => {
      await useBackend(backend);
      const r = await trainCae(frames, [T, H, W], {
        cae: {
          height: H,
          width: W,
          channels: [4, 6],
          kernel: 3,
          stride: 2,
          activation: "elu",
          latentChannels: 2,
          skip: "residual",
          staticChannels: 2,
        },
        mode,
        var: { lags: 1, lambdaFraction: 0.2 },
        windowLength: 10,
        stride: 5,
        epochs: 2,
        learningRate: 3e-3,
        seed: 2,
        batchSize: 2,
        clipNorm: 1,
        validationFraction: 0.25,
      });
      tf.dispose(Object.values(r.cae.variables));
      return r.history;
    };
    try {
      const cpu = await run("cpu");
      const torch = await run("torch");
      for (let e = 0; e < 2; e++) {
        for (
          const k of [
            "loss",
            "reconstruction",
            "prediction",
            "predictedFrames",
            "validation",
          ] as const
        ) {
          const a = cpu[e][k]!, b = torch[e][k]!;
          assert(Math.abs(a - b) <= 1e-4 * Math.abs(a), `epoch ${e} ${k}: cpu ${a}, torch ${b}`);
        }
        assertEquals(torch[e].activeMean, cpu[e].activeMean, `epoch ${e}: the same fits`);
      }
      assertEquals(fallbackKernelsUsed(), [], "kernels that ran on the cpu fallback");
      // No libtorch handle outlives its kernel: all that remain are the tensors TensorFlow.js
      // still holds and the backend's caches (a leak would hold device memory for good).
      const b = tf.findBackend("torch") as TorchBackend;
      assertEquals(b.lib.liveHandles, b.heldHandles(), "live libtorch handles");
    } finally {
      await useBackend("cpu");
    }
  });
}

Deno.test("varLayer() gradient on torch equals float64 finite differences", async () => {
  await useBackend("torch", { device: "cpu" });
  try {
    for (const [p, d, lambda] of [[1, 3, 0.2], [2, 4, 0.1]] as const) {
      const L = 30, n = L - p, v = uniform(40 + p);
      const z = normals(v, L * d), Wt = normals(v, n * d);
      const grad = tf.tidy(() => {
        const g = tf.grad((zz: tf.Tensor) =>
          tf.sum(
            tf.mul(
              varLayer(zz as tf.Tensor2D, { lags: p, lambdaFraction: lambda }).prediction,
              tf.tensor2d(Float32Array.from(Wt), [n, d]),
            ),
          )
        );
        return g(tf.tensor2d(Float32Array.from(z), [L, d])).dataSync();
      });
      const rule = { lambda };
      const base = loss64(z, L, d, p, Wt, rule);
      let err = 0, scale = 0;
      for (let i = 0; i < L * d; i++) {
        const h = 1e-6, zp = z.slice(), zm = z.slice();
        zp[i] += h;
        zm[i] -= h;
        const up = loss64(zp, L, d, p, Wt, rule), dn = loss64(zm, L, d, p, Wt, rule);
        assert(up.active === base.active && dn.active === base.active, "crossed a breakpoint");
        const fd = (up.s - dn.s) / (2 * h);
        err = Math.max(err, Math.abs(fd - grad[i]));
        scale = Math.max(scale, Math.abs(fd));
      }
      assert(scale > 0 && /\d/.test(base.active), "a non-trivial fit");
      // float32 on the device against float64: agreement to 1e-3 of the scale.
      assert(err <= 1e-3 * scale, `p = ${p}, d = ${d}: relative error ${err / scale}`);
    }
  } finally {
    await useBackend("cpu");
  }
});

Deno.test("a resumed training on torch is bit-identical to an uninterrupted one", async () => {
  const T = 48, H = 16, W = 16;
  const frames = Float32Array.from(normals(uniform(21), T * H * W));
  const dir = await Deno.makeTempDir();
  const options = {
    cae: {
      height: H,
      width: W,
      channels: [4, 4],
      kernel: 3,
      stride: 2,
      activation: "elu" as const,
      latentChannels: 2,
      skip: "mean" as const,
      staticChannels: 2,
    },
    mode: "end-to-end" as const,
    var: { lags: 1, lambdaFraction: 0.1 },
    windowLength: 12,
    stride: 12,
    epochs: 3,
    learningRate: 3e-3,
    seed: 4,
  };
  try {
    await useBackend("torch", { device: "cpu" });
    const whole = await trainCae(frames, [T, H, W], { ...options, checkpoint: `${dir}/whole` });
    tf.dispose(Object.values(whole.cae.variables));
    let epochs = 0;
    const part = await trainCae(frames, [T, H, W], {
      ...options,
      checkpoint: `${dir}/part`,
      shouldStop: () => ++epochs >= 1,
    });
    tf.dispose(Object.values(part.cae.variables));
    const resumed = await trainCae(frames, [T, H, W], {
      ...options,
      checkpoint: `${dir}/part`,
      resume: true,
    });
    tf.dispose(Object.values(resumed.cae.variables));
    assertEquals(resumed.history.map((h) => h.loss), whole.history.map((h) => h.loss));
    const names = Object.keys(resumed.cae.variables);
    const shapes = Object.fromEntries(names.map((k) => [k, resumed.cae.variables[k].shape]));
    const key = await settingsKey({
      ...options,
      shape: [T, H, W],
      checkpoint: undefined,
      resume: undefined,
    });
    const a = await readCheckpoint(`${dir}/whole`, key, shapes);
    const b = await readCheckpoint(`${dir}/part`, key, shapes);
    for (const k of names) {
      assertEquals(Array.from(b.weights[k].data), Array.from(a.weights[k].data), k);
      assertEquals(Array.from(b.m[k]), Array.from(a.m[k]), `Adam's m of ${k}`);
    }
  } finally {
    await useBackend("cpu");
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("torch says why it is unavailable: a wrong SPARSEDYN_TORCH, a CPU-only build", () => {
  const saved = Deno.env.get(TORCH_ENV);
  try {
    Deno.env.set(TORCH_ENV, "/no/such/torch");
    const r = findTorch();
    assert(
      "why" in r && r.why.includes("/no/such/torch") && r.why.includes(TORCH_ENV),
      JSON.stringify(r),
    );
  } finally {
    if (saved === undefined) Deno.env.delete(TORCH_ENV);
    else Deno.env.set(TORCH_ENV, saved);
  }
  const cpu = openLibtorch("cpu");
  let hasGpu = true;
  try {
    Deno.statSync("/dev/nvidia0");
  } catch {
    hasGpu = false;
  }
  if (cpu.cudaVersion === null) {
    const err = assertThrows(() => openLibtorch("cuda"), SparsedynError);
    assert(err.message.includes("CPU-only build") && err.argument === "backend", err.message);
  } else if (!hasGpu) {
    const err = assertThrows(() => openLibtorch("cuda"), SparsedynError);
    assert(err.message.includes("no usable GPU"), err.message);
  } else {
    assert(openLibtorch("cuda").description.includes("cuda"), "CUDA torch on a GPU opens");
  }
});
