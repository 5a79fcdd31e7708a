// `sparsedyn encode <run> <movie...>`: latents of whole recordings, streamed and resumable.
import { encodeMovieToNpy, type EncodeResult } from "../core/encode/encode_movie.ts";
import type { EngineName } from "../core/encode/engine.ts";
import type { OrtDevice } from "../core/export/ort.ts";
import { readRunModel } from "../core/export/run_model.ts";
import { type WindowVarsResult, windowVarsToFiles } from "../core/encode/window_vars.ts";
import { BACKEND_LIST, backendFlag } from "./_backend_flag.ts";
import { type Command, numberFlag, parseFlags, UsageError } from "./_flags.ts";
import { MOVIE_FLAGS, MOVIE_USAGE, movieOptions } from "./_movie_flags.ts";
import { printCropNote } from "./_crop_note.ts";
import { progress } from "./_progress.ts";
import { lockOutput } from "../core/files/output_lock.ts";

const usage = `Usage: sparsedyn encode <run> <movie...> [options]

Encodes whole recordings with the run's encoder: each movie is streamed through the
run's preprocessing in chunks and the encoder, into an NPY file of latents (float32,
frames × d, the order of var.json). Memory stays bounded for any length. An encode that
was killed continues where it stopped when started again with the same arguments
(progress is kept in OUT.partial and OUT.partial.json); none is duplicated or dropped.

Outputs: --out FILE for one movie; for several, --out DIR (created) gets
<name>.latents.npy for each. Without --out, <name>.latents.npy in the current folder.
An existing output is never replaced.

Options:
  --out PATH      output file (one movie) or folder (several)
  --engine E      ort (default: onnxruntime-node on the exported encoder) or tfjs
  --device D      cpu (default) or cuda (ort with onnxruntime's CUDA provider installed,
                  or tfjs with --backend torch)
  --backend B     tfjs engine's backend: wasm (default), or ${BACKEND_LIST} (torch: libtorch;
                  see train)
  --chunk N       frames per chunk (default 256)
  --threads N     ort: threads per operator (default: onnxruntime's choice)
  --checkpoint S  seconds between two records of progress on disk (default 1; 0: every chunk)
  --var-window L  also fit one sparse VAR per window of L frames (lasso, λ per equation by
                  BIC) and write <out>.var.npy (windows × p × d × d) and <out>.var.json
  --var-stride S  step between those windows (default L)
  --var-lags P    their VAR order (default: the run's)
  --json          print the results as JSON; progress as JSON lines on stderr
  -h, --help      show this help

The ort engine opens a native library: run Deno with --allow-ffi (deno task cli does).

${MOVIE_USAGE}`;

function baseName(path: string): string {
  return path.split("/").pop()!.replace(/\.[^.]+$/, "").replace(/[^\w.-]/g, "_") || "movie";
}

export const encode: Command = {
  summary: "latents of whole recordings (onnxruntime or tfjs), streamed, resumable",
  usage,
  async run(argv) {
    const { values, positionals } = parseFlags(argv, {
      ...MOVIE_FLAGS,
      out: { type: "string" },
      engine: { type: "string" },
      device: { type: "string" },
      backend: { type: "string" },
      chunk: { type: "string" },
      threads: { type: "string" },
      checkpoint: { type: "string" },
      "var-window": { type: "string" },
      "var-stride": { type: "string" },
      "var-lags": { type: "string" },
      json: { type: "boolean" },
      help: { type: "boolean", short: "h" },
    });
    if (values.help) {
      console.log(usage);
      return 0;
    }
    if (positionals.length < 2) throw new UsageError("give a run folder and at least one movie");
    const [runDir, ...movies] = positionals;
    const engine = values.engine ?? "ort";
    if (engine !== "ort" && engine !== "tfjs") {
      throw new UsageError(`--engine must be ort or tfjs; got "${engine}"`, "--engine");
    }
    const device = values.device ?? "cpu";
    if (device !== "cpu" && device !== "cuda") {
      throw new UsageError(`--device must be cpu or cuda; got "${device}"`, "--device");
    }
    if (device === "cuda" && engine === "tfjs" && values.backend !== "torch") {
      throw new UsageError("--device cuda needs --engine ort, or --backend torch", "--device");
    }
    const backend = values.backend;
    if (backend !== undefined) {
      if (engine !== "tfjs") throw new UsageError("--backend is for --engine tfjs", "--backend");
      backendFlag(backend, "wasm");
    }
    const chunk = numberFlag(values.chunk, "--chunk", { integer: true, min: 1 }) ?? 256;
    const threads = numberFlag(values.threads, "--threads", { integer: true, min: 1 });
    const checkpoint = numberFlag(values.checkpoint, "--checkpoint", { min: 0 }) ?? 1;
    const varWindow = numberFlag(values["var-window"], "--var-window", { integer: true, min: 3 });
    const varStride = numberFlag(values["var-stride"], "--var-stride", { integer: true, min: 1 });
    const varLags = numberFlag(values["var-lags"], "--var-lags", { integer: true, min: 1 });
    if (varWindow === undefined && (varStride !== undefined || varLags !== undefined)) {
      throw new UsageError("--var-stride and --var-lags go with --var-window", "--var-window");
    }
    const names = movies.map(baseName);
    if (new Set(names).size !== names.length) {
      throw new UsageError("two movies have the same name: encode them one at a time with --out");
    }
    let outs: string[];
    if (movies.length === 1) {
      outs = [values.out ?? `${names[0]}.latents.npy`];
    } else {
      const dir = (values.out ?? ".").replace(/\/+$/, "") || "/";
      await Deno.mkdir(dir, { recursive: true });
      outs = names.map((n) => `${dir}/${n}.latents.npy`);
    }
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
        backend: backend === undefined ? undefined : backendFlag(backend, "wasm"),
        threads,
        chunk,
        checkpointMs: checkpoint * 1000,
        movie: movieOptions(values),
        onProgress: progress(names[i], json),
      });
      const v = varWindow === undefined ? undefined : await windowVarsToFiles(
        r.path,
        r.path.replace(/\.npy$/i, ""),
        { length: varWindow, stride: varStride, lags: varLags ?? model.lags ?? 1 },
      );
      results.push(v ? { ...r, var: v } : r);
      if (!json) {
        console.log(
          `sparsedyn encode: ${movie} → ${r.path}: ${r.frames} × ${r.latentSize} latents ` +
            `(${r.engine} on ${r.device}, ${(r.frames / Math.max(r.seconds, 1e-9)).toFixed(0)} ` +
            `frames/s${r.resumedFrom ? `, resumed after frame ${r.resumedFrom}` : ""})`,
        );
        if (v) {
          console.log(
            `  VAR(${v.lags}) per window: ${v.windows} windows → ${v.path}, ${v.jsonPath}`,
          );
        }
      }
    }
    if (json) console.log(JSON.stringify({ run: model.dir, outputs: results }));
    for (const l of locks) await l.release();
    return 0;
  },
};
