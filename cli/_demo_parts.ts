// The three parts of `sparsedyn demo`: the numeric core on a simulated sparse VAR, the
// method on a synthetic recording, and the interpretation (condition test and maps).
import { decodeNpy } from "../core/data/npy.ts";
import { simulateVar } from "../core/data/synthetic_var.ts";
import type { SynthTruth } from "../core/data/synthetic.ts";
import { writeSynthetic } from "../core/data/synthetic_write.ts";
import { type FootprintScore, scoreAgainstFootprints } from "../core/maps/footprint_score.ts";
import { mapsForRun } from "../core/maps/run_maps.ts";
import { loadModel } from "../core/encode/load_model.ts";
import { conditionTest, type ConditionTestResult } from "../core/stats/condition_test.ts";
import { runEncoder } from "../core/stats/encode_for_test.ts";
import { writeTestJson } from "../core/stats/test_json.ts";
import { useBackend } from "../core/model/backend.ts";
import { loadRun } from "../core/runs/run_folder.ts";
import { cellTransition, latentSnrDb, rankInfluences, supportF1 } from "../core/train/evaluate.ts";
import { trainRun } from "../core/train/train_run.ts";
import { fitVarLasso } from "../core/var/fit_var_lasso.ts";
import { scoreSupport } from "../core/var/support_score.ts";

export function coreDemo(d: number, p: number, T: number, seed: number) {
  const t0 = performance.now();
  const sim = simulateVar({ d, p, T, seed });
  const t1 = performance.now();
  const fit = fitVarLasso(sim.series, T, d, p);
  const t2 = performance.now();
  const score = scoreSupport(sim.A, fit.A);
  const trueNonzero = sim.A.reduce((a, v) => a + (v !== 0 ? 1 : 0), 0);
  return {
    series: d,
    lags: p,
    samples: T,
    seed,
    spectralRadius: sim.spectralRadius,
    coefficients: d * d * p,
    trueNonzero,
    estimatedNonzero: score.truePositives + score.falsePositives,
    ...score,
    breakpoints: fit.breakpoints,
    pathMs: fit.pathMs,
    fitMs: t2 - t1,
    totalMs: t2 - t0,
  };
}

const pct = (x: number) => `${(100 * x).toFixed(1)}%`;

export function printCore(r: ReturnType<typeof coreDemo>) {
  const { lags: p, series: d } = r;
  console.log(
    `1. numeric core: sparse VAR(${p}), ${d} series, ${r.samples} samples (seed ${r.seed})`,
  );
  console.log(
    `  truth        ${r.trueNonzero} non-zero of ${r.coefficients} coefficients; ` +
      `companion spectral radius ${r.spectralRadius.toFixed(3)}`,
  );
  console.log(
    `  lasso path   ${d} equations, ${r.breakpoints} breakpoints in ${
      r.pathMs.toFixed(1)
    } ms (WASM core, one call)`,
  );
  console.log(`  BIC choice   ${r.estimatedNonzero} non-zero coefficients`);
  console.log(
    `  support      precision ${pct(r.precision)}  recall ${pct(r.recall)}  ` +
      `(true positives ${r.truePositives}, false positives ${r.falsePositives}, missed ${r.falseNegatives})`,
  );
  console.log(`  signs        ${pct(r.signAgreement)} of true positives have the right sign`);
  console.log(
    `  time         fit ${r.fitMs.toFixed(1)} ms (design, paths, BIC); total ${
      r.totalMs.toFixed(1)
    } ms`,
  );
}

/** The demo's recording: 32×32, 8 cells, 1536 frames per condition; b changes 3 coefficients. */
const S = 32, T = 1536, K = 8, EFFECT = 0.3, CHANGED = 3;

