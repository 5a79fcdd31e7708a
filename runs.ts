/**
 * sparsedyn/runs — run folders and what is done with a trained run: load, encode, export, and
 * studies of many animals.
 *
 * Concepts:
 * - The run folder: {@link writeRun} / {@link loadRun} (config, metrics, weights, latents, VAR).
 * - A model applied to a movie: {@link loadModel}, {@link encodeMovie}, {@link encodeAll},
 *   {@link encodeMovieToNpy} (streaming, tfjs or ONNX Runtime), {@link windowVarsToFiles}.
 * - A run's frames next to its reconstructions, on demand, as the dashboard shows them:
 *   {@link FrameStore}.
 * - Outside tfjs: {@link exportRun}, {@link caeToOnnx}, {@link ortSession}.
 * - Studies: {@link studyFromLabels} (a manifest from a folder and its labels),
 *   {@link readManifest}, {@link studyPlan}, {@link runStudy} (every task not up to date, here
 *   or on Slurm), {@link writeStudySummary}.
 *
 * @example Write a run folder and read it back
 * ```ts
 * import { loadRun, writeRun } from "./runs.ts";
 *
 * const dir = await Deno.makeTempDir();
 * await writeRun(`${dir}/run`, {
 *   config: { mode: "ae" }, metrics: [{ epoch: 0, loss: 1 }], weights: {},
 *   latents: { data: new Float64Array(6), shape: [3, 2] }, meanImage: { data: new Float64Array(4), shape: [2, 2] },
 *   var: { lags: 1, A: [[[0, 0], [0, 0]]], intercept: [0, 0], lambda: [0, 0] },
 * });
 * const run = await loadRun(`${dir}/run`);
 * if (run.latents.shape.join() !== "3,2" || run.var.lags !== 1) throw new Error("round trip");
 * await Deno.remove(dir, { recursive: true });
 * ```
 *
 * @module
 */
export { SparsedynError } from "./core/errors.ts";
export type { SparsedynErrorCode, SparsedynErrorOptions } from "./core/errors.ts";
export { encodeAll } from "./core/encode/encode_all.ts";
export { loadRun, writeRun } from "./core/runs/run_folder.ts";
export type { RunContents, RunVar, Shaped } from "./core/runs/run_folder.ts";
export { encodeMovie, loadModel, withPreprocessedMovie } from "./core/encode/load_model.ts";
export type { FramesShape, LoadedModel } from "./core/encode/load_model.ts";
export {
  caeToOnnx,
  type CaeToOnnxOptions,
  caeWeights,
  type OnnxExportInfo,
  type OnnxModels,
  type WeightArray,
} from "./core/export/onnx.ts";
export { type ExportResult, exportRun } from "./core/export/export_run.ts";
export { readRunModel, type RunModel } from "./core/export/run_model.ts";
export {
  cudaProviderInstalled,
  type OrtArray,
  type OrtDevice,
  type OrtSession,
  ortSession,
  type OrtSessionOptions,
} from "./core/export/ort.ts";
export { ortCpuGraph } from "./core/export/ort_cpu_graph.ts";
export {
  encodeMovieToNpy,
  type EncodeOptions,
  type EncodeResult,
} from "./core/encode/encode_movie.ts";
export type { EngineName, EngineOptions } from "./core/encode/engine.ts";
export { windowVarsToFiles } from "./core/encode/window_vars.ts";
export type { WindowVarsOptions, WindowVarsResult } from "./core/encode/window_vars.ts";
export { FrameStore } from "./core/encode/frame_store.ts";
export type { FramePair } from "./core/encode/frame_store.ts";
export { checkManifest, readManifest } from "./core/study/manifest.ts";
export type {
  SlurmResources,
  StudyManifest,
  StudyRecording,
  StudyTest,
} from "./core/study/manifest.ts";
export { studyPlan } from "./core/study/study_plan.ts";
export { STAGES } from "./core/study/study_plan.ts";
export type { Stage, StudyPlan, StudyTask } from "./core/study/study_plan.ts";
export { studyFromLabels } from "./core/study/study_init.ts";
export type { StudyInitOptions } from "./core/study/study_init.ts";
export { runStudy } from "./core/study/run_study.ts";
export type { RunStudyOptions, StudyRun, StudyTaskFailure } from "./core/study/run_study.ts";
export { summaryCsv, summaryRows, writeStudySummary } from "./core/study/study_summary.ts";
export type {
  AnimalTest,
  FailedTask,
  StudySummary,
  SummaryRow,
} from "./core/study/study_summary.ts";
