/**
 * `sparsedyn export`'s work: a run's model as ONNX files in a new folder (default
 * `<run>/onnx`): `encoder.onnx`, `static.onnx` (skip "mean"), `decoder.onnx`, the run's mean
 * image `mean_image.npy` (the static branch's input for the run's own movie) and `onnx.json`,
 * which says what each file takes and gives and how to preprocess frames. The folder
 * appears complete or not at all.
 *
 * @example
 * ```ts
 * import { exportRun } from "./export_run.ts";
 * import { trainRun } from "../train/train_run.ts";
 * import { writeSynthetic } from "../data/synthetic_write.ts";
 * import { useBackend } from "../model/backend.ts";
 *
 * await useBackend("cpu");
 * const dir = await Deno.makeTempDir();
 * await writeSynthetic(`${dir}/s`, { height: 16, width: 16, frames: 40, cells: 2 });
 * await trainRun(`${dir}/s/movie.npy`, `${dir}/run`, { mode: "ae", epochs: 1, windowLength: 20 });
 * const r = await exportRun(`${dir}/run`);
 * if (r.dir !== `${dir}/run/onnx` || !r.files.static) throw new Error(JSON.stringify(r.files));
 * await Deno.remove(dir, { recursive: true });
 * ```
 *
 * @module
 */
import { encodeNpy } from "../data/npy.ts";
import { writeNewFolder } from "../files/new_folder.ts";
import { VERSION } from "../version.ts";
import { caeToOnnx } from "./onnx.ts";
import { OPSET } from "./onnx_graph.ts";
import { readRunModel } from "./run_model.ts";

/** What {@link exportRun} wrote. */
export interface ExportResult {
  /** The new folder. */
  dir: string;
  /** File names in it, by role. */
  files: { encoder: string; static?: string; decoder: string; meanImage: string; manifest: string };
  /** The content of onnx.json. */
  manifest: Record<string, unknown>;
}

/**
 * Exports a run's model to ONNX.
 *
 * @param runDir The run folder.
 * @param out The folder to create (default `<runDir>/onnx`); must not exist.
 * @returns The folder, its files and the manifest.
 * @throws {SparsedynError} `BAD_FILE` for a folder without a trained model; `IO` when `out`
 *   exists; `INVALID_ARGUMENT` for an architecture the exporter cannot translate exactly.
 */
export async function exportRun(runDir: string, out?: string): Promise<ExportResult> {
  const run = await readRunModel(runDir);
  const target = (out ?? `${run.dir}/onnx`).replace(/\/+$/, "");
  const c = run.config;
  const down = c.stride ** c.channels.length;
  const [h, w] = [c.height / down, c.width / down];
  const models = caeToOnnx(c, run.weights, {
    preprocess: run.preprocess,
    extra: { mode: run.mode, lags: run.lags },
  });
  const files = {
    encoder: "encoder.onnx",
    ...(models.static ? { static: "static.onnx" } : {}),
    decoder: "decoder.onnx",
    meanImage: "mean_image.npy",
    manifest: "onnx.json",
  };
  const nchw = (n: string, ch: number, hh: number, ww: number) => [n, ch, hh, ww];
  const manifest: Record<string, unknown> = {
    sparsedyn: VERSION,
    opset: OPSET,
    run: run.dir,
    mode: run.mode,
    lags: run.lags,
    config: c,
    preprocess: run.preprocess,
    latent: { channels: c.latentChannels, height: h, width: w, size: c.latentChannels * h * w },
    layout: "NCHW float32; latent_flat[n, (y*w + x)*C + c] = latent[n, c, y, x] " +
      "(the order of latents.npy and of var.json)",
    models: {
      encoder: {
        file: files.encoder,
        inputs: { frames: nchw("N", 1, c.height, c.width) },
        outputs: {
          latent: nchw("N", c.latentChannels, h, w),
          latent_flat: ["N", c.latentChannels * h * w],
        },
      },
      ...(models.static
        ? {
          static: {
            file: files.static,
            inputs: { mean_image: nchw("N", 1, c.height, c.width) },
            outputs: { static_code: nchw("N", c.staticChannels, h, w) },
          },
        }
        : {}),
      decoder: {
        file: files.decoder,
        inputs: {
          latent: nchw("N", c.latentChannels, h, w),
          ...(models.static ? { static_code: nchw("1 or N", c.staticChannels, h, w) } : {}),
          ...(c.skip === "residual" ? { mean_image: nchw("1 or N", 1, c.height, c.width) } : {}),
        },
        outputs: { frames: nchw("N", 1, c.height, c.width) },
      },
    },
  };
  await writeNewFolder(target, async (tmp) => {
    await Deno.writeFile(`${tmp}/${files.encoder}`, models.encoder);
    if (models.static) await Deno.writeFile(`${tmp}/static.onnx`, models.static);
    await Deno.writeFile(`${tmp}/${files.decoder}`, models.decoder);
    await Deno.writeFile(
      `${tmp}/${files.meanImage}`,
      encodeNpy(Float64Array.from(run.meanImage), [c.height, c.width]),
    );
    await Deno.writeTextFile(`${tmp}/${files.manifest}`, JSON.stringify(manifest, null, 1) + "\n");
  });
  return { dir: target, files, manifest };
}
