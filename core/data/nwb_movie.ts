/**
 * NWB 2 and HDF5 movies through h5wasm: a `TwoPhotonSeries`, `OnePhotonSeries` or
 * `ImageSeries` under `/acquisition` or `/processing` is found automatically (or named
 * with the `dataset` option); in a plain HDF5 file the only 3-D dataset is taken. Chunked
 * and gzip-compressed datasets are read by hyperslab, frames on demand. The rate comes
 * from `starting_time@rate`, from `timestamps`, from the imaging plane's
 * `imaging_rate`, or from a Suite2p `ops` JSON (`fs`).
 *
 * @example
 * ```ts
 * import { openNwbMovie } from "./nwb_movie.ts";
 *
 * const m = await openNwbMovie(new URL("../../fixtures/movies/tiny_two_photon.nwb", import.meta.url).pathname);
 * if (m.frames !== 6 || m.rate !== 30 || m.metadata.neurodataType !== "TwoPhotonSeries") throw new Error("nwb");
 * m.close();
 * ```
 *
 * @module
 */
import { SparsedynError } from "../errors.ts";
import { checkRange, type Movie, type MovieOptions } from "./movie.ts";

const SERIES = new Set(["TwoPhotonSeries", "OnePhotonSeries", "ImageSeries"]);
const DTYPES: Record<string, string> = {
  B: "uint8",
  b: "int8",
  H: "uint16",
  h: "int16",
  I: "uint32",
  i: "int32",
  f: "float32",
  d: "float64",
};

// deno-lint-ignore no-explicit-any
type H5 = any;

/**
 * Opens an NWB or HDF5 file as a movie.
 *
 * @param path The file.
 * @param options `dataset` to choose the series; `rate` to override the file's.
 * @returns The movie.
 * @throws {SparsedynError} `BAD_FILE` when the file is not HDF5, holds no imaging series
 *   (or several 3-D datasets and no `dataset` option), or the dataset is not 3-D.
 */
