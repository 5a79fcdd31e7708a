/**
 * sparsedyn/data — movies and matrices: readers, writers, preprocessing, segments, synthetic data.
 *
 * Concepts:
 * - Movies: {@link openMovie} (by extension) and the readers behind it — {@link openTiffMovie},
 *   {@link openNpyMovie}, {@link openNwbMovie}, {@link openSuite2pMovie}; {@link inspectMovie}.
 * - Segments: `FILE[start:end]` — {@link parseMovieSegment}, {@link movieSegment}.
 * - Arrays and tables: {@link decodeNpy} / {@link encodeNpy}, {@link NpyWriter},
 *   {@link TiffWriter}, {@link encodeTiff}, {@link parseCsv}, {@link readMatrix},
 *   {@link readSeries}, {@link unpickle}.
 * - Preprocessing: {@link preprocessFrames}, {@link preprocessToNpy}, {@link preprocessFolder},
 *   {@link freezeNormalisation}; frames for training: {@link frameSource}, {@link splitWindows}.
 * - Synthetic data with a known truth: {@link simulateVar} (a VAR series),
 *   {@link planSynthetic} / {@link renderFrames} / {@link writeSynthetic} (a calcium movie).
 * - Safe output: {@link writeFileAtomic}.
 *
 * @example Write a movie as NPY, open it and read a segment of it
 * ```ts
 * import { encodeNpy, openMovie } from "./data.ts";
 *
 * const dir = await Deno.makeTempDir();
 * const frames = new Float64Array(5 * 2 * 3).map((_, i) => i);
 * await Deno.writeFile(`${dir}/m.npy`, encodeNpy(frames, [5, 2, 3]));
 * const movie = await openMovie(`${dir}/m.npy`);
 * if (movie.frames !== 5 || movie.height !== 2 || movie.width !== 3) throw new Error("shape");
 * movie.close();
 * const seg = await openMovie(`${dir}/m.npy[1:3]`); // frames 1 and 2
 * if (seg.frames !== 2 || (await seg.read(0, 1))[0] !== 6) throw new Error("segment");
 * seg.close();
 * await Deno.remove(dir, { recursive: true });
 * ```
 *
 * @module
 */
export { SparsedynError } from "./core/errors.ts";
export type { SparsedynErrorCode, SparsedynErrorOptions } from "./core/errors.ts";
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
export { frameSource } from "./core/data/frame_source.ts";
export type { FrameSource } from "./core/data/frame_source.ts";
export { type MovieSegment, movieSegment, parseMovieSegment } from "./core/data/movie_segment.ts";
export { freezeNormalisation, movieScale } from "./core/data/preprocess.ts";
