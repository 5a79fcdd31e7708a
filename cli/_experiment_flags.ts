// The flags and help of `sparsedyn experiment`, as a table (cli/_command.ts).
import { BACKEND_NAMES } from "../core/model/backend.ts";
import type { FlagTable } from "./_command.ts";

export const EXPERIMENT_DESCRIPTION =
  `Trains the four arms (skip connection mean/none × end-to-end/two-stage) on synthetic
movies with known dynamics, over several seeds, and reports reconstruction error, latent
SNR, latent prediction error and VAR support recovery (mean ± sd) with both claims as
paired differences, then a control with one field of view per seed (about 8 minutes on
2 cores). Then, where the real recordings are found (--data), the real-data part: each
recording split in time, every arm judged on the held-out part in pixel space against
PCA, persistence and mean images (about 30 minutes).`;

export const EXPERIMENT_FLAGS = {
  out: {
    type: "string",
    arg: "FILE",
    help: "write the Markdown report here (atomically); default: print it",
  },
  seeds: { type: "integers", min: 0, arg: "LIST", help: "comma-separated seeds (default 1,2,3)" },
  epochs: { type: "integer", min: 1, default: 12, arg: "N", help: "training epochs per arm" },
  size: {
    type: "integer",
    min: 8,
    arg: "S",
    help: "frame side in pixels, a multiple of 8 (default 32)",
  },
  frames: { type: "integer", min: 64, arg: "T", help: "frames per field of view (default 768)" },
  fields: { type: "integer", min: 1, arg: "F", help: "fields of view per seed (default 3)" },
  cells: { type: "integer", min: 2, arg: "K", help: "cells per field (default 8)" },
  backend: {
    type: "string",
    arg: "B",
    choices: BACKEND_NAMES,
    default: "wasm",
    // The table's default is shown by the help ("(default wasm)"): not repeated here.
    help: BACKEND_NAMES.join(", "),
  },
  "no-control": { type: "boolean", help: "skip the control with one field of view per seed" },
  data: {
    type: "string",
    arg: "DIR",
    help: `the real-data part's recordings (the files listed in docs/RESULTS.md);
default $SPARSEDYN_DATA, else ../shared/data beside the repository when it
is there. Each movie is split in time, every arm trained on the first 75%
and judged by \`sparsedyn evaluate\` against PCA, persistence and mean and
local-correlation images on the rest (about 30 minutes on 2 cores)`,
  },
  "no-real": { type: "boolean", help: "skip the real-data part" },
  raw: {
    type: "string",
    arg: "FILE",
    help: "also write the real-data part's runs and evaluations as JSON",
  },
  "real-only": {
    type: "boolean",
    help:
      "only the real-data part; with --out, replaces that section of the file\nand keeps the rest",
  },
  quick: {
    type: "boolean",
    help: `the real-data part in brief: one seed, three movies, the residual skip
in both modes, a third of the training (about 2 minutes)`,
  },
  json: { type: "boolean", help: "print every run as a JSON line instead of the report" },
} as const satisfies FlagTable;
