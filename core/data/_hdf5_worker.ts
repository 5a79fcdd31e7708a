// Worker thread of the NWB / HDF5 reader: it owns the HDF5 library, so that a corrupt
// file that sends the library into an endless loop can be stopped by terminating this
// thread (see nwb_movie.ts), which a call on the caller's own thread could not be.
import { parentPort } from "node:worker_threads";
import { SparsedynError } from "../errors.ts";
import { hdf5Cause, hdf5FileError, openHdf5 } from "./hdf5_open.ts";

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

/** What the caller learns when a dataset opens. */
export interface Hdf5Info {
  dataPath: string;
  shape: number[];
  dtype: string;
  rate?: number;
  neurodataType?: string;
  nwb: boolean;
  metadata: Record<string, unknown>;
}

const open = new Map<number, { file: H5; data: H5; shape: number[] }>();
let nextHandle = 1;

async function openDataset(
  path: string,
  options: { dataset?: string; rate?: number },
): Promise<{ handle: number; info: Hdf5Info }> {
  const bad = (why: string) => new SparsedynError("BAD_FILE", `${path}: ${why}`, { file: path });
  const { h5wasm, file } = await openHdf5(path);
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
    const T = shape[0];
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
    const handle = nextHandle++;
    open.set(handle, { file, data, shape });
    return {
      handle,
      info: {
        dataPath: metadata.dataset as string,
        shape,
        dtype,
        rate,
        neurodataType,
        nwb: Boolean(neurodataType) || file.keys().includes("acquisition"),
        metadata,
      },
    };
  } catch (err) {
    try {
      file.close();
    } catch { /* closing after a failure */ }
    if (err instanceof SparsedynError) throw err;
    if (err instanceof Error && err.name === "NotCapable") {
      throw new SparsedynError(
        "IO",
        `${path}: the HDF5 library needs a permission: ${err.message}`,
        { file: path, cause: err },
      );
    }
    // A corrupt file can make the HDF5 library fail anywhere; say so, with its root cause.
    throw hdf5FileError(path, err, "read");
  }
}

function readFrames(path: string, handle: number, start: number, count: number): Float32Array {
  const o = open.get(handle);
  if (!o) throw new SparsedynError("IO", `${path}: the file is closed`, { file: path });
  const [, H, W] = o.shape;
  let values: ArrayLike<number | bigint>;
  try {
    values = o.data.slice([[start, start + count], [], []]);
  } catch (err) {
    throw new SparsedynError(
      "BAD_FILE",
      `${path}: cannot read frames ${start}–${start + count}: ${hdf5Cause(err)}`,
      {
        file: path,
      },
    );
  }
  const out = new Float32Array(count * H * W);
  for (let i = 0; i < out.length; i++) out[i] = Number(values[i]);
  return out;
}

parentPort!.on(
  "message",
  async (
    msg: {
      id: number;
      op: string;
      path: string;
      handle?: number;
      start?: number;
      count?: number;
      options?: { dataset?: string; rate?: number };
    },
  ) => {
    if (msg.id < 0) return;
    try {
      if (msg.op === "open") {
        parentPort!.postMessage({
          id: msg.id,
          result: await openDataset(msg.path, msg.options ?? {}),
        });
      } else if (msg.op === "read") {
        const data = readFrames(msg.path, msg.handle!, msg.start!, msg.count!);
        parentPort!.postMessage({ id: msg.id, result: data }, [data.buffer as ArrayBuffer]);
      } else {
        const o = open.get(msg.handle!);
        open.delete(msg.handle!);
        try {
          o?.file.close();
        } catch { /* already closed */ }
        parentPort!.postMessage({ id: msg.id, result: null });
      }
    } catch (err) {
      const e = err instanceof SparsedynError
        ? { code: err.code, message: err.message, file: err.file }
        : (({ code, message, file }) => ({ code, message, file }))(
          hdf5FileError(msg.path, err, "read"),
        );
      parentPort!.postMessage({ id: msg.id, error: e });
    }
  },
);
parentPort!.postMessage({ id: -1, ready: true });
