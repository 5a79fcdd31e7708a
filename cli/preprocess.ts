// `sparsedyn preprocess`: crop, downsample, bin and normalise movies into a folder of NPY
// files, with the mean images and a description of the windows for training.
import type { PreprocessSpec } from "../core/data/preprocess.ts";
import { type PreprocessFolder, preprocessFolder } from "../core/data/preprocess_folder.ts";
import { parseLabeledInputs } from "../core/data/windows.ts";
import { numberFlag, UsageError } from "./_flags.ts";
import { defineCommand } from "./_command.ts";
import { PREPROCESS_DESCRIPTION, PREPROCESS_FLAGS } from "./_preprocess_flags.ts";
import { movieSelection } from "./_movie_flags.ts";
import { progress } from "./_progress.ts";

export const preprocess = defineCommand("preprocess", {
  summary: "crop, downsample, bin and normalise movies into NPY files for training",
  synopsis: "[label:]movie... --out DIR [options]",
  description: PREPROCESS_DESCRIPTION,
  flags: PREPROCESS_FLAGS,
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
