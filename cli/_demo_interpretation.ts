// Part 3 of `sparsedyn demo`, the interpretation: both conditions' movies through the
// trained encoder and a permutation test of their VAR coefficients, next to the same test
// on the true calcium; then the contribution maps of the run's VAR scored against the true
// cell footprints.
import type { SynthTruth } from "../core/data/synthetic.ts";
import { type FootprintScore, scoreAgainstFootprints } from "../core/maps/footprint_score.ts";
import { mapsForRun } from "../core/maps/run_maps.ts";
import { loadModel } from "../core/encode/load_model.ts";
import { conditionTest, type ConditionTestResult } from "../core/stats/condition_test.ts";
import { runEncoder } from "../core/stats/encode_for_test.ts";
import { writeTestJson } from "../core/stats/test_json.ts";
import { EFFECT, K, readNpy, S, T } from "./_demo_recording.ts";

/** The test's windows in frames, and the latents' principal components it tests. */
const WINDOW = 100, COMPONENTS = 8;

/** A coefficient the test on the true calcium found, and whether condition b changed it. */
interface NamedCoefficient {
  from: number;
  to: number;
  true: boolean;
}

/** Part 3 on the recording and the run of part 2: the tests and the maps, reported. */
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
  const latentTest = await testLatents(recording, runDir, truth, seed);
  const { calciumTest, named } = await testCalcium(recording, truth, seed);
  printTests(latentTest, calciumTest, named, log);
  const { score, mapsDir } = await scoreMaps(recording, runDir, truth);
  const seconds = (performance.now() - t0) / 1000;
  printMaps(score, mapsDir, seconds, recording, runDir, log);
  return {
    changed: truth.changed,
    latentTest: {
      pValue: latentTest.pValue,
      rejected: latentTest.rejected,
      components: COMPONENTS,
      window: WINDOW,
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

/** Both conditions' movies through the run's encoder, tested; test.json into the run. */
async function testLatents(
  recording: string,
  runDir: string,
  truth: SynthTruth,
  seed: number,
): Promise<ConditionTestResult> {
  const enc = await runEncoder(runDir);
  try {
    const a = await enc.encode(`${recording}/${truth.files.movie_a}`);
    const b = await enc.encode(`${recording}/${truth.files.movie_b}`);
    const latentTest = conditionTest([a], [b], {
      lags: 1,
      window: WINDOW,
      components: COMPONENTS,
      seed,
    });
    await writeTestJson(runDir, latentTest);
    return latentTest;
  } finally {
    enc.dispose();
  }
}

/**
 * The same test on the true calcium: what a perfect representation would show, with the
 * coefficients it finds named and checked against the truth.
 */
async function testCalcium(recording: string, truth: SynthTruth, seed: number) {
  const ca = await readNpy(`${recording}/${truth.files.calcium_a}`);
  const cb = await readNpy(`${recording}/${truth.files.calcium_b}`);
  const calciumTest = conditionTest([{ series: ca, T, d: K }], [{ series: cb, T, d: K }], {
    lags: 1,
    window: WINDOW,
    seed,
  });
  const named: NamedCoefficient[] = calciumTest.significant.map((c) => ({
    from: c.from,
    to: c.to,
    true: truth.changed.some((t) => t.from === c.from && t.to === c.to),
  }));
  return { calciumTest, named };
}

/** The report of both tests: the latents' p-value and variability, the calcium's findings. */
function printTests(
  latentTest: ConditionTestResult,
  calciumTest: ConditionTestResult,
  named: NamedCoefficient[],
  log: (s: string) => void,
): void {
  log(
    `  latents      ${latentTest.windows.a} + ${latentTest.windows.b} windows of ${WINDOW} frames ` +
      `through the encoder, VAR(1) per window on ${COMPONENTS} principal components: ` +
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
}

/**
 * Contribution maps of the run's VAR on condition a (written into the run's maps/), their
 * prediction maps summed over latents and scored against the true footprints.
 */
async function scoreMaps(
  recording: string,
  runDir: string,
  truth: SynthTruth,
): Promise<{ score: FootprintScore; mapsDir: string }> {
  const model = await loadModel(runDir);
  try {
    const r = await mapsForRun(model, `${recording}/${truth.files.movie_a}`, {
      method: "ig",
      frames: 32,
      steps: 8,
    });
    const P = S * S, d = r.maps.latents;
    const all = new Float64Array(P);
    for (let i = 0; i < d; i++) {
      for (let q = 0; q < P; q++) all[q] += r.maps.ig!.prediction[i * P + q];
    }
    const footprints = await readNpy(`${recording}/footprints.npy`);
    return { score: scoreAgainstFootprints(all, footprints, K), mapsDir: r.dir };
  } finally {
    model.dispose();
  }
}

/** The report of the maps, the time, where the recording and run are, and the dashboard. */
function printMaps(
  score: FootprintScore,
  mapsDir: string,
  seconds: number,
  recording: string,
  runDir: string,
  log: (s: string) => void,
): void {
  log(
    `  maps         integrated gradients of the VAR's prediction, summed over latents: ` +
      `ROC AUC ${score.auc.toFixed(3)} for pixels on cells vs off; ` +
      `${(100 * score.localisation).toFixed(0)}% of the mass on cells (a flat map: ${
        (100 * score.chance).toFixed(0)
      }%)`,
  );
  log(`               ${mapsDir}/all_ig.png`);
  log(`  time         ${seconds.toFixed(0)} s`);
  log(`  recording    ${recording}`);
  log(`  run folder   ${runDir} (test.json, maps/)`);
  const root = runDir.slice(0, runDir.lastIndexOf("/"));
  log(`\nLook at it: npx -y deno@2.9.6 task serve ${root}   then open http://127.0.0.1:8787/`);
}
