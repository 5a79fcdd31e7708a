// `sparsedyn fit`: a sparse VAR on a multivariate series from a file (NPY, CSV, Suite2p's
// F.npy) or on the latents of a run folder; summaries as tables, --json for scripts.
import { SparsedynError } from "../core/errors.ts";
import { readMatrix } from "../core/data/read_matrix.ts";
import { writeFileAtomic } from "../core/files/atomic_write.ts";
import type { LambdaSelection } from "../core/var/fit_var.ts";
import { fitVar, type VarModel } from "../core/var/fit_var.ts";
import { varModelToJson } from "../core/var/var_json.ts";
import type { OrderCriterion } from "../core/var/order.ts";
import { checkSeries } from "../core/var/series_check.ts";
import { tableLines } from "./_table.ts";
import { progress } from "./_progress.ts";
import { type Command, numberFlag, parseFlags, UsageError } from "./_flags.ts";

const SUITE2P = new Set(["f.npy", "fneu.npy", "spks.npy"]);

const usage = `Usage: sparsedyn fit <SERIES | RUN_DIR> [options]

Fits a sparse vector autoregression z_t = c + A_1 z_{t−1} + … + A_p z_{t−p} + ε_t to a
multivariate series: the order p by an information criterion, λ per equation along the
lasso path, then the network (who drives whom), stability and forecast errors on a
held-out tail next to persistence and mean baselines.

Input:
  SERIES              a T×d matrix, rows = time points, as .npy or .csv;
                      Suite2p's F.npy, Fneu.npy, spks.npy are n_cells × n_frames and are
                      transposed automatically (by name)
  RUN_DIR             a run folder (latents.npy and config.json): fits its latents
  --transpose         the file is d×T (series in rows): transpose it
  --no-transpose      do not transpose, even a file named like Suite2p's
Order:
  --lags P            a fixed order P
  --max-lags P        compare orders 1 … P on the same sample (default min(8, ⌊T/10⌋,
                      the data bound): the largest P at which least squares leaves d
                      residual degrees of freedom per equation, T − P ≥ P·d + d + 1.
                      Orders whose criteria are not finite or whose parameters leave
                      fewer are listed but never chosen
  --order-criterion C bic (default), aic, hqic or fpe
λ per equation:
  --select S          bic (default), aic, ebic, cv (time-series cross-validation)
                      or none (λ = 0: ordinary least squares)
  --gamma G           EBIC's γ in [0, 1] (default 0.5)
  --folds K           cross-validation folds (default 5)
  --cv-rule R         min (default) or 1se
  --relaxed           refit least squares on each equation's selected support
  --no-standardize    do not scale each series to unit variance before the lasso
Forecasts:
  --holdout F         fraction of the series, at its end, held out (default 0.2; 0: none);
                      with F > 0 the model is fitted on the rest only
  --horizon H         score forecasts 1 … H steps ahead (default 5)
Output:
  --top N             edges listed (default 10)
  --out FILE          write the model as JSON (atomically: complete or not at all)
  --json              print the model as JSON on stdout
  -h, --help          show this help

Exit status: 0 success, 1 bad input (the file is named), 2 usage error.`;

/** Resolves the positional argument to a matrix file; a run folder means its latents. */
async function resolveInput(arg: string): Promise<{ file: string; kind: "file" | "run" }> {
  let info: Deno.FileInfo;
  try {
    info = await Deno.stat(arg);
  } catch (err) {
    throw new SparsedynError(
      "IO",
      `Cannot read "${arg}": ${err instanceof Error ? err.message : String(err)}`,
      { file: arg, cause: err },
    );
  }
  if (!info.isDirectory) return { file: arg, kind: "file" };
  const latents = `${arg.replace(/\/+$/, "")}/latents.npy`;
  const config = `${arg.replace(/\/+$/, "")}/config.json`;
  for (const f of [latents, config]) {
    try {
      await Deno.stat(f);
    } catch {
      throw new SparsedynError(
        "BAD_FILE",
        `${arg} is not a run folder: ${f.slice(f.lastIndexOf("/") + 1)} is missing ` +
          `(a run folder holds latents.npy and config.json)`,
        { file: arg },
      );
    }
  }
  return { file: latents, kind: "run" };
}

function table(head: string[], rows: string[][]): string[] {
  return tableLines(head, rows);
}

function fmt(v: number, digits = 4): string {
  if (Number.isNaN(v)) return "—";
  if (!Number.isFinite(v)) return String(v);
  if (Number.isInteger(v) && Math.abs(v) < 1e6) return String(v);
  const a = Math.abs(v);
  return a >= 1e4 || a < 1e-3 ? v.toExponential(digits - 1) : v.toPrecision(digits);
}

function quantiles(xs: ArrayLike<number>): string {
  const s = Array.from(xs).sort((a, b) => a - b);
  const q = (f: number) => s[Math.min(s.length - 1, Math.floor(f * (s.length - 1) + 0.5))];
  return `min ${fmt(q(0))}, median ${fmt(q(0.5))}, max ${fmt(q(1))}`;
}

