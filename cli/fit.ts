// `sparsedyn fit`: a sparse VAR on a multivariate series from a file (NPY, CSV, Suite2p's
// F.npy) or on the latents of a run folder; summaries as tables, --json for scripts.
import { readSeries } from "../core/data/read_series.ts";
import { writeFileAtomic } from "../core/files/atomic_write.ts";
import { varModelToJson } from "../core/var/var_json.ts";
import { UsageError } from "./_flags.ts";
import { defineCommand } from "./_command.ts";
import { checkFitFlags, FIT_DESCRIPTION, FIT_FLAGS } from "./_fit_flags.ts";
import { printFit, warningLines } from "./_fit_report.ts";
import { fitSeries } from "./_fit_series.ts";

export const fit = defineCommand("fit", {
  summary: "fit a sparse VAR to a series (NPY, CSV, Suite2p F.npy) or a run's latents",
  synopsis: "<SERIES | RUN_DIR> [options]",
  description: FIT_DESCRIPTION,
  flags: FIT_FLAGS,
  footer: "Exit status: 0 success, 1 bad input (the file is named), 2 usage error.",
  async run(values, positionals) {
    if (positionals.length !== 1) {
      throw new UsageError(
        positionals.length
          ? `expected one series or run folder; got ${positionals.length} arguments`
          : "missing the series file or run folder (see sparsedyn fit --help)",
      );
    }
    checkFitFlags(values);
    const input = await readSeries(positionals[0], {
      transpose: values.transpose ? true : values["no-transpose"] ? false : undefined,
    });
    const json = values.json ?? false;
    const model = fitSeries(input, values, json);
    const { file, kind, transposed, T, d } = input;
    const text = JSON.stringify({
      input: { file, kind, T, d, transposed },
      ...varModelToJson(model),
    });
    if (values.out) await writeFileAtomic(values.out, new TextEncoder().encode(text + "\n"));
    if (json) {
      console.log(text);
      for (const l of warningLines(model.warnings, Deno.stderr.isTerminal())) console.error(l);
    } else printFit(input, model, values.top, values.out);
    return 0;
  },
});
