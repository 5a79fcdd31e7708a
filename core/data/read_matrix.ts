/**
 * Reads a numeric matrix from an `.npy` or `.csv` file (by extension), as float64 in
 * row-major order with its shape. A 1-D array is a column (n×1).
 *
 * @example
 * ```ts
 * import { readMatrix } from "./read_matrix.ts";
 *
 * const dir = await Deno.makeTempDir();
 * await Deno.writeTextFile(`${dir}/y.csv`, "1\n2\n3\n");
 * const y = await readMatrix(`${dir}/y.csv`);
 * if (y.rows !== 3 || y.cols !== 1) throw new Error("3×1");
 * await Deno.remove(dir, { recursive: true });
 * ```
 *
 * @module
 */
import { ioError, SparsedynError } from "../errors.ts";
import { parseCsv } from "./csv.ts";
import { decodeNpy } from "./npy.ts";

/** A dense matrix, row-major. */
export interface Matrix {
  /** Values, row-major. */
  data: Float64Array;
  /** Number of rows. */
  rows: number;
  /** Number of columns. */
  cols: number;
}

/**
 * Reads `path` as a matrix.
 *
 * @param path An `.npy` or `.csv` (or `.txt`, `.tsv`) file.
 * @returns The matrix.
 * @throws {SparsedynError} `IO` when the file cannot be read; `BAD_FILE` when its content
 *   is not a numeric matrix (the message names the file and the reason).
 */
export async function readMatrix(path: string): Promise<Matrix> {
  let bytes: Uint8Array;
  try {
    bytes = await Deno.readFile(path);
  } catch (err) {
    throw ioError("read", path, err);
  }
  const lower = path.toLowerCase();
  if (lower.endsWith(".npy")) {
    const a = decodeNpy(bytes, path);
    if (a.shape.length === 1) return { data: a.data, rows: a.shape[0], cols: 1 };
    if (a.shape.length === 2) return { data: a.data, rows: a.shape[0], cols: a.shape[1] };
    throw new SparsedynError(
      "BAD_FILE",
      `${path}: expected a 1-D or 2-D array; got shape (${a.shape.join(", ")})`,
      {
        file: path,
      },
    );
  }
  if (lower.endsWith(".csv") || lower.endsWith(".tsv") || lower.endsWith(".txt")) {
    const t = parseCsv(new TextDecoder().decode(bytes), path);
    return { data: t.data, rows: t.shape[0], cols: t.shape[1] };
  }
  throw new SparsedynError("BAD_FILE", `${path}: unknown format (expected .npy or .csv)`, {
    file: path,
  });
}
