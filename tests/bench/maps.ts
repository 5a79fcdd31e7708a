// Benchmark: `sparsedyn maps` with its defaults (saliency and integrated gradients over 64
// frames, 16 steps, per-latent maps; per-edge maps only with --edges) on the svoboda movie's
// 128-latent run, against the target of 60 s on 2 cores. The whole command is timed as a
// user runs it (start-up, preprocessing, gradients, writing the maps); the median of 3.
//
//   deno task bench     (or: deno run -A tests/bench/maps.ts)
import { svobodaRun, timedCli } from "./_svoboda_run.ts";

const TARGET_S = 60;

const run = await svobodaRun();
if (run) {
  const times: number[] = [];
  for (let r = 0; r < 3; r++) times.push(await timedCli(["maps", run, "--force"]));
  times.sort((a, b) => a - b);
  const median = times[1];
  console.log(
    `maps, svoboda 64×64, 128 latents, defaults (${navigator.hardwareConcurrency} cores): ` +
      `${median.toFixed(1)} s (median of 3: ${times.map((t) => t.toFixed(1)).join(", ")}); ` +
      `target ≤ ${TARGET_S} s: ${median <= TARGET_S ? "met" : "NOT met"}`,
  );
}
