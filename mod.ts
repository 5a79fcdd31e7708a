/**
 * sparsedyn — sparse, interpretable dynamics in calcium-imaging movies.
 *
 * This entry point holds the everyday workflow, and every other public name: train a
 * convolutional autoencoder with a lasso VAR on its latents ({@link trainRun}), load the run
 * ({@link loadModel}, {@link loadRun}), encode movies with it ({@link encodeMovie}), judge it
 * ({@link evaluateRun}), test two conditions ({@link conditionTest},
 * {@link readConditionInputs} for files and `FILE[start:end]` segments) and draw contribution
 * maps ({@link mapsForRun}).
 *
 * The same names, grouped by concept, come from the sub-paths:
 * - `./lasso` — LARS / lasso paths on sufficient statistics, their adjoint, designs.
 * - `./data` — movie readers and writers (TIFF, NPY, NWB, suite2p), segments, preprocessing,
 *   synthetic movies and series.
 * - `./model` — the autoencoder, the VAR layer, backends, training.
 * - `./analysis` — VAR fits, order selection, the condition test, maps, held-out evaluation.
 * - `./runs` — run folders, loading and encoding, ONNX export, studies.
 *
 * @example Fit a lasso path from G = XᵀX and c = Xᵀy
 * ```ts
 * import { lassoPath } from "./mod.ts";
 *
 * const path = lassoPath(Float64Array.of(1, 0, 0, 1), Float64Array.of(3, 1), 4);
 * if (path.lambdas[0] !== 0.75) throw new Error("λ₀ = max|c|/n");
 * ```
 *
 * @example A VAR on a simulated series, and its network
 * ```ts
 * import { fitVar, simulateVar, varNetwork } from "./mod.ts";
 *
 * const sim = simulateVar({ d: 4, p: 1, T: 500, density: 0.2, seed: 7 });
 * const model = fitVar(sim.series, sim.T, sim.d, { lags: 1 });
 * if (model.stability.spectralRadius >= 1) throw new Error("stable");
 * const net = varNetwork(model.A, model.d, model.p);
 * if (net.nodes !== 4 || net.edges.length > 12) throw new Error("a network on 4 series");
 * ```
 *
 * @module
 */
