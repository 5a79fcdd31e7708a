// Part 2 of `sparsedyn demo`, the method: a synthetic recording, the autoencoder trained end
// to end through the VAR layer, and the dynamics it found carried to the cells and compared
// with the true ones.
import type { SynthEdge } from "../core/data/synthetic.ts";
import { useBackend } from "../core/model/backend.ts";
import { loadRun } from "../core/runs/run_folder.ts";
import { cellTransition, latentSnrDb, rankInfluences, supportF1 } from "../core/train/evaluate.ts";
import { trainRun, type TrainRunResult } from "../core/train/train_run.ts";
import { K, readNpy, S, T, writeDemoRecording } from "./_demo_recording.ts";

/** A recovered cell-to-cell influence, and whether the truth has it. */
export interface RecoveredInfluence {
  from: number;
  to: number;
  strength: number;
  true: boolean;
}

/** What part 2 found (the `method` of --json). */
export interface MethodDemoResult {
  recording: string;
  run: string;
  latents: number;
  epochs: number;
  latentSnrDb: number;
  supportF1: number;
  ceilingF1: number;
  chanceF1: number;
  trueEdges: { from: number; to: number; weight: number }[];
  recovered: RecoveredInfluence[];
  seconds: number;
}

/** Part 2: writes the recording and the run into `out`, trains, and scores the dynamics. */
export async function methodDemo(
  out: string,
  epochs: number,
  seed: number,
  json: boolean,
): Promise<MethodDemoResult> {
  const log = (s: string) => json ? undefined : console.log(s);
  log(`\n2. the method: synthetic recording, ${S}×${S} pixels, ${K} cells, ${T} frames`);
  const t0 = performance.now();
  const recording = `${out}/recording`, runDir = `${out}/run`;
  const truth = await writeDemoRecording(recording, seed);
  const edges = truth.edges.a.filter((e) => e.lag === 1);
  log(`  truth        ${edges.length} directed influences between cells (VAR(1))`);
  const r = await trainDemoRun(`${recording}/${truth.files.movie_a}`, runDir, epochs, seed, log);
  const trainSeconds = (performance.now() - t0) / 1000;
  const d = r.latentSize;
  const found = await recoveredDynamics(runDir, `${recording}/${truth.files.calcium_a}`, d, edges);
  const result = {
    recording,
    run: runDir,
    latents: d,
    epochs,
    latentSnrDb: found.snr,
    supportF1: found.f1,
    ceilingF1: found.ceiling,
    chanceF1: found.chance,
    trueEdges: edges.map((e) => ({ from: e.from, to: e.to, weight: e.weight })),
    recovered: found.recovered,
    seconds: trainSeconds,
  };
  if (!json) printMethod(result, log);
  return result;
}

/** Trains the run on condition a, end to end with the skip connection, a line per epoch. */
async function trainDemoRun(
  movie: string,
  runDir: string,
  epochs: number,
  seed: number,
  log: (s: string) => void,
): Promise<TrainRunResult> {
  const backend = await useBackend("wasm");
  log(`  training     on condition a, end to end, skip connection, ${epochs} epochs on ${backend}`);
  return await trainRun(movie, runDir, {
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
}

/**
 * The run's latent VAR carried to the cells against the true calcium: the support F1 of its
 * strongest influences, the ceiling (the same VAR on the true calcium), chance, the latents'
 * SNR, and the influences ranked as many as the true ones.
 */
async function recoveredDynamics(
  runDir: string,
  calciumFile: string,
  d: number,
  edges: SynthEdge[],
) {
  const run = await loadRun(runDir);
  const calcium = await readNpy(calciumFile);
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
  const recovered = ranked.slice(0, edges.length).map((e) => ({ ...e, true: isTrue(e) }));
  return { f1, ceiling, chance, snr, recovered };
}

/** The report of part 2: the latents, the influences recovered and missed, the time. */
function printMethod(result: MethodDemoResult, log: (s: string) => void): void {
  const { latents: d, latentSnrDb: snr, supportF1: f1, chanceF1: chance } = result;
  const edges = result.trueEdges;
  log(`  latents      d = ${d}; SNR against the true calcium ${snr.toFixed(1)} dB`);
  log(
    `  dynamics     the ${edges.length} strongest cell-to-cell influences of the latent VAR ` +
      `(carried to the cells): ${Math.round(f1 * edges.length)} of ${edges.length} are true ` +
      `(F1 ${f1.toFixed(2)}; chance ${chance.toFixed(2)}; the same VAR on the true calcium ${
        result.ceilingF1.toFixed(2)
      })`,
  );
  for (const e of result.recovered) {
    log(
      `    cell ${e.from} → cell ${e.to}  ${e.strength >= 0 ? "+" : ""}${e.strength.toFixed(3)}  ${
        e.true ? "true" : "not in the truth"
      }`,
    );
  }
  const missed = edges.filter((t) =>
    !result.recovered.some((e) => e.from === t.from && e.to === t.to)
  );
  if (missed.length) {
    log(
      `    missed: ${missed.map((e) => `${e.from} → ${e.to} (${e.weight.toFixed(2)})`).join(", ")}`,
    );
  }
  log(`  time         ${result.seconds.toFixed(0)} s`);
}
