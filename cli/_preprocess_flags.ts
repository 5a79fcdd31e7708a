// The flags and help of `sparsedyn preprocess`, as a table (cli/_command.ts).
import type { FlagTable } from "./_command.ts";
import { MOVIE_TABLE } from "./_movie_flags.ts";

export const PREPROCESS_DESCRIPTION =
  `Streams each movie through crop → block-mean downsampling → temporal binning →
normalisation and writes DIR/<label>.npy (float32, frames × height × width), its mean
image DIR/<label>.mean.npy, and DIR/preprocess.json (settings, shapes, rates, labels and,
with --window, the time-ordered train / validation windows). Labels name conditions
(familiar:a.tif novel:b.tif); unlabeled inputs are named after their file. DIR must not
exist; it appears complete or not at all. Memory stays bounded for any length.`;

export const PREPROCESS_FLAGS = {
  out: { type: "string", arg: "DIR", help: "output folder (required)" },
  crop: { type: "string", arg: "T,L,H,W", help: "keep H×W pixels from row T, column L" },
  downsample: { type: "integer", min: 1, arg: "K", help: "K×K block mean" },
  bin: { type: "integer", min: 1, arg: "K", help: "mean of K consecutive frames" },
  normalize: {
    type: "string",
    arg: "N",
    choices: ["none", "scale", "zscore", "dff"],
    default: "none",
    help: "none, scale (whole movie), zscore (per pixel) or dff",
  },
  "dff-window": {
    type: "integer",
    min: 1,
    arg: "F",
    help: "ΔF/F baseline window in (binned) frames (default min(frames, 300))",
  },
  "dff-percentile": { type: "number", min: 0, arg: "P", help: "baseline percentile (default 8)" },
  "dff-stride": {
    type: "integer",
    min: 1,
    arg: "S",
    help: "baseline anchor spacing (default window / 10)",
  },
  window: {
    type: "integer",
    min: 1,
    arg: "L",
    help: "window length for training; with --stride and --validation",
  },
  stride: { type: "integer", min: 1, arg: "S", help: "step between windows (default L)" },
  validation: {
    type: "number",
    min: 0,
    arg: "F",
    help: "share of frames held out for validation, at the end (default 0.2)",
  },
  json: { type: "boolean", help: "print preprocess.json; progress as JSON lines on stderr" },
  ...MOVIE_TABLE,
} as const satisfies FlagTable;
