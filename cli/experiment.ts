// `sparsedyn experiment`: the evidence for the method's two claims (skip connection;
// end-to-end against two-stage) on synthetic movies with ground truth, and the method on
// real recordings against the baselines a scientist would run, as Markdown.
import { type BackendName, useBackend } from "../core/model/backend.ts";
import { resultsMarkdown, runExperiment } from "../core/train/experiment.ts";
import { afterRealSection, realSection, replaceRealSection } from "../core/heldout/real_section.ts";
import { writeFileAtomic } from "../core/files/atomic_write.ts";
import { UsageError } from "./_flags.ts";
import { defineCommand } from "./_command.ts";
import { EXPERIMENT_DESCRIPTION, EXPERIMENT_FLAGS } from "./_experiment_flags.ts";

export const experiment = defineCommand("experiment", {
  summary: "the evidence: skip vs none, end-to-end vs two-stage, on synthetic ground truth",
  synopsis: "[options]",
  description: EXPERIMENT_DESCRIPTION,
  flags: EXPERIMENT_FLAGS,
  async run(values, positionals) {
    if (positionals.length) throw new UsageError(`unexpected argument "${positionals[0]}"`);
    const { seeds, size } = values;
    if (size !== undefined && size % 8 !== 0) {
      throw new UsageError(`--size must be a multiple of 8; got ${size}`, "--size");
    }
    const used = await useBackend(values.backend as BackendName);
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
