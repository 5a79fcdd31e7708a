// Benchmark: the dashboard under load. A runs root like a user's (runs of 8, 128 and 512
// latents with tests and maps, a nested run, a training in progress, a damaged run) is
// written, `sparsedyn serve` is started on it in its own process, and 2 000 requests at
// concurrency 50 go over the pages and APIs (runs list, run pages, compare, metrics,
// series, coefficients, runs JSON, stylesheet) in a fixed shuffled order, from a cold server. Prints
// p50 / p90 / p99 / max per route and overall, next to the 300 ms p99 target.
//
//   deno run -A tests/bench/dashboard.ts [--requests 2000] [--concurrency 50]
import { writeBenchRoot } from "./_dashboard_runs.ts";
import { uniform } from "../../core/data/random.ts";

function arg(name: string, fallback: number) {
  const i = Deno.args.indexOf(name);
  return i >= 0 ? Number(Deno.args[i + 1]) : fallback;
}
const REQUESTS = arg("--requests", 2000), CONCURRENCY = arg("--concurrency", 50);
const TARGET_P99_MS = 300;

function quantile(sorted: number[], q: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
}

/** The request mix: every page and API the dashboard serves from run folders. */
function urls(runs: string[]): [string, string][] {
  const out: [string, string][] = [["/", "/"], ["/api/runs", "/api/runs"]];
  for (const r of runs) {
    const n = encodeURIComponent(r);
    out.push(["/run", `/run?name=${n}`]);
    out.push(["/api/run/metrics", `/api/run/metrics?name=${n}`]);
    if (r !== "live" && r !== "cut") {
      out.push(["/api/run/series", `/api/run/series?name=${n}&cols=0,1,2&points=1200`]);
      out.push(["/api/run/var", `/api/run/var?name=${n}`]);
    }
  }
  out.push(["/compare", "/compare?a=small-a&b=wide-128"]);
  out.push(["/static", "/static/style.css"]);
  return out;
}

async function startServer(root: string): Promise<{ url: string; proc: Deno.ChildProcess }> {
  const cli = new URL("../../cli/main.ts", import.meta.url).pathname;
  const proc = new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", cli, "serve", root, "--port", "0", "--json"],
    stdout: "piped",
    stderr: "inherit",
  }).spawn();
  const reader = proc.stdout.pipeThrough(new TextDecoderStream()).getReader();
  let text = "";
  while (!text.includes("\n")) {
    const { value, done } = await reader.read();
    if (done) throw new Error(`sparsedyn serve exited: ${text}`);
    text += value;
  }
  reader.releaseLock();
  return { url: JSON.parse(text.split("\n")[0]).url.replace(/\/$/, ""), proc };
}

const tmp = await Deno.makeTempDir({ prefix: "sparsedyn-bench-dash-" });
try {
  const t0 = performance.now();
  const runs = await writeBenchRoot(`${tmp}/runs`);
  console.log(
    `dashboard bench: root of ${runs.length} runs (8, 16, 128, 512 latents; a damaged run; ` +
      `a training) written in ${((performance.now() - t0) / 1000).toFixed(1)} s`,
  );
  const { url, proc } = await startServer(`${tmp}/runs`);
  try {
    const mix = urls(runs);
    const r = uniform(1);
    const plan = Array.from(
      { length: REQUESTS },
      (_, k) => mix[k < mix.length ? k : Math.floor(r() * mix.length)],
    );
    const times: { route: string; ms: number; status: number; k: number }[] = [];
    let next = 0;
    const start = performance.now();
    await Promise.all(Array.from({ length: CONCURRENCY }, async () => {
      while (next < plan.length) {
        const k = next++;
        const [route, path] = plan[k];
        const t = performance.now();
        const res = await fetch(url + path);
        await res.arrayBuffer();
        times.push({ route, ms: performance.now() - t, status: res.status, k });
      }
    }));
    const wall = (performance.now() - start) / 1000;
    const errors = times.filter((t) => t.status >= 500).length;
    const rows = [...new Set(times.map((t) => t.route)), "all"].map((route) => {
      const ms = times.filter((t) => route === "all" || t.route === route).map((t) => t.ms)
        .sort((a, b) => a - b);
      return {
        route,
        n: ms.length,
        p50: quantile(ms, 0.5),
        p90: quantile(ms, 0.9),
        p99: quantile(ms, 0.99),
        max: ms.at(-1)!,
      };
    });
    console.log(
      `${REQUESTS} requests at concurrency ${CONCURRENCY}: ${wall.toFixed(1)} s, ` +
        `${(REQUESTS / wall).toFixed(0)} req/s, ${errors} server errors`,
    );
    console.log("route               n     p50 ms   p90 ms   p99 ms   max ms");
    for (const x of rows) {
      console.log(
        `${x.route.padEnd(18)} ${String(x.n).padStart(4)} ${
          [x.p50, x.p90, x.p99, x.max].map((v) => v.toFixed(1).padStart(8)).join(" ")
        }`,
      );
    }
    // The first requests find every run unread (a cold server); the rest are served from the
    // caches. Both are in the overall figures; this line shows each.
    const phase = (f: (k: number) => boolean) => {
      const ms = times.filter((t) => f(t.k)).map((t) => t.ms).sort((a, b) => a - b);
      return `p50 ${quantile(ms, 0.5).toFixed(0)} ms, p99 ${quantile(ms, 0.99).toFixed(0)} ms`;
    };
    console.log(
      `first ${CONCURRENCY * 2} requests (cold): ${phase((k) => k < CONCURRENCY * 2)}; ` +
        `the rest (warm): ${phase((k) => k >= CONCURRENCY * 2)}`,
    );
    const all = rows.at(-1)!;
    console.log(
      `dashboard p99 ${all.p99.toFixed(0)} ms (p50 ${
        all.p50.toFixed(0)
      } ms) vs target p99 < ${TARGET_P99_MS} ms: ` +
        (all.p99 < TARGET_P99_MS ? "met" : "NOT met"),
    );
  } finally {
    proc.kill("SIGTERM");
    await proc.status;
  }
} finally {
  await Deno.remove(tmp, { recursive: true });
}
