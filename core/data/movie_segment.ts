/**
 * `FILE[start:end]`: frames start ≤ t < end of a movie file, as Python slices them (either
 * end may be left out). Every command that opens a movie takes one, so a model can be
 * trained on the first part of a recording and judged on the rest (`train m.tif[0:450]`,
 * `evaluate run --heldout m.tif[450:]`).
 *
 * @example
 * ```ts
 * import { parseMovieSegment } from "./movie_segment.ts";
 *
 * const s = parseMovieSegment("day1.tif[450:]");
 * if (s.path !== "day1.tif" || s.start !== 450 || s.end !== undefined) throw new Error(JSON.stringify(s));
 * if (parseMovieSegment("day1.tif").start !== undefined) throw new Error("a whole file");
 * ```
 *
 * @module
 */
import { SparsedynError } from "../errors.ts";
import type { Movie } from "./movie.ts";

/** A file, or a range of its frames. */
export interface MovieSegment {
  /** The file. */
  path: string;
  /** First frame (absent: 0). */
  start?: number;
  /** One past the last frame (absent: the movie's end). */
  end?: number;
}

const SEGMENT = /^(.*\S)\[\s*(\d*)\s*:\s*(\d*)\s*\]$/;

/**
 * Splits `FILE[start:end]` into the file and the range; a plain path is returned whole.
 *
 * @param arg A path, or a path with a `[start:end]` suffix.
 * @returns The file and the range.
 * @throws {SparsedynError} `INVALID_ARGUMENT` when the range is empty (end ≤ start).
 */
export function parseMovieSegment(arg: string): MovieSegment {
  const m = SEGMENT.exec(arg);
  if (!m) return { path: arg };
  const start = m[2] === "" ? undefined : Number(m[2]);
  const end = m[3] === "" ? undefined : Number(m[3]);
  if (start !== undefined && end !== undefined && end <= start) {
    throw new SparsedynError("INVALID_ARGUMENT", `${arg}: the segment is empty (end ≤ start)`, {
      argument: arg,
      file: m[1],
    });
  }
  return { path: m[1], start, end };
}

/**
 * A view of frames [start, end) of a movie; closing it closes the movie.
 *
 * @param movie The whole movie.
 * @param segment The range (from {@link parseMovieSegment}).
 * @param name The name the view reports as its path (the argument as given).
 * @returns The view.
 * @throws {SparsedynError} `INVALID_ARGUMENT` naming the file when the range ends past the
 *   movie.
 */
export function movieSegment(movie: Movie, segment: MovieSegment, name: string): Movie {
  const start = segment.start ?? 0, end = segment.end ?? movie.frames;
  if (end > movie.frames || start >= end) {
    movie.close();
    throw new SparsedynError(
      "INVALID_ARGUMENT",
      `${name}: ${segment.path} has ${movie.frames} frames; the segment [${start}:${end}] ` +
        `does not fit in them`,
      { argument: name, file: segment.path },
    );
  }
  return {
    ...movie,
    path: name,
    frames: end - start,
    metadata: { ...movie.metadata, segment: { file: segment.path, start, end } },
    read: (s, count) => movie.read(start + s, count),
    close: () => movie.close(),
  };
}
