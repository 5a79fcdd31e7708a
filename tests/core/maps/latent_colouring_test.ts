// Latents that share a backward pass (one colour) give the same Jacobian rows as one pass per
// latent: the reference here differentiates each latent on its own (tf.grad of z_j alone),
// on models whose latent maps are large enough for colours to hold many latents, including
// a non-square frame, a 5×5 kernel and three latent channels.
import { encoderGradients, integratedGradients } from "../../../core/maps/gradients.ts";
import { latentColouring, latentFields } from "../../../core/maps/latent_colouring.ts";
import { type CaeConfig, createCae, defaultCaeConfig } from "../../../core/model/cae.ts";
import { type Tensor, type Tensor4D, tf } from "../../../core/model/tf.ts";
import { uniform } from "../../../core/data/random.ts";
import { assert, assertEquals } from "../../_helpers/assert.ts";

await tf.setBackend("cpu");

function randomFrames(n: number, P: number, seed: number): Float32Array {
  const u = uniform(seed);
  return Float32Array.from({ length: n * P }, () => 2 * u() - 1);
}

/** ∂z_j/∂x at each of `points` (R×H×W), one latent per backward pass: R×d×P. */
function perLatentJacobian(
  cae: ReturnType<typeof createCae>,
  points: Float32Array,
  R: number,
  latents: number[] = Array.from({ length: cae.latentSize }, (_, j) => j),
): Float32Array {
  const { height: H, width: W } = cae.config;
  const d = cae.latentSize, P = H * W;
  const out = new Float32Array(R * d * P);
  const x = tf.tensor4d(points, [R, H, W, 1]);
  try {
    for (const j of latents) {
      const g = tf.tidy(() => {
        const f = (input: Tensor) =>
          tf.sum(tf.slice(tf.reshape(cae.encode(input as Tensor4D), [R, d]), [0, j], [R, 1]));
        return tf.grad(f)(x).dataSync() as Float32Array;
      });
      for (let r = 0; r < R; r++) out.set(g.subarray(r * P, (r + 1) * P), (r * d + j) * P);
    }
  } finally {
    x.dispose();
  }
  return out;
}

function compare(got: Float32Array, want: Float32Array, what: string) {
  assertEquals(got.length, want.length);
  let worst = 0, scale = 0;
  for (let i = 0; i < want.length; i++) {
    worst = Math.max(worst, Math.abs(got[i] - want[i]));
    scale = Math.max(scale, Math.abs(want[i]));
  }
  assert(scale > 1e-3, `${what}: gradients not trivially zero (${scale})`);
  assert(worst <= 1e-6 * scale, `${what}: max error ${worst} against scale ${scale}`);
}

const configs: [string, CaeConfig][] = [
  ["64×64, 3×3, 8×8×2 map", { ...defaultCaeConfig(64, 64), channels: [4, 4, 4] }],
  ["40×24, 3 latent channels", {
    ...defaultCaeConfig(40, 24),
    channels: [4, 4],
    latentChannels: 3,
  }],
];

for (const [name, config] of configs) {
  Deno.test(`one pass per colour gives each latent's own saliency (${name})`, async () => {
    const cae = createCae(config, 3);
    try {
      const { colours } = latentColouring(config);
      assert(colours < cae.latentSize / 2, `${colours} colours for ${cae.latentSize} latents`);
      const P = config.height * config.width, n = 2;
      const x = randomFrames(n, P, 7);
      compare(await encoderGradients(cae, x, n), perLatentJacobian(cae, x, n), "saliency");
    } finally {
      tf.dispose(Object.values(cae.variables));
    }
  });
}

Deno.test("one pass per colour gives each latent's own integrated gradients", async () => {
  const [, config] = configs[0];
  const cae = createCae(config, 5);
  try {
    const d = cae.latentSize, P = config.height * config.width, steps = 3;
    const x = randomFrames(1, P, 11), base = randomFrames(1, P, 13);
    // The trapezoid rule by hand: gradients at base + (s/steps)(x − base), weights ½, 1, 1, ½.
    const points = new Float32Array((steps + 1) * P);
    for (let s = 0; s <= steps; s++) {
      for (let q = 0; q < P; q++) points[s * P + q] = base[q] + (s / steps) * (x[q] - base[q]);
    }
    const J = perLatentJacobian(cae, points, steps + 1);
    const want = new Float32Array(d * P);
    for (let j = 0; j < d; j++) {
      for (let q = 0; q < P; q++) {
        let sum = 0;
        for (let s = 0; s <= steps; s++) {
          sum += ((s === 0 || s === steps ? 0.5 : 1) / steps) * J[(s * d + j) * P + q];
        }
        want[j * P + q] = sum * (x[q] - base[q]);
      }
    }
    compare(await integratedGradients(cae, x, 1, base, steps), want, "IG");
  } finally {
    tf.dispose(Object.values(cae.variables));
  }
});

// With 3×3 kernels latent (y = 3, x = 4, channel 1) has its field inside the frame; with 5×5
// kernels (16×16×2 map) latent (0, 4, 1) reaches into the padding on top.
const fieldCases: [string, CaeConfig, number, number[]][] = [
  ["3×3", { ...defaultCaeConfig(64, 64), channels: [4, 4, 4] }, (3 * 8 + 4) * 2 + 1, [
    16,
    46,
    24,
    54,
  ]],
  ["5×5", { ...defaultCaeConfig(64, 64), channels: [4, 4], kernel: 5 }, (0 * 16 + 4) * 2 + 1, [
    -11,
    17,
    5,
    33,
  ]],
];

for (const [name, config, j, expected] of fieldCases) {
  Deno.test(`a latent's gradient is zero outside its receptive field, reaches its edges (${name})`, () => {
    const cae = createCae(config, 9);
    try {
      const P = 64 * 64;
      const J = perLatentJacobian(cae, randomFrames(1, P, 17), 1, [j]);
      const f = latentFields(config)[j];
      assertEquals([f.y0, f.y1, f.x0, f.x1], expected);
      const rows = new Set<number>(), cols = new Set<number>();
      for (let q = 0; q < P; q++) {
        const y = Math.floor(q / 64), x = q % 64, v = J[j * P + q];
        const inside = y >= f.y0 && y <= f.y1 && x >= f.x0 && x <= f.x1;
        if (!inside) assertEquals(v, 0, `pixel (${y}, ${x}) outside the field`);
        else if (v !== 0) {
          rows.add(y);
          cols.add(x);
        }
      }
      // The field is tight: its first and last rows and columns in the frame are reached.
      for (const y of [Math.max(0, f.y0), f.y1]) assert(rows.has(y), `row ${y} reached`);
      for (const x of [f.x0, f.x1]) assert(cols.has(x), `column ${x} reached`);
    } finally {
      tf.dispose(Object.values(cae.variables));
    }
  });
}
