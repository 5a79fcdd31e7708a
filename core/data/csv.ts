/**
 * A numeric CSV reader: comma-, semicolon-, tab- or space-separated numbers, one row
 * per line, an optional header line of names, `#` comments.
 *
 * @example
 * ```ts
 * import { parseCsv } from "./csv.ts";
 *
 * const t = parseCsv("a,b\n1,2\n3,4\n", "t.csv");
 * if (t.shape.join() !== "2,2" || t.columns?.join() !== "a,b" || t.data[3] !== 4) throw new Error("csv");
 * ```
 *
 * @module
 */
import { SparsedynError } from "../errors.ts";

/** A numeric table: data row-major, shape [rows, columns], header names if present. */
export interface CsvTable {
  /** Values, row-major. */
  data: Float64Array;
  /** [rows, columns]. */
  shape: [number, number];
  /** Names from the header line, if there was one. */
  columns?: string[];
}

/**
 * Parses numeric CSV text.
 *
 * @param text The file's content.
 * @param file Its name, for error messages.
 * @returns The table.
 * @throws {SparsedynError} `BAD_FILE` with the line and column of the first bad cell.
 */
export function parseCsv(text: string, file: string): CsvTable {
  const lines = text.split(/\r?\n/);
  const rows: number[][] = [];
  let columns: string[] | undefined;
  let width = -1;
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i].trim();
    if (line === "" || line.startsWith("#")) continue;
    const cells = line.split(/\s*[,;\t]\s*|\s+/);
    const nums = cells.map(Number);
    const bad = nums.findIndex((v, k) => cells[k] === "" || !Number.isFinite(v));
    if (bad >= 0) {
      if (rows.length === 0 && columns === undefined) {
        columns = cells;
        width = cells.length;
        continue;
      }
      throw new SparsedynError(
        "BAD_FILE",
        `${file}:${i + 1}:${bad + 1}: "${cells[bad]}" is not a finite number`,
        { file },
      );
    }
    if (width >= 0 && nums.length !== width) {
      throw new SparsedynError(
        "BAD_FILE",
        `${file}:${i + 1}: ${nums.length} values, expected ${width}`,
        { file },
      );
    }
    width = nums.length;
    rows.push(nums);
  }
  if (rows.length === 0) throw new SparsedynError("BAD_FILE", `${file}: no numeric rows`, { file });
  const data = new Float64Array(rows.length * width);
  rows.forEach((r, i) => data.set(r, i * width));
  return { data, shape: [rows.length, width], columns };
}