export async function methodDemo(out: string, epochs: number, seed: number, json: boolean) {
  const log = (s: string) => json ? undefined : console.log(s);
  log(`\n2. the method: synthetic recording, ${S}×${S} pixels, ${K} cells, ${T} frames`);
  const t0 = performance.now();
  const recording = `${out}/recording`, runDir = `${out}/run`;
  const truth = await writeSynthetic(recording, {
    height: S,
    width: S,
    frames: T,
    cells: K,
    seed,
    conditions: { effect: EFFECT, edges: CHANGED },
  });
  const edges = truth.edges.a.filter((e) => e.lag === 1);
  log(`  truth        ${edges.length} directed influences between cells (VAR(1))`);
  const backend = await useBackend("wasm");
  log(`  training     on condition a, end to end, skip connection, ${epochs} epochs on ${backend}`);
  const r = await trainRun(`${recording}/${truth.files.movie_a}`, runDir, {
    mode: "end-to-end",
    skip: "mean",
    // The architecture this demo's numbers were measured with (three layers: d = 32), not
    // the depth trainRun would size for windows of 32 frames.
    cae: { channels: [16, 32, 32] },
    epochs,
    windowLength: 32,
    learningRate: 2e-3,
    seed,
    onEpoch: (m) =>
      log(
        `    epoch ${String(m.epoch + 1).padStart(2)}  loss ${m.loss.toFixed(4)}  ` +
          `reconstruction ${m.reconstruction.toFixed(4)}  prediction ${m.prediction.toFixed(4)}  ` +
          `${m.framesPerSecond.toFixed(0)} frames/s`,
      ),
  });
  const trainSeconds = (performance.now() - t0) / 1000;
  const run = await loadRun(runDir);
  const calcium = await readNpy(`${recording}/${truth.files.calcium_a}`);
  const d = r.latentSize;
  const B = cellTransition(run.latents.data, calcium, T, d, K);
  const f1 = supportF1(B, K, edges);
  // What a perfect representation would allow: the same VAR fit on the true calcium.
  const ceiling = supportF1(cellTransition(calcium, calcium, T, K, K), K, edges);
  const chance = edges.length / (K * (K - 1));
  const snr = latentSnrDb(run.latents.data, calcium, T, d, K);
  // Rank the recovered influences to show which true ones came first.
  const ranked = rankInfluences(B, K);
  const isTrue = (e: { from: number; to: number }) =>
    edges.some((t) => t.from === e.from && t.to === e.to);
  const result = {
    recording,
    run: runDir,
    latents: d,
    epochs,
    latentSnrDb: snr,
    supportF1: f1,
    ceilingF1: ceiling,
    chanceF1: chance,
    trueEdges: edges.map((e) => ({ from: e.from, to: e.to, weight: e.weight })),
    recovered: ranked.slice(0, edges.length).map((e) => ({ ...e, true: isTrue(e) })),
    seconds: trainSeconds,
  };
  if (!json) {
    log(`  latents      d = ${d}; SNR against the true calcium ${snr.toFixed(1)} dB`);
    log(
      `  dynamics     the ${edges.length} strongest cell-to-cell influences of the latent VAR ` +
        `(carried to the cells): ${Math.round(f1 * edges.length)} of ${edges.length} are true ` +
        `(F1 ${f1.toFixed(2)}; chance ${chance.toFixed(2)}; the same VAR on the true calcium ${
          ceiling.toFixed(2)
        })`,
    );
    for (const e of result.recovered) {
      log(
        `    cell ${e.from} → cell ${e.to}  ${e.strength >= 0 ? "+" : ""}${
          e.strength.toFixed(3)
        }  ${e.true ? "true" : "not in the truth"}`,
      );
    }
    const missed = edges.filter((t) =>
      !result.recovered.some((e) => e.from === t.from && e.to === t.to)
    );
    if (missed.length) {
      log(
        `    missed: ${
          missed.map((e) => `${e.from} → ${e.to} (${e.weight.toFixed(2)})`).join(", ")
        }`,
      );
    }
    log(`  time         ${trainSeconds.toFixed(0)} s`);
  }
  return result;
}

async function readNpy(path: string): Promise<Float64Array> {
  return decodeNpy(await Deno.readFile(path), path).data;
}

