/**
 * `sparsedyn study init`: a manifest from a folder of movies and a CSV of labels. The CSV
 * has a header with `file`, `animal`, `session` and `condition` (any order; `id` optional);
 * `file` is relative to the folder and may be a `FILE[start:end]` segment. Every file it
 * names must exist; movies in the folder that the CSV leaves out are reported, not added.
 *
 * @example
 * ```ts
 * import { studyFromLabels } from "./study_init.ts";
 *
 * const dir = await Deno.makeTempDir();
 * await Deno.writeTextFile(`${dir}/m1.npy`, "");
 * await Deno.writeTextFile(`${dir}/labels.csv`, "file,animal,session,condition\nm1.npy[0:100],m1,d1,a\nm1.npy[100:200],m1,d1,b\n");
 * const { manifest, unlisted } = await studyFromLabels(dir, `${dir}/labels.csv`, dir);
 * const recs = (manifest as { recordings: { path: string }[] }).recordings;
 * if (recs[1].path !== "m1.npy[100:200]" || unlisted.length !== 0) throw new Error(JSON.stringify(manifest));
 * await Deno.remove(dir, { recursive: true });
 * ```
 *
 * @module
 */
import { SparsedynError } from "../errors.ts";
import { parseMovieSegment } from "../data/movie_segment.ts";

const MOVIE_EXT = /\.(tiff?|npy|nwb|h5|hdf5|bin|avi)$/i;

/** Splits a CSV line (RFC 4180 quotes). */
function csvCells(line: string): string[] {
  const cells: string[] = [];
  let cur = "", quoted = false;
  for (let i = 0; i < line.length; i++) {
    const c = line[i];
    if (quoted) {
      if (c === '"' && line[i + 1] === '"') {
        cur += '"';
        i++;
      } else if (c === '"') quoted = false;
      else cur += c;
    } else if (c === '"') quoted = true;
    else if (c === ",") {
      cells.push(cur.trim());
      cur = "";
    } else cur += c;
  }
  cells.push(cur.trim());
  return cells;
}

function relative(from: string, to: string): string {
  const a = from.replace(/\/+$/, "").split("/"), b = to.split("/");
  let i = 0;
  while (i < a.length && i < b.length - 1 && a[i] === b[i]) i++;
  return [...Array(a.length - i).fill(".."), ...b.slice(i)].join("/");
}

/** An absolute path without "." and ".." segments. */
function absolute(p: string): string {
  const parts: string[] = [];
  for (const seg of (p.startsWith("/") ? p : `${Deno.cwd()}/${p}`).split("/")) {
    if (seg === "" || seg === ".") continue;
    if (seg === "..") parts.pop();
    else parts.push(seg);
  }
  return "/" + parts.join("/");
}

/** Choices `study init` writes into the manifest besides the recordings. */
export interface StudyInitOptions {
  /** One model per animal (default) or one for the study. */
  per?: "animal" | "study";
  /** Training settings (a train config object, e.g. `{ epochs: 10, downsample: 4 }`). */
  config?: Record<string, unknown>;
  /** The two conditions compared per animal. */
  test?: { a: string; b: string };
}

/** The CSV's non-empty lines: a header and at least one row. */
async function readLabelLines(labelsCsv: string): Promise<string[]> {
  let text: string;
  try {
    text = await Deno.readTextFile(labelsCsv);
  } catch (err) {
    throw new SparsedynError("IO", `Cannot read "${labelsCsv}": ${(err as Error).message}`, {
      file: labelsCsv,
      argument: "--labels",
      cause: err,
    });
  }
  const lines = text.split(/\r?\n/).filter((l) => l.trim() !== "");
  if (lines.length < 2) {
    throw new SparsedynError("BAD_FILE", `${labelsCsv}: needs a header and at least one row`, {
      file: labelsCsv,
    });
  }
  return lines;
}

/** The column of each label in the CSV (`id` is optional: −1 when absent). */
interface LabelColumns {
  file: number;
  animal: number;
  session: number;
  condition: number;
  id: number;
}

