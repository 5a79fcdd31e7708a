/**
 * `study.json`: a study's recordings (each with its animal, session and condition), how
 * the models are trained (one per animal or one shared, with a config for all or per
 * group), which analyses run, and Slurm resources. Read and checked here: every problem
 * names the file and the key (`recordings[3].condition`) and says what was expected.
 * Paths are relative to the manifest's folder.
 *
 * @example Read a manifest
 * ```ts
 * import { readManifest } from "./manifest.ts";
 *
 * const dir = await Deno.makeTempDir();
 * await Deno.writeTextFile(`${dir}/study.json`, JSON.stringify({
 *   recordings: [
 *     { path: "m1_a.npy", animal: "m1", session: "s1", condition: "a" },
 *     { path: "m1_b.npy[0:500]", animal: "m1", session: "s1", condition: "b" },
 *   ],
 *   train: { per: "animal", config: { epochs: 2 } },
 * }));
 * const m = await readManifest(`${dir}/study.json`);
 * if (m.recordings[1].id !== "m1_s1_b" || m.recordings[1].path !== `${dir}/m1_b.npy[0:500]`) {
 *   throw new Error(JSON.stringify(m.recordings[1]));
 * }
 * if (m.tests[0].a !== "a" || m.tests[0].b !== "b") throw new Error("conditions in order of appearance");
 * await Deno.remove(dir, { recursive: true });
 * ```
 *
 * @module
 */
import { dirname, resolve } from "node:path";
import { SparsedynError } from "../errors.ts";
import { parseTrainConfig, type TrainConfig } from "../train/train_config.ts";
import { parseMovieSegment } from "../data/movie_segment.ts";

/** One recording (a file or a `FILE[start:end]` segment) with its labels. */
export interface StudyRecording {
  /** Unique name, used for output files (default `animal_session_condition`). */
  id: string;
  /** The movie, absolute or relative to the manifest's folder once read. */
  path: string;
  /** The animal it was recorded from. */
  animal: string;
  /** The session (e.g. a day). */
  session: string;
  /** The experimental condition. */
  condition: string;
}

/** Slurm resources for a stage (or for all). */
export interface SlurmResources {
  /** `--partition`. */
  partition?: string;
  /** `--time` (Slurm format, e.g. `02:00:00`). */
  time?: string;
  /** `--mem` (e.g. `8G`). */
  mem?: string;
  /** `--cpus-per-task`. */
  cpus?: number;
  /** `--gres` (e.g. `gpu:1`; applied to training only). */
  gres?: string;
}

/** The condition test run per animal (the options of `sparsedyn test`). */
export interface StudyTest {
  /** Condition compared (labelled `a` in the test). */
  a: string;
  /** The other condition. */
  b: string;
  /** Window length in frames (`--window`). */
  window?: number;
  /** Step between windows (`--stride`). */
  stride?: number;
  /** VAR lags (`--lags`). */
  lags?: number;
  /** Random relabelings (`--permutations`). */
  permutations?: number;
  /** Level of the test and the false discovery rate (`--alpha`). */
  alpha?: number;
  /** Seed of the relabelings (`--seed`). */
  seed?: number;
  /** Principal components tested, or "all" (`--components`). */
  components?: number | "all";
}

/** A checked manifest. */
export interface StudyManifest {
  /** The manifest file, absolute. */
  file: string;
  /** The recordings, each with its labels. */
  recordings: StudyRecording[];
  /** One model per animal, or one for the whole study. */
  trainPer: "animal" | "study";
  /** Training settings for each group (`study` for a shared model), from `config`/`groups`. */
  trainConfig: Record<string, TrainConfig>;
  /** The recording each group's model is trained on (default: the group's first). */
  trainOn: Record<string, string>;
  /** The training backend (`sparsedyn train --backend`; default its own choice). */
  backend?: string;
  /** Whether each recording gets a whole-series VAR fit (`sparsedyn fit`). */
  fit: boolean;
  /** The condition tests run per animal (each a comparison of two conditions). */
  tests: StudyTest[];
  /** Slurm resources: `default` and per stage (`train`, `encode`, ...). */
  slurm: Record<string, SlurmResources>;
}

type Json = Record<string, unknown>;

function bad(file: string, where: string, what: string): SparsedynError {
  return new SparsedynError("BAD_FILE", `${file}: ${where} ${what}`, { file });
}

