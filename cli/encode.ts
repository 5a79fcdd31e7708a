// `sparsedyn encode <run> <movie...>`: latents of whole recordings, streamed and resumable.
import { encodeMovieToNpy, type EncodeResult } from "../core/encode/encode_movie.ts";
import type { EngineName } from "../core/encode/engine.ts";
import type { OrtDevice } from "../core/export/ort.ts";
import { readRunModel } from "../core/export/run_model.ts";
import { type WindowVarsResult, windowVarsToFiles } from "../core/encode/window_vars.ts";
import type { BackendName } from "../core/model/backend.ts";
import { UsageError } from "./_flags.ts";
import { defineCommand } from "./_command.ts";
import { ENCODE_DESCRIPTION, ENCODE_FLAGS } from "./_encode_flags.ts";
import { movieSelection } from "./_movie_flags.ts";
import { printCropNote } from "./_crop_note.ts";
import { progress } from "./_progress.ts";
import { latentOutputs, printEncoded } from "./_encode_outputs.ts";
import { lockOutput } from "../core/files/output_lock.ts";

export const encode = defineCommand("encode", {
  summary: "latents of whole recordings (onnxruntime or tfjs), streamed, resumable",
  synopsis: "<run> <movie...> [options]",
  description: ENCODE_DESCRIPTION,
  footer: "The ort engine opens a native library: run Deno with --allow-ffi (deno task cli does).",
  flags: ENCODE_FLAGS,
  async run(values, positionals) {
    if (positionals.length < 2) throw new UsageError("give a run folder and at least one movie");
    const [runDir, ...movies] = positionals;
    const { engine, device } = values;
    if (device === "cuda" && engine === "tfjs" && values.backend !== "torch") {
      throw new UsageError("--device cuda needs --engine ort, or --backend torch", "--device");
    }
    const backend = values.backend;
    if (backend !== undefined) {
      if (engine !== "tfjs") throw new UsageError("--backend is for --engine tfjs", "--backend");
    }
    const { chunk, threads, checkpoint } = values;
    const varWindow = values["var-window"], varStride = values["var-stride"];
    const varLags = values["var-lags"];
    if (varWindow === undefined && (varStride !== undefined || varLags !== undefined)) {
      throw new UsageError("--var-stride and --var-lags go with --var-window", "--var-window");
    }
    const { names, outs } = await latentOutputs(movies, values.out);
    const json = values.json ?? false;
    // One encode per output, for its whole life: a second one fails here, before any work.
    // (On an error the locks go when the process ends.)
    const locks = [];
    for (const o of outs) locks.push(await lockOutput(o));
    const model = await readRunModel(runDir);
    const results: (EncodeResult & { var?: WindowVarsResult })[] = [];
    for (const [i, movie] of movies.entries()) {
      await printCropNote("encode", model.preprocess, movie, json);
      const r = await encodeMovieToNpy(model, movie, outs[i], {
        engine: engine as EngineName,
        device: device as OrtDevice,
        backend: backend as BackendName | undefined,
        threads,
        chunk,
        checkpointMs: checkpoint * 1000,
        movie: movieSelection(values),
        onProgress: progress(names[i], json),
      });
      const v = varWindow === undefined ? undefined : await windowVarsToFiles(
        r.path,
        r.path.replace(/\.npy$/i, ""),
        { length: varWindow, stride: varStride, lags: varLags ?? model.lags ?? 1 },
      );
      results.push(v ? { ...r, var: v } : r);
      if (!json) printEncoded(movie, r, v);
    }
    if (json) console.log(JSON.stringify({ run: model.dir, outputs: results }));
    for (const l of locks) await l.release();
    return 0;
  },
});
