/**
 * The recordings of a condition test, read from files: T×d series (.npy, .csv, .tsv,
 * .txt) or, with an encoder, movies through a trained model; `FILE[start:end]` takes frames
 * start ≤ t < end (Python's slice). A file named several times (e.g. two segments of one
 * recording as the two conditions) is read, and encoded, once; the latents of encoded
 * movies come back too, so a map test on the same movies need not encode them again.
 *
 * @example
 * ```ts
 * import { readConditionInputs } from "./condition_inputs.ts";
 * import { encodeNpy } from "../data/npy.ts";
 *
 * const dir = await Deno.makeTempDir();
 * const T = 300, d = 2;
 * const x = Float64Array.from({ length: T * d }, (_, i) => Math.sin(i));
 * await Deno.writeFile(`${dir}/x.npy`, encodeNpy(x, [T, d]));
 * const { a, b } = await readConditionInputs([`${dir}/x.npy[0:100]`], [`${dir}/x.npy[100:]`]);
 * if (a[0].T !== 100 || b[0].T !== 200 || a[0].d !== d) throw new Error("segments of one file");
 * if (b[0].series[0] !== x[100 * d]) throw new Error("frame 100 first");
 * await Deno.remove(dir, { recursive: true });
 * ```
 *
 * @module
 */
import { SparsedynError } from "../errors.ts";
import { readMatrix } from "../data/read_matrix.ts";
import { type MovieSegment, parseMovieSegment } from "../data/movie_segment.ts";
import type { Recording } from "./series_windows.ts";

/** A movie's latent series, T×d row-major. */
export interface EncodedRecording {
  /** T×d row-major. */
  series: Float64Array;
  /** Frames. */
  T: number;
  /** Latent dimensions. */
  d: number;
}

/** How to read the inputs. */
export interface ConditionInputOptions {
  /** Encodes a movie (e.g. `modelEncoder(model).encode`); without it only series are read. */
  encode?: (path: string) => Promise<EncodedRecording>;
  /** The names errors give the two groups (default "a" and "b"; the CLI's "--a", "--b"). */
  labels?: { a: string; b: string };
}

/** The recordings of both conditions, and the latents of the movies that were encoded. */
export interface ConditionInputs {
  /** Condition A's recordings, in the order given. */
  a: Recording[];
  /** Condition B's recordings, in the order given. */
  b: Recording[];
  /** Encoded movies' T×d latents by path (whole files, not segments). */
  latents: Map<string, Float64Array>;
}

const SERIES_EXT = [".npy", ".csv", ".tsv", ".txt"];

/**
 * Reads both conditions' inputs, each file once.
 *
 * @param aFiles Condition A's files, each optionally `FILE[start:end]`.
 * @param bFiles Condition B's files.
 * @param options The encoder for movies, the groups' names in errors.
 * @returns The recordings, named as given, and the encoded latents.
 * @throws {SparsedynError} `INVALID_ARGUMENT` naming the group and file for an empty
 *   segment or one past the file's end; `BAD_FILE` for a file that is no series (naming
 *   how to test movies when no encoder was given).
 */
export async function readConditionInputs(
  aFiles: readonly string[],
  bFiles: readonly string[],
  options: ConditionInputOptions = {},
): Promise<ConditionInputs> {
  const labels = options.labels ?? { a: "a", b: "b" };
  const latents = new Map<string, Float64Array>();
  const encode = options.encode && (async (path: string) => {
    const e = await options.encode!(path);
    latents.set(path, e.series);
    return e;
  });
  const whole = new Map<string, Promise<Recording>>();
  const read = async (files: readonly string[], label: string) => {
    const out: Recording[] = [];
    for (const f of files) {
      const seg = segmentOf(f, label);
      if (!whole.has(seg.path)) whole.set(seg.path, readConditionInput(seg.path, encode));
      out.push(cutRecording(await whole.get(seg.path)!, seg, f, label));
    }
    return out;
  };
  const a = await read(aFiles, labels.a), b = await read(bFiles, labels.b);
  return { a, b, latents };
}

