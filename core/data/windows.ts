/**
 * Windows of a recording for training: start indices of windows of length L taken every
 * `stride` frames, a time-ordered train / validation split in which no validation window
 * overlaps a training window, and condition labels per input file
 * (`familiar:a.tif novel:b.tif`).
 *
 * @example
 * ```ts
 * import { splitWindows, windowStarts } from "./windows.ts";
 *
 * if (windowStarts(10, 4, 3).join() !== "0,3,6") throw new Error("starts");
 * const s = splitWindows(100, 10, 5, 0.2);
 * // training windows end at or before the cut; validation windows start at or after it
 * if (s.train.at(-1)! + 10 > s.cut || s.validation[0] < s.cut) throw new Error("disjoint");
 * ```
 *
 * @module
 */
import { SparsedynError } from "../errors.ts";

/**
 * Starts of the windows [s, s + L) inside [from, to), every `stride` frames.
 *
 * @param frames Frames in the recording (the default `to`).
 * @param length Window length L ≥ 1.
 * @param stride Step between starts ≥ 1.
 * @param from First frame allowed (default 0).
 * @param to One past the last frame allowed (default `frames`).
 * @returns The starts.
 * @throws {SparsedynError} For a length or stride out of range.
 */
export function windowStarts(
  frames: number,
  length: number,
  stride: number,
  from = 0,
  to = frames,
): number[] {
  if (!Number.isInteger(length) || length < 1) {
    throw new SparsedynError(
      "INVALID_ARGUMENT",
      `window length must be an integer ≥ 1; got ${length}`,
      { argument: "length" },
    );
  }
  if (!Number.isInteger(stride) || stride < 1) {
    throw new SparsedynError(
      "INVALID_ARGUMENT",
      `window stride must be an integer ≥ 1; got ${stride}`,
      { argument: "stride" },
    );
  }
  const out: number[] = [];
  for (let s = from; s + length <= to; s += stride) out.push(s);
  return out;
}

/** A time-ordered split. */
export interface WindowSplit {
  /** Frame where validation begins: training windows end at or before it. */
  cut: number;
  /** Training window starts. */
  train: number[];
  /** Validation window starts. */
  validation: number[];
}

/**
 * Splits a recording in time: the first (1 − fraction) of the frames for training, the
 * rest for validation, windows on each side kept entirely on their side — so no
 * validation window shares a frame with a training window (the dynamics would leak).
 *
 * @param frames Frames in the recording.
 * @param length Window length.
 * @param stride Step between starts.
 * @param validationFraction Share of the frames for validation, in [0, 1).
 * @returns The cut and both sets of starts.
 * @throws {SparsedynError} When a side is too short for a single window.
 */
export function splitWindows(
  frames: number,
  length: number,
  stride: number,
  validationFraction: number,
): WindowSplit {
  if (!(validationFraction >= 0 && validationFraction < 1)) {
    throw new SparsedynError(
      "INVALID_ARGUMENT",
      `validation fraction must be in [0, 1); got ${validationFraction}`,
      { argument: "validationFraction" },
    );
  }
  const cut = Math.round(frames * (1 - validationFraction));
  const train = windowStarts(frames, length, stride, 0, cut);
  const validation = validationFraction > 0
    ? windowStarts(frames, length, stride, cut, frames)
    : [];
  if (train.length === 0 || (validationFraction > 0 && validation.length === 0)) {
    throw new SparsedynError(
      "INVALID_ARGUMENT",
      `${frames} frames split at ${cut} leave no room for windows of ${length} on both sides`,
      { argument: "length" },
    );
  }
  return { cut, train, validation };
}

/** A movie file with its condition label. */
export interface LabeledInput {
  /** The condition. */
  label: string;
  /** The movie file. */
  path: string;
}

/**
 * Parses `label:path` arguments (a path without a label gets `defaultLabel`). Windows on
 * Windows-style drive letters (`C:\…`) are not labels.
 *
 * @param args The arguments.
 * @param defaultLabel Label for unlabeled paths (default "all").
 * @returns Label and path of each.
 * @throws {SparsedynError} For an empty label or path.
 */
export function parseLabeledInputs(args: string[], defaultLabel = "all"): LabeledInput[] {
  return args.map((a) => {
    const m = /^([A-Za-z_][\w.-]*):(.+)$/.exec(a);
    if (!m || /^[A-Za-z]:[\\/]/.test(a)) {
      if (a.trim() === "") {
        throw new SparsedynError("INVALID_ARGUMENT", "an empty input path", { argument: "inputs" });
      }
      return { label: defaultLabel, path: a };
    }
    return { label: m[1], path: m[2] };
  });
}
