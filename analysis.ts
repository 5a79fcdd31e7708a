/**
 * sparsedyn/analysis — what a scientist asks of latent series and maps: VAR fits, order
 * selection, the condition test, contribution maps and held-out evaluation.
 *
 * Concepts:
 * - VAR fits: {@link fitVar} (fixed order or chosen by {@link selectOrder}, λ by BIC or
 *   {@link crossValidateVar}), {@link relaxedRefit}, {@link forecast},
 *   {@link evaluateForecasts}, {@link varNetwork}, {@link varModelToJson}.
 * - The condition test: {@link conditionTest} on series, {@link readConditionInputs} from files
 *   and `FILE[start:end]` segments, each file read and encoded once ({@link encodeForTest});
 *   the pieces: {@link blockPermutationTest}, {@link welchStatistics},
 *   {@link benjaminiHochberg}, {@link writeTestJson}; on maps: {@link mapConditionTest}.
 * - Contribution maps: {@link contributionMaps}, {@link mapsForRun}, {@link writeMaps},
 *   {@link decoderFootprints}, {@link scoreAgainstFootprints}, {@link renderMapPng}.
 * - Held-out evaluation on real movies: {@link evaluateRun}, {@link baselineMeasures},
 *   {@link scoreAgainstCells}, {@link runRealExperiment}.
 *
 * @example Fit a VAR and test two conditions
 * ```ts
 * import { conditionTest, fitVar } from "./analysis.ts";
 * import { simulateVar } from "./data.ts";
 *
 * const a = simulateVar({ d: 3, p: 1, T: 600, seed: 1, density: 0.3 });
 * const model = fitVar(a.series, a.T, a.d, { lags: 1 });
 * if (model.A.length !== 9 || model.stability.spectralRadius >= 1) throw new Error("stable");
 * const b = simulateVar({ d: 3, p: 1, T: 600, seed: 1, density: 0.3, burnIn: 900 });
 * const r = conditionTest([{ series: a.series, T: 600, d: 3 }], [{ series: b.series, T: 600, d: 3 }], {
 *   window: 60,
 * });
 * if (!(r.pValue > 0 && r.pValue <= 1)) throw new Error(String(r.pValue));
 * ```
 *
 * @module
 */
export { SparsedynError } from "./core/errors.ts";
export type { SparsedynErrorCode, SparsedynErrorOptions } from "./core/errors.ts";
export { selectByBic } from "./core/var/lambda_criteria.ts";
export type { Selection } from "./core/var/lambda_criteria.ts";
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