/** `FILE[start:end]` split; an empty range is named with its group. */
export function segmentOf(arg: string, label: string): MovieSegment {
  try {
    return parseMovieSegment(arg);
  } catch (err) {
    if (!(err instanceof SparsedynError)) throw err;
    throw new SparsedynError(
      "INVALID_ARGUMENT",
      `${label} ${arg}: the segment is empty (end ≤ start)`,
      { argument: label, cause: err },
    );
  }
}

/**
 * The frames [start, end) of a recording, named `name` (the argument as given).
 *
 * @throws {SparsedynError} `INVALID_ARGUMENT` naming the file and its length when the
 *   segment ends past it.
 */
export function cutRecording(
  r: Recording,
  seg: MovieSegment,
  name: string,
  label: string,
): Recording {
  if (seg.start === undefined && seg.end === undefined) return r;
  const start = seg.start ?? 0, end = seg.end ?? r.T;
  if (end > r.T) {
    throw new SparsedynError(
      "INVALID_ARGUMENT",
      `${name}: ${seg.path} has ${r.T} frames; the segment ends at ${end}`,
      { argument: label, file: seg.path },
    );
  }
  return { series: r.series.slice(start * r.d, end * r.d), T: end - start, d: r.d, name };
}

/**
 * One input: a T×d series file, or through `encode` a movie (any other file, or an .npy
 * that is not 1-D or 2-D).
 *
 * @throws {SparsedynError} `BAD_FILE` naming the file when it is no series and there is no
 *   encoder.
 */
export async function readConditionInput(
  path: string,
  encode?: (path: string) => Promise<EncodedRecording>,
): Promise<Recording> {
  const lower = path.toLowerCase();
  const howToMovies =
    `to test movies, give a run folder whose model encodes them: sparsedyn test <run> --a ${path} ...`;
  if (SERIES_EXT.some((e) => lower.endsWith(e))) {
    try {
      const m = await readMatrix(path);
      return { series: m.data, T: m.rows, d: m.cols, name: path };
    } catch (err) {
      // An .npy that is not 1-D or 2-D is a movie (T×H×W): encode it when we can.
      const notMatrix = err instanceof SparsedynError && err.code === "BAD_FILE" &&
        lower.endsWith(".npy") && /expected a 1-D or 2-D array/.test(err.message);
      if (!notMatrix) throw err;
      if (!encode) {
        const why = (err as Error).message.replace(`${path}: `, "");
        throw new SparsedynError("BAD_FILE", `${path}: not a T×d series (${why}); ${howToMovies}`, {
          file: path,
          cause: err,
        });
      }
    }
  } else if (!encode) {
    throw new SparsedynError(
      "BAD_FILE",
      `${path}: not a series file (.npy or .csv, T×d); ${howToMovies}`,
      { file: path },
    );
  }
  const z = await encode!(path);
  return { series: z.series, T: z.T, d: z.d, name: path };
}

/**
 * An error of `conditionTest` about input `a[i]` / `b[i]`, made to name that input's file
 * and its group (so `--json`'s `file` says which file); other errors are returned as they are.
 *
 * @example
 * ```ts
 * import { nameInputError } from "./condition_inputs.ts";
 * import { SparsedynError } from "../errors.ts";
 *
 * const e = nameInputError(new SparsedynError("NON_FINITE", "b[1] has NaN", { argument: "b[1]" }), ["x"], ["y", "z"]);
 * if (!(e instanceof SparsedynError) || e.file !== "z" || e.argument !== "b") throw new Error("named");
 * ```
 */
export function nameInputError(
  err: unknown,
  aFiles: readonly string[],
  bFiles: readonly string[],
  labels: { a: string; b: string } = { a: "a", b: "b" },
): unknown {
  if (!(err instanceof SparsedynError) || err.file) return err;
  const m = /^([ab])\[(\d+)\]$/.exec(err.argument ?? "");
  if (!m) return err;
  const file = (m[1] === "a" ? aFiles : bFiles)[Number(m[2])];
  return new SparsedynError(err.code, err.message, {
    argument: m[1] === "a" ? labels.a : labels.b,
    file,
    cause: err,
  });
}