function isObject(v: unknown): v is Json {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

function label(v: unknown, file: string, where: string): string {
  if (typeof v === "number" && Number.isFinite(v)) return String(v);
  if (typeof v !== "string" || v.trim() === "") {
    throw bad(file, where, `must be a non-empty string; got ${JSON.stringify(v)}`);
  }
  return v.trim();
}

function onlyKeys(o: Json, keys: string[], file: string, where: string) {
  for (const k of Object.keys(o)) {
    if (!keys.includes(k)) {
      throw bad(
        file,
        `${where}${where ? "." : ""}${k}`,
        `is not a known key (known: ${keys.join(", ")})`,
      );
    }
  }
}

function positiveInt(v: unknown, file: string, where: string, min = 1): number | undefined {
  if (v === undefined) return undefined;
  if (typeof v !== "number" || !Number.isInteger(v) || v < min) {
    throw bad(file, where, `must be an integer ≥ ${min}; got ${JSON.stringify(v)}`);
  }
  return v;
}

function resolvePath(base: string, p: string): string {
  return p.startsWith("/") ? p : `${base.replace(/\/$/, "")}/${p}`;
}

/**
 * Checks a parsed manifest.
 *
 * @param json The parsed JSON.
 * @param file The manifest's path (absolute), for messages and relative paths.
 * @returns The checked manifest, paths made absolute.
 * @throws {SparsedynError} `BAD_FILE` naming the file and the key.
 */
export function checkManifest(json: unknown, file: string): StudyManifest {
  if (!isObject(json)) throw bad(file, "the manifest", "must be a JSON object");
  onlyKeys(json, ["recordings", "train", "analyses", "slurm"], file, "");
  // A bare or relative name is the user's folder's (`dirname` alone would make "study.json"'s
  // folder "." and "/study.json"'s "/", and paths then read "//x.npy").
  const base = dirname(resolve(file));
  const recordings = checkRecordings(json.recordings, file, base);
  const { trainPer, trainConfig, trainOn, backend } = checkTraining(
    json.train,
    recordings,
    file,
    base,
  );
  const { fit, tests } = checkAnalyses(json.analyses, recordings, file);
  const slurm = checkSlurm(json.slurm, file);
  return {
    file,
    recordings,
    trainPer,
    trainConfig,
    trainOn,
    ...(backend ? { backend } : {}),
    fit,
    tests,
    slurm,
  };
}

/** `recordings`: a non-empty list, each recording checked, no id twice. */
function checkRecordings(v: unknown, file: string, base: string): StudyRecording[] {
  if (!Array.isArray(v) || v.length === 0) {
    throw bad(file, "recordings", "must be a non-empty list of recordings");
  }
  const recordings: StudyRecording[] = v.map((r: unknown, i: number) =>
    checkRecording(r, `recordings[${i}]`, file, base)
  );
  const seen = new Map<string, number>();
  recordings.forEach((r, i) => {
    if (seen.has(r.id)) {
      throw bad(
        file,
        `recordings[${i}]`,
        `has the same id "${r.id}" as recordings[${
          seen.get(r.id)
        }] (same animal, session and condition: give each an "id")`,
      );
    }
    seen.set(r.id, i);
  });
  return recordings;
}

/** One recording: its keys, a path `parseMovieSegment` reads, its labels and its id. */
function checkRecording(r: unknown, where: string, file: string, base: string): StudyRecording {
  if (!isObject(r)) {
    throw bad(file, where, "must be an object with path, animal, session, condition");
  }
  onlyKeys(r, ["id", "path", "animal", "session", "condition"], file, where);
  const path = label(r.path, file, `${where}.path`);
  try {
    parseMovieSegment(path);
  } catch (err) {
    throw bad(file, `${where}.path`, `"${path}": ${(err as Error).message}`);
  }
  const animal = label(r.animal, file, `${where}.animal`);
  const session = label(r.session, file, `${where}.session`);
  const condition = label(r.condition, file, `${where}.condition`);
  // A derived id becomes file names: characters a path would mangle become "_".
  const id = r.id === undefined
    ? `${animal}_${session}_${condition}`.replace(/[^\w.-]/g, "_")
    : label(r.id, file, `${where}.id`);
  if (!/^[\w.-]+$/.test(id)) {
    throw bad(file, `${where}.id`, `"${id}" must use only letters, digits, "_", "-" and "."`);
  }
  return { id, path: resolvePath(base, path), animal, session, condition };
}

/** The manifest's training choices, checked. */
type Training = Pick<StudyManifest, "trainPer" | "trainConfig" | "trainOn" | "backend">;

/** `train`: one model per animal or for the study, each group's config and recording. */
function checkTraining(
  v: unknown,
  recordings: StudyRecording[],
  file: string,
  base: string,
): Training {
  const train = v ?? {};
  if (!isObject(train)) throw bad(file, "train", "must be an object");
  onlyKeys(train, ["per", "config", "groups", "recording", "backend"], file, "train");
  // Checked by `sparsedyn train` itself (the backends it knows depend on what is installed).
  const backend = train.backend === undefined
    ? undefined
    : label(train.backend, file, "train.backend");
  const trainPer = train.per ?? "animal";
  if (trainPer !== "animal" && trainPer !== "study") {
    throw bad(file, "train.per", `must be "animal" or "study"; got ${JSON.stringify(trainPer)}`);
  }
  const animals = [...new Set(recordings.map((r) => r.animal))];
  const groups = trainPer === "animal" ? animals : ["study"];
  const shared = trainConfigOf(train.config, "train.config", file, base);
  const perGroup = train.groups ?? {};
  if (!isObject(perGroup)) throw bad(file, "train.groups", "must map a group to its config");
  for (const g of Object.keys(perGroup)) {
    if (!groups.includes(g)) {
      throw bad(
        file,
        `train.groups.${g}`,
        `is not a training group (groups: ${groups.join(", ")})`,
      );
    }
  }
  const trainConfig = Object.fromEntries(groups.map((g) => {
    const own = trainConfigOf(perGroup[g], `train.groups.${g}`, file, base);
    return [g, { ...shared, ...own }];
  }));
  const trainOn = trainRecordings(train.recording, groups, recordings, trainPer, file);
  return { trainPer, trainConfig, trainOn, backend };
}

/** A training config given inline (an object) or as a file name relative to the manifest. */
function trainConfigOf(v: unknown, where: string, file: string, base: string): TrainConfig {
  if (v === undefined) return {};
  if (typeof v === "string") {
    let text: string;
    const p = resolvePath(base, v);
    try {
      text = Deno.readTextFileSync(p);
    } catch (err) {
      throw bad(file, where, `names "${p}", which cannot be read (${(err as Error).message})`);
    }
    return parseTrainConfig(text, p);
  }
  if (!isObject(v)) throw bad(file, where, "must be a training config object or a file name");
  try {
    return parseTrainConfig(JSON.stringify(v), `${file} (${where})`);
  } catch (err) {
    throw new SparsedynError("BAD_FILE", (err as Error).message, { file, cause: err });
  }
}

/** `train.recording`: the recording each group's model is trained on (default its first). */
function trainRecordings(
  v: unknown,
  groups: string[],
  recordings: StudyRecording[],
  trainPer: "animal" | "study",
  file: string,
): Record<string, string> {
  const on = v ?? {};
  if (!isObject(on)) throw bad(file, "train.recording", "must map a group to a recording id");
  const trainOn: Record<string, string> = {};
  for (const g of groups) {
    const mine = recordings.filter((r) => trainPer === "study" || r.animal === g);
    const chosen = on[g];
    if (chosen === undefined) trainOn[g] = mine[0].id;
    else if (typeof chosen !== "string" || !mine.some((r) => r.id === chosen)) {
      throw bad(
        file,
        `train.recording.${g}`,
        `must be the id of one of the group's recordings (${
          mine.map((r) => r.id).join(", ")
        }); got ${JSON.stringify(chosen)}`,
      );
    } else trainOn[g] = chosen;
  }
  return trainOn;
}

/** `analyses`: whether to fit, and the condition tests (each comparison once). */
function checkAnalyses(
  v: unknown,
  recordings: StudyRecording[],
  file: string,
): { fit: boolean; tests: StudyTest[] } {
  const analyses = v ?? {};
  if (!isObject(analyses)) throw bad(file, "analyses", "must be an object");
  onlyKeys(analyses, ["fit", "test"], file, "analyses");
  if (analyses.fit !== undefined && typeof analyses.fit !== "boolean") {
    throw bad(file, "analyses.fit", "must be true or false");
  }
  const conditions = [...new Set(recordings.map((r) => r.condition))];
  // Default: every other condition against the first (with two conditions, b against a).
  const given = analyses.test ??
    (conditions.length >= 2 ? conditions.slice(1).map((b) => ({ a: conditions[0], b })) : false);
  const tests: StudyTest[] = [];
  if (given !== false) {
    const list = Array.isArray(given) ? given : [given];
    list.forEach((t: unknown, i: number) => {
      const where = Array.isArray(given) ? `analyses.test[${i}]` : "analyses.test";
      const test = checkTest(t, conditions, file, where);
      const same = tests.findIndex((x) => x.a === test.a && x.b === test.b);
      if (same >= 0) throw bad(file, where, `repeats the comparison ${test.a} vs ${test.b}`);
      tests.push(test);
    });
  }
  return { fit: analyses.fit !== false, tests };
}

/** `slurm`: resources by default and per stage. */
function checkSlurm(v: unknown, file: string): Record<string, SlurmResources> {
  const slurmJson = v ?? {};
  if (!isObject(slurmJson)) throw bad(file, "slurm", "must be an object");
  const slurm: Record<string, SlurmResources> = {};
  for (const [stage, res] of Object.entries(slurmJson)) {
    if (!["default", "train", "encode", "fit", "test", "summary"].includes(stage)) {
      throw bad(
        file,
        `slurm.${stage}`,
        "is not default or a stage (train, encode, fit, test, summary)",
      );
    }
    slurm[stage] = checkResources(res, file, `slurm.${stage}`);
  }
  return slurm;
}

/** One comparison of `analyses.test`, checked. */
function checkTest(t: unknown, conditions: string[], file: string, where: string): StudyTest {
  if (!isObject(t)) throw bad(file, where, "must be an object (a, b and the test's options)");
  onlyKeys(
    t,
    ["a", "b", "window", "stride", "lags", "permutations", "alpha", "seed", "components"],
    file,
    where,
  );
  const a = t.a === undefined ? conditions[0] : label(t.a, file, `${where}.a`);
  const b = t.b === undefined ? conditions[1] : label(t.b, file, `${where}.b`);
  for (const [k, c] of [["a", a], ["b", b]] as const) {
    if (c === undefined || !conditions.includes(c)) {
      throw bad(
        file,
        `${where}.${k}`,
        `must be one of the conditions (${conditions.join(", ")}); got ${JSON.stringify(c)}`,
      );
    }
  }
  if (a === b) throw bad(file, where, `compares "${a}" with itself`);
  const alpha = t.alpha;
  if (alpha !== undefined && (typeof alpha !== "number" || !(alpha > 0 && alpha < 1))) {
    throw bad(file, `${where}.alpha`, `must be in (0, 1); got ${JSON.stringify(alpha)}`);
  }
  const components = t.components === "all"
    ? "all" as const
    : positiveInt(t.components, file, `${where}.components`);
  return {
    a,
    b,
    window: positiveInt(t.window, file, `${where}.window`, 3),
    stride: positiveInt(t.stride, file, `${where}.stride`),
    lags: positiveInt(t.lags, file, `${where}.lags`),
    permutations: positiveInt(t.permutations, file, `${where}.permutations`, 999),
    alpha: alpha as number | undefined,
    seed: positiveInt(t.seed, file, `${where}.seed`, -(2 ** 31)),
    components,
  };
}

function checkResources(v: unknown, file: string, where: string): SlurmResources {
  if (!isObject(v)) throw bad(file, where, "must be an object (partition, time, mem, cpus, gres)");
  onlyKeys(v, ["partition", "time", "mem", "cpus", "gres"], file, where);
  const out: SlurmResources = {};
  for (const k of ["partition", "time", "mem", "gres"] as const) {
    if (v[k] !== undefined) out[k] = label(v[k], file, `${where}.${k}`);
  }
  if (out.time !== undefined && !/^(\d+-)?\d+(:\d+){0,2}$/.test(out.time)) {
    throw bad(
      file,
      `${where}.time`,
      `must be a Slurm time (MM, HH:MM:SS, D-HH:MM); got "${out.time}"`,
    );
  }
  out.cpus = positiveInt(v.cpus, file, `${where}.cpus`);
  if (out.cpus === undefined) delete out.cpus;
  return out;
}

/**
 * Reads and checks `study.json`.
 *
 * @param path The manifest.
 * @returns The checked manifest (paths absolute).
 * @throws {SparsedynError} `IO` when unreadable, `BAD_FILE` when invalid; both name the file.
 */
export async function readManifest(path: string): Promise<StudyManifest> {
  const file = path.startsWith("/") ? path : `${Deno.cwd()}/${path}`;
  let text: string;
  try {
    text = await Deno.readTextFile(file);
  } catch (err) {
    throw new SparsedynError(
      "IO",
      `Cannot read the study manifest "${path}": ${(err as Error).message}`,
      { file: path, cause: err },
    );
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    throw new SparsedynError("BAD_FILE", `${path}: not valid JSON (${(err as Error).message})`, {
      file: path,
      cause: err,
    });
  }
  return checkManifest(json, file);
}
