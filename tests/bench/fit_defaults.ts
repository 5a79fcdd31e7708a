// Benchmark: `sparsedyn fit RUN` with its defaults on a 128-latent run of the svoboda movie
// (500 frames of 64×64, ../shared/data or $SPARSEDYN_DATA), against the 30 s target on
// 2 cores, and next to the same work done by statsmodels (order selection) and
// scikit-learn (λ per equation by BIC) on the same latents.
//
// The run is trained here, briefly (2 epochs, seed 1, channels 16-32-32 and 2 latent
// channels: an 8×8×2 = 128-dim latent map), so the input is the latents of a real
// 128-latent run; `fit` does not care how well the autoencoder was trained, only about
// the shape and character of the series (T = 500, d = 128, persistent, correlated).
// Before λ was chosen along the paths and the default largest order was bounded by the
// data, the same command compared orders 1 … 8 by lasso fits on 392 rows: 124 s at 2.1 GB
// on this run (and past 14 minutes on another 128-latent run).
//
//   deno run -A tests/bench/fit_defaults.ts [--repeats 3]
import { readMatrix } from "../../core/data/read_matrix.ts";
import { cliArgs } from "../cli/_run.ts";

const DATA = Deno.env.get("SPARSEDYN_DATA") ??
  new URL("../../../shared/data/", import.meta.url).pathname;
const MOVIE = `${DATA}/svoboda_thunder_mouse_500x64x64_int16.tif`;
const TARGET_S = 30;
const i = Deno.args.indexOf("--repeats");
const REPEATS = i >= 0 ? Number(Deno.args[i + 1]) : 3;

function median(xs: number[]) {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

async function run(args: string[], what: string): Promise<{ seconds: number; stdout: string }> {
  const t0 = performance.now();
  const out = await new Deno.Command(Deno.execPath(), {
    args: cliArgs(args),
    env: { NO_COLOR: "1" },
    stdout: "piped",
    stderr: "piped",
  }).output();
  const seconds = (performance.now() - t0) / 1000;
  const dec = new TextDecoder();
  if (!out.success) throw new Error(`${what} failed:\n${dec.decode(out.stderr)}`);
  return { seconds, stdout: dec.decode(out.stdout) };
}

if (!(await Deno.stat(MOVIE).catch(() => null))) {
  console.log(`fit defaults: skipped — ${MOVIE} is absent (set SPARSEDYN_DATA)`);
} else {
  const dir = await Deno.makeTempDir({ prefix: "sparsedyn-bench-fit-" });
  try {
    const config = `${dir}/cae.json`;
    await Deno.writeTextFile(
      config,
      JSON.stringify({
        cae: {
          channels: [16, 32, 32],
          kernel: 3,
          stride: 2,
          activation: "elu",
          latentChannels: 2,
          staticChannels: 2,
        },
      }),
    );
    const runDir = `${dir}/svoboda128`;
    const train = await run(
      ["train", MOVIE, "--out", runDir, "--config", config, "--epochs", "2", "--seed", "1"],
      "train",
    );
    const lat = await readMatrix(`${runDir}/latents.npy`);
    console.log(
      `fit defaults: input = latents of a ${lat.cols}-latent run trained on the svoboda movie ` +
        `(2 epochs, seed 1, ${
          train.seconds.toFixed(0)
        } s to train): T = ${lat.rows} × d = ${lat.cols}`,
    );

    const rows: string[][] = [];
    const secs: number[] = [];
    let text = "";
    for (let r = 0; r < REPEATS; r++) {
      const res = await run(["fit", runDir], "fit");
      secs.push(res.seconds);
      text = res.stdout;
    }
    const order = /Order: p = (\d+) by BIC \(orders 1 … (\d+)/.exec(text);
    if (!order) throw new Error(`fit printed no order line:\n${text}`);
    const [p, maxLags] = [Number(order[1]), Number(order[2])];
    rows.push([
      "sparsedyn fit RUN (defaults)",
      median(secs).toFixed(2),
      `${TARGET_S}`,
      median(secs) <= TARGET_S ? "met" : "MISSED",
      `p = ${p} of 1 … ${maxLags}`,
    ]);

    // Peers on the training part (the first 80 %, as `fit` holds out the last 20 %).
    const Tfit = Math.round(0.8 * lat.rows);
    const series = `${dir}/z.f64`;
    await Deno.writeFile(series, new Uint8Array(lat.data.buffer, 0, Tfit * lat.cols * 8));
    const peer = await new Deno.Command("/usr/bin/python3", {
      args: [
        new URL("./var_order_peer.py", import.meta.url).pathname,
        series,
        String(Tfit),
        String(lat.cols),
        String(maxLags),
        String(p),
        String(REPEATS),
      ],
      stdout: "piped",
      stderr: "piped",
    }).output();
    if (peer.success) {
      const ref = JSON.parse(new TextDecoder().decode(peer.stdout));
      if (ref.order.length) {
        rows.push([
          `statsmodels ${ref.statsmodels} select_order(${maxLags})`,
          median(ref.order).toFixed(2),
          "",
          "",
          `p = ${ref.bicOrder} by BIC`,
        ]);
      }
      rows.push([
        `scikit-learn ${ref.sklearn} LassoLarsIC(bic) × ${lat.cols} at p = ${p}`,
        median(ref.lambda).toFixed(2),
        "",
        "",
        "λ per equation only",
      ]);
      if (!ref.order.length) {
        console.log("  (statsmodels is not installed: tests/bench/setup.sh installs it)");
      }
    } else {
      console.log(`  peer failed: ${new TextDecoder().decode(peer.stderr).slice(-400)}`);
    }
    const head = ["", "seconds", "target", "", "order"];
    const w = head.map((h, c) => Math.max(h.length, ...rows.map((r) => r[c].length)));
    for (const r of [head, ...rows]) {
      console.log("  " + r.map((v, c) => (c === 0 ? v.padEnd(w[c]) : v.padStart(w[c]))).join("  "));
    }
    console.log(
      `  (${navigator.hardwareConcurrency} cores; whole commands, Deno's start included; ` +
        `the median of ${REPEATS} for the defaults)`,
    );
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}
