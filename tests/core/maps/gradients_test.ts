// Gradients of the maps against independent references on the cpu backend: saliency of the
// VAR prediction against central finite differences of the encoder (no tape involved),
// integrated gradients' completeness, IG of a linear encoder in closed form, and the
// batching of rows (frame blocks, latent blocks) against one frame at a time.
import { contributionMaps } from "../../../core/maps/contribution.ts";
import { encoderGradients, integratedGradients } from "../../../core/maps/gradients.ts";
import { type CaeConfig, createCae, defaultCaeConfig } from "../../../core/model/cae.ts";
import { tf } from "../../../core/model/tf.ts";
import { uniform } from "../../../core/data/random.ts";
import { assert, assertEquals } from "../../_helpers/assert.ts";

await tf.setBackend("cpu");

function encode(cae: ReturnType<typeof createCae>, frame: Float32Array): Float64Array {
  const { height: H, width: W } = cae.config;
  return Float64Array.from(
    tf.tidy(() => cae.encode(tf.tensor4d(frame, [1, H, W, 1])).dataSync()),
  );
}

function randomFrames(n: number, P: number, seed: number): Float32Array {
  const u = uniform(seed);
  return Float32Array.from({ length: n * P }, () => 2 * u() - 1);
}

/** A p×d×d VAR with a few random non-zeros per row. */
function randomVar(d: number, p: number, seed: number): number[][][] {
  const u = uniform(seed);
  return Array.from(
    { length: p },
    () =>
      Array.from(
        { length: d },
        () => Array.from({ length: d }, () => (u() < 0.4 ? u() - 0.5 : 0)),
      ),
  );
}

Deno.test("saliency of the VAR prediction equals finite differences of the encoder (p = 2)", async () => {
  const cae = createCae(defaultCaeConfig(16, 16), 3);
  try {
    const d = cae.latentSize, P = 256, p = 2;
    const A = randomVar(d, p, 5);
    const x = randomFrames(1, P, 7);
    // One frame sampled: the prediction map of latent i is Σ_k |Σ_j A_k[i,j] ∂z_j/∂x|.
    const maps = await contributionMaps(cae, x, 1, { lags: p, A }, new Float32Array(P), {
      method: "saliency",
    });
    const pixels = [0, 17, 40, 77, 100, 135, 170, 201, 222, 255];
    const h = 1e-2;
    let worst = 0, scale = 0;
    for (let i = 0; i < d; i++) {
      for (const q of pixels) {
        let expected = 0;
        const plus = x.slice(), minus = x.slice();
        plus[q] += h;
        minus[q] -= h;
        const zp = encode(cae, plus), zm = encode(cae, minus);
        for (let k = 0; k < p; k++) {
          let g = 0;
          for (let j = 0; j < d; j++) g += A[k][i][j] * (zp[j] - zm[j]) / (2 * h);
          expected += Math.abs(g);
        }
        const got = maps.saliency!.prediction[i * P + q];
        worst = Math.max(worst, Math.abs(got - expected));
        scale = Math.max(scale, Math.abs(expected));
      }
    }
    assert(scale > 1e-3, `gradients not trivially zero (${scale})`);
    assert(worst <= 2e-3 * scale, `max error ${worst} against scale ${scale}`);
  } finally {
    tf.dispose(Object.values(cae.variables));
  }
});

Deno.test("Jacobian rows of a batch equal finite differences, frame by frame", async () => {
  const cae = createCae(defaultCaeConfig(16, 16), 4);
  try {
    const d = cae.latentSize, P = 256, n = 3;
    const x = randomFrames(n, P, 11);
    const g = await encoderGradients(cae, x, n);
    const h = 1e-2;
    let worst = 0, scale = 0;
    for (let b = 0; b < n; b++) {
      for (const q of [3, 64, 129, 200]) {
        const frame = x.slice(b * P, (b + 1) * P);
        const plus = frame.slice(), minus = frame.slice();
        plus[q] += h;
        minus[q] -= h;
        const zp = encode(cae, plus), zm = encode(cae, minus);
        for (let j = 0; j < d; j++) {
          const fd = (zp[j] - zm[j]) / (2 * h);
          worst = Math.max(worst, Math.abs(g[(b * d + j) * P + q] - fd));
          scale = Math.max(scale, Math.abs(fd));
        }
      }
    }
    assert(worst <= 2e-3 * scale, `max error ${worst} against scale ${scale}`);
  } finally {
    tf.dispose(Object.values(cae.variables));
  }
});

