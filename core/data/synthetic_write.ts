/**
 * Writing a synthetic recording to a folder: the movie of each condition (NPY float32
 * and/or TIFF uint16, rounded and clipped like a camera's counts; frames streamed in
 * chunks, so length is not limited by memory), the noise-free activity,
 * innovations and calcium, the footprints and background, and `truth.json`. The folder
 * is built under a temporary name and renamed at the end: it appears complete or not
 * at all, and an existing folder is never touched.
 *
 * @example
 * ```ts
 * import { writeSynthetic } from "./synthetic_write.ts";
 *
 * const dir = await Deno.makeTempDir();
 * const truth = await writeSynthetic(`${dir}/rec`, { height: 16, width: 16, frames: 20, cells: 2 });
 * if (truth.files.movie_a !== "movie.npy") throw new Error(JSON.stringify(truth.files));
 * await Deno.remove(dir, { recursive: true });
 * ```
 *
 * @module
 */
import { SparsedynError } from "../errors.ts";
import { writeNewFolder } from "../files/new_folder.ts";
import { encodeNpy } from "./npy.ts";
import { NpyWriter } from "./npy_writer.ts";
import { TiffWriter } from "./tiff_writer.ts";
import {
  planSynthetic,
  renderFrames,
  simulateActivity,
  type SynthActivity,
  type SynthOptions,
  type SynthPlan,
  type SynthTruth,
} from "./synthetic.ts";

/** Progress of a long write: frames done of the total, over all conditions. */
export type SynthProgress = (done: number, total: number) => void;

const CHUNK = 64;

/**
 * Generates and writes a synthetic recording.
 *
 * @param dir Output folder; must not exist yet.
 * @param options Generator settings.
 * @param onProgress Called after each chunk of frames.
 * @param output `format`: "npy" (default, float32), "tiff" (uint16) or "both".
 * @returns The truth record (also in `dir/truth.json`).
 * @throws {SparsedynError} `IO` when `dir` exists or cannot be written; `INVALID_ARGUMENT`
 *   for settings out of range.
 */
export async function writeSynthetic(
  dir: string,
  options: SynthOptions = {},
  onProgress?: SynthProgress,
  output: { format?: "npy" | "tiff" | "both" } = {},
): Promise<SynthTruth> {
  const format = output.format ?? "npy";
  if (!["npy", "tiff", "both"].includes(format)) {
    throw new SparsedynError(
      "INVALID_ARGUMENT",
      `format must be "npy", "tiff" or "both"; got "${format}"`,
      { argument: "format" },
    );
  }
  const plan = planSynthetic(options);
  try {
    return await writeNewFolder(dir, (tmp) => writeRecording(tmp, plan, format, onProgress));
  } catch (err) {
    if (err instanceof SparsedynError) throw err;
    throw new SparsedynError(
      "IO",
      `Cannot write "${dir}": ${err instanceof Error ? err.message : err}`,
      {
        file: dir,
        cause: err,
      },
    );
  }
}

/** The movie formats written. */
type MovieFormat = "npy" | "tiff" | "both";

/** File names of a recording: `base.npy`, or `base_c.npy` per condition when there are two. */
function fileNamer(truth: SynthTruth): (base: string, c: string) => string {
  const two = truth.conditions.length > 1;
  return (base, c) => (two ? `${base}_${c}.npy` : `${base}.npy`);
}

/** Writes the whole recording into the (temporary) folder `tmp`; truth.json last. */
async function writeRecording(
  tmp: string,
  plan: SynthPlan,
  format: MovieFormat,
  onProgress?: SynthProgress,
): Promise<SynthTruth> {
  const { truth } = plan;
  const { height: H, width: W, cells: K, frames: T } = truth.options;
  const name = fileNamer(truth);
  await Deno.writeFile(
    `${tmp}/footprints.npy`,
    encodeNpy(Float64Array.from(plan.footprints), [K, H, W]),
  );
  await Deno.writeFile(
    `${tmp}/background.npy`,
    encodeNpy(Float64Array.from(plan.background), [H, W]),
  );
  truth.files = { footprints: "footprints.npy", background: "background.npy" };
  let done = 0;
  const total = T * truth.conditions.length;
  const advance = (n: number) => {
    done += n;
    onProgress?.(done, total);
  };
  for (const c of truth.conditions) {
    const act = simulateActivity(plan, c);
    await Deno.writeFile(`${tmp}/${name("activity", c)}`, encodeNpy(act.z, [T, K]));
    await Deno.writeFile(
      `${tmp}/${name("innovations", c)}`,
      encodeNpy(act.innovations, [T, K]),
    );
    await Deno.writeFile(`${tmp}/${name("calcium", c)}`, encodeNpy(act.calcium, [T, K]));
    const movie = await writeMovie(tmp, plan, act, c, format, advance);
    if (movie.shifts) truth.files[`shifts_${c}`] = name("shifts", c);
    if (movie.npy) truth.files[`movie_${c}`] = name("movie", c);
    if (movie.tif) truth.files[`movie_${c}_tiff`] = name("movie", c).replace(/\.npy$/, ".tif");
    Object.assign(truth.files, {
      [`activity_${c}`]: name("activity", c),
      [`innovations_${c}`]: name("innovations", c),
      [`calcium_${c}`]: name("calcium", c),
    });
  }
  await Deno.writeTextFile(`${tmp}/truth.json`, JSON.stringify(truth, null, 1) + "\n");
  return truth;
}

/**
 * Renders condition `c`'s movie in chunks of frames and streams it to NPY (float32) and/or
 * TIFF (uint16, rounded and clipped like a camera's counts), then the motion shifts when
 * there is jitter. A failed write aborts the movie files.
 *
 * @returns Which files were written.
 */
async function writeMovie(
  tmp: string,
  plan: SynthPlan,
  act: SynthActivity,
  c: string,
  format: MovieFormat,
  advance: (frames: number) => void,
): Promise<{ npy: boolean; tif: boolean; shifts: boolean }> {
  const { height: H, width: W, frames: T, jitter } = plan.truth.options;
  const name = fileNamer(plan.truth);
  const npy = format !== "tiff"
    ? await NpyWriter.create(`${tmp}/${name("movie", c)}`, [T, H, W], "<f4")
    : undefined;
  const tif = format !== "npy"
    ? await TiffWriter.create(`${tmp}/${name("movie", c).replace(/\.npy$/, ".tif")}`, {
      frames: T,
      height: H,
      width: W,
      type: "uint16",
    })
    : undefined;
  const shifts = jitter > 0 ? new Int32Array(2 * T) : undefined;
  const u = plan.noiseGenerator(c);
  try {
    for (let t = 0; t < T; t += CHUNK) {
      const n = Math.min(CHUNK, T - t);
      const frames = renderFrames(plan, act, t, n, u, shifts?.subarray(2 * t, 2 * (t + n)));
      await npy?.write(frames);
      if (tif) {
        for (let f = 0; f < n; f++) {
          const src = frames.subarray(f * H * W, (f + 1) * H * W);
          await tif.write(
            Uint16Array.from(src, (v) => Math.min(65535, Math.max(0, Math.round(v)))),
          );
        }
      }
      advance(n);
    }
    await npy?.close();
    await tif?.close();
  } catch (err) {
    await npy?.abort();
    await tif?.abort();
    throw err;
  }
  if (shifts) {
    await Deno.writeFile(
      `${tmp}/${name("shifts", c)}`,
      encodeNpy(Float64Array.from(shifts), [T, 2]),
    );
  }
  return { npy: npy !== undefined, tif: tif !== undefined, shifts: shifts !== undefined };
}
