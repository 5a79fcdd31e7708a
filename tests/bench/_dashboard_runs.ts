// A realistic runs root for the dashboard's bench and tests, written directly (no training):
// runs of 8, 128 and 512 latents with weights, test.json with its null distribution, maps/
// with per-latent maps, a training still in progress, and a run whose latents are cut
// short. The series are a simulated sparse stable VAR so that the pages draw real content.
import { npyHeader } from "../../core/data/npy_writer.ts";
import { renderMapPng } from "../../core/maps/png.ts";
import { uniform } from "../../core/data/random.ts";
import { writeRun } from "../../core/runs/run_folder.ts";

function npyF32(data: Float32Array, shape: number[]): Uint8Array {
  const header = npyHeader("<f4", shape);
  const out = new Uint8Array(header.length + 4 * data.length);
  out.set(header);
  out.set(new Uint8Array(data.buffer, data.byteOffset, data.byteLength), header.length);
  return out;
}

/** What one synthetic run holds. */
export interface SynthRunSpec {
  /** Frames. */
  T: number;
  /** Latents. */
  d: number;
  /** VAR order. */
  lags: number;
  /** Epochs of metrics. */
  epochs?: number;
  /** Write test.json. */
  test?: boolean;
  /** Write maps/ (one all-latents map and `mapLatents` per-latent maps). */
  mapLatents?: number;
  /** Seed. */
  seed?: number;
}

/**
 * Writes a run folder: a sparse VAR(p) simulated for T frames (about 3 non-zero
 * off-diagonal coefficients per row and lag), its coefficients, metrics, weights of a small
 * convolutional autoencoder with a d-wide dense layer, a 32 × 32 mean image.
 */
export async function writeSynthRun(dir: string, spec: SynthRunSpec): Promise<void> {
  const { T, d, lags } = spec;
  const r = uniform(spec.seed ?? 11);
  const A = Array.from(
    { length: lags },
    (_, k) =>
      Array.from({ length: d }, (_, i) =>
        Array.from({ length: d }, (_, j) => {
          if (i === j) return k === 0 ? 0.4 : 0;
          return r() < 3 / d ? (r() - 0.5) * 0.3 / lags : 0;
        })),
  );
  const z = new Float64Array(T * d);
  for (let t = lags; t < T; t++) {
    for (let i = 0; i < d; i++) {
      let s = 0.3 * (r() + r() + r() - 1.5);
      for (let k = 0; k < lags; k++) {
        const row = A[k][i], off = (t - k - 1) * d;
        for (let j = 0; j < d; j++) if (row[j] !== 0) s += row[j] * z[off + j];
      }
      z[t * d + i] = s;
    }
  }
  const H = 32, W = 32;
  const weights = {
    "encoder/conv1/kernel": {
      data: new Float64Array(3 * 3 * 1 * 8).map(() => r()),
      shape: [3, 3, 1, 8],
    },
    "encoder/dense/kernel": {
      data: new Float64Array(512 * d).map(() => r() - 0.5),
      shape: [512, d],
    },
    "decoder/dense/kernel": {
      data: new Float64Array(d * 512).map(() => r() - 0.5),
      shape: [d, 512],
    },
  };
  await writeRun(dir, {
    config: {
      mode: "end-to-end",
      backend: "wasm",
      movie: "movie.npy",
      cae: { skip: "mean", height: H, width: W, latent: d },
      objective: { lags },
    },
    metrics: Array.from({ length: spec.epochs ?? 40 }, (_, e) => ({
      epoch: e,
      loss: 1 / (e + 1),
      reconstruction: 0.5 / (e + 1),
      prediction: 0.4 / (e + 2),
    })),
    weights,
    latents: { data: z, shape: [T, d] },
    meanImage: { data: new Float64Array(H * W).map(() => r()), shape: [H, W] },
    var: { lags, A, intercept: new Array(d).fill(0), lambda: new Array(d).fill(0.01) },
  });
  if (spec.test) {
    const coefficients = [];
    for (let k = 0; k < lags; k++) {
      for (let i = 0; i < d; i++) {
        for (let j = 0; j < d; j++) {
          if (A[k][i][j] === 0 || i === j) continue;
          const p = r();
          coefficients.push({
            lag: k + 1,
            from: j,
            to: i,
            meanA: A[k][i][j],
            meanB: A[k][i][j] * 0.5,
            t: (r() - 0.5) * 6,
            p,
            q: Math.min(1, p * 2),
            significant: p < 0.025,
          });
        }
      }
    }
    await Deno.writeTextFile(
      `${dir}/test.json`,
      JSON.stringify({
        statisticName: "Σ t²",
        statistic: 40 + r() * 20,
        pValue: 0.03,
        alpha: 0.05,
        rejected: true,
        permutations: 999,
        null: { values: Array.from({ length: 999 }, () => 20 + 30 * (r() + r() + r()) / 3) },
        coefficients,
        significant: coefficients.filter((c) => c.significant),
      }) + "\n",
    );
  }
  if (spec.mapLatents) {
    await Deno.mkdir(`${dir}/maps`);
    const maps: Record<string, unknown>[] = [];
    const mean = new Float32Array(H * W).map(() => r());
    const one = async (file: string, item: Record<string, unknown>) => {
      // A smooth blob with noise, so that maps differ and the colour bar has a range.
      const cy = r() * H, cx = r() * W;
      const m = new Float32Array(H * W).map((_, k) =>
        0.02 * Math.exp(-((Math.floor(k / W) - cy) ** 2 + (k % W - cx) ** 2) / 40) + 0.002 * r()
      );
      await Deno.writeFile(`${dir}/maps/${file}.npy`, npyF32(m, [H, W]));
      await Deno.writeFile(`${dir}/maps/${file}.png`, renderMapPng(m, mean, H, W));
      maps.push({ file: `${file}.npy`, png: `${file}.png`, method: "ig", ...item });
    };
    await one("all_ig", { kind: "all" });
    for (let j = 0; j < spec.mapLatents; j++) {
      await one(`latent_${j}_ig`, { kind: "latent", latent: j });
    }
    await Deno.writeTextFile(
      `${dir}/maps/maps.json`,
      JSON.stringify({ version: 1, height: H, width: W, latents: d, lags, methods: ["ig"], maps }) +
        "\n",
    );
  }
}

