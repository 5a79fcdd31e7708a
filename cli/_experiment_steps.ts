// The steps of `sparsedyn experiment` around the library's experiment: where the real
// recordings are, the synthetic arms and their control with a line per run, and the report
// written over --out keeping what was written there by hand.
import {
  type ExperimentResult,
  type ExperimentRun,
  runExperiment,
} from "../core/train/experiment.ts";
import { afterRealSection, realSection, replaceRealSection } from "../core/heldout/real_section.ts";
import { writeFileAtomic } from "../core/files/atomic_write.ts";
import type { Flags } from "./_command.ts";
import type { EXPERIMENT_FLAGS } from "./_experiment_flags.ts";

/** The flags of `sparsedyn experiment`. */
type ExperimentFlags = Flags<typeof EXPERIMENT_FLAGS>;

/** $SPARSEDYN_DATA, else ../shared/data beside the repository, when it exists. */
export async function defaultDataDir(): Promise<string | undefined> {
  const dir = Deno.env.get("SPARSEDYN_DATA") ??
    new URL("../../shared/data", import.meta.url).pathname;
  return await Deno.stat(dir).then((s) => (s.isDirectory ? dir : undefined), () => undefined);
}

/**
 * The real-data part on the recordings of --data, as a function run when the report needs
 * it; undefined without recordings.
 */
export function realPart(
  values: ExperimentFlags,
  backend: string,
): (() => Promise<string>) | undefined {
  return values.data
    ? () =>
      realSection(values.data!, {
        quick: values.quick,
        seeds: values.seeds,
        backend,
        log: (line) => values.json ? console.log(line) : console.error(line),
        json: values.json,
        raw: values.raw,
      })
    : undefined;
}

/** --real-only: the real-data section printed, or put in place of its section of --out. */
export async function writeRealOnly(values: ExperimentFlags, section: string): Promise<void> {
  if (values.json) return;
  if (values.out) {
    const old = await Deno.readTextFile(values.out).catch(() => "");
    await writeFileAtomic(
      values.out,
      new TextEncoder().encode(replaceRealSection(old, section)),
    );
    console.error(`wrote the real-data section of ${values.out}`);
  } else console.log(section);
}

/** The four arms on synthetic movies over the seeds, each run a line (JSON with --json). */
export function syntheticArms(values: ExperimentFlags): Promise<ExperimentResult> {
  return runExperiment({
    seeds: values.seeds,
    epochs: values.epochs,
    size: values.size,
    frames: values.frames,
    fields: values.fields,
    cells: values.cells,
    onRun: (r) => {
      if (values.json) console.log(JSON.stringify(r));
      else {
        console.error(
          `seed ${r.seed} ${r.mode} skip=${r.skip}: reconstruction ${
            r.reconstruction.toFixed(4)
          }, SNR ${r.latentSnrDb.toFixed(2)} dB, prediction ${r.prediction.toFixed(4)}, ` +
            `F1 ${r.supportF1.toFixed(2)} (${r.seconds.toFixed(0)} s)`,
        );
      }
    },
  });
}

/**
 * The control: one field of view per seed, skip against none (end to end), with the
 * settings of `result`; undefined with --no-control.
 */
export async function controlArms(
  values: ExperimentFlags,
  result: ExperimentResult,
): Promise<ExperimentResult | undefined> {
  if (values["no-control"]) return undefined;
  return await runExperiment({
    ...result.settings,
    fields: 1,
    arms: [{ skip: "mean", mode: "end-to-end" }, { skip: "none", mode: "end-to-end" }],
    onRun: (r: ExperimentRun) => {
      if (values.json) console.log(JSON.stringify({ control: true, ...r }));
      else {console.error(
          `control (one field): seed ${r.seed} skip=${r.skip}: reconstruction ${
            r.reconstruction.toFixed(4)
          }, SNR ${r.latentSnrDb.toFixed(2)} dB`,
        );}
    },
  });
}

/**
 * The report printed, or written to `out`; `keepTail`: what follows the real-data section
 * in the file (notes written by hand) is kept.
 */
export async function writeReport(
  out: string | undefined,
  md: string,
  keepTail: boolean,
): Promise<void> {
  if (out) {
    const old = await Deno.readTextFile(out).catch(() => "");
    const tail = keepTail ? afterRealSection(old) : "";
    await writeFileAtomic(out, new TextEncoder().encode(md.trimEnd() + "\n" + tail));
    console.error(`wrote ${out}`);
  } else console.log(md);
}
