// The steps of `sparsedyn test` around the library's test: the checks that need more than
// one flag, the run's model with an encoder that reports what it does, test.json's folder.
import { basename, dirname } from "node:path";
import { isDirectory } from "../core/files/is_directory.ts";
import { type BackendName, useBackend } from "../core/model/backend.ts";
import type { ConditionTestResult } from "../core/stats/condition_test.ts";
import type { MapConditionTestOptions } from "../core/stats/map_condition_test.ts";
import { segmentOf } from "../core/stats/condition_inputs.ts";
import { modelEncoder } from "../core/stats/encode_for_test.ts";
import { type LoadedModel, loadModel } from "../core/encode/load_model.ts";
import { writeTestJson } from "../core/stats/test_json.ts";
import { SparsedynError } from "../core/errors.ts";
import { numberFlag, UsageError } from "./_flags.ts";
import type { Flags } from "./_command.ts";
import { printCropNote } from "./_crop_note.ts";
import { progress } from "./_progress.ts";
import type { TEST_FLAGS } from "./_test_flags.ts";

/** The run's model and an encoder that says what it crops and how far it got. */
export async function openRun(run: string, backend: string | undefined, json: boolean) {
  const st = await Deno.stat(run).catch(() => undefined);
  if (!st?.isDirectory) {
    throw new SparsedynError("BAD_FILE", `${run}: not a run folder (no such folder)`, {
      file: run,
    });
  }
  await useBackend((backend ?? "auto") as BackendName);
  const loaded: LoadedModel = await loadModel(run);
  const own = modelEncoder(loaded);
  const encode = async (path: string) => {
    await printCropNote("test", loaded.preprocess, path, json);
    return await own.encode(
      path,
      progress(`preprocess ${path.slice(path.lastIndexOf("/") + 1)}`, json),
    );
  };
  return { loaded, encode };
}

/**
 * `--out`: test.json into that folder, created if missing; or, for a name ending in `.json`
 * that is not a folder already, the result as that file (its folder created if missing).
 * A user who types `--out result.json` means a file, not a folder named so.
 */
export async function writeInto(out: string, result: ConditionTestResult): Promise<string> {
  const asFile = /\.json$/i.test(out) && !(await isDirectory(out));
  const dir = asFile ? dirname(out) : out;
  try {
    await Deno.mkdir(dir, { recursive: true });
  } catch (err) {
    const why = err instanceof Error ? err.message : String(err);
    throw new SparsedynError("IO", `Cannot create "${dir}": ${why}`, { file: dir, cause: err });
  }
  return await writeTestJson(dir, result, asFile ? basename(out) : undefined);
}

/** Usage errors that need more than one flag, caught before any work. */
export function checkUsage(
  f: Flags<typeof TEST_FLAGS>,
  run: string | undefined,
  a: string[],
  b: string[],
) {
  if (a.length === 0) throw new UsageError("give at least one --a FILE", "--a");
  if (b.length === 0) throw new UsageError("give at least one --b FILE", "--b");
  if (f.maps && run === undefined) {
    throw new UsageError("--maps needs a run folder (its model makes the maps)", "--maps");
  }
  const segments = [
    ...a.map((x) => usageSegment(x, "--a")),
    ...b.map((x) => usageSegment(x, "--b")),
  ];
  if (f.maps && segments.some((s) => s.start !== undefined || s.end !== undefined)) {
    throw new UsageError("--maps takes whole movies, not FILE[start:end] segments", "--maps");
  }
  if (f.backend !== undefined && run === undefined) {
    throw new UsageError("--backend needs a run folder (it encodes movies)", "--backend");
  }
  if (f.alpha !== undefined && f.alpha >= 1) {
    throw new UsageError(`--alpha must be < 1; got "${f.alpha}"`, "--alpha");
  }
}

/** `FILE[start:end]`; an empty range is a usage error. */
function usageSegment(arg: string, flag: string) {
  try {
    return segmentOf(arg, flag);
  } catch (err) {
    throw err instanceof SparsedynError ? new UsageError(err.message, flag) : err;
  }
}

/** Components tested by default when a run's model encodes movies (see --components). */
const DEFAULT_COMPONENTS = 8;

/** --components checked before any work: a number of components, "all", or absent. */
export function componentsFlag(v: string | undefined): number | "all" | undefined {
  return v === undefined || v === "all"
    ? v
    : numberFlag(v, "--components", { integer: true, min: 1 })!;
}

/** One progress reporter per stage of the condition test: the window fits, then the null. */
export function testProgress(json: boolean) {
  const stages = {
    windows: progress("VAR per window", json),
    relabelings: progress("relabelings", json),
  };
  return (stage: keyof typeof stages, done: number, total: number) => stages[stage](done, total);
}

/**
 * The principal components the test uses on series of dimension `d`: those asked for
 * (undefined for "all"), else {@link DEFAULT_COMPONENTS} when a model's latents have more.
 *
 * @throws {UsageError} When more are asked for than the series have.
 */
export function testedComponents(
  components: number | "all" | undefined,
  d: number,
  encoded: boolean,
): number | undefined {
  if (typeof components === "number" && components > d) {
    throw new UsageError(
      `--components must be at most the series' d = ${d}; got ${components}`,
      "--components",
    );
  }
  return components === "all"
    ? undefined
    : components ?? (encoded && d > DEFAULT_COMPONENTS ? DEFAULT_COMPONENTS : undefined);
}

/**
 * The map test's settings: the latent test's lags and windows, the same permutations and
 * seed, and the latents it encoded (each movie is encoded once).
 */
export function mapTestOptions(
  f: Flags<typeof TEST_FLAGS>,
  result: ConditionTestResult,
  latents: Map<string, Float64Array>,
  json: boolean,
): MapConditionTestOptions {
  return {
    lags: result.settings.lags,
    window: result.windows.length,
    stride: result.windows.stride ?? undefined,
    blockWindows: result.windows.blockWindows ?? undefined,
    permutations: f.permutations,
    alpha: f.alpha,
    seed: f.seed,
    downsample: f["map-grid"],
    latents,
    onProgress: progress("map test", json),
  };
}
