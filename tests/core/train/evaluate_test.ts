// The measures of a trained model against ground truth, checked on constructed latents
// whose answer is known.
import { cellTransition, latentSnrDb, supportF1 } from "../../../core/train/evaluate.ts";
import { simulateVar } from "../../../core/data/synthetic_var.ts";
import { normals, uniform } from "../../../core/data/random.ts";
import { assert, assertAlmostEquals } from "../../_helpers/assert.ts";

Deno.test("latentSnrDb recovers the SNR of latents built as signal + noise of known power", () => {
  const T = 20000, K = 3, d = 4;
  const u = uniform(5);
  const calcium = normals(u, T * K);
  const mix = normals(u, K * d);
  const noise = normals(u, T * d);
  // Each latent: unit-variance signal (a mix of cells) plus noise with variance 1/4 → 6.02 dB.
  const latents = new Float64Array(T * d);
  const scale = new Float64Array(d);
  for (let j = 0; j < d; j++) {
    let s = 0;
    for (let k = 0; k < K; k++) s += mix[k * d + j] ** 2;
    scale[j] = 1 / Math.sqrt(s);
  }
  for (let t = 0; t < T; t++) {
    for (let j = 0; j < d; j++) {
      let v = 0;
      for (let k = 0; k < K; k++) v += calcium[t * K + k] * mix[k * d + j];
      latents[t * d + j] = v * scale[j] + 0.5 * noise[t * d + j];
    }
  }
  assertAlmostEquals(latentSnrDb(latents, calcium, T, d, K), 10 * Math.log10(4), 0.15);
});

Deno.test("supportF1 counts the true edges among the E strongest off-diagonal entries", () => {
  // Diagonal entries are ignored however large; one of two edges found → 0.5.
  const B = Float64Array.of(
    9,
    0.1,
    0.7,
    0.8,
    9,
    0.0,
    0.0,
    0.2,
    9,
  );
  assert(supportF1(B, 3, [{ from: 0, to: 1 }, { from: 1, to: 2 }]) === 0.5);
  assert(supportF1(B, 3, [{ from: 0, to: 1 }, { from: 2, to: 0 }]) === 1);
  assert(Number.isNaN(supportF1(B, 3, [])));
});

Deno.test("cellTransition carries a latent VAR back to the cells through a mixing of them", () => {
  // Latents are an invertible mixing of the cells' series: the VAR fitted on the latents,
  // carried back, must rank the true edges first (F1 = 1 on a long series).
  const K = 4, T = 4000;
  const sim = simulateVar({ d: K, p: 1, T, seed: 3, density: 0.25 });
  const edges: { from: number; to: number }[] = [];
  for (let i = 0; i < K; i++) {
    for (let j = 0; j < K; j++) {
      if (i !== j && sim.A[i * K + j] !== 0) edges.push({ from: j, to: i });
    }
  }
  assert(edges.length > 0, "the simulated VAR has edges");
  const d = 6;
  const mix = normals(uniform(9), K * d);
  const latents = new Float64Array(T * d);
  for (let t = 0; t < T; t++) {
    for (let j = 0; j < d; j++) {
      for (let k = 0; k < K; k++) latents[t * d + j] += sim.series[t * K + k] * mix[k * d + j];
    }
  }
  const B = cellTransition(latents, sim.series, T, d, K);
  assert(supportF1(B, K, edges) === 1, `F1 ${supportF1(B, K, edges)}`);
});
