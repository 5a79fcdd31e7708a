// Benchmark: the VAR workload — d series, p lags, T samples, one full lasso path per
// series on a shared Gram matrix — ours (WASM core) against scikit-learn's
// lars_path_gram (Debian's python3, subprocess) on identical G and C, in the same run;
// and the adjoint for all d outputs relative to the forward path.
//
//   deno task bench            (or: deno run -A tests/bench/lasso_path.ts [--repeats 5])
import { simulateVar } from "../../core/data/synthetic_var.ts";
import { varStatistics } from "../../core/var/design.ts";
import {
  closeLassoWorkers,
  lassoAdjoint,
  lassoAtBatch,
  lassoPathBatch,
  lassoPathBatchParallel,
} from "../../mod.ts";
import { normals, uniform } from "../../core/data/random.ts";

const repeatsArg = Deno.args.indexOf("--repeats");
const REPEATS = repeatsArg >= 0 ? Number(Deno.args[repeatsArg + 1]) : 9;
const WORKLOADS: [number, number, number][] = [[32, 2, 2000], [64, 2, 2000], [128, 1, 4000]];

function median(xs: number[]) {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

async function timeMs(fn: () => unknown, repeats: number) {
  const out: number[] = [];
  for (let i = 0; i < repeats; i++) {
    const t0 = performance.now();
    await fn();
    out.push(performance.now() - t0);
  }
  return median(out);
}

async function peer(G: Float64Array, C: Float64Array, m: number, d: number, n: number) {
  const dir = await Deno.makeTempDir();
  try {
    await Deno.writeFile(`${dir}/G.f64`, new Uint8Array(G.buffer));
    await Deno.writeFile(`${dir}/C.f64`, new Uint8Array(C.buffer));
    const out = await new Deno.Command("/usr/bin/python3", {
      args: [
        new URL("./sklearn_lars_peer.py", import.meta.url).pathname,
        `${dir}/G.f64`,
        `${dir}/C.f64`,
        String(m),
        String(d),
        String(n),
        String(REPEATS),
        "lasso",
      ],
      stdout: "piped",
      stderr: "piped",
    }).output();
    if (!out.success) throw new Error(new TextDecoder().decode(out.stderr));
    return JSON.parse(new TextDecoder().decode(out.stdout)) as {
      seconds: number[];
      breakpoints: number;
      sklearn: string;
    };
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

const rows: string[][] = [];
let sklearnVersion = "";
for (const [d, p, T] of WORKLOADS) {
  const sim = simulateVar({ d, p, T, seed: 42 });
  const s = varStatistics(sim.series, T, d, p);
  const { G, C, n, m } = s;
  lassoPathBatch(G, C, n); // warm up
  let ours = 0;
  const oursMs = await timeMs(() => {
    ours = lassoPathBatch(G, C, n).reduce((a, q) => a + q.lambdas.length, 0);
  }, REPEATS);
  const workers = navigator.hardwareConcurrency;
  for (let i = 0; i < 3; i++) await lassoPathBatchParallel(G, C, n); // start and warm the pool
  const parMs = await timeMs(() => lassoPathBatchParallel(G, C, n), REPEATS);
  const ref = await peer(G, C, m, d, n);
  sklearnVersion = ref.sklearn;
  const theirsMs = median(ref.seconds) * 1000;
  // Adjoint: fits with large active sets (λ = λ₀/100 of the weakest equation), all d outputs.
  const lam0 = Math.min(...lassoAtBatch(G, C, n, { steps: 0 }).lambdas);
  const fit = lassoAtBatch(G, C, n, { lambda: lam0 / 100 });
  const gB = normals(uniform(1), m * d);
  const atMs = await timeMs(() => lassoAtBatch(G, C, n, { lambda: lam0 / 100 }), REPEATS);
  const adjMs = await timeMs(() => lassoAdjoint(G, C, n, fit, gB), REPEATS);
  const meanActive = fit.active.length / d;
  rows.push([
    `(${d},${p},${T})`,
    String(m),
    oursMs.toFixed(1),
    theirsMs.toFixed(1),
    (theirsMs / oursMs).toFixed(1) + "×",
    parMs.toFixed(1) + ` (${workers})`,
    (theirsMs / parMs).toFixed(1) + "×",
    `${ours} / ${ref.breakpoints}`,
    atMs.toFixed(1),
    adjMs.toFixed(1),
    (adjMs / oursMs).toFixed(2),
    meanActive.toFixed(0),
  ]);
}

const head = [
  "(d,p,T)",
  "m",
  "ours ms",
  "sklearn ms",
  "speed-up",
  "ours parallel ms (workers)",
  "speed-up",
  "breakpoints ours/sklearn",
  "lassoAt ms",
  "adjoint ms",
  "adjoint/path",
  "mean |A|",
];
const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
const line = (r: string[]) => "| " + r.map((c, i) => c.padStart(widths[i])).join(" | ") + " |";
console.log(
  `Full lasso path per series on a shared Gram (median of ${REPEATS}); peer: scikit-learn ${sklearnVersion} lars_path_gram`,
);
console.log(line(head));
console.log("|" + widths.map((w) => "-".repeat(w + 2)).join("|") + "|");
for (const r of rows) console.log(line(r));
console.log(
  "ours: lassoPathBatch, one thread; parallel: lassoPathBatchParallel, one WASM instance per worker thread",
);
console.log(
  "adjoint: lassoAdjoint for all d outputs at λ = λ₀/100 (fixed-λ mode), vs the full forward path (one thread)",
);
await closeLassoWorkers();
