// The flags and help of `sparsedyn demo`, as a table (cli/_command.ts).
import type { FlagTable } from "./_command.ts";

export const DEMO_DESCRIPTION =
  `1. The numeric core: simulates a sparse, stable VAR(p) with known coefficients, fits every
   equation by the lasso path (one call of the WASM core for all of them), chooses λ per
   equation by BIC, and prints the true against the recovered support.
2. The method: writes a synthetic calcium-imaging recording (32×32 pixels, 8 cells driven
   by a sparse VAR, 1536 frames), trains the autoencoder with the skip connection end to
   end through the embedded lasso-VAR layer (wasm backend; about a minute on 2 cores),
   and compares the dynamics it found — carried from the latents to the cells — with the
   true ones.
3. Interpretation: the recording has a second condition (b) in which 3 of the cell-to-cell
   coefficients are 0.3 stronger. Both conditions' movies go through the trained encoder;
   a permutation test over windows compares their VAR coefficients (on the latents'
   leading principal components), next to the same test on the true calcium; then the
   contribution maps of the run's VAR are written (maps/, PNG and NPY) and scored
   against the true cell footprints. Prints the recording's and the run folder's paths.`;

export const DEMO_FLAGS = {
  out: {
    type: "string",
    arg: "DIR",
    help: "where to write recording/ and run/ (must not exist; default: a new\ntemporary folder)",
  },
  epochs: { type: "integer", min: 1, default: 8, arg: "N", help: "training epochs" },
  "core-only": { type: "boolean", help: "stop after part 1" },
  series: { type: "integer", min: 1, default: 32, arg: "D", help: "part 1: number of series" },
  lags: { type: "integer", min: 1, default: 2, arg: "P", help: "part 1: number of lags" },
  samples: {
    type: "integer",
    min: 1,
    default: 2000,
    arg: "T",
    help: "part 1: number of time points",
  },
  seed: { type: "integer", default: 1, arg: "S", help: "random seed of both parts" },
  json: { type: "boolean", help: "print one JSON object instead of the report" },
} as const satisfies FlagTable;