Deno.test("integrated gradients are complete: Σ IG = output(x) − output(baseline)", async () => {
  const cae = createCae(defaultCaeConfig(16, 16), 6);
  try {
    const d = cae.latentSize, P = 256, n = 2;
    const x = randomFrames(n, P, 13);
    const base = randomFrames(1, P, 17).map((v) => 0.3 * v);
    const zb = encode(cae, base);
    const errorAt = async (steps: number) => {
      const ig = await integratedGradients(cae, x, n, base, steps);
      let err = 0, change = 0;
      for (let b = 0; b < n; b++) {
        const z = encode(cae, x.slice(b * P, (b + 1) * P));
        for (let j = 0; j < d; j++) {
          let s = 0;
          for (let q = 0; q < P; q++) s += ig[(b * d + j) * P + q];
          err = Math.max(err, Math.abs(s - (z[j] - zb[j])));
          change = Math.max(change, Math.abs(z[j] - zb[j]));
        }
      }
      return { err, change };
    };
    const coarse = await errorAt(2), fine = await errorAt(64);
    assert(fine.change > 0.05, `outputs move along the path (${fine.change})`);
    assert(fine.err <= 5e-3 * fine.change, `completeness error ${fine.err} of ${fine.change}`);
    assert(fine.err < coarse.err / 4, `the trapezoid rule converges: ${coarse.err} → ${fine.err}`);

    // The VAR prediction, by linearity: Σ_k Σ_pixels Σ_j A_k[i,j] IG_j(x_{t−k}) = ẑ_i(t) − ẑ_i(x̄).
    const A = randomVar(d, 2, 19);
    const ig = await integratedGradients(cae, x, n, base, 64);
    const z = [encode(cae, x.slice(0, P)), encode(cae, x.slice(P))];
    for (let i = 0; i < d; i++) {
      let sum = 0, change = 0;
      for (let k = 0; k < 2; k++) {
        // Lag k + 1 reads frame 1 − k (frame 1 is t − 1, frame 0 is t − 2).
        const b = 1 - k;
        for (let j = 0; j < d; j++) {
          for (let q = 0; q < P; q++) sum += A[k][i][j] * ig[(b * d + j) * P + q];
          change += A[k][i][j] * (z[b][j] - zb[j]);
        }
      }
      assert(
        Math.abs(sum - change) <= 5e-3 * (Math.abs(change) + 0.05),
        `latent ${i}: Σ IG ${sum} vs ẑ(x) − ẑ(x̄) ${change}`,
      );
    }
  } finally {
    tf.dispose(Object.values(cae.variables));
  }
});

Deno.test("IG of a linear encoder is (x − x′) ⊙ gradient, with any number of steps", async () => {
  const config: CaeConfig = { ...defaultCaeConfig(16, 16), activation: "linear" };
  const cae = createCae(config, 8);
  try {
    const d = cae.latentSize, P = 256;
    const x = randomFrames(1, P, 23), base = randomFrames(1, P, 29);
    const g = await encoderGradients(cae, x, 1);
    const ig = await integratedGradients(cae, x, 1, base, 1);
    let worst = 0, scale = 0;
    for (let j = 0; j < d; j++) {
      for (let q = 0; q < P; q++) {
        const expected = (x[q] - base[q]) * g[j * P + q];
        worst = Math.max(worst, Math.abs(ig[j * P + q] - expected));
        scale = Math.max(scale, Math.abs(expected));
      }
    }
    assert(worst <= 1e-5 * scale, `${worst} of ${scale}`);
  } finally {
    tf.dispose(Object.values(cae.variables));
  }
});

Deno.test("batched passes (frame blocks, latent blocks) equal one frame at a time", async () => {
  // 32×32 with 16 steps: a frame's d·17 rows exceed one pass, so latents are split; 16×16
  // saliency of 70 frames: several frames per pass, in more than one block.
  for (const [size, n, steps] of [[32, 2, 16], [16, 70, 0]]) {
    const cae = createCae(defaultCaeConfig(size, size), 9);
    try {
      const P = size * size, d = cae.latentSize;
      const x = randomFrames(n, P, 31), base = randomFrames(1, P, 37);
      const all = steps
        ? await integratedGradients(cae, x, n, base, steps)
        : await encoderGradients(cae, x, n);
      let worst = 0, scale = 0;
      for (const b of [0, n - 1]) {
        const one = steps
          ? await integratedGradients(cae, x.slice(b * P, (b + 1) * P), 1, base, steps)
          : await encoderGradients(cae, x.slice(b * P, (b + 1) * P), 1);
        assertEquals(one.length, d * P);
        for (let r = 0; r < d * P; r++) {
          worst = Math.max(worst, Math.abs(all[b * d * P + r] - one[r]));
          scale = Math.max(scale, Math.abs(one[r]));
        }
      }
      assert(worst <= 1e-5 * scale, `${size}×${size}: ${worst} of ${scale}`);
      if (steps) {
        // Latent blocks land in their places: each latent's IG sums to its own change.
        const zb = encode(cae, base);
        for (let b = 0; b < n; b++) {
          const z = encode(cae, x.slice(b * P, (b + 1) * P));
          for (let j = 0; j < d; j++) {
            let s = 0;
            for (let q = 0; q < P; q++) s += all[(b * d + j) * P + q];
            const change = z[j] - zb[j];
            assert(
              Math.abs(s - change) <= 1e-2 * (1 + Math.abs(change)),
              `latent ${j}: ${s} vs ${change}`,
            );
          }
        }
      }
    } finally {
      tf.dispose(Object.values(cae.variables));
    }
  }
});