function summary(model: VarModel, top: number): string[] {
  const out: string[] = [];
  const { order } = model;
  if (order) {
    out.push(
      `Order: p = ${order.p} by ${order.criterion.toUpperCase()} (orders 1 … ${order.maxLags}` +
        `${order.maxLagsReason ? ` — ${order.maxLagsReason}` : ""}; ` +
        `${order.fit} fits on the same ${order.nobs} rows)`,
    );
    if (order.table.some((r) => !r.admissible)) {
      out.push(
        "  (x: not admissible, never chosen — each equation's p·d + 1 parameters would leave " +
          "fewer than d residual degrees of freedom (not fitted: —), or its criteria are " +
          "not finite)",
      );
    }
    const rows = order.table.map((r) => [
      String(r.p) + (r.p === order.p ? " *" : r.admissible ? "  " : " x"),
      fmt(r.aic, 6),
      fmt(r.bic, 6),
      fmt(r.hqic, 6),
      fmt(r.fpe, 6),
      String(r.freeParameters),
    ]);
    for (const l of table(["p  ", "AIC", "BIC", "HQIC", "FPE", "params"], rows)) {
      out.push("  " + l);
    }
  } else out.push(`Order: p = ${model.p} (fixed)`);
  const m = model.p * model.d;
  const how = model.select === "none"
    ? "λ = 0 (least squares)"
    : model.select === "cv"
    ? `time-series cross-validation (${model.cv!.folds.length} folds, rule ${model.cv!.rule})`
    : model.select.toUpperCase();
  out.push(
    `λ per equation by ${how}${model.relaxed ? ", relaxed refit" : ""}${
      model.standardized ? " (standardised scale)" : ""
    }:`,
  );
  if (model.select !== "none") {
    out.push(`  λ: ${quantiles(model.lambdas)}`);
    out.push(
      `  λ / λ_max: ${quantiles(model.lambdas.map((l, i) => l / (model.lambdaMax[i] || 1)))}`,
    );
  }
  const total = model.df.reduce((a, b) => a + b, 0);
  out.push(
    `  non-zero coefficients per equation: ${quantiles(model.df)} (of ${m}); total ${total} of ${
      m * model.d
    }`,
  );
  const net = model.network;
  out.push(
    `Network: ${net.edges.length} edges of ${model.d * (model.d - 1)} possible (density ${
      fmt(net.density, 3)
    }), ${net.selfLoops.length} series with self-dependence`,
  );
  if (net.edges.length) {
    const rows = net.edges.slice(0, top).map((e) => [
      String(e.from),
      String(e.to),
      fmt(e.weight),
      String(e.lag),
      e.lags.join(","),
    ]);
    const shown = Math.min(top, net.edges.length);
    out.push(`  strongest ${shown}:`);
    for (const l of table(["from", "to", "weight", "lag", "lags"], rows)) out.push("    " + l);
  }
  const st = model.stability;
  out.push(
    `Stability: spectral radius of the companion matrix ${st.spectralRadius.toFixed(4)} (${
      st.stable ? "stable" : "NOT stable"
    })`,
  );
  if (model.forecast) {
    const f = model.forecast;
    out.push(
      `Forecasts on the held-out tail (time points ${f.testStart} …), MSE pooled over series, ` +
        `on the series' raw scale and standardised (each series over its training sd):`,
    );
    const rows = f.scores.map((s) => [
      String(s.horizon),
      String(s.count),
      fmt(s.mse),
      fmt(s.persistence),
      fmt(s.mean),
      fmt(s.standardised.mse),
      fmt(s.standardised.persistence),
      fmt(s.standardised.mean),
      fmt(s.mse / s.persistence, 3),
    ]);
    for (
      const l of table([
        "h",
        "n",
        "raw: VAR",
        "persistence",
        "mean",
        "std.: VAR",
        "persistence",
        "mean",
        "VAR/persist. (raw)",
      ], rows)
    ) {
      out.push("  " + l);
    }
  }
  return out;
}

/**
 * "warning: …" lines, red where they go to a terminal (a fit the reader must not trust),
 * unless NO_COLOR is set.
 */
function warningLines(warnings: string[], terminal: boolean): string[] {
  const red = terminal && !Deno.noColor;
  return warnings.map((w) => red ? `\x1b[1;31mwarning: ${w}\x1b[0m` : `warning: ${w}`);
}

