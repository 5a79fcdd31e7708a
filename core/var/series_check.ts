/**
 * Checks a multivariate series (T×d, row-major) before a VAR is fitted to it, so that bad
 * input fails early with a typed error that names the input and the place: a NaN or an
 * infinity (its row and column), a constant column (which the lagged design cannot use:
 * its centred column is zero), or a series too short for the lags asked for.
 *
 * Rows and columns in messages are 0-based, as in NumPy.
 *
 * @example
 * ```ts
 * import { SparsedynError } from "../errors.ts";
 * import { checkSeries } from "./series_check.ts";
 *
 * try {
 *   checkSeries(Float64Array.of(1, 2, NaN, 4), 2, 2, { name: "traces" });
 *   throw new Error("not reached");
 * } catch (e) {
 *   if (!(e instanceof SparsedynError) || e.code !== "NON_FINITE") throw e;
 *   if (!e.message.includes("row 1, column 0")) throw e;
 * }
 * ```
 *
 * @module
 */
import { SparsedynError } from "../errors.ts";

/** Options of {@link checkSeries}. */
export interface SeriesCheckOptions {
  /** What the series is called in messages and in the error's `argument`. Default "series". */
  name?: string;
  /** The file it came from: set as the error's `file` and named in the message. */
  file?: string;
  /** The least number of time points the caller needs (e.g. p + 3). Default 1. */
  minLength?: number;
  /** Why that many, for the message (e.g. "a VAR(3) needs T ≥ 6"). */
  minLengthReason?: string;
}

/**
 * Throws unless `series` is a finite T×d matrix with no constant column and at least
 * `minLength` rows.
 *
 * @param series T×d row-major.
 * @param T Time points (rows).
 * @param d Series (columns).
 * @param options Its name, its file, and the least length needed.
 * @throws {SparsedynError} `INVALID_ARGUMENT` for a wrong size, an empty or too short
 *   series, or a constant column (named); `NON_FINITE` for a NaN or infinity (row and
 *   column named).
 */
export function checkSeries(
  series: Float64Array,
  T: number,
  d: number,
  options: SeriesCheckOptions = {},
): void {
  const name = options.name ?? "series";
  const where = options.file ? `${options.file}: ` : "";
  const fail = (code: "INVALID_ARGUMENT" | "NON_FINITE", msg: string): never => {
    throw new SparsedynError(code, where + msg, { argument: name, file: options.file });
  };
  if (!(series instanceof Float64Array)) fail("INVALID_ARGUMENT", `${name} must be a Float64Array`);
  if (!Number.isInteger(T) || T < 0 || !Number.isInteger(d) || d < 0) {
    fail("INVALID_ARGUMENT", `${name}: T and d must be integers ≥ 0; got T = ${T}, d = ${d}`);
  }
  if (series.length !== T * d) {
    fail("INVALID_ARGUMENT", `${name} must hold T×d = ${T * d} values; got ${series.length}`);
  }
  if (T === 0 || d === 0) {
    fail("INVALID_ARGUMENT", `${name} is empty (${T} time points × ${d} series)`);
  }
  for (let q = 0; q < series.length; q++) {
    const v = series[q];
    if (!Number.isFinite(v)) {
      fail(
        "NON_FINITE",
        `${name} has ${String(v)} at row ${Math.floor(q / d)}, column ${q % d} ` +
          `(0-based; rows are time points): remove or interpolate it first`,
      );
    }
  }
  const minLength = options.minLength ?? 1;
  if (T < minLength) {
    fail(
      "INVALID_ARGUMENT",
      `${name} is too short: T = ${T} time points, ${
        options.minLengthReason ?? `at least ${minLength} needed`
      }`,
    );
  }
  if (T < 2) return;
  for (let j = 0; j < d; j++) {
    const first = series[j];
    let constant = true;
    for (let t = 1; t < T && constant; t++) constant = series[t * d + j] === first;
    if (constant) {
      fail(
        "INVALID_ARGUMENT",
        `${name}: column ${j} is constant (every value is ${first}): it carries no dynamics ` +
          `and makes the lagged design singular; remove it`,
      );
    }
  }
}
