/**
 * One sparse VAR per window of a long latent series, read from its NPY file window by
 * window (memory holds one window, not the recording): the per-window dynamics that
 * `sparsedyn encode --var-window L` writes beside the latents, for tracking how the
 * dynamics change over hours of recording or for a condition test later.
 *
 * Each window's VAR(p) is fitted by the lasso path with λ per equation by BIC (as the run's
 * `var.json`), with an intercept. Files: `<base>.var.npy`, float32 of shape
 * windows × p × d × d (`[w, k, i, j]` = effect of latent j at lag k+1 on latent i in window
 * w), and `<base>.var.json` (window starts and length, lags, intercepts, λ and non-zero
 * counts per window); both written whole or not at all.
 *
 * @example
 * ```ts
 * import { windowVarsToFiles } from "./window_vars.ts";
 * import { encodeNpy } from "../data/npy.ts";
 * import { simulateVar } from "../data/synthetic_var.ts";
 *
 * const dir = await Deno.makeTempDir();
 * const sim = simulateVar({ d: 3, p: 1, T: 300, seed: 1, density: 0.3 });
 * await Deno.writeFile(`${dir}/z.npy`, encodeNpy(sim.series, [300, 3]));
 * const r = await windowVarsToFiles(`${dir}/z.npy`, `${dir}/z`, { length: 100 });
 * if (r.windows !== 3 || r.d !== 3) throw new Error("3 windows of a 3-series VAR");
 * await Deno.remove(dir, { recursive: true });
 * ```
 *
 * @module
 */
import { SparsedynError } from "../errors.ts";
import { openMovie } from "../data/movie.ts";
import { NpyWriter } from "../data/npy_writer.ts";
import { parseNpyHeader } from "../data/npy.ts";
import { writeFileAtomic } from "../files/atomic_write.ts";
import { fitVarLasso } from "../var/fit_var_lasso.ts";

/** Settings of {@link windowVarsToFiles}. */
export interface WindowVarsOptions {
  /** Window length L in frames (> p + 1). */
  length: number;
  /** Step between window starts (default L: non-overlapping). */
  stride?: number;
  /** VAR order p (default 1). */
  lags?: number;
}

/** What {@link windowVarsToFiles} wrote. */
export interface WindowVarsResult {
  /** The coefficients, windows × p × d × d float32. */
  path: string;
  /** The index: starts, intercepts, λ. */
  jsonPath: string;
  /** Windows fitted. */
  windows: number;
  /** Latent dimension d. */
  d: number;
  /** VAR order p. */
  lags: number;
}

function bad(argument: string, message: string): never {
  throw new SparsedynError("INVALID_ARGUMENT", message, { argument });
}

/**
 * Fits one VAR per window of a T×d latents NPY and writes the coefficients and an index.
 *
 * @param latentsPath A 2-D NPY (frames × d), e.g. from `encodeMovieToNpy`.
 * @param base Output path without extension: `<base>.var.npy` and `<base>.var.json`.
 * @param options Window length and stride, lags.
 * @returns The files and counts.
 * @throws {SparsedynError} `INVALID_ARGUMENT` for a window too short for the lags or longer
 *   than the series; `BAD_FILE` naming the file when it is not a 2-D NPY.
 */
export async function windowVarsToFiles(
  latentsPath: string,
  base: string,
  options: WindowVarsOptions,
): Promise<WindowVarsResult> {
  const L = options.length, stride = options.stride ?? L, p = options.lags ?? 1;
  if (!Number.isInteger(p) || p < 1) bad("lags", `lags must be an integer ≥ 1; got ${p}`);
  if (!Number.isInteger(L) || L <= p + 1) {
    bad("length", `window length must be an integer > lags + 1 = ${p + 1}; got ${L}`);
  }
  if (!Number.isInteger(stride) || stride < 1) {
    bad("stride", `window stride must be an integer ≥ 1; got ${stride}`);
  }
  // The header says T and d; the rows are then read as 1×d "frames".
  const file = await Deno.open(latentsPath);
  let shape: number[];
  try {
    const head = new Uint8Array(4096);
    const n = (await file.read(head)) ?? 0;
    shape = parseNpyHeader(head.subarray(0, n), latentsPath).shape;
  } finally {
    file.close();
  }
  if (shape.length !== 2) {
    throw new SparsedynError(
      "BAD_FILE",
      `${latentsPath}: expected latents of shape (frames, d); got (${shape.join(", ")})`,
      { file: latentsPath },
    );
  }
  const [T, d] = shape;
  if (L > T) bad("length", `window length ${L} exceeds the ${T} frames of ${latentsPath}`);
  const starts: number[] = [];
  for (let s = 0; s + L <= T; s += stride) starts.push(s);
  const rows = await openMovie(latentsPath, { height: 1, width: d });
  const writer = await NpyWriter.create(`${base}.var.npy`, [starts.length, p, d, d], "<f4");
  const intercept: number[][] = [], lambda: number[][] = [], nonZero: number[] = [];
  try {
    for (const s of starts) {
      const z = Float64Array.from(await rows.read(s, L));
      const fit = fitVarLasso(z, L, d, p);
      await writer.write(Float32Array.from(fit.A));
      intercept.push(Array.from(fit.intercept));
      lambda.push(Array.from(fit.lambdas));
      nonZero.push(fit.A.reduce((a, v) => a + (v !== 0 ? 1 : 0), 0));
    }
    await writer.close();
  } catch (err) {
    await writer.abort();
    throw err;
  } finally {
    rows.close();
  }
  const index = {
    version: 1,
    latents: latentsPath,
    coefficients: `${base.split("/").pop()}.var.npy`,
    layout: "[window, lag k-1, target i, source j]",
    window: { length: L, stride },
    lags: p,
    d,
    starts,
    intercept,
    lambda,
    nonZero,
  };
  await writeFileAtomic(
    `${base}.var.json`,
    new TextEncoder().encode(JSON.stringify(index) + "\n"),
  );
  return {
    path: `${base}.var.npy`,
    jsonPath: `${base}.var.json`,
    windows: starts.length,
    d,
    lags: p,
  };
}
