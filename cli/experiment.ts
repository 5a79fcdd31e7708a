// `sparsedyn experiment`: the evidence for the method's two claims (skip connection;
// end-to-end against two-stage) on synthetic movies with ground truth, and the method on
// real recordings against the baselines a scientist would run, as Markdown.
import { type BackendName, useBackend } from "../core/model/backend.ts";
import { resultsMarkdown } from "../core/train/experiment.ts";
import { replaceRealSection } from "../core/heldout/real_section.ts";
import { UsageError } from "./_flags.ts";
import { defineCommand } from "./_command.ts";
import { EXPERIMENT_DESCRIPTION, EXPERIMENT_FLAGS } from "./_experiment_flags.ts";
import {
  controlArms,
  defaultDataDir,
  realPart,
  syntheticArms,
  writeRealOnly,
  writeReport,
} from "./_experiment_steps.ts";

export const experiment = defineCommand("experiment", {
  summary: "the evidence: skip vs none, end-to-end vs two-stage, on synthetic ground truth",
  synopsis: "[options]",
  description: EXPERIMENT_DESCRIPTION,
  flags: EXPERIMENT_FLAGS,
  async run(values, positionals) {
    if (positionals.length) throw new UsageError(`unexpected argument "${positionals[0]}"`);
    const { size } = values;
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
    const real = realPart(values, used);
    if (values["real-only"]) {
      await writeRealOnly(values, await real!());
      return 0;
    }
    const t0 = performance.now();
    const result = await syntheticArms(values);
    const control = await controlArms(values, result);
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
    await writeReport(values.out, md, real !== undefined);
    return 0;
  },
});
