// The flags and help of `sparsedyn fit`, as a table (cli/_command.ts), and the checks
// that need more than one flag.
import type { Flags, FlagTable } from "./_command.ts";
import { UsageError } from "./_flags.ts";

export const FIT_DESCRIPTION =
  `Fits a sparse vector autoregression z_t = c + A_1 z_{t−1} + … + A_p z_{t−p} + ε_t to a
multivariate series: the order p by an information criterion, λ per equation along the
lasso path, then the network (who drives whom), stability and forecast errors on a
held-out tail next to persistence and mean baselines.

SERIES is a T×d matrix, rows = time points, as .npy or .csv; Suite2p's F.npy, Fneu.npy,
spks.npy are n_cells × n_frames and are transposed automatically (by name). RUN_DIR is a
run folder (latents.npy and config.json): fit fits its latents.`;

const IN = "Input", ORDER = "Order", LAMBDA = "λ per equation", FORECAST = "Forecasts";
const OUT = "Output";

export const FIT_FLAGS = {
  transpose: { type: "boolean", group: IN, help: "the file is d×T (series in rows): transpose it" },
  "no-transpose": {
    type: "boolean",
    group: IN,
    help: "do not transpose, even a file named like Suite2p's",
  },
  lags: { type: "integer", min: 1, arg: "P", group: ORDER, help: "a fixed order P" },
  "max-lags": {
    type: "integer",
    min: 1,
    arg: "P",
    group: ORDER,
    help: `compare orders 1 … P on the same sample (default min(8, ⌊T/10⌋,
the data bound): the largest P at which least squares leaves d
residual degrees of freedom per equation, T − P ≥ P·d + d + 1.
Orders whose criteria are not finite or whose parameters leave
fewer are listed but never chosen`,
  },
  "order-criterion": {
    type: "string",
    arg: "C",
    group: ORDER,
    choices: ["bic", "aic", "hqic", "fpe"],
    help: "bic (default), aic, hqic or fpe",
  },
  select: {
    type: "string",
    arg: "S",
    group: LAMBDA,
    choices: ["bic", "aic", "ebic", "cv", "none"],
    default: "bic",
    help:
      "bic, aic, ebic, cv (time-series cross-validation)\nor none (λ = 0: ordinary least squares)",
  },
  gamma: {
    type: "number",
    min: 0,
    arg: "G",
    group: LAMBDA,
    help: "EBIC's γ in [0, 1] (default 0.5)",
  },
  folds: {
    type: "integer",
    min: 2,
    arg: "K",
    group: LAMBDA,
    help: "cross-validation folds (default 5)",
  },
  "cv-rule": {
    type: "string",
    arg: "R",
    group: LAMBDA,
    choices: ["min", "1se"],
    help: "min (default) or 1se",
  },
  relaxed: {
    type: "boolean",
    group: LAMBDA,
    help: "refit least squares on each equation's selected support",
  },
  "no-standardize": {
    type: "boolean",
    group: LAMBDA,
    help: "do not scale each series to unit variance before the lasso",
  },
  holdout: {
    type: "number",
    min: 0,
    default: 0.2,
    arg: "F",
    group: FORECAST,
    help:
      "fraction of the series, at its end, held out (0: none);\nwith F > 0 the model is fitted on the rest only",
  },
  horizon: {
    type: "integer",
    min: 1,
    default: 5,
    arg: "H",
    group: FORECAST,
    help: "score forecasts 1 … H steps ahead",
  },
  top: { type: "integer", min: 0, default: 10, arg: "N", group: OUT, help: "edges listed" },
  out: {
    type: "string",
    arg: "FILE",
    group: OUT,
    help: "write the model as JSON (atomically: complete or not at all)",
  },
  json: { type: "boolean", group: OUT, help: "print the model as JSON on stdout" },
} as const satisfies FlagTable;

/** The usage errors that need more than one flag. */
export function checkFitFlags(values: Flags<typeof FIT_FLAGS>): void {
  if (values.transpose && values["no-transpose"]) {
    throw new UsageError("give --transpose or --no-transpose, not both", "--no-transpose");
  }
  if (values.lags !== undefined && values["max-lags"] !== undefined) {
    throw new UsageError("give --lags (fixed order) or --max-lags, not both", "--max-lags");
  }
  if (values.lags !== undefined && values["order-criterion"] !== undefined) {
    throw new UsageError("--order-criterion needs --max-lags, not --lags", "--order-criterion");
  }
  const { gamma, folds, select } = values;
  if (gamma !== undefined && (gamma > 1 || select !== "ebic")) {
    throw new UsageError(
      gamma > 1 ? `--gamma must lie in [0, 1]; got ${gamma}` : "--gamma needs --select ebic",
      "--gamma",
    );
  }
  const cvRule = values["cv-rule"];
  if ((folds !== undefined || cvRule !== undefined) && select !== "cv") {
    throw new UsageError(
      `${folds !== undefined ? "--folds" : "--cv-rule"} needs --select cv`,
      folds !== undefined ? "--folds" : "--cv-rule",
    );
  }
  if (values.holdout >= 1) {
    throw new UsageError(`--holdout must lie in [0, 1); got ${values.holdout}`, "--holdout");
  }
}
