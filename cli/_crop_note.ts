// The note that a run crops every movie it processes (encode, maps, test, evaluate): the
// model's total stride must divide the frame, so training cropped the frames, and every
// later movie goes through the same crop. Said aloud, so that no pixel disappears silently.
import { openMovie } from "../core/data/movie.ts";
import { parseMovieSegment } from "../core/data/movie_segment.ts";
import type { PreprocessSpec } from "../core/data/preprocess.ts";

/**
 * The note for a movie of `height`×`width` under a run's preprocessing, or undefined when
 * nothing is cut.
 *
 * @example
 * ```ts
 * import { cropNote } from "./_crop_note.ts";
 *
 * const spec = { crop: { top: 0, left: 0, height: 32, width: 24 } };
 * const note = cropNote(spec, 35, 29);
 * if (!note?.includes("35×29 are cropped to 32×24")) throw new Error(note);
 * if (cropNote({}, 35, 29) !== undefined) throw new Error("no crop, no note");
 * ```
 */
export function cropNote(spec: PreprocessSpec, height: number, width: number): string | undefined {
  const c = spec.crop;
  if (!c || (c.height === height && c.width === width)) return undefined;
  return `frames of ${height}×${width} are cropped to ${c.height}×${c.width} (rows ${c.top}–${
    c.top + c.height - 1
  }, columns ${c.left}–${c.left + c.width - 1}), as the run's model was trained: its total ` +
    `stride must divide the frame`;
}

/**
 * Prints the crop note for a movie on stderr (`{"note": …}` with --json). A movie that cannot
 * be opened gets no note: the command itself reports why.
 *
 * @param command The command's name, for the prefix.
 * @param spec The run's preprocessing.
 * @param moviePath The movie (a `[start:end]` segment allowed).
 * @param json JSON lines instead of text.
 */
export async function printCropNote(
  command: string,
  spec: PreprocessSpec,
  moviePath: string,
  json: boolean,
): Promise<void> {
  if (!spec.crop) return;
  let size: { height: number; width: number };
  try {
    const movie = await openMovie(parseMovieSegment(moviePath).path);
    size = { height: movie.height, width: movie.width };
    movie.close();
  } catch {
    return;
  }
  const note = cropNote(spec, size.height, size.width);
  if (!note) return;
  console.error(json ? JSON.stringify({ note }) : `sparsedyn ${command}: note: ${note}`);
}
