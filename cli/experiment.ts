// `sparsedyn experiment`: the evidence for the method's two claims (skip connection;
// end-to-end against two-stage) on synthetic movies with ground truth, and the method on
// real recordings against the baselines a scientist would run, as Markdown.
import { useBackend } from "../core/model/backend.ts";
import { resultsMarkdown, runExperiment } from "../core/train/experiment.ts";
import { afterRealSection, realSection, replaceRealSection } from "../core/heldout/real_section.ts";
import { writeFileAtomic } from "../core/runs/atomic_write.ts";
import { UsageError } from "./_flags.ts";
import { defineCommand } from "./_command.ts";

export const experiment = defineCommand("experiment", {
  summary: "the evidence: skip vs none, end-to-end vs two-stage, on synthetic ground truth",
  synopsis: "[options]",
  description: `Trains the four arms (skip connection mean/none × end-to-end/two-stage) on synthetic
movies with known dynamics, over several seeds, and reports reconstruction error, latent
SNR, latent prediction error and VAR support recovery (mean ± sd) with both claims as
paired differences, then a control with one field of view per seed (about 8 minutes on
2 cores). Then, where the real recordings are found (--data), the real-data part: each
recording split in time, every arm judged on the held-out part in pixel space against
PCA, persistence and mean images (about 30 minutes).`,
  flags: {
    out: {
      type: "string",
      arg: "FILE",
      help: "write the Markdown report here (atomically); default: print it",
    },
    seeds: { type: "integers", min: 0, arg: "LIST", help: "comma-separated seeds (default 1,2,3)" },
    epochs: { type: "integer", min: 1, default: 12, arg: "N", help: "training epochs per arm" },
    size: {
      type: "integer",
      min: 8,
      arg: "S",
      help: "frame side in pixels, a multiple of 8 (default 32)",
    },
    frames: { type: "integer", min: 64, arg: "T", help: "frames per field of view (default 768)" },
    fields: { type: "integer", min: 1, arg: "F", help: "fields of view per seed (default 3)" },
    cells: { type: "integer", min: 2, arg: "K", help: "cells per field (default 8)" },
    backend: {
      type: "string",
      arg: "B",
      choices: ["wasm", "cpu", "tensorflow"],
      default: "wasm",
      help: "wasm, cpu or tensorflow",
    },
    "no-control": { type: "boolean", help: "skip the control with one field of view per seed" },
    data: {
      type: "string",
      arg: "DIR",
      help: `the real-data part's recordings (the files listed in docs/RESULTS.md);
default $SPARSEDYN_DATA, else ../shared/data beside the repository when it
is there. Each movie is split in time, every arm trained on the first 75%
and judged by \`sparsedyn evaluate\` against PCA, persistence and mean and
local-correlation images on the rest (about 30 minutes on 2 cores)`,
    },
    "no-real": { type: "boolean", help: "skip the real-data part" },
    raw: {
      type: "string",
      arg: "FILE",
      help: "also write the real-data part's runs and evaluations as JSON",
    },
    "real-only": {
      type: "boolean",
      help:
        "only the real-data part; with --out, replaces that section of the file\nand keeps the rest",
    },
    quick: {
      type: "boolean",
      help: `the real-data part in brief: one seed, three movies, the residual skip
in both modes, a third of the training (about 2 minutes)`,
    },
    json: { type: "boolean", help: "print every run as a JSON line instead of the report" },
  },
  async run(values, positionals) {
    if (positionals.length) throw new UsageError(`unexpected argument "${positionals[0]}"`);
    const { seeds, size } = values;
    if (size !== undefined && size % 8 !== 0) {
      throw new UsageError(`--size must be a multiple of 8; got ${size}`, "--size");
    }
    const used = await useBackend(values.backend as "wasm" | "cpu" | "tensorflow");
    if (!values.data && !values["no-real"]) values.data = await defaultDataDir();
    if (values["real-only"] || values.quick) {
      if (!values.data) {
        throw new UsageError("--real-only and --quick need --data DIR (the recordings)", "--data");
      }
    }
    const real = values.data
      ? () =>
        realSection(values.data!, {
          quick: values.quick,
          seeds,
          backend: used,
          log: (line) => values.json ? console.log(line) : console.error(line),
          json: values.json,
          raw: values.raw,
        })
      : undefined;
    if (values["real-only"]) {
      const section = await real!();
      if (values.json) return 0;
      if (values.out) {
        const old = await Deno.readTextFile(values.out).catch(() => "");
        await writeFileAtomic(
          values.out,
          new TextEncoder().encode(replaceRealSection(old, section)),
        );
        console.error(`wrote the real-data section of ${values.out}`);
      } else console.log(section);
      return 0;
    }
    const t0 = performance.now();
    const result = await runExperiment({
      seeds,
      epochs: values.epochs,
      size,
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
    // Control: one field of view per seed, skip against none (end to end).
    const control = values["no-control"] ? undefined : await runExperiment({
      ...result.settings,
      fields: 1,
      arms: [{ skip: "mean", mode: "end-to-end" }, { skip: "none", mode: "end-to-end" }],
      onRun: (r) => {
        if (values.json) console.log(JSON.stringify({ control: true, ...r }));
        else {console.error(
            `control (one field): seed ${r.seed} skip=${r.skip}: reconstruction ${
              r.reconstruction.toFixed(4)
            }, SNR ${r.latentSnrDb.toFixed(2)} dB`,
          );}
      },
    });
    if (values.json) return 0;
    const minutes = (performance.now() - t0) / 60000;
    const md = replaceRealSection(
      resultsMarkdown(
        result,
        `backend ${used}, ${navigator.hardwareConcurrency} cores, ${minutes.toFixed(1)} minutes.`,
        control,
      ),
      real ? await real() : "",
    );
    if (values.out) {
      // What follows the real-data section in the file (notes written by hand) is kept.
      const old = await Deno.readTextFile(values.out).catch(() => "");
      const tail = real ? afterRealSection(old) : "";
      await writeFileAtomic(values.out, new TextEncoder().encode(md.trimEnd() + "\n" + tail));
      console.error(`wrote ${values.out}`);
    } else console.log(md);
    return 0;
  },
});

/** $SPARSEDYN_DATA, else ../shared/data beside the repository, when it exists. */
async function defaultDataDir(): Promise<string | undefined> {
  const dir = Deno.env.get("SPARSEDYN_DATA") ??
    new URL("../../shared/data", import.meta.url).pathname;
  return await Deno.stat(dir).then((s) => (s.isDirectory ? dir : undefined), () => undefined);
}
