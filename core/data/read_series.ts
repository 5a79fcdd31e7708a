/**
 * A multivariate series (T×d, rows = time points) from a file or from a run folder's
 * latents: .npy or .csv; Suite2p's F.npy, Fneu.npy and spks.npy are n_cells × n_frames and
 * are transposed by name (or by request). What `sparsedyn fit` reads.
 *
 * @example
 * ```ts
 * import { readSeries } from "./read_series.ts";
 * import { encodeNpy } from "./npy.ts";
 *
 * const dir = await Deno.makeTempDir();
 * // Suite2p's F.npy: 2 cells × 5 frames.
 * await Deno.writeFile(`${dir}/F.npy`, encodeNpy(Float64Array.of(1, 2, 3, 4, 5, 10, 20, 30, 40, 50), [2, 5]));
 * const s = await readSeries(`${dir}/F.npy`);
 * if (s.T !== 5 || s.d !== 2 || !s.transposed) throw new Error(JSON.stringify(s));
 * if (s.series[2] !== 2 || s.series[3] !== 20) throw new Error("row t holds frame t of each cell");
 * await Deno.remove(dir, { recursive: true });
 * ```
 *
 * @module
 */
import { SparsedynError } from "../errors.ts";
import { readMatrix } from "./read_matrix.ts";

const SUITE2P = new Set(["f.npy", "fneu.npy", "spks.npy"]);

/** A series read from a file. */
export interface SeriesInput {
  /** T×d row-major. */
  series: Float64Array;
  /** Time points. */
  T: number;
  /** Series. */
  d: number;
  /** The file read (a run folder's latents.npy for a run). */
  file: string;
  /** A file, or a run folder's latents. */
  kind: "file" | "run";
  /** Whether the file held the series in rows and was transposed. */
  transposed: boolean;
}

/**
 * Reads a series file, or the latents of a run folder.
 *
 * @param arg A .npy / .csv file, or a run folder (latents.npy and config.json).
 * @param options `transpose`: true: the file is d×T; false: never transpose (not even a
 *   file named like Suite2p's); absent: by name.
 * @returns The series, T×d.
 * @throws {SparsedynError} `IO` when `arg` cannot be read; `BAD_FILE` naming a folder that
 *   is not a run folder, or a file that is no matrix.
 */
export async function readSeries(
  arg: string,
  options: { transpose?: boolean } = {},
): Promise<SeriesInput> {
  const { file, kind } = await resolveSeriesInput(arg);
  const mat = await readMatrix(file);
  const base = file.slice(file.lastIndexOf("/") + 1).toLowerCase();
  const transposed = options.transpose ??
    (kind === "file" && SUITE2P.has(base));
  if (!transposed) {
    return { series: mat.data, T: mat.rows, d: mat.cols, file, kind, transposed };
  }
  const series = new Float64Array(mat.data.length);
  for (let i = 0; i < mat.rows; i++) {
    for (let t = 0; t < mat.cols; t++) series[t * mat.rows + i] = mat.data[i * mat.cols + t];
  }
  return { series, T: mat.cols, d: mat.rows, file, kind, transposed };
}

/** The matrix file behind `arg`; a run folder means its latents. */
async function resolveSeriesInput(arg: string): Promise<{ file: string; kind: "file" | "run" }> {
  let info: Deno.FileInfo;
  try {
    info = await Deno.stat(arg);
  } catch (err) {
    throw new SparsedynError(
      "IO",
      `Cannot read "${arg}": ${err instanceof Error ? err.message : String(err)}`,
      { file: arg, cause: err },
    );
  }
  if (!info.isDirectory) return { file: arg, kind: "file" };
  const latents = `${arg.replace(/\/+$/, "")}/latents.npy`;
  const config = `${arg.replace(/\/+$/, "")}/config.json`;
  for (const f of [latents, config]) {
    try {
      await Deno.stat(f);
    } catch {
      throw new SparsedynError(
        "BAD_FILE",
        `${arg} is not a run folder: ${f.slice(f.lastIndexOf("/") + 1)} is missing ` +
          `(a run folder holds latents.npy and config.json)`,
        { file: arg },
      );
    }
  }
  return { file: latents, kind: "run" };
}
