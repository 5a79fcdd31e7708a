// Benchmark: λ selection per equation of a VAR(p) — ours (fitVar: block sufficient
// statistics, one WASM path call per fold for all d equations; and fitVarAsync, the same
// fit with the folds' paths and validation errors on worker threads) against scikit-learn's
// LassoLarsCV(cv=TimeSeriesSplit(k)) and LassoLarsIC(criterion="bic"), one estimator per
// output equation, on the same series and the same folds, in the same run. Prints the
// times, the ratio, and how far the two choices agree (support overlap, λ ratio).
//
//   deno run -A tests/bench/var_select.ts [--repeats 3] [--warmup 3] [--peer-repeats 1]
import { simulateVar } from "../../core/data/synthetic_var.ts";
import { closeLassoWorkers } from "../../core/var/lasso_parallel.ts";
import {
  fitVar,
  fitVarAsync,
  type LambdaSelection,
  type VarModel,
} from "../../core/var/fit_var.ts";

function arg(name: string, fallback: number) {
  const i = Deno.args.indexOf(name);
  return i >= 0 ? Number(Deno.args[i + 1]) : fallback;
}
const REPEATS = arg("--repeats", 3), PEER_REPEATS = arg("--peer-repeats", 1);
const WARMUP = arg("--warmup", 3);
const d = 64, p = 2, T = 4000, FOLDS = 5;

function median(xs: number[]) {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

interface PeerResult {
  sklearn: string;
  m: number;
  cv: { seconds: number[]; alphas: number[]; coefs: number[] };
  bic: { seconds: number[]; alphas: number[]; coefs: number[] };
}

async function peer(series: Float64Array): Promise<PeerResult> {
  const dir = await Deno.makeTempDir();
  try {
    await Deno.writeFile(`${dir}/z.f64`, new Uint8Array(series.buffer));
    const out = await new Deno.Command("/usr/bin/python3", {
      args: [
        new URL("./sklearn_lassolars_peer.py", import.meta.url).pathname,
        `${dir}/z.f64`,
        String(T),
        String(d),
        String(p),
        String(FOLDS),
        String(PEER_REPEATS),
      ],
      stdout: "piped",
      stderr: "piped",
    }).output();
    if (!out.success) throw new Error(new TextDecoder().decode(out.stderr));
    return JSON.parse(new TextDecoder().decode(out.stdout));
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

const sim = simulateVar({ d, p, T, seed: 42 });
const m = p * d;
// No standardisation: scikit-learn fits the raw columns, so both solve the same problem.
const options = (select: LambdaSelection) => ({
  lags: p,
  select,
  standardize: false,
  cv: { folds: FOLDS },
});
const ref = await peer(sim.series);
const rows: string[][] = [];
const workers = navigator.hardwareConcurrency;

/**
 * Wall time of the first call (JIT compilation and, for fitVarAsync, the workers' start
 * included) and the median of REPEATS calls after WARMUP more (V8 needs a few calls of
 * these loops to reach its optimising tier), and the last model.
 */
async function timed(run: () => VarModel | Promise<VarModel>) {
  let t0 = performance.now();
  await run();
  const first = performance.now() - t0;
  for (let r = 0; r < WARMUP; r++) await run();
  const times: number[] = [];
  let model!: VarModel;
  for (let r = 0; r < REPEATS; r++) {
    t0 = performance.now();
    model = await run();
    times.push(performance.now() - t0);
  }
  return { ms: median(times), first, model };
}

for (const select of ["cv", "bic"] as const) {
  const variants: [string, () => VarModel | Promise<VarModel>][] = [
    ["fitVar", () => fitVar(sim.series, T, d, options(select))],
  ];
  if (select === "cv") {
    variants.push([
      `fitVarAsync (${workers} workers)`,
      () => fitVarAsync(sim.series, T, d, { ...options(select), workers }),
    ]);
  }
  let first: VarModel | undefined;
  for (const [name, run] of variants) {
    const { ms: ours, first: cold, model } = await timed(run);
    // The parallel fit must be the same model, bit for bit.
    if (first && !model.A.every((v, q) => Object.is(v, first!.A[q]))) {
      throw new Error(`${name} differs from fitVar`);
    }
    first ??= model;
    const theirs = median(ref[select].seconds) * 1000;
    // Support agreement: |both| / |either| over all m·d coefficients; our B[a, i] = A_k[i, j].
    let both = 0, either = 0, oursNz = 0, theirsNz = 0;
    const ratios: number[] = [];
    for (let i = 0; i < d; i++) {
      for (let a = 0; a < m; a++) {
        const k = Math.floor(a / d), j = a % d;
        const o = model.A[(k * d + i) * d + j] !== 0, t = ref[select].coefs[a * d + i] !== 0;
        if (o && t) both++;
        if (o || t) either++;
        if (o) oursNz++;
        if (t) theirsNz++;
      }
      ratios.push(model.lambdas[i] / ref[select].alphas[i]);
    }
    rows.push([
      select === "cv" ? `time-series CV (${FOLDS} folds)` : "BIC",
      name,
      select === "cv" ? "LassoLarsCV(cv=TimeSeriesSplit(5))" : 'LassoLarsIC(criterion="bic")',
      ours.toFixed(0),
      cold.toFixed(0),
      theirs.toFixed(0),
      (theirs / ours).toFixed(1) + "×",
      (theirs / cold).toFixed(1) + "×",
      `${oursNz} / ${theirsNz}`,
      (both / either).toFixed(3),
      median(ratios).toFixed(3),
    ]);
  }
}
await closeLassoWorkers();

const head = [
  "λ selection",
  "ours",
  "peer (per output)",
  "ours ms",
  "ours 1st call ms",
  "sklearn ms",
  "speed-up",
  "speed-up 1st call",
  "non-zeros ours/sklearn",
  "support Jaccard",
  "median λ ours/sklearn",
];
const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
const line = (r: string[]) => "| " + r.map((c, i) => c.padStart(widths[i])).join(" | ") + " |";
console.log(
  `VAR λ selection, d = ${d}, p = ${p}, T = ${T} (m = ${m} coefficients per equation, ${d} equations); ` +
    `ours median of ${REPEATS} after ${WARMUP} warm-up calls (and the first call alone), ` +
    `scikit-learn ${ref.sklearn} median of ${PEER_REPEATS}`,
);
console.log(line(head));
console.log("|" + widths.map((w) => "-".repeat(w + 2)).join("|") + "|");
for (const r of rows) console.log(line(r));
console.log(
  "ours: fitVar (statistics, all paths, selection, coefficients; one thread) and " +
    "fitVarAsync (the same model, bit for bit, with the paths and fold errors on worker " +
    "threads); sklearn: one " +
    "estimator per output on the prebuilt lagged design (building it is not timed); " +
    "1st call: the variant's first call in this process (the BIC row's reuses code the CV " +
    "rows compiled; fitVarAsync's includes starting the workers)",
);
console.log(
  "the BIC formulas differ (ours n·ln(RSS/n) + ln(n)·df; sklearn's scales RSS by the noise " +
    "variance of the full least-squares fit); with n ≫ m they choose alike",
);
