// The flags and help of `sparsedyn synth`, as a table (cli/_command.ts).
import type { FlagTable } from "./_command.ts";

const positive = { type: "number", min: 0, exclusiveMin: true } as const;
const nonNegative = { type: "number", min: 0 } as const;

export const SYNTH_DESCRIPTION =
  `Writes a synthetic calcium-imaging recording whose dynamics are known: K cells whose
activity follows a sparse, stable VAR(p), a calcium kernel, a static background with
vessels, drift, optional motion jitter and Poisson–Gaussian noise. DIR receives
movie.npy (frames × height × width, float32), activity/innovations/calcium .npy,
footprints.npy, background.npy and truth.json (coefficients, who drives whom, cells).
DIR must not exist; it appears complete or not at all.`;

export const SYNTH_FLAGS = {
  out: { type: "string", arg: "DIR", help: "output folder (required)" },
  height: { type: "integer", min: 8, arg: "H", help: "frame height (default 64)" },
  width: { type: "integer", min: 8, arg: "W", help: "frame width (default 64)" },
  frames: { type: "integer", min: 3, arg: "T", help: "frames per condition (default 1000)" },
  cells: { type: "integer", min: 1, arg: "K", help: "number of cells (default 12)" },
  lags: { type: "integer", min: 1, arg: "P", help: "VAR order (default 1)" },
  density: { ...nonNegative, arg: "D", help: "edge probability (default 0.15)" },
  radius: { ...nonNegative, arg: "R", help: "companion spectral radius (default 0.9)" },
  footprint: {
    type: "string",
    arg: "F",
    choices: ["gaussian", "disk"],
    help: "gaussian or disk (default gaussian)",
  },
  "cell-radius": { type: "string", arg: "MIN,MAX", help: "cell radius range (default 2.5,4.5)" },
  tau: { ...positive, arg: "T", help: "calcium decay, frames (default 8)" },
  gain: { ...positive, arg: "G", help: "photons per unit (default 1)" },
  "read-noise": { ...nonNegative, arg: "S", help: "read noise (default 2)" },
  drift: { ...nonNegative, arg: "A", help: "background drift (default 0.05)" },
  jitter: { type: "integer", min: 0, arg: "J", help: "motion shift, pixels (default 0)" },
  seed: { type: "integer", arg: "S", help: "seed (default 1)" },
  effect: {
    type: "number",
    arg: "E",
    help: "two conditions: condition B changes --edges coefficients by E",
  },
  edges: {
    type: "integer",
    min: 1,
    arg: "N",
    help: "number of changed coefficients (with --effect; default 3)",
  },
  format: {
    type: "string",
    arg: "F",
    choices: ["npy", "tiff", "both"],
    help: "npy (float32, default), tiff (uint16, rounded) or both",
  },
  json: {
    type: "boolean",
    help: "print truth.json's summary as JSON; progress as JSON lines on stderr",
  },
} as const satisfies FlagTable;
