/**
 * Several labeled movies preprocessed into one new folder: `<label>.npy` (float32, frames ×
 * height × width), `<label>.mean.npy` and `preprocess.json` (the settings, each input's
 * shape and rate and, with a window length, its time-ordered train / validation windows).
 * The folder appears complete or not at all; what `sparsedyn preprocess` writes.
 *
 * @example
 * ```ts
 * import { preprocessFolder } from "./preprocess_folder.ts";
 * import { writeSynthetic } from "./synthetic_write.ts";
 *
 * const dir = await Deno.makeTempDir();
 * await writeSynthetic(`${dir}/s`, { height: 16, width: 16, frames: 120, cells: 2 });
 * const doc = await preprocessFolder(`${dir}/pp`, [{ label: "a", path: `${dir}/s/movie.npy` }], {
 *   spec: { downsample: 2, bin: 2 },
 *   windows: { length: 10 },
 * });
 * const e = doc.inputs[0];
 * if (e.frames !== 60 || e.height !== 8 || e.width !== 8) throw new Error(JSON.stringify(e));
 * if (!e.windows || e.windows.train.length === 0) throw new Error("training windows");
 * await Deno.stat(`${dir}/pp/a.mean.npy`);
 * await Deno.remove(dir, { recursive: true });
 * ```
 *
 * @module
 */
import { SparsedynError } from "../errors.ts";
import { type MovieOptions, openMovie } from "./movie.ts";
import type { PreprocessSpec } from "./preprocess.ts";
import { preprocessToNpy } from "./preprocess_write.ts";
import { type LabeledInput, splitWindows, type WindowSplit } from "./windows.ts";
import { writeNewFolder } from "../files/new_folder.ts";

/** What to do to each movie. */
export interface PreprocessFolderOptions {
  /** Crop, downsampling, binning, normalisation. */
  spec: PreprocessSpec;
  /** How to open the movies (channel, plane, dataset, ...). */
  movie?: MovieOptions;
  /** Training windows: length, stride (default length), validation share (default 0.2). */
  windows?: { length: number; stride?: number; validation?: number };
  /** Progress of one input's frames. */
  onProgress?: (label: string) => ((done: number, total: number) => void) | undefined;
}

/** One input in preprocess.json. */
export interface PreprocessedInput {
  /** Its label (the file's name when it had none). */
  label: string;
  /** The movie it came from. */
  source: string;
  /** `<label>.npy`. */
  file: string;
  /** `<label>.mean.npy`. */
  meanImage: string;
  /** Frames after binning. */
  frames: number;
  /** Frame height after crop and downsampling. */
  height: number;
  /** Frame width after crop and downsampling. */
  width: number;
  /** Frame rate after binning (null when the movie has none). */
  rate: number | null;
  /** The windows, with a window length. */
  windows?: { length: number; stride: number } & WindowSplit;
}

/** preprocess.json. */
export interface PreprocessFolder {
  /** The settings. */
  spec: PreprocessSpec;
  /** Each input. */
  inputs: PreprocessedInput[];
}

/** The file's name without folder and extension, safe as a file name. */
function labelOf(path: string): string {
  return path.split("/").pop()!.replace(/\.[^.]+$/, "").replace(/[^\w.-]/g, "_") || "movie";
}

/**
 * Preprocesses `inputs` into the new folder `out`.
 *
 * @param out The folder; must not exist.
 * @param inputs Movies with labels; an empty label becomes the file's name.
 * @param options The preprocessing, the movie options, the windows.
 * @returns preprocess.json's content.
 * @throws {SparsedynError} `INVALID_ARGUMENT` when two inputs get the same label; `IO` when
 *   `out` exists; the readers' errors naming the movie.
 */
export async function preprocessFolder(
  out: string,
  inputs: readonly LabeledInput[],
  options: PreprocessFolderOptions,
): Promise<PreprocessFolder> {
  const labeled = inputs.map((i) => ({ label: i.label || labelOf(i.path), path: i.path }));
  const seen = new Set<string>();
  for (const { label } of labeled) {
    if (seen.has(label)) {
      throw new SparsedynError(
        "INVALID_ARGUMENT",
        `two inputs are named "${label}": label them (name:file)`,
        { argument: "inputs" },
      );
    }
    seen.add(label);
  }
  const { spec, windows } = options;
  const doc: PreprocessFolder = { spec, inputs: [] };
  await writeNewFolder(out.replace(/\/+$/, ""), async (tmp) => {
    for (const inp of labeled) {
      const movie = await openMovie(inp.path, options.movie);
      try {
        const r = await preprocessToNpy(
          movie,
          spec,
          `${tmp}/${inp.label}.npy`,
          options.onProgress?.(inp.label),
        );
        const entry: PreprocessedInput = {
          label: inp.label,
          source: inp.path,
          file: `${inp.label}.npy`,
          meanImage: `${inp.label}.mean.npy`,
          frames: r.frames,
          height: r.height,
          width: r.width,
          rate: movie.rate === undefined ? null : movie.rate / (spec.bin ?? 1),
        };
        if (windows) {
          const stride = windows.stride ?? windows.length;
          entry.windows = {
            length: windows.length,
            stride,
            ...splitWindows(r.frames, windows.length, stride, windows.validation ?? 0.2),
          };
        }
        doc.inputs.push(entry);
      } finally {
        movie.close();
      }
    }
    await Deno.writeTextFile(`${tmp}/preprocess.json`, JSON.stringify(doc, null, 1) + "\n");
  });
  return doc;
}