export const fit: Command = {
  summary: "fit a sparse VAR to a series (NPY, CSV, Suite2p F.npy) or a run's latents",
  usage,
  async run(argv) {
    const { values, positionals } = parseFlags(argv, {
      transpose: { type: "boolean" },
      "no-transpose": { type: "boolean" },
      lags: { type: "string" },
      "max-lags": { type: "string" },
      "order-criterion": { type: "string" },
      select: { type: "string" },
      gamma: { type: "string" },
      folds: { type: "string" },
      "cv-rule": { type: "string" },
      relaxed: { type: "boolean" },
      "no-standardize": { type: "boolean" },
      holdout: { type: "string" },
      horizon: { type: "string" },
      top: { type: "string" },
      out: { type: "string" },
      json: { type: "boolean" },
      help: { type: "boolean", short: "h" },
    });
    if (values.help) {
      console.log(usage);
      return 0;
    }
    if (positionals.length !== 1) {
      throw new UsageError(
        positionals.length
          ? `expected one series or run folder; got ${positionals.length} arguments`
          : "missing the series file or run folder (see sparsedyn fit --help)",
      );
    }
    if (values.transpose && values["no-transpose"]) {
      throw new UsageError("give --transpose or --no-transpose, not both", "--no-transpose");
    }
    if (values.lags !== undefined && values["max-lags"] !== undefined) {
      throw new UsageError("give --lags (fixed order) or --max-lags, not both", "--max-lags");
    }
    const lags = numberFlag(values.lags, "--lags", { integer: true, min: 1 });
    const maxLags = numberFlag(values["max-lags"], "--max-lags", { integer: true, min: 1 });
    const orderCriterion = values["order-criterion"] ?? "bic";
    if (!["bic", "aic", "hqic", "fpe"].includes(orderCriterion)) {
      throw new UsageError(
        `--order-criterion must be bic, aic, hqic or fpe; got "${orderCriterion}"`,
        "--order-criterion",
      );
    }
    if (lags !== undefined && values["order-criterion"] !== undefined) {
      throw new UsageError("--order-criterion needs --max-lags, not --lags", "--order-criterion");
    }
    const select = values.select ?? "bic";
    if (!["bic", "aic", "ebic", "cv", "none"].includes(select)) {
      throw new UsageError(
        `--select must be bic, aic, ebic, cv or none; got "${select}"`,
        "--select",
      );
    }
    const gamma = numberFlag(values.gamma, "--gamma", { min: 0 });
    if (gamma !== undefined && (gamma > 1 || select !== "ebic")) {
      throw new UsageError(
        gamma > 1 ? `--gamma must lie in [0, 1]; got ${gamma}` : "--gamma needs --select ebic",
        "--gamma",
      );
    }
    const folds = numberFlag(values.folds, "--folds", { integer: true, min: 2 });
    const cvRule = values["cv-rule"];
    if (cvRule !== undefined && cvRule !== "min" && cvRule !== "1se") {
      throw new UsageError(`--cv-rule must be min or 1se; got "${cvRule}"`, "--cv-rule");
    }
    if ((folds !== undefined || cvRule !== undefined) && select !== "cv") {
      throw new UsageError(
        `${folds !== undefined ? "--folds" : "--cv-rule"} needs --select cv`,
        folds !== undefined ? "--folds" : "--cv-rule",
      );
    }
    const holdout = numberFlag(values.holdout, "--holdout", { min: 0 }) ?? 0.2;
    if (holdout >= 1) {
      throw new UsageError(`--holdout must lie in [0, 1); got ${holdout}`, "--holdout");
    }
    const horizon = numberFlag(values.horizon, "--horizon", { integer: true, min: 1 }) ?? 5;
    const top = numberFlag(values.top, "--top", { integer: true, min: 0 }) ?? 10;

    const input = await resolveInput(positionals[0]);
    const mat = await readMatrix(input.file);
    const base = input.file.slice(input.file.lastIndexOf("/") + 1).toLowerCase();
    const transposed = values.transpose === true ||
      (input.kind === "file" && !values["no-transpose"] && SUITE2P.has(base));
    let series = mat.data, T = mat.rows, d = mat.cols;
    if (transposed) {
      series = new Float64Array(mat.data.length);
      for (let i = 0; i < mat.rows; i++) {
        for (let t = 0; t < mat.cols; t++) series[t * mat.rows + i] = mat.data[i * mat.cols + t];
      }
      [T, d] = [mat.cols, mat.rows];
    }
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
        lags,
        maxLags,
        orderCriterion: orderCriterion as OrderCriterion,
        select: select as LambdaSelection,
        ebicGamma: gamma,
        cv: { folds, rule: cvRule as "min" | "1se" | undefined },
        relaxed: values.relaxed,
        standardize: !values["no-standardize"],
        holdout,
        horizon,
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
    const result = {
      input: { file: input.file, kind: input.kind, T, d, transposed },
      ...varModelToJson(model),
    };
    const text = JSON.stringify(result);
    if (values.out) await writeFileAtomic(values.out, new TextEncoder().encode(text + "\n"));
    if (values.json) {
      console.log(text);
      for (const l of warningLines(model.warnings, Deno.stderr.isTerminal())) console.error(l);
    } else {
      console.log(
        `sparsedyn fit: ${input.file}${input.kind === "run" ? " (run latents)" : ""}${
          transposed ? " (transposed: series in rows)" : ""
        }: T = ${T} time points × d = ${d} series${
          model.forecast ? `; fitted on the first ${model.T}, ${T - model.T} held out` : ""
        }`,
      );
      for (const l of summary(model, top)) console.log("  " + l);
      for (const l of warningLines(model.warnings, Deno.stdout.isTerminal())) {
        console.log("  " + l);
      }
      if (values.out) console.log(`  written to ${values.out}`);
    }
    return 0;
  },
};