export async function openNwbMovie(path: string, options: MovieOptions = {}): Promise<Movie> {
  const bad = (why: string) => new SparsedynError("BAD_FILE", `${path}: ${why}`, { file: path });
  let info: Deno.FileInfo;
  try {
    info = await Deno.stat(path);
  } catch (err) {
    throw new SparsedynError(
      "IO",
      `Cannot open "${path}": ${err instanceof Error ? err.message : err}`,
      { file: path, cause: err },
    );
  }
  if (info.isDirectory) throw bad("is a directory, not a movie file");
  // HDF5 signature: \x89HDF\r\n\x1a\n at offset 0 (or 512, 1024, … with a user block).
  const head = new Uint8Array(8);
  const fh = await Deno.open(path);
  try {
    await fh.read(head);
  } finally {
    fh.close();
  }
  const sig = [0x89, 0x48, 0x44, 0x46, 0x0d, 0x0a, 0x1a, 0x0a];
  if (!sig.every((b, i) => head[i] === b)) throw bad("not an HDF5 file (wrong signature)");

  // The full specifier, not the import map's "h5wasm": import maps apply only to the root
  // project, and this module must also work when mod.ts is imported by URL. Loaded on
  // first use, so that importing sparsedyn does not load the HDF5 library.
  // deno-lint-ignore no-import-prefix
  const h5wasm = (await import("npm:h5wasm@0.10.3/node")).default as H5;
  await h5wasm.ready;
  let file: H5;
  try {
    file = new h5wasm.File(path, "r");
  } catch (err) {
    throw bad(`HDF5 library could not open it: ${err instanceof Error ? err.message : err}`);
  }
  try {
    const isDataset = (x: H5) => x instanceof h5wasm.Dataset;
    const isGroup = (x: H5) => x instanceof h5wasm.Group;
    const attr = (x: H5, name: string) => {
      try {
        return x?.attrs?.[name]?.value;
      } catch {
        return undefined;
      }
    };
    let dataPath: string | undefined, series: H5 | undefined, neurodataType: string | undefined;
    if (options.dataset !== undefined) {
      const d = file.get(options.dataset);
      if (!d) throw bad(`no dataset "${options.dataset}"`);
      if (isGroup(d) && isDataset(d.get("data"))) {
        series = d;
        dataPath = `${options.dataset.replace(/\/$/, "")}/data`;
      } else if (isDataset(d)) dataPath = options.dataset;
      else throw bad(`"${options.dataset}" is not a dataset`);
      neurodataType = series ? attr(series, "neurodata_type") : undefined;
    } else {
      const found: { path: string; group: H5; type: string }[] = [];
      const walk = (g: H5, at: string, depth: number) => {
        for (const k of g.keys()) {
          const item = g.get(k);
          const p = `${at}/${k}`;
          if (!isGroup(item)) continue;
          const t = attr(item, "neurodata_type");
          const data = item.keys().includes("data") ? item.get("data") : undefined;
          if (t && SERIES.has(t) && isDataset(data) && data.shape?.length === 3) {
            found.push({ path: p, group: item, type: t });
          } else if (depth < 3) walk(item, p, depth + 1);
        }
      };
      for (const root of ["acquisition", "processing"]) {
        if (file.keys().includes(root)) walk(file.get(root), `/${root}`, 0);
      }
      const twoP = found.find((f) => f.type !== "ImageSeries") ?? found[0];
      if (twoP) {
        series = twoP.group;
        dataPath = `${twoP.path}/data`;
        neurodataType = twoP.type;
      } else if (
        attr(file, "neurodata_type") === "NWBFile" || file.keys().includes("acquisition")
      ) {
        throw bad(
          "an NWB file without an imaging series (TwoPhotonSeries, OnePhotonSeries or ImageSeries)",
        );
      } else {
        // Plain HDF5: the one 3-D dataset, if there is exactly one.
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
        dataPath = cubes[0];
      }
    }
    const data = file.get(dataPath!);
    const shape: number[] = data.shape ?? [];
    if (shape.length !== 3) {
      throw bad(
        `dataset ${dataPath} has shape (${shape.join(", ")}), expected (frames, height, width)`,
      );
    }
    const [T, H, W] = shape;
    if (T === 0) throw bad(`dataset ${dataPath} has no frames`);
    const code = String(data.dtype ?? "").replace(/^[<>|=]/, "");
    const dtype = DTYPES[code];
    if (!dtype) {
      throw bad(
        `dataset ${dataPath} has element type "${data.dtype}", expected integers or floats`,
      );
    }

    let rate: number | undefined = options.rate;
    if (rate === undefined && series) {
      const keys: string[] = series.keys();
      if (keys.includes("starting_time")) {
        rate = Number(attr(series.get("starting_time"), "rate")) || undefined;
      }
      if (rate === undefined && keys.includes("timestamps")) {
        const ts = series.get("timestamps");
        const n = Math.min(ts.shape?.[0] ?? 0, 1001);
        if (n > 1) {
          const t = Array.from(ts.slice([[0, n]]) as ArrayLike<number>);
          const diffs = t.slice(1).map((v, i) => v - t[i]).sort((a, b) => a - b);
          const med = diffs[Math.floor(diffs.length / 2)];
          if (med > 0) rate = 1 / med;
        }
      }
      if (rate === undefined && keys.includes("imaging_plane")) {
        try {
          const r = Number(series.get("imaging_plane/imaging_rate")?.value);
          if (r > 0) rate = r;
        } catch { /* a link to a missing plane: no rate */ }
      }
    }
    if (rate === undefined && file.keys().includes("ops")) {
      try {
        const fs = Number(JSON.parse(String(file.get("ops").value)).fs);
        if (fs > 0) rate = fs;
      } catch { /* not Suite2p's ops */ }
    }
    const metadata: Record<string, unknown> = {
      dataset: dataPath!.startsWith("/") ? dataPath : `/${dataPath}`,
      neurodataType,
      chunks: data.metadata?.chunks ?? null,
      filters: (data.filters ?? []).map((f: { name?: string; id?: number }) => f.name ?? f.id),
      conversion: attr(data, "conversion"),
      offset: attr(data, "offset"),
      unit: attr(data, "unit"),
    };
    const movie: Movie = {
      path,
      format: neurodataType || file.keys().includes("acquisition") ? "nwb" : "hdf5",
      frames: T,
      height: H,
      width: W,
      dtype,
      rate,
      metadata,
      read(start, count) {
        checkRange(movie, start, count);
        if (count === 0) return Promise.resolve(new Float32Array(0));
        let values: ArrayLike<number | bigint>;
        try {
          values = data.slice([[start, start + count], [], []]);
        } catch (err) {
          throw bad(
            `cannot read frames ${start}–${start + count}: ${
              err instanceof Error ? err.message : err
            }`,
          );
        }
        const out = new Float32Array(count * H * W);
        for (let i = 0; i < out.length; i++) out[i] = Number(values[i]);
        return Promise.resolve(out);
      },
      close: () => {
        try {
          file.close();
        } catch { /* already closed */ }
      },
    };
    return movie;
  } catch (err) {
    try {
      file.close();
    } catch { /* closing after a failure */ }
    if (err instanceof SparsedynError) throw err;
    // A corrupt file can make the HDF5 library fail anywhere; say so, with its words.
    throw bad(`HDF5 library error: ${err instanceof Error ? err.message : err}`);
  }
}
