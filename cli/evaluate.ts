// `sparsedyn evaluate <run> --heldout MOVIE[start:end]`: the run's model in pixel space on
// held-out frames, next to persistence, mean images and PCA (+ VAR) on the same frames;
// with --rois, its contribution map and the summary images scored against the cells.
import { startBackend } from "./_backend_flag.ts";
import { evaluateRun } from "../core/heldout/evaluate_run.ts";
import { UsageError } from "./_flags.ts";
import { defineCommand } from "./_command.ts";
import { EVALUATE_DESCRIPTION, EVALUATE_FLAGS } from "./_evaluate_flags.ts";
import { printCropNote } from "./_crop_note.ts";
import { progress } from "./_progress.ts";
import { formatEvaluation } from "./_evaluation_report.ts";

export const evaluate = defineCommand("evaluate", {
  summary: "a run's model on held-out frames, in pixel space, next to PCA and persistence",
  synopsis: "<run> --heldout MOVIE[start:end] [options]",
  description: EVALUATE_DESCRIPTION,
  footer: "Exit status: 0 when evaluated, 1 on bad input, 2 on a usage error.",
  flags: EVALUATE_FLAGS,
  async run(values, positionals) {
    if (positionals.length !== 1) throw new UsageError("give one run folder");
    if (!values.heldout) {
      throw new UsageError("--heldout MOVIE[start:end] is required", "--heldout");
    }
    const json = values.json ?? false;
    await startBackend(values, json);
    const bars = new Map<string, (done: number, total: number) => void>();
    await printCropNote("evaluate", await runPreprocess(positionals[0]), values.heldout, json);
    const e = await evaluateRun(positionals[0], values.heldout, {
      training: values.training,
      rois: values.rois,
      horizons: values.horizons,
      components: values.components,
      maps: { frames: values["map-frames"], steps: values["map-steps"] },
      onProgress: (stage, done, total) => {
        if (!bars.has(stage)) bars.set(stage, progress(stage, json));
        bars.get(stage)!(done, total);
      },
    });
    for (const w of e.warnings) {
      console.error(json ? JSON.stringify({ warning: w }) : `sparsedyn evaluate: warning: ${w}`);
    }
    if (json) console.log(JSON.stringify(e));
    else console.log(formatEvaluation(e) + `\n\nwrote ${e.run}/evaluation.json`);
    return 0;
  },
});

/** The run's crop, said for the held-out movie (a run without config.json fails later). */
async function runPreprocess(run: string): Promise<Record<string, unknown>> {
  try {
    return JSON.parse(await Deno.readTextFile(`${run}/config.json`)).preprocess ?? {};
  } catch {
    return {};
  }
}