export { SparsedynError } from "./core/errors.ts";
export type { SparsedynErrorCode, SparsedynErrorOptions } from "./core/errors.ts";
export {
  EVENT_DROP,
  EVENT_JOIN,
  EVENT_NONE,
  larsPath,
  larsPathBatch,
  lassoPath,
  lassoPathBatch,
  pathAt,
} from "./core/var/lasso_path.ts";
export type { LassoPath, PathMethod, PathOptions, PathStop } from "./core/var/lasso_path.ts";
export { lassoAt, lassoAtBatch } from "./core/var/lasso_at.ts";
export type { LassoAtOptions, LassoFit, LassoTarget } from "./core/var/lasso_at.ts";
export { lassoAdjoint } from "./core/var/lasso_adjoint.ts";
export type { LassoGradients } from "./core/var/lasso_adjoint.ts";
export type { CoreTolerances } from "./core/var/_lasso_inputs.ts";
export { closeLassoWorkers, lassoPathBatchParallel } from "./core/var/lasso_parallel.ts";
export type { ParallelPathOptions } from "./core/var/lasso_parallel.ts";
export { selectByBic } from "./core/var/lambda_criteria.ts";
export type { Selection } from "./core/var/lambda_criteria.ts";
export { laggedDesign, regressionStatistics, varStatistics } from "./core/var/design.ts";
export type { RegressionStatistics, VarStatistics } from "./core/var/design.ts";
export { fitVarLasso, fitVarLassoAsync } from "./core/var/fit_var_lasso.ts";
export type { VarFit } from "./core/var/fit_var_lasso.ts";
export { scoreSupport, type SupportScore } from "./core/var/support_score.ts";
export { spectralRadiusEstimate } from "./core/var/stability.ts";
export { simulateVar } from "./core/data/synthetic_var.ts";
export type { SimulatedVar, VarSimulationOptions } from "./core/data/synthetic_var.ts";
export { readMatrix } from "./core/data/read_matrix.ts";
export type { Matrix } from "./core/data/read_matrix.ts";
export { readSeries } from "./core/data/read_series.ts";
export type { SeriesInput } from "./core/data/read_series.ts";
export { decodeNpy, encodeNpy } from "./core/data/npy.ts";
export type { NpyArray } from "./core/data/npy.ts";
export { parseCsv } from "./core/data/csv.ts";
export type { CsvTable } from "./core/data/csv.ts";
export { writeFileAtomic } from "./core/files/atomic_write.ts";
export { VERSION } from "./core/version.ts";
export {
  planSynthetic,
  renderCleanFrames,
  renderFrames,
  simulateActivity,
} from "./core/data/synthetic.ts";
export type {
  SynthActivity,
  SynthEdge,
  SynthOptions,
  SynthPlan,
  SynthTruth,
} from "./core/data/synthetic.ts";
export { writeSynthetic } from "./core/data/synthetic_write.ts";
export type { SynthProgress } from "./core/data/synthetic_write.ts";
export { NpyWriter } from "./core/data/npy_writer.ts";
export type { NpyWriteType } from "./core/data/npy_writer.ts";
export { poisson } from "./core/data/poisson.ts";
export { checkRange, MAX_FRAME_PIXELS, MAX_READ_VALUES, openMovie } from "./core/data/movie.ts";
export type { Movie, MovieOptions } from "./core/data/movie.ts";
export { openNpyMovie } from "./core/data/npy_movie.ts";
export { openTiffMovie, tiffMetadata } from "./core/data/tiff_movie.ts";
export { openNwbMovie } from "./core/data/nwb_movie.ts";
export type { NwbOptions } from "./core/data/nwb_movie.ts";
export { openSuite2pMovie, readSuite2pOps } from "./core/data/suite2p_movie.ts";
export { encodeTiff } from "./core/data/tiff_write.ts";
export type { TiffSamples } from "./core/data/tiff_write.ts";
export { humanBytes, inspectMovie, sparkline } from "./core/data/inspect.ts";
export type { MovieSummary } from "./core/data/inspect.ts";
export { findDict, unpickle } from "./core/data/pickle.ts";
export type { PickledObject } from "./core/data/pickle.ts";
export { npyElements, parseNpyHeader } from "./core/data/npy.ts";
export type { NpyHeader } from "./core/data/npy.ts";
export {
  meanImage,
  percentile,
  pixelStats,
  preprocessFrames,
  processedShape,
} from "./core/data/preprocess.ts";
export type {
  FrameChunk,
  PixelStats,
  PreprocessSpec,
  ProcessedShape,
} from "./core/data/preprocess.ts";
export { preprocessToNpy } from "./core/data/preprocess_write.ts";
export type { PreprocessResult } from "./core/data/preprocess_write.ts";
export { preprocessFolder } from "./core/data/preprocess_folder.ts";
export type {
  PreprocessedInput,
  PreprocessFolder,
  PreprocessFolderOptions,
} from "./core/data/preprocess_folder.ts";
export { parseLabeledInputs, splitWindows, windowStarts } from "./core/data/windows.ts";
export type { LabeledInput, WindowSplit } from "./core/data/windows.ts";
export { TiffWriter } from "./core/data/tiff_writer.ts";
export type { TiffWriteType } from "./core/data/tiff_writer.ts";
export {
  MAX_WASM_THREADS,
  useBackend,
  WASM_THREADS_ENV,
  wasmThreads,
} from "./core/model/backend.ts";
export type { BackendName, BackendOptions } from "./core/model/backend.ts";
export type { TorchDevice } from "./core/model/torch/libtorch.ts";
export { checkCaeConfig, createCae, defaultCaeConfig } from "./core/model/cae.ts";
export type { Activation, Cae, CaeConfig } from "./core/model/cae.ts";
export { varLayer, varLoss } from "./core/model/var_layer.ts";
export type { VarLayerOptions, VarLayerOutput, VarLossOutput } from "./core/model/var_layer.ts";
export { windowLoss } from "./core/train/window_loss.ts";
export type { LossWeights, ObjectiveOptions, WindowLoss } from "./core/train/window_loss.ts";
export { asyncWindowGradients, asyncWindowLoss } from "./core/train/async_step.ts";
export type { AsyncWindowGradients, AsyncWindowLoss } from "./core/train/async_step.ts";
export { encodeAll } from "./core/encode/encode_all.ts";
export {
  cellTransition,
  evaluateModel,
  latentSnrDb,
  rankInfluences,
  representationMeasures,
  supportF1,
  windowMeasures,
} from "./core/train/evaluate.ts";
export type {
  EvaluationTruth,
  ModelEvaluation,
  RepresentationMeasures,
  WindowMeasures,
} from "./core/train/evaluate.ts";
export {
  meanSd,
  pairedDifferences,
  resultsMarkdown,
  runExperiment,
} from "./core/train/experiment.ts";
export type {
  ExperimentArm,
  ExperimentOptions,
  ExperimentResult,
  ExperimentRun,
} from "./core/train/experiment.ts";
export {
  DEFAULT_PREDICTED_FRAMES_STEPS,
  predictedStepsSample,
} from "./core/train/predicted_steps.ts";
export type { PredictedStepsKey } from "./core/train/predicted_steps.ts";
export { trainCae } from "./core/train/train.ts";
export type { EpochMetrics, TrainOptions } from "./core/train/train.ts";
export { frameSource } from "./core/data/frame_source.ts";
export type { FrameSource } from "./core/data/frame_source.ts";
export { trainRun } from "./core/train/train_run.ts";
export type { TrainRunOptions, TrainRunResult } from "./core/train/train_run.ts";
export { parseTrainConfig, readTrainConfig } from "./core/train/train_config.ts";
export type { TrainConfig } from "./core/train/train_config.ts";
export { loadRun, writeRun } from "./core/runs/run_folder.ts";
export type { RunContents, RunVar, Shaped } from "./core/runs/run_folder.ts";
export { wasmBinariesUrl } from "./core/model/tf.ts";
export type { Scalar, Tensor, Tensor2D, Tensor4D, Variable } from "./core/model/tf.ts";
export { blockPermutationTest, conditionMeans } from "./core/stats/block_permutation.ts";
export type {
  BlockPermutationOptions,
  BlockPermutationResult,
  Condition,
} from "./core/stats/block_permutation.ts";
export {
  countLabelings,
  enumerateLabelings,
  randomLabelings,
} from "./core/stats/block_labelings.ts";
export { welchEvaluator, welchStatistics } from "./core/stats/welch_statistic.ts";
export type { WelchEvaluator, WelchStatistics } from "./core/stats/welch_statistic.ts";
export { benjaminiHochberg, discoveries } from "./core/stats/fdr.ts";
export { conditionVariability } from "./core/stats/variability.ts";
export type { Variability } from "./core/stats/variability.ts";
export { checkWindowSeries, cutWindows } from "./core/stats/series_windows.ts";
export type { Recording, SeriesWindow, WindowOptions } from "./core/stats/series_windows.ts";
export { fitWindowVars } from "./core/stats/window_var.ts";
export type { WindowVars } from "./core/stats/window_var.ts";
export { conditionTest, conditionTestWindows } from "./core/stats/condition_test.ts";
export type {
  CoefficientTest,
  ConditionTestOptions,
  ConditionTestResult,
  PermutationOutcome,
} from "./core/stats/condition_test.ts";
export {
  NULL_VALUES_LIMIT,
  summarizeNull,
  testJson,
  writeTestJson,
} from "./core/stats/test_json.ts";
export type { NullSummary } from "./core/stats/test_json.ts";
export { encodeForTest, modelEncoder, runEncoder } from "./core/stats/encode_for_test.ts";
// A condition test's inputs from files: series or movies, FILE[start:end] segments, each
// file read and encoded once (what `sparsedyn test` does before testing).
export {
  cutRecording,
  nameInputError,
  readConditionInput,
  readConditionInputs,
  segmentOf,
} from "./core/stats/condition_inputs.ts";
export type {
  ConditionInputOptions,
  ConditionInputs,
  EncodedRecording,
} from "./core/stats/condition_inputs.ts";
export { principalComponents, projectRecording } from "./core/stats/principal_components.ts";
export type { PrincipalComponents } from "./core/stats/principal_components.ts";
export type { EncodedSeries } from "./core/stats/encode_for_test.ts";
export { encodeMovie, loadModel, withPreprocessedMovie } from "./core/encode/load_model.ts";
export type { FramesShape, LoadedModel } from "./core/encode/load_model.ts";
// Held-out evaluation in pixel space, against the baselines a scientist would run.
export {
  type CellScores,
  evaluateLoaded,
  evaluateRun,
  type EvaluateRunOptions,
  type RunEvaluation,
} from "./core/heldout/evaluate_run.ts";
export {
  type ModelMeasureOptions,
  type ModelMeasures,
  modelMeasures,
} from "./core/heldout/model_measures.ts";
export {
  type BaselineMeasures,
  baselineMeasures,
  type BaselineOptions,
  coveringWindows,
  targetForecasts,
} from "./core/heldout/baselines.ts";
export { fitFramePca, type FramePca, pcaReconstruct, pcaScores } from "./core/heldout/frame_pca.ts";
export {
  type SymmetricEigen,
  symmetricEigen,
  type SymmetricEigenOptions,
} from "./core/heldout/symmetric_eigen.ts";
export {
  type CellMask,
  type CellMaskOptions,
  type FrameShape,
  maskToProcessed,
  readCellMask,
} from "./core/heldout/cell_masks.ts";
export { type CellScore, scoreAgainstCells } from "./core/heldout/cell_score.ts";
export { type SummaryImages, summaryImages } from "./core/heldout/summary_images.ts";
export { type ProcessedFrames, readProcessedFrames } from "./core/heldout/processed_frames.ts";
export {
  type RealArm,
  type RealExperimentOptions,
  type RealExperimentResult,
  type RealMovie,
  type RealRun,
  runRealExperiment,
} from "./core/heldout/real_experiment.ts";
export { type MovieSegment, movieSegment, parseMovieSegment } from "./core/data/movie_segment.ts";
export { freezeNormalisation, movieScale } from "./core/data/preprocess.ts";
export {
  fitVar,
  fitVarAsync,
  type FitVarAsyncOptions,
  type FitVarOptions,
  type LambdaSelection,
  relaxedRefit,
  type VarModel,
  type VarStability,
} from "./core/var/fit_var.ts";
export {
  type OrderCriterion,
  type OrderFit,
  type OrderOptions,
  type OrderRow,
  type OrderSelection,
  selectOrder,
} from "./core/var/order.ts";
export {
  crossValidateVar,
  crossValidateVarAsync,
  type CvOptions,
  type CvParallelOptions,
  type CvRule,
  type LambdaCv,
  type TimeSeriesFold,
  timeSeriesFolds,
} from "./core/var/cross_validate.ts";
export {
  type CriterionOptions,
  type LambdaCriterion,
  logBinomial,
  selectByCriterion,
} from "./core/var/lambda_criteria.ts";
export { type VarEdge, type VarNetwork, varNetwork } from "./core/var/network.ts";
export {
  evaluateForecasts,
  forecast,
  type ForecastScore,
  type VarCoefficients,
} from "./core/var/forecast.ts";
export { checkSeries, type SeriesCheckOptions } from "./core/var/series_check.ts";
export { type VarModelJson, varModelToJson } from "./core/var/var_json.ts";
export { contributionMaps, edgeMap, sampleFrames, varEdges } from "./core/maps/contribution.ts";
export type {
  ContributionMaps,
  ContributionOptions,
  MapEdge,
  MapMethod,
  MethodMaps,
} from "./core/maps/contribution.ts";
export { encoderGradients, integratedGradients } from "./core/maps/gradients.ts";
export { decoderFootprints } from "./core/maps/footprints.ts";
export { rocAuc } from "./core/maps/roc_auc.ts";
export { scoreAgainstFootprints } from "./core/maps/footprint_score.ts";
export type { FootprintScore, FootprintThresholds } from "./core/maps/footprint_score.ts";
export { colormap, lightness } from "./core/maps/colormap.ts";
export { formatLabel, renderMap, renderMapPng } from "./core/maps/png.ts";
export type { RgbImage } from "./core/maps/png.ts";
export { summarizeMap } from "./core/maps/summary.ts";
export type { MapSummary } from "./core/maps/summary.ts";
export { summarizeContributionMaps } from "./core/maps/maps_summary.ts";
export type {
  ContributionMapsSummary,
  EdgeMapSummary,
  LatentMapSummary,
} from "./core/maps/maps_summary.ts";
export { checkMapsTarget, writeMaps } from "./core/maps/write_maps.ts";
export type { MapEntry, MapsIndex, WriteMapsOptions } from "./core/maps/write_maps.ts";
export { mapsForRun } from "./core/maps/run_maps.ts";
export type { RunMapsOptions, RunMapsResult } from "./core/maps/run_maps.ts";
export { windowMapFeatures } from "./core/maps/window_features.ts";
export type {
  MapWindow,
  WindowMapFeatures,
  WindowMapOptions,
} from "./core/maps/window_features.ts";
export { mapConditionTest } from "./core/stats/map_condition_test.ts";
export type {
  MapCellTest,
  MapConditionTestOptions,
  MapConditionTestResult,
} from "./core/stats/map_condition_test.ts";
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
export { summaryCsv, summaryRows, writeStudySummary } from "./core/study/study_summary.ts";
export type {
  AnimalTest,
  FailedTask,
  StudySummary,
  SummaryRow,
} from "./core/study/study_summary.ts";
