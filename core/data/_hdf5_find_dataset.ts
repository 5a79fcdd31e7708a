/**
 * Which dataset of an HDF5 / NWB file is the movie (`_hdf5_worker.ts` opens it): the one
 * named by the `dataset` option, else the first NWB imaging series (two-photon or
 * one-photon before a plain ImageSeries), else a plain HDF5 file's only 3-D dataset.
 *
 * @module
 */
import type { SparsedynError } from "../errors.ts";

// deno-lint-ignore no-explicit-any
type H5 = any;

/** NWB types whose `data` is a movie. */
const SERIES = new Set(["TwoPhotonSeries", "OnePhotonSeries", "ImageSeries"]);

/** Tells the library's datasets and groups apart (its classes come with the loaded module). */
export interface H5Kinds {
  isDataset(x: H5): boolean;
  isGroup(x: H5): boolean;
}

/** The dataset found: its path, and the NWB series holding it (when it is one). */
export interface FoundDataset {
  dataPath: string;
  series?: H5;
  neurodataType?: string;
}

/** An attribute's value, or undefined when absent or unreadable. */
export function attr(x: H5, name: string): unknown {
  try {
    return x?.attrs?.[name]?.value;
  } catch {
    return undefined;
  }
}

/**
 * The movie's dataset in `file`: `dataset` when given (a series group or a dataset), else
 * the one found.
 *
 * @throws {SparsedynError} `BAD_FILE` when the named dataset is missing or not a dataset,
 *   or no single movie is found.
 */
export function findDataset(
  file: H5,
  dataset: string | undefined,
  kinds: H5Kinds,
  bad: (why: string) => SparsedynError,
): FoundDataset {
  if (dataset !== undefined) return namedDataset(file, dataset, kinds, bad);
  const twoP = imagingSeries(file, kinds);
  if (twoP) return { series: twoP.group, dataPath: `${twoP.path}/data`, neurodataType: twoP.type };
  if (attr(file, "neurodata_type") === "NWBFile" || file.keys().includes("acquisition")) {
    throw bad(
      "an NWB file without an imaging series (TwoPhotonSeries, OnePhotonSeries or ImageSeries)",
    );
  }
  return { dataPath: onlyCube(file, kinds, bad) };
}

/** The dataset the caller named: a series group (its `data`) or a dataset. */
function namedDataset(
  file: H5,
  dataset: string,
  { isDataset, isGroup }: H5Kinds,
  bad: (why: string) => SparsedynError,
): FoundDataset {
  let dataPath: string, series: H5 | undefined;
  const d = file.get(dataset);
  if (!d) throw bad(`no dataset "${dataset}"`);
  if (isGroup(d) && isDataset(d.get("data"))) {
    series = d;
    dataPath = `${dataset.replace(/\/$/, "")}/data`;
  } else if (isDataset(d)) dataPath = dataset;
  else throw bad(`"${dataset}" is not a dataset`);
  const neurodataType = series ? attr(series, "neurodata_type") as string | undefined : undefined;
  return { dataPath, series, neurodataType };
}

/**
 * The first NWB imaging series with 3-D data under /acquisition or /processing (three
 * groups deep at most), preferring a two- or one-photon series to a plain ImageSeries.
 */
function imagingSeries(
  file: H5,
  { isDataset, isGroup }: H5Kinds,
): { path: string; group: H5; type: string } | undefined {
  const found: { path: string; group: H5; type: string }[] = [];
  const walk = (g: H5, at: string, depth: number) => {
    for (const k of g.keys()) {
      const item = g.get(k);
      const p = `${at}/${k}`;
      if (!isGroup(item)) continue;
      const t = attr(item, "neurodata_type") as string | undefined;
      const data = item.keys().includes("data") ? item.get("data") : undefined;
      if (t && SERIES.has(t) && isDataset(data) && data.shape?.length === 3) {
        found.push({ path: p, group: item, type: t });
      } else if (depth < 3) walk(item, p, depth + 1);
    }
  };
  for (const root of ["acquisition", "processing"]) {
    if (file.keys().includes(root)) walk(file.get(root), `/${root}`, 0);
  }
  return found.find((f) => f.type !== "ImageSeries") ?? found[0];
}

/** Plain HDF5: the one 3-D dataset, if there is exactly one (three groups deep at most). */
function onlyCube(file: H5, { isDataset, isGroup }: H5Kinds, bad: (why: string) => SparsedynError) {
  const cubes: string[] = [];
  const walk = (g: H5, at: string, depth: number) => {
    for (const k of g.keys()) {
      const item = g.get(k);
      if (isDataset(item) && item.shape?.length === 3) cubes.push(`${at}/${k}`);
      else if (isGroup(item) && depth < 3) walk(item, `${at}/${k}`, depth + 1);
    }
  };
  walk(file, "", 0);
  if (cubes.length !== 1) {
    throw bad(
      cubes.length
        ? `several 3-D datasets (${cubes.join(", ")}): choose one with the dataset option`
        : "no 3-D dataset (frames × height × width)",
    );
  }
  return cubes[0];
}
