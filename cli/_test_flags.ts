// The flags and help of `sparsedyn test`, as a table (cli/_command.ts).
import { BACKEND_NAMES } from "../core/model/backend.ts";
import type { FlagTable } from "./_command.ts";

export const TEST_DESCRIPTION =
  `Tests whether the dynamics differ between two conditions (e.g. familiar vs novel
environment). Each condition's recordings are cut into windows; one sparse VAR(p) is
fitted per window (lasso path, λ per equation by BIC); a permutation test over window
labels that moves blocks of windows together compares the coefficient matrices (sum over
coefficients of squared Welch t), with per-coefficient p-values, Benjamini–Hochberg
q-values, and the mean distance between windows' coefficients within and between
conditions.

<run> is a run folder (sparsedyn train): movies given to --a / --b are encoded by its
model, --lags defaults to its VAR order, and test.json is written into it.`;

const IN = "Input", TEST = "Test", OUT = "Output";

export const TEST_FLAGS = {
  a: {
    type: "list",
    arg: "FILE",
    group: IN,
    help: `a recording of condition A (repeat for several): a T×d series (.npy,
.csv), or with <run> a movie (TIFF, NPY T×H×W, NWB, Suite2p, ...);
FILE[start:end] takes its frames start ≤ t < end (Python's slice),
e.g. --a day1.tif[0:3000] --b day1.tif[3000:6000] (read once)`,
  },
  b: { type: "list", arg: "FILE", group: IN, help: "a recording of condition B (same d as A's)" },
  lags: {
    type: "integer",
    min: 1,
    arg: "P",
    group: TEST,
    help: "VAR order (default: the run's, else 1)",
  },
  window: {
    type: "integer",
    min: 3,
    arg: "L",
    group: TEST,
    help: "window length in frames (default 100)",
  },
  stride: {
    type: "integer",
    min: 1,
    arg: "S",
    group: TEST,
    help: "step between windows (default L: non-overlapping)",
  },
  block: {
    type: "integer",
    min: 1,
    arg: "W",
    group: TEST,
    help: "windows per block (default ⌈L / S⌉); blocks never share frames",
  },
  permutations: {
    type: "integer",
    min: 999,
    arg: "B",
    group: TEST,
    help: `random relabelings, at least 999 (default 999); when the design has
at most B + 1 labelings, all are enumerated (an exact test)`,
  },
  alpha: {
    type: "number",
    min: 0,
    exclusiveMin: true,
    arg: "A",
    group: TEST,
    help: "level of the test and of the false discovery rate (default 0.05)",
  },
  seed: { type: "integer", arg: "S", group: TEST, help: "seed of the relabelings (default 1)" },
  components: {
    type: "string",
    arg: "K",
    group: TEST,
    help: `test on the K leading principal components of all recordings pooled
(labels unused, so the test stays exact) instead of the d series, or
"all" (default: 8 when <run> encodes movies into more than 8 latents,
else all): 1000 coefficients per window drown a change in a few`,
  },
  maps: {
    type: "boolean",
    group: TEST,
    help: `with <run> and movies: also test the contribution maps (each window's
integrated-gradient map of its VAR's prediction, on a grid of
--map-grid pixels, default 4), naming the grid cells that differ`,
  },
  "map-grid": {
    type: "integer",
    min: 1,
    arg: "N",
    group: TEST,
    help: "grid cell size in pixels for --maps (default 4)",
  },
  raw: {
    type: "boolean",
    group: TEST,
    help:
      "fit on the raw scale (default: each column divided by its sd pooled\nover both conditions)",
  },
  backend: {
    type: "string",
    arg: "B",
    group: TEST,
    choices: BACKEND_NAMES,
    help: `with <run>: tfjs backend for encoding (${BACKEND_NAMES.join(", ")}; default auto)`,
  },
  out: {
    type: "string",
    arg: "DIR|FILE.json",
    group: OUT,
    help: `write test.json into DIR (created if missing; with <run>, instead of it),
or the result as FILE.json`,
  },
  json: { type: "boolean", group: OUT, help: "print the result as JSON on stdout" },
} as const satisfies FlagTable;