/**
 * The bench's root: `small-a`, `small-b` (8 latents, 2 lags, 3 000 frames, with test and
 * maps), `wide-128` (128 latents, 3 lags, 4 000 frames, test and 128 latent maps),
 * `wide-512` (512 latents, 1 lag, 2 000 frames), `group/nested` (16 latents), a training
 * in progress (`live.checkpoint/`) and a run with its latents cut short (`cut`).
 */
export async function writeBenchRoot(root: string): Promise<string[]> {
  await Deno.mkdir(root, { recursive: true });
  await writeSynthRun(`${root}/small-a`, {
    T: 3000,
    d: 8,
    lags: 2,
    test: true,
    mapLatents: 8,
    seed: 1,
  });
  await writeSynthRun(`${root}/small-b`, {
    T: 3000,
    d: 8,
    lags: 2,
    test: true,
    mapLatents: 8,
    seed: 2,
  });
  await writeSynthRun(`${root}/wide-128`, {
    T: 4000,
    d: 128,
    lags: 3,
    test: true,
    mapLatents: 128,
    seed: 3,
  });
  await writeSynthRun(`${root}/wide-512`, { T: 2000, d: 512, lags: 1, seed: 4 });
  await writeSynthRun(`${root}/group/nested`, { T: 1000, d: 16, lags: 1, seed: 5 });
  await writeSynthRun(`${root}/cut`, { T: 500, d: 8, lags: 1, seed: 6 });
  const lat = await Deno.readFile(`${root}/cut/latents.npy`);
  await Deno.writeFile(`${root}/cut/latents.npy`, lat.subarray(0, lat.length - 100));
  await Deno.mkdir(`${root}/live.checkpoint`);
  await Deno.writeTextFile(
    `${root}/live.checkpoint/metrics.jsonl`,
    Array.from({ length: 12 }, (_, e) => JSON.stringify({ epoch: e, loss: 1 / (e + 1) }) + "\n")
      .join(""),
  );
  return ["small-a", "small-b", "wide-128", "wide-512", "group/nested", "cut", "live"];
}
