// `sparsedyn test`: do the dynamics differ between two conditions? Windows of each
// condition's recordings, one sparse VAR per window, a block permutation test over window
// labels, per-coefficient p-values with Benjamini–Hochberg, intra- vs inter-condition
// variability; test.json into the run folder or --out.
import { SparsedynError } from "../core/errors.ts";
import { readMatrix } from "../core/data/read_matrix.ts";
import { conditionTest, type ConditionTestResult } from "../core/stats/condition_test.ts";
import { type EncodedSeries, modelEncoder } from "../core/stats/encode_for_test.ts";
import { mapConditionTest } from "../core/stats/map_condition_test.ts";
import { backendFlagsUsage, checkBackendFlags, startBackend } from "./_backend_flag.ts";
import { type LoadedModel, loadModel } from "../core/encode/load_model.ts";
import type { Recording } from "../core/stats/series_windows.ts";
import { testJson, writeTestJson } from "../core/stats/test_json.ts";
import { type MovieSegment, parseMovieSegment } from "../core/data/movie_segment.ts";
import { type Command, numberFlag, parseFlags, UsageError } from "./_flags.ts";
import { printCropNote } from "./_crop_note.ts";
import { progress } from "./_progress.ts";

const usage =
  `Usage: sparsedyn test [<run>] --a FILE [--a FILE ...] --b FILE [--b FILE ...] [options]

Tests whether the dynamics differ between two conditions (e.g. familiar vs novel
environment). Each condition's recordings are cut into windows; one sparse VAR(p) is
fitted per window (lasso path, λ per equation by BIC); a permutation test over window
labels that moves blocks of windows together compares the coefficient matrices (sum over
coefficients of squared Welch t), with per-coefficient p-values, Benjamini–Hochberg
q-values, and the mean distance between windows' coefficients within and between
conditions.

Input:
  <run>             a run folder (sparsedyn train): movies given to --a / --b are encoded
                    by its model, --lags defaults to its VAR order, and test.json is
                    written into it
  --a FILE          a recording of condition A (repeat for several): a T×d series (.npy,
                    .csv), or with <run> a movie (TIFF, NPY T×H×W, NWB, Suite2p, ...);
                    FILE[start:end] takes its frames start ≤ t < end (Python's slice),
                    e.g. --a day1.tif[0:3000] --b day1.tif[3000:6000] (read once)
  --b FILE          a recording of condition B (same d as A's)
Test:
  --lags P          VAR order (default: the run's, else 1)
  --window L        window length in frames (default 100)
  --stride S        step between windows (default L: non-overlapping)
  --block W         windows per block (default ⌈L / S⌉); blocks never share frames
  --permutations B  random relabelings, at least 999 (default 999); when the design has
                    at most B + 1 labelings, all are enumerated (an exact test)
  --alpha A         level of the test and of the false discovery rate (default 0.05)
  --seed S          seed of the relabelings (default 1)
  --components K    test on the K leading principal components of all recordings pooled
                    (labels unused, so the test stays exact) instead of the d series, or
                    "all" (default: 8 when <run> encodes movies into more than 8 latents,
                    else all): 1000 coefficients per window drown a change in a few
  --maps            with <run> and movies: also test the contribution maps (each window's
                    integrated-gradient map of its VAR's prediction, on a grid of
                    --map-grid pixels, default 4), naming the grid cells that differ
  --map-grid N      grid cell size in pixels for --maps (default 4)
  --raw             fit on the raw scale (default: each column divided by its sd pooled
                    over both conditions)
  with <run>, the backend that encodes:
${backendFlagsUsage(20)}
Output:
  --out DIR         write test.json into DIR (created if missing; with <run>, instead of it)
  --json            print the result as JSON on stdout
  -h, --help        show this help

Exit status: 0 when the test ran (whatever its outcome), 1 on bad input, 2 on a usage error.`;

/** Components tested by default when a run's model encodes movies (see --components). */
const DEFAULT_COMPONENTS = 8;

const SERIES_EXT = [".npy", ".csv", ".tsv", ".txt"];

/** Splits `FILE[start:end]` (core's `parseMovieSegment`); an empty range is a usage error. */
function parseSegment(arg: string, flag: string): MovieSegment {
  try {
    return parseMovieSegment(arg);
  } catch (err) {
    if (err instanceof SparsedynError) {
      throw new UsageError(`${flag} ${arg}: the segment is empty (end ≤ start)`, flag);
    }
    throw err;
  }
}

