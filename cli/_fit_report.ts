// What `sparsedyn fit` prints: the order and λ chosen, the network, stability and the
// forecast errors next to the baselines, as tables.
import type { SeriesInput } from "../core/data/read_series.ts";
import type { VarModel } from "../core/var/fit_var.ts";
import { tableLines } from "./_table.ts";

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

/** The summary lines of a fitted model (the `top` strongest edges listed). */
export function summary(model: VarModel, top: number): string[] {
  return [
    ...orderLines(model),
    ...lambdaLines(model),
    ...networkLines(model, top),
    stabilityLine(model),
    ...forecastLines(model),
  ];
}

/** The order: fixed, or chosen with the table of criteria for every order tried. */
function orderLines(model: VarModel): string[] {
  const { order } = model;
  if (!order) return [`Order: p = ${model.p} (fixed)`];
  const out = [
    `Order: p = ${order.p} by ${order.criterion.toUpperCase()} (orders 1 … ${order.maxLags}` +
    `${order.maxLagsReason ? ` — ${order.maxLagsReason}` : ""}; ` +
    `${order.fit} fits on the same ${order.nobs} rows)`,
  ];
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
  for (const l of tableLines(["p  ", "AIC", "BIC", "HQIC", "FPE", "params"], rows)) {
    out.push("  " + l);
  }
  return out;
}

/** How λ was chosen per equation, the λs chosen, and the non-zero coefficients they leave. */
function lambdaLines(model: VarModel): string[] {
  const out: string[] = [];
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
  return out;
}

/** The network of the VAR: its edges and density, and the `top` strongest edges as a table. */
function networkLines(model: VarModel, top: number): string[] {
  const net = model.network;
  const out = [
    `Network: ${net.edges.length} edges of ${model.d * (model.d - 1)} possible (density ${
      fmt(net.density, 3)
    }), ${net.selfLoops.length} series with self-dependence`,
  ];
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
    for (const l of tableLines(["from", "to", "weight", "lag", "lags"], rows)) out.push("    " + l);
  }
  return out;
}

/** The spectral radius of the companion matrix, and whether the VAR is stable. */
function stabilityLine(model: VarModel): string {
  const st = model.stability;
  return `Stability: spectral radius of the companion matrix ${st.spectralRadius.toFixed(4)} (${
    st.stable ? "stable" : "NOT stable"
  })`;
}

/** The forecast errors on the held-out tail next to the baselines' (none without a tail). */
function forecastLines(model: VarModel): string[] {
  if (!model.forecast) return [];
  const f = model.forecast;
  const out = [
    `Forecasts on the held-out tail (time points ${f.testStart} …), MSE pooled over series, ` +
    `on the series' raw scale and standardised (each series over its training sd):`,
  ];
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
    const l of tableLines([
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
  return out;
}

/**
 * "warning: …" lines, red where they go to a terminal (a fit the reader must not trust),
 * unless NO_COLOR is set.
 */
export function warningLines(warnings: string[], terminal: boolean): string[] {
  const red = terminal && !Deno.noColor;
  return warnings.map((w) => red ? `\x1b[1;31mwarning: ${w}\x1b[0m` : `warning: ${w}`);
}

/** The report of a fit of `input`. */
export function printFit(input: SeriesInput, model: VarModel, top: number, out?: string): void {
  const { T, d } = input;
  console.log(
    `sparsedyn fit: ${input.file}${input.kind === "run" ? " (run latents)" : ""}${
      input.transposed ? " (transposed: series in rows)" : ""
    }: T = ${T} time points × d = ${d} series${
      model.forecast ? `; fitted on the first ${model.T}, ${T - model.T} held out` : ""
    }`,
  );
  for (const l of summary(model, top)) console.log("  " + l);
  for (const l of warningLines(model.warnings, Deno.stdout.isTerminal())) console.log("  " + l);
  if (out) console.log(`  written to ${out}`);
}
