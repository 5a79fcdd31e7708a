// `sparsedyn preprocess`: crop, downsample, bin and normalise movies into a folder of NPY
// files, with the mean images and a description of the windows for training.
import { openMovie } from "../core/data/movie.ts";
import type { PreprocessSpec } from "../core/data/preprocess.ts";
import { preprocessToNpy } from "../core/data/preprocess_write.ts";
import { parseLabeledInputs, splitWindows } from "../core/data/windows.ts";
import { type Command, numberFlag, parseFlags, UsageError } from "./_flags.ts";
import { MOVIE_FLAGS, MOVIE_USAGE, movieOptions } from "./_movie_flags.ts";
import { progress } from "./_progress.ts";
import { writeNewFolder } from "../core/files/new_folder.ts";

const usage = `Usage: sparsedyn preprocess [label:]movie... --out DIR [options]

Streams each movie through crop → block-mean downsampling → temporal binning →
normalisation and writes DIR/<label>.npy (float32, frames × height × width), its mean
image DIR/<label>.mean.npy, and DIR/preprocess.json (settings, shapes, rates, labels and,
with --window, the time-ordered train / validation windows). Labels name conditions
(familiar:a.tif novel:b.tif); unlabeled inputs are named after their file. DIR must not
exist; it appears complete or not at all. Memory stays bounded for any length.

Options:
  --out DIR            output folder (required)
  --crop T,L,H,W       keep H×W pixels from row T, column L
  --downsample K       K×K block mean
  --bin K              mean of K consecutive frames
  --normalize N        none (default), scale (whole movie), zscore (per pixel) or dff
  --dff-window F       ΔF/F baseline window in (binned) frames (default min(frames, 300))
  --dff-percentile P   baseline percentile (default 8)
  --dff-stride S       baseline anchor spacing (default window / 10)
  --window L           window length for training; with --stride and --validation
  --stride S           step between windows (default L)
  --validation F       share of frames held out for validation, at the end (default 0.2)
  --json               print preprocess.json; progress as JSON lines on stderr
  -h, --help           show this help

${MOVIE_USAGE}`;

export const preprocess: Command = {
  summary: "crop, downsample, bin and normalise movies into NPY files for training",
  usage,
  async run(argv) {
    const { values, positionals } = parseFlags(argv, {
      ...MOVIE_FLAGS,
      out: { type: "string" },
      crop: { type: "string" },
      downsample: { type: "string" },
      bin: { type: "string" },
      normalize: { type: "string" },
      "dff-window": { type: "string" },
      "dff-percentile": { type: "string" },
      "dff-stride": { type: "string" },
      window: { type: "string" },
      stride: { type: "string" },
      validation: { type: "string" },
      json: { type: "boolean" },
      help: { type: "boolean", short: "h" },
    });
    if (values.help) {
      console.log(usage);
      return 0;
    }
    if (!values.out) throw new UsageError("--out DIR is required", "--out");
    if (positionals.length === 0) throw new UsageError("give at least one movie");
    const int = (v: string | undefined, f: string, min: number) =>
      numberFlag(v, f, { integer: true, min });
    let crop: PreprocessSpec["crop"];
    if (values.crop !== undefined) {
      const p = values.crop.split(",").map((s) => int(s, "--crop", 0)!);
      if (p.length !== 4) {
        throw new UsageError(
          `--crop must be TOP,LEFT,HEIGHT,WIDTH; got "${values.crop}"`,
          "--crop",
        );
      }
      crop = { top: p[0], left: p[1], height: p[2], width: p[3] };
    }
    const normalize = values.normalize ?? "none";
    if (!["none", "scale", "zscore", "dff"].includes(normalize)) {
      throw new UsageError(
        `--normalize must be none, scale, zscore or dff; got "${normalize}"`,
        "--normalize",
      );
    }
    const spec: PreprocessSpec = {
      crop,
      downsample: int(values.downsample, "--downsample", 1),
      bin: int(values.bin, "--bin", 1),
      normalize: normalize as PreprocessSpec["normalize"],
      dff: {
        window: int(values["dff-window"], "--dff-window", 1),
        percentile: numberFlag(values["dff-percentile"], "--dff-percentile", { min: 0 }),
        stride: int(values["dff-stride"], "--dff-stride", 1),
      },
    };
    const windowLength = int(values.window, "--window", 1);
    const windowStride = int(values.stride, "--stride", 1) ?? windowLength;
    const validation = numberFlag(values.validation, "--validation", { min: 0 }) ?? 0.2;
    if (
      windowLength === undefined && (values.stride !== undefined || values.validation !== undefined)
    ) {
      throw new UsageError(
        "--stride and --validation need --window",
        values.stride !== undefined ? "--stride" : "--validation",
      );
    }
    const inputs = parseLabeledInputs(positionals, "");
    const names = new Set<string>();
    for (const inp of inputs) {
      if (!inp.label) {
        inp.label = inp.path.split("/").pop()!.replace(/\.[^.]+$/, "").replace(/[^\w.-]/g, "_") ||
          "movie";
      }
      if (names.has(inp.label)) {
        throw new UsageError(`two inputs are named "${inp.label}": label them (name:file)`);
      }
      names.add(inp.label);
    }
    const out = values.out.replace(/\/+$/, "");
    const report: Record<string, unknown>[] = [];
    const doc = { spec, inputs: report };
    await writeNewFolder(out, async (tmp) => {
      for (const inp of inputs) {
        const movie = await openMovie(inp.path, movieOptions(values));
        try {
          const r = await preprocessToNpy(
            movie,
            spec,
            `${tmp}/${inp.label}.npy`,
            progress(inp.label, values.json ?? false),
          );
          const entry: Record<string, unknown> = {
            label: inp.label,
            source: inp.path,
            file: `${inp.label}.npy`,
            meanImage: `${inp.label}.mean.npy`,
            frames: r.frames,
            height: r.height,
            width: r.width,
            rate: movie.rate === undefined ? null : movie.rate / (spec.bin ?? 1),
          };
          if (windowLength !== undefined) {
            entry.windows = {
              length: windowLength,
              stride: windowStride,
              ...splitWindows(r.frames, windowLength, windowStride!, validation),
            };
          }
          report.push(entry);
        } finally {
          movie.close();
        }
      }
      await Deno.writeTextFile(`${tmp}/preprocess.json`, JSON.stringify(doc, null, 1) + "\n");
    });
    if (values.json) console.log(JSON.stringify(doc));
    else {
      console.log(`sparsedyn preprocess: wrote ${out}`);
      for (const e of report) {
        const w = e.windows as { train: number[]; validation: number[] } | undefined;
        console.log(
          `  ${e.label}: ${e.frames} frames of ${e.height}×${e.width}${
            e.rate ? ` at ${(e.rate as number).toFixed(3)} Hz` : ""
          }` +
            (w ? `; ${w.train.length} training and ${w.validation.length} validation windows` : ""),
        );
      }
    }
    return 0;
  },
};
