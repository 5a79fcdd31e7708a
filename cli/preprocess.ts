// `sparsedyn preprocess`: crop, downsample, bin and normalise movies into a folder of NPY
// files, with the mean images and a description of the windows for training.
import type { PreprocessSpec } from "../core/data/preprocess.ts";
import { type PreprocessFolder, preprocessFolder } from "../core/data/preprocess_folder.ts";
import { parseLabeledInputs } from "../core/data/windows.ts";
import { numberFlag, UsageError } from "./_flags.ts";
import { defineCommand } from "./_command.ts";
import { MOVIE_TABLE, movieSelection } from "./_movie_flags.ts";
import { progress } from "./_progress.ts";

export const preprocess = defineCommand("preprocess", {
  summary: "crop, downsample, bin and normalise movies into NPY files for training",
  synopsis: "[label:]movie... --out DIR [options]",
  description: `Streams each movie through crop → block-mean downsampling → temporal binning →
normalisation and writes DIR/<label>.npy (float32, frames × height × width), its mean
image DIR/<label>.mean.npy, and DIR/preprocess.json (settings, shapes, rates, labels and,
with --window, the time-ordered train / validation windows). Labels name conditions
(familiar:a.tif novel:b.tif); unlabeled inputs are named after their file. DIR must not
exist; it appears complete or not at all. Memory stays bounded for any length.`,
  flags: {
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
  },
  async run(values, positionals) {
    if (!values.out) throw new UsageError("--out DIR is required", "--out");
    if (positionals.length === 0) throw new UsageError("give at least one movie");
    const length = values.window;
    if (length === undefined && (values.stride !== undefined || values.validation !== undefined)) {
      throw new UsageError(
        "--stride and --validation need --window",
        values.stride !== undefined ? "--stride" : "--validation",
      );
    }
    const spec: PreprocessSpec = {
      crop: cropFlag(values.crop),
      downsample: values.downsample,
      bin: values.bin,
      normalize: values.normalize as PreprocessSpec["normalize"],
      dff: {
        window: values["dff-window"],
        percentile: values["dff-percentile"],
        stride: values["dff-stride"],
      },
    };
    const json = values.json ?? false;
    const doc = await preprocessFolder(values.out, parseLabeledInputs(positionals, ""), {
      spec,
      movie: movieSelection(values),
      windows: length === undefined
        ? undefined
        : { length, stride: values.stride, validation: values.validation },
      onProgress: (label) => progress(label, json),
    });
    if (json) console.log(JSON.stringify(doc));
    else printPreprocessed(values.out.replace(/\/+$/, ""), doc);
    return 0;
  },
});

function cropFlag(v: string | undefined): PreprocessSpec["crop"] {
  if (v === undefined) return undefined;
  const p = v.split(",").map((s) => numberFlag(s, "--crop", { integer: true, min: 0 })!);
  if (p.length !== 4) {
    throw new UsageError(`--crop must be TOP,LEFT,HEIGHT,WIDTH; got "${v}"`, "--crop");
  }
  return { top: p[0], left: p[1], height: p[2], width: p[3] };
}

function printPreprocessed(out: string, doc: PreprocessFolder) {
  console.log(`sparsedyn preprocess: wrote ${out}`);
  for (const e of doc.inputs) {
    const rate = e.rate ? ` at ${e.rate.toFixed(3)} Hz` : "";
    const w = e.windows
      ? `; ${e.windows.train.length} training and ${e.windows.validation.length} validation windows`
      : "";
    console.log(`  ${e.label}: ${e.frames} frames of ${e.height}×${e.width}${rate}${w}`);
  }
}
