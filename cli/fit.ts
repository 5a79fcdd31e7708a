// `sparsedyn fit`: a sparse VAR on a multivariate series from a file (NPY, CSV, Suite2p's
// F.npy) or on the latents of a run folder; summaries as tables, --json for scripts.
import { SparsedynError } from "../core/errors.ts";
import { readSeries } from "../core/data/read_series.ts";
import { writeFileAtomic } from "../core/files/atomic_write.ts";
import type { LambdaSelection } from "../core/var/fit_var.ts";
import { fitVar, type VarModel } from "../core/var/fit_var.ts";
import { varModelToJson } from "../core/var/var_json.ts";
import type { OrderCriterion } from "../core/var/order.ts";
import { checkSeries } from "../core/var/series_check.ts";
import { progress } from "./_progress.ts";
import { UsageError } from "./_flags.ts";
import { defineCommand } from "./_command.ts";
import { checkFitFlags, FIT_DESCRIPTION, FIT_FLAGS } from "./_fit_flags.ts";
import { printFit, warningLines } from "./_fit_report.ts";

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
    const { series, T, d } = input;
    let model: VarModel;
    const json = values.json ?? false;
    const bars = new Map<string, (done: number, total: number) => void>();
    const labels = {
      order: "fit: order selection",
      cv: "fit: cross-validation folds",
      paths: "fit: λ per equation",
    };
    try {
      checkSeries(series, T, d, { name: "series", file: input.file });
      model = fitVar(series, T, d, {
        lags: values.lags,
        maxLags: values["max-lags"],
        orderCriterion: values["order-criterion"] as OrderCriterion,
        select: values.select as LambdaSelection,
        ebicGamma: values.gamma,
        cv: { folds: values.folds, rule: values["cv-rule"] as "min" | "1se" | undefined },
        relaxed: values.relaxed,
        standardize: !values["no-standardize"],
        holdout: values.holdout,
        horizon: values.horizon,
        onProgress: (stage, done, total) => {
          if (!bars.has(stage)) bars.set(stage, progress(labels[stage], json));
          bars.get(stage)!(done, total);
        },
      });
    } catch (err) {
      // Everything fitVar can reject here is about the data: name the file.
      if (err instanceof SparsedynError && err.file === undefined) {
        throw new SparsedynError(err.code, `${input.file}: ${err.message}`, {
          file: input.file,
          argument: err.argument,
          cause: err,
        });
      }
      throw err;
    }
    const { file, kind, transposed } = input;
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