export async function interpretationDemo(
  recording: string,
  runDir: string,
  truth: SynthTruth,
  seed: number,
  json: boolean,
) {
  const log = (s: string) => json ? undefined : console.log(s);
  const t0 = performance.now();
  const changed = truth.changed.map((c) => `${c.from} → ${c.to}`);
  log(
    `\n3. interpretation: condition b strengthens ${changed.length} influences by ${EFFECT} ` +
      `(${changed.join(", ")})`,
  );
  const window = 100, components = 8;
  const enc = await runEncoder(runDir);
  let latentTest: ConditionTestResult;
  try {
    const a = await enc.encode(`${recording}/${truth.files.movie_a}`);
    const b = await enc.encode(`${recording}/${truth.files.movie_b}`);
    latentTest = conditionTest([a], [b], { lags: 1, window, components, seed });
    await writeTestJson(runDir, latentTest);
  } finally {
    enc.dispose();
  }
  // The same test on the true calcium: what a perfect representation would show.
  const ca = await readNpy(`${recording}/${truth.files.calcium_a}`);
  const cb = await readNpy(`${recording}/${truth.files.calcium_b}`);
  const calciumTest = conditionTest([{ series: ca, T, d: K }], [{ series: cb, T, d: K }], {
    lags: 1,
    window,
    seed,
  });
  const named = calciumTest.significant.map((c) => ({
    from: c.from,
    to: c.to,
    true: truth.changed.some((t) => t.from === c.from && t.to === c.to),
  }));
  log(
    `  latents      ${latentTest.windows.a} + ${latentTest.windows.b} windows of ${window} frames ` +
      `through the encoder, VAR(1) per window on ${components} principal components: ` +
      `p = ${latentTest.pValue.toFixed(3)} (${latentTest.permutations} relabelings) — ` +
      (latentTest.rejected ? "the conditions differ" : "no difference shown"),
  );
  log(
    `  variability  between / within conditions ${latentTest.variability.ratio.toFixed(3)} ` +
      `(within a ${latentTest.variability.withinA.toFixed(3)}, within b ${
        latentTest.variability.withinB.toFixed(3)
      })`,
  );
  log(
    `  true calcium the same test on the cells: p = ${calciumTest.pValue.toFixed(3)}; ` +
      `FDR-significant: ${
        named.length
          ? named.map((c) => `${c.from} → ${c.to}${c.true ? "" : " (not changed)"}`)
            .join(", ")
          : "none"
      }`,
  );
  // Contribution maps of the run's VAR on condition a, scored against the true footprints.
  const model = await loadModel(runDir);
  let score: FootprintScore, mapsDir: string;
  try {
    const r = await mapsForRun(model, `${recording}/${truth.files.movie_a}`, {
      method: "ig",
      frames: 32,
      steps: 8,
    });
    mapsDir = r.dir;
    const P = S * S, d = r.maps.latents;
    const all = new Float64Array(P);
    for (let i = 0; i < d; i++) {
      for (let q = 0; q < P; q++) all[q] += r.maps.ig!.prediction[i * P + q];
    }
    const footprints = await readNpy(`${recording}/footprints.npy`);
    score = scoreAgainstFootprints(all, footprints, K);
  } finally {
    model.dispose();
  }
  log(
    `  maps         integrated gradients of the VAR's prediction, summed over latents: ` +
      `ROC AUC ${score.auc.toFixed(3)} for pixels on cells vs off; ` +
      `${(100 * score.localisation).toFixed(0)}% of the mass on cells (a flat map: ${
        (100 * score.chance).toFixed(0)
      }%)`,
  );
  log(`               ${mapsDir}/all_ig.png`);
  const seconds = (performance.now() - t0) / 1000;
  log(`  time         ${seconds.toFixed(0)} s`);
  log(`  recording    ${recording}`);
  log(`  run folder   ${runDir} (test.json, maps/)`);
  const root = runDir.slice(0, runDir.lastIndexOf("/"));
  log(`\nLook at it: npx -y deno@2.9.6 task serve ${root}   then open http://127.0.0.1:8787/`);
  return {
    changed: truth.changed,
    latentTest: {
      pValue: latentTest.pValue,
      rejected: latentTest.rejected,
      components,
      window,
      variabilityRatio: latentTest.variability.ratio,
    },
    calciumTest: { pValue: calciumTest.pValue, significant: named },
    maps: { dir: mapsDir, auc: score.auc, localisation: score.localisation, chance: score.chance },
    dashboard: {
      command: `npx -y deno@2.9.6 task serve ${runDir.slice(0, runDir.lastIndexOf("/"))}`,
      url: "http://127.0.0.1:8787/",
    },
    seconds,
  };
}