/** The frames [start, end) of a recording, named `FILE[start:end]`. */
function cut(r: Recording, seg: MovieSegment, arg: string, flag: string): Recording {
  if (seg.start === undefined && seg.end === undefined) return r;
  const start = seg.start ?? 0, end = seg.end ?? r.T;
  if (end > r.T) {
    throw new SparsedynError(
      "INVALID_ARGUMENT",
      `${arg}: ${seg.path} has ${r.T} frames; the segment ends at ${end}`,
      { argument: flag, file: seg.path },
    );
  }
  return {
    series: r.series.slice(start * r.d, end * r.d),
    T: end - start,
    d: r.d,
    name: arg,
  };
}

/**
 * Reads one --a / --b input: a T×d series file, or with a run a movie through its encoder.
 */
async function readInput(
  path: string,
  encode: ((path: string) => Promise<EncodedSeries>) | undefined,
): Promise<Recording> {
  const lower = path.toLowerCase();
  if (SERIES_EXT.some((e) => lower.endsWith(e))) {
    try {
      const m = await readMatrix(path);
      return { series: m.data, T: m.rows, d: m.cols, name: path };
    } catch (err) {
      // An .npy that is not 1-D or 2-D is a movie (T×H×W): encode it when a run is given.
      const notMatrix = err instanceof SparsedynError && err.code === "BAD_FILE" &&
        lower.endsWith(".npy") && /expected a 1-D or 2-D array/.test(err.message);
      if (!notMatrix) throw err;
      if (!encode) {
        throw new SparsedynError(
          "BAD_FILE",
          `${path}: not a T×d series (${
            (err as Error).message.replace(`${path}: `, "")
          }); to test movies, give a run folder whose model encodes them: sparsedyn test <run> --a ${path} ...`,
          { file: path, cause: err },
        );
      }
    }
  } else if (!encode) {
    throw new SparsedynError(
      "BAD_FILE",
      `${path}: not a series file (.npy or .csv, T×d); to test movies, give a run folder whose model encodes them: sparsedyn test <run> --a ${path} ...`,
      { file: path },
    );
  }
  const z = await encode!(path);
  return { series: z.series, T: z.T, d: z.d, name: path };
}

function fmt(v: number, digits = 4): string {
  if (!Number.isFinite(v)) return String(v);
  return Math.abs(v) >= 1e4 || (v !== 0 && Math.abs(v) < 1e-3)
    ? v.toExponential(2)
    : v.toFixed(digits);
}

function summary(r: ConditionTestResult, written: string | undefined): string[] {
  const w = r.windows, s = r.settings;
  const lines = [
    `sparsedyn test: a (${r.inputs.a.length} recording(s), ${w.a} windows in ${w.blocksA} blocks) vs b (${r.inputs.b.length} recording(s), ${w.b} windows in ${w.blocksB} blocks)`,
    ...(r.components
      ? [
        `  on the ${r.components.k} leading principal components of the ${r.components.d} series (pooled over both conditions, labels unused; ${
          (100 * r.components.explained).toFixed(1)
        }% of the variance)`,
      ]
      : []),
    `  VAR(${s.lags}) on d = ${s.d} series per window of ${w.length} frames (stride ${w.stride}, ${w.blockWindows} window(s) per block); λ per equation by BIC`,
    `  statistic: sum of squared Welch t over ${r.coefficients.length} coefficients = ${
      fmt(r.statistic, 3)
    }`,
    `  p = ${fmt(r.pValue)} with ${r.permutations} ${
      r.exact
        ? "labelings, all enumerated (exact test)"
        : "random block relabelings (+1 correction)"
    }: ${r.rejected ? "the conditions differ" : "no difference shown"} at α = ${r.alpha}`,
    `  variability (mean distance between windows' coefficients): within a ${
      fmt(r.variability.withinA)
    }, within b ${fmt(r.variability.withinB)}, between ${
      fmt(r.variability.between)
    } (between / within ${fmt(r.variability.ratio, 3)})`,
    `  FDR-significant coefficients (Benjamini–Hochberg, q ≤ ${r.alpha}): ${r.significant.length} of ${r.coefficients.length}`,
  ];
  if (r.significant.length) {
    const head = ["lag", "from", "to", "mean a", "mean b", "t", "p", "q"];
    const rows = r.significant.map((c) => [
      String(c.lag),
      String(c.from),
      String(c.to),
      fmt(c.meanA),
      fmt(c.meanB),
      fmt(c.t, 2),
      fmt(c.p),
      fmt(c.q),
    ]);
    const width = head.map((h, k) => Math.max(h.length, ...rows.map((row) => row[k].length)));
    const line = (cells: string[]) => "    " + cells.map((c, k) => c.padStart(width[k])).join("  ");
    lines.push(line(head), ...rows.map(line));
  }
  if (r.maps) {
    const m = r.maps;
    lines.push(
      `  maps: integrated-gradient maps of each window's VAR prediction on a ${m.grid.height}×${m.grid.width} grid (${m.grid.downsample}×${m.grid.downsample} pixels per cell)`,
      `    p = ${fmt(m.pValue)}: ${
        m.rejected ? "the maps differ" : "no difference shown"
      }; between / within ${
        fmt(m.variability.ratio, 3)
      }; FDR-significant grid cells ${m.significant.length} of ${m.cells.length}`,
    );
    for (const c of m.significant.slice(0, 10)) {
      lines.push(
        `    cell (${c.y}, ${c.x}), pixels y ${c.y * m.grid.downsample}–${
          (c.y + 1) * m.grid.downsample - 1
        }, x ${c.x * m.grid.downsample}–${(c.x + 1) * m.grid.downsample - 1}: mean a ${
          fmt(c.meanA)
        }, mean b ${fmt(c.meanB)}, q ${fmt(c.q)}`,
      );
    }
    for (const warning of m.warnings) lines.push(`  warning (maps): ${warning}`);
  }
  for (const warning of r.warnings) lines.push(`  warning: ${warning}`);
  if (written) lines.push(`  written to ${written}`);
  return lines;
}