/** Finds the label columns in the header line; refuses a header without a required one. */
function labelColumns(header: string, labelsCsv: string): LabelColumns {
  const head = csvCells(header).map((h) => h.toLowerCase());
  const col = (name: string, required: boolean) => {
    const i = head.indexOf(name);
    if (i < 0 && required) {
      throw new SparsedynError(
        "BAD_FILE",
        `${labelsCsv}: the header has no "${name}" column (it needs file, animal, session, condition; found ${
          head.join(", ")
        })`,
        { file: labelsCsv },
      );
    }
    return i;
  };
  return {
    file: col("file", true),
    animal: col("animal", true),
    session: col("session", true),
    condition: col("condition", true),
    id: col("id", false),
  };
}

/** Where the rows' movies are and where the manifest will be. */
interface LabelPlaces {
  folder: string;
  labelsCsv: string;
  manifestDir: string;
}

/** The file column's `FILE[a:b]`, refused as a `BAD_FILE` naming the CSV and its line. */
function segmentOf(file: string, where: string, labelsCsv: string) {
  try {
    return parseMovieSegment(file);
  } catch (e) {
    if (!(e instanceof SparsedynError)) throw e;
    throw new SparsedynError("BAD_FILE", `${where}: ${e.message}`, { file: labelsCsv });
  }
}

/**
 * One CSV row (line `n`, 0-based) as a manifest recording, its path relative to the
 * manifest's folder; refuses an empty label and a movie that does not exist.
 * @returns The recording and its movie's path within the folder.
 */
async function labelledRecording(
  line: string,
  n: number,
  columns: LabelColumns,
  places: LabelPlaces,
): Promise<{ recording: Record<string, string>; movie: string }> {
  const { folder, labelsCsv, manifestDir } = places;
  const cells = csvCells(line);
  const where = `${labelsCsv}, line ${n + 1}`;
  const get = (i: number, name: string) => {
    const v = cells[i];
    if (v === undefined || v === "") {
      throw new SparsedynError("BAD_FILE", `${where}: the ${name} is empty`, { file: labelsCsv });
    }
    return v;
  };
  const file = get(columns.file, "file");
  const seg = segmentOf(file, where, labelsCsv);
  const full = `${folder.replace(/\/+$/, "")}/${seg.path}`;
  try {
    await Deno.stat(full);
  } catch {
    throw new SparsedynError("BAD_FILE", `${where}: "${full}" does not exist`, {
      file: full,
    });
  }
  const path = relative(absolute(manifestDir), absolute(full)) + file.slice(seg.path.length);
  const ii = columns.id;
  const recording = {
    ...(ii >= 0 && cells[ii] ? { id: cells[ii] } : {}),
    path,
    animal: get(columns.animal, "animal"),
    session: get(columns.session, "session"),
    condition: get(columns.condition, "condition"),
  };
  return { recording, movie: seg.path };
}

/** The movies in the folder that the CSV does not name, sorted. */
async function unlistedMovies(folder: string, listed: Set<string>): Promise<string[]> {
  const unlisted: string[] = [];
  for await (const e of Deno.readDir(folder)) {
    if (e.isFile && MOVIE_EXT.test(e.name) && !listed.has(e.name)) unlisted.push(e.name);
  }
  return unlisted.sort();
}

/**
 * The manifest for a folder of movies and its labels.
 *
 * @param folder The folder of movies.
 * @param labelsCsv The CSV of labels.
 * @param manifestDir The folder the manifest will be written in (paths are relative to it).
 * @param options Training and test choices written with the recordings.
 * @returns The manifest's JSON and the movies the CSV does not name.
 * @throws {SparsedynError} `BAD_FILE` naming the CSV and its line; `IO` for unreadable files.
 */
export async function studyFromLabels(
  folder: string,
  labelsCsv: string,
  manifestDir: string,
  options: StudyInitOptions = {},
): Promise<{ manifest: Record<string, unknown>; unlisted: string[] }> {
  const lines = await readLabelLines(labelsCsv);
  const columns = labelColumns(lines[0], labelsCsv);
  const listed = new Set<string>();
  const recordings = [];
  for (let n = 1; n < lines.length; n++) {
    const row = await labelledRecording(lines[n], n, columns, { folder, labelsCsv, manifestDir });
    listed.add(row.movie);
    recordings.push(row.recording);
  }
  const unlisted = await unlistedMovies(folder, listed);
  return {
    manifest: {
      recordings,
      train: { per: options.per ?? "animal", config: options.config ?? { epochs: 10 } },
      analyses: { fit: true, ...(options.test ? { test: options.test } : {}) },
    },
    unlisted,
  };
}
