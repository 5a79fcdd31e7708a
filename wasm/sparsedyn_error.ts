/**
 * The one error class of sparsedyn. It lives here, in the lowest layer (the WASM core),
 * so that the core can throw it without importing from the parts above it; `core/errors.ts`
 * re-exports it with the helpers that build common errors. Callers branch on `code`; the
 * message names the argument or file and the reason.
 *
 * @example Branch on the code
 * ```ts
 * import { SparsedynError } from "./sparsedyn_error.ts";
 *
 * const err = new SparsedynError("NOT_SYMMETRIC", "G is not symmetric", { argument: "G" });
 * if (err.code !== "NOT_SYMMETRIC" || err.argument !== "G") throw new Error("unexpected");
 * ```
 *
 * @module
 */

/** What went wrong, for callers that branch on it. */
export type SparsedynErrorCode =
  | "INVALID_ARGUMENT"
  | "NON_FINITE"
  | "NOT_SYMMETRIC"
  | "NEGATIVE_DIAGONAL"
  | "NOT_POSITIVE_DEFINITE"
  | "OUT_OF_MEMORY"
  | "CORE_NOT_BUILT"
  | "BAD_FILE"
  | "IO";

/** Where an error came from: the argument and/or file it concerns. */
export interface SparsedynErrorOptions {
  /** Name of the offending argument, as the caller wrote it (`"G"`, `"--lambda"`). */
  argument?: string;
  /** Path of the offending file. */
  file?: string;
  /** The underlying error, if any. */
  cause?: unknown;
}

/** A typed error: `code` for programs, a message that names what and why for people. */
export class SparsedynError extends Error {
  /** Machine-readable kind of failure. */
  readonly code: SparsedynErrorCode;
  /** The argument the error concerns, if any. */
  readonly argument?: string;
  /** The file the error concerns, if any. */
  readonly file?: string;

  /**
   * Creates the error.
   *
   * @param code What went wrong.
   * @param message A sentence that quotes the offending value.
   * @param options The argument or file concerned, and the cause.
   */
  constructor(code: SparsedynErrorCode, message: string, options: SparsedynErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = "SparsedynError";
    this.code = code;
    this.argument = options.argument;
    this.file = options.file;
  }
}