export const test: Command = {
  summary: "test whether the dynamics differ between two conditions (permutation test)",
  usage,
  async run(argv) {
    const { values, positionals } = parseFlags(argv, {
      a: { type: "string", multiple: true },
      b: { type: "string", multiple: true },
      lags: { type: "string" },
      window: { type: "string" },
      stride: { type: "string" },
      block: { type: "string" },
      permutations: { type: "string" },
      alpha: { type: "string" },
      seed: { type: "string" },
      raw: { type: "boolean" },
      components: { type: "string" },
      maps: { type: "boolean" },
      "map-grid": { type: "string" },
      backend: { type: "string" },
      device: { type: "string" },
      out: { type: "string" },
      json: { type: "boolean" },
      help: { type: "boolean", short: "h" },
    });
    if (values.help) {
      console.log(usage);
      return 0;
    }
    if (positionals.length > 1) throw new UsageError(`unexpected argument "${positionals[1]}"`);
    const run = positionals[0];
    const aFiles = (values.a ?? []) as string[], bFiles = (values.b ?? []) as string[];
    if (aFiles.length === 0) throw new UsageError("give at least one --a FILE", "--a");
    if (bFiles.length === 0) throw new UsageError("give at least one --b FILE", "--b");
    checkBackendFlags(values);
    if (values.maps && run === undefined) {
      throw new UsageError("--maps needs a run folder (its model makes the maps)", "--maps");
    }
    if (values.maps && [...aFiles, ...bFiles].some((f) => /\[\s*\d*\s*:\s*\d*\s*\]$/.test(f))) {
      throw new UsageError("--maps takes whole movies, not FILE[start:end] segments", "--maps");
    }
    const mapGrid = numberFlag(values["map-grid"], "--map-grid", { integer: true, min: 1 });
    if (values.backend !== undefined && run === undefined) {
      throw new UsageError("--backend needs a run folder (it encodes movies)", "--backend");
    }
    let lags = numberFlag(values.lags, "--lags", { integer: true, min: 1 });
    const window = numberFlag(values.window, "--window", { integer: true, min: 3 });
    const stride = numberFlag(values.stride, "--stride", { integer: true, min: 1 });
    const blockWindows = numberFlag(values.block, "--block", { integer: true, min: 1 });
    const permutations = numberFlag(values.permutations, "--permutations", {
      integer: true,
      min: 999,
    });
    const alpha = numberFlag(values.alpha, "--alpha", { min: 0, exclusiveMin: true });
    if (alpha !== undefined && alpha >= 1) {
      throw new UsageError(`--alpha must be < 1; got "${values.alpha}"`, "--alpha");
    }
    const seed = numberFlag(values.seed, "--seed", { integer: true });
    const components = values.components === "all"
      ? "all"
      : numberFlag(values.components, "--components", { integer: true, min: 1 });

    // One model for both tests, and with --maps each movie encoded once: the map test
    // reuses the latents the coefficient test encoded.
    let model: LoadedModel | undefined;
    let encoder: ReturnType<typeof modelEncoder> | undefined;
    const encoded = new Map<string, Float64Array>();
    if (run !== undefined) {
      let st: Deno.FileInfo | undefined;
      try {
        st = await Deno.stat(run);
      } catch {
        st = undefined;
      }
      if (!st?.isDirectory) {
        throw new SparsedynError("BAD_FILE", `${run}: not a run folder (no such folder)`, {
          file: run,
        });
      }
      await startBackend(values, values.json ?? false);
      model = await loadModel(run);
      const own = modelEncoder(model);
      encoder = {
        lags: own.lags,
        async encode(path: string) {
          await printCropNote("test", model!.preprocess, path, values.json ?? false);
          const name = path.slice(path.lastIndexOf("/") + 1);
          const e = await own.encode(path, progress(`preprocess ${name}`, values.json ?? false));
          if (values.maps) encoded.set(path, e.series);
          return e;
        },
      };
      lags ??= encoder.lags;
    }
    let result: ConditionTestResult;
    try {
      // A file cut into several segments is read (and encoded) once.
      const whole = new Map<string, Promise<Recording>>();
      const read = (files: string[], flag: string) =>
        files.reduce<Promise<Recording[]>>(async (acc, f) => {
          const seg = parseSegment(f, flag);
          if (!whole.has(seg.path)) whole.set(seg.path, readInput(seg.path, encoder?.encode));
          return [...await acc, cut(await whole.get(seg.path)!, seg, f, flag)];
        }, Promise.resolve([]));
      const a = await read(aFiles, "--a"), b = await read(bFiles, "--b");
      const d = a[0].d;
      if (typeof components === "number" && components > d) {
        throw new UsageError(
          `--components must be at most the series' d = ${d}; got ${components}`,
          "--components",
        );
      }
      result = conditionTest(a, b, {
        components: components === "all"
          ? undefined
          : components ?? (encoder && d > DEFAULT_COMPONENTS ? DEFAULT_COMPONENTS : undefined),
        lags,
        window,
        stride,
        blockWindows,
        permutations,
        alpha,
        seed,
        standardize: !values.raw,
        onProgress: testProgress(values.json ?? false),
      });
    } catch (err) {
      model?.dispose(); // the map test will not run
      // Errors about a[i] / b[i] name the file too (for --json's `file`).
      const m = err instanceof SparsedynError ? /^([ab])\[(\d+)\]$/.exec(err.argument ?? "") : null;
      if (err instanceof SparsedynError && m && !err.file) {
        const file = (m[1] === "a" ? aFiles : bFiles)[Number(m[2])];
        throw new SparsedynError(err.code, err.message, {
          argument: `--${m[1]}`,
          file,
          cause: err,
        });
      }
      throw err;
    }
    if (!values.maps) model?.dispose();
    if (values.maps && model !== undefined) {
      try {
        result.maps = await mapConditionTest(model, aFiles, bFiles, {
          lags: result.settings.lags,
          window: result.windows.length,
          stride: result.windows.stride ?? undefined,
          blockWindows: result.windows.blockWindows ?? undefined,
          permutations,
          alpha,
          seed,
          downsample: mapGrid,
          latents: encoded,
          onProgress: progress("map test", values.json ?? false),
        });
      } finally {
        model.dispose();
      }
    }
    const dir = values.out ?? run;
    let written: string | undefined;
    if (dir !== undefined) {
      try {
        await Deno.mkdir(dir, { recursive: true });
      } catch (err) {
        throw new SparsedynError(
          "IO",
          `Cannot create "${dir}": ${err instanceof Error ? err.message : String(err)}`,
          { file: dir, cause: err },
        );
      }
      written = await writeTestJson(dir, result);
    }
    if (values.json) console.log(JSON.stringify(testJson(result)));
    else for (const l of summary(result, written)) console.log(l);
    return 0;
  },
};

/** One progress reporter per stage of the condition test: the window fits, then the null. */
function testProgress(json: boolean) {
  const stages = {
    windows: progress("VAR per window", json),
    relabelings: progress("relabelings", json),
  };
  return (stage: keyof typeof stages, done: number, total: number) => stages[stage](done, total);
}
