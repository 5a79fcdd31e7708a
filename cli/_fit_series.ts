// The fit of `sparsedyn fit`: the series checked, the VAR fitted with the flags' settings and
// a progress bar per stage, and any error about the data named with the file.
import { SparsedynError } from "../core/errors.ts";
import type { SeriesInput } from "../core/data/read_series.ts";
import type { LambdaSelection } from "../core/var/fit_var.ts";
import { fitVar, type VarModel } from "../core/var/fit_var.ts";
import type { OrderCriterion } from "../core/var/order.ts";
import { checkSeries } from "../core/var/series_check.ts";
import type { Flags } from "./_command.ts";
import type { FIT_FLAGS } from "./_fit_flags.ts";
import { progress } from "./_progress.ts";

/** The progress bars' labels, by stage of fitVar. */
const STAGE_LABELS = {
  order: "fit: order selection",
  cv: "fit: cross-validation folds",
  paths: "fit: λ per equation",
};

/**
 * Fits the VAR the flags ask for to `input`'s series, with a progress bar per stage.
 *
 * @throws {SparsedynError} What the check or the fit rejects, its message prefixed by the file.
 */
export function fitSeries(
  input: SeriesInput,
  values: Flags<typeof FIT_FLAGS>,
  json: boolean,
): VarModel {
  const { series, T, d } = input;
  const bars = new Map<string, (done: number, total: number) => void>();
  try {
    checkSeries(series, T, d, { name: "series", file: input.file });
    return fitVar(series, T, d, {
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
        if (!bars.has(stage)) bars.set(stage, progress(STAGE_LABELS[stage], json));
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
}
