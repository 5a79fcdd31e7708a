// Benchmark: `sparsedyn maps` with its defaults (saliency and integrated gradients over 64
// frames, 16 steps, per-latent maps; per-edge maps only with --edges) on the svoboda movie's
// 128-latent run, against the target of 60 s on 2 cores. The whole command is timed as a
// user runs it (start-up, preprocessing, gradients, writing the maps); the median of 3.
//
// Measured on the project's 2-core machine while other work ran on it (load 5–7), same run
// and defaults: before the latents shared backward passes (one pass per latent) 257 s wall,
// 176 s CPU; with the colouring 50 s wall, 40 s CPU (the maps bit for bit the same); with
// native PNG compression 39 s CPU, and at load 2: 31.5 s wall (median of 3: 28.0, 31.5, 35.1).
//
//   deno task bench     (or: deno run -A tests/bench/maps.ts)
import { svobodaRun, timedCli } from "./_svoboda_run.ts";

const TARGET_S = 60;

const run = await svobodaRun();
if (run) {
  const runs = [];
  for (let r = 0; r < 3; r++) runs.push(await timedCli(["maps", run, "--force"]));
  runs.sort((a, b) => a.wall - b.wall);
  const median = runs[1];
  const load = Deno.loadavg()[0];
  console.log(
    `maps, svoboda 64×64, 128 latents, defaults (${navigator.hardwareConcurrency} cores, ` +
      `load ${load.toFixed(1)}): ${median.wall.toFixed(1)} s wall, ${
        median.cpu.toFixed(1)
      } s CPU (median of 3 walls: ${runs.map((t) => t.wall.toFixed(1)).join(", ")}); ` +
      `target ≤ ${TARGET_S} s: ${median.wall <= TARGET_S ? "met" : "NOT met"}` +
      (median.wall > TARGET_S && load > navigator.hardwareConcurrency
        ? ` (the machine is shared: load ${
          load.toFixed(1)
        } on ${navigator.hardwareConcurrency} cores)`
        : ""),
  );
}
