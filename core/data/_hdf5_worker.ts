// Worker thread of the NWB / HDF5 reader: it owns the HDF5 library, so that a corrupt
// file that sends the library into an endless loop can be stopped by terminating this
// thread (see nwb_movie.ts), which a call on the caller's own thread could not be.
import { parentPort } from "node:worker_threads";
import { SparsedynError } from "../errors.ts";
import { attr, findDataset, type H5Kinds } from "./_hdf5_find_dataset.ts";
import { hdf5Cause, hdf5FileError, openHdf5 } from "./hdf5_open.ts";

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

/** Opens a file's movie dataset, checks it, and keeps it open under a new handle. */
async function openDataset(
  path: string,
  options: { dataset?: string; rate?: number },
): Promise<{ handle: number; info: Hdf5Info }> {
  const bad = (why: string) => new SparsedynError("BAD_FILE", `${path}: ${why}`, { file: path });
  const { h5wasm, file } = await openHdf5(path);
  try {
    const kinds: H5Kinds = {
      isDataset: (x: H5) => x instanceof h5wasm.Dataset,
      isGroup: (x: H5) => x instanceof h5wasm.Group,
    };
    const { dataPath, series, neurodataType } = findDataset(file, options.dataset, kinds, bad);
    const data = file.get(dataPath);
    const { shape, dtype } = movieShape(data, dataPath, bad);
    let rate = options.rate;
    if (rate === undefined) rate = seriesRate(series);
    if (rate === undefined) rate = opsRate(file);
    const metadata: Record<string, unknown> = {
      dataset: dataPath.startsWith("/") ? dataPath : `/${dataPath}`,
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
    throw openFailure(path, err);
  }
}

/** The dataset's shape, checked to be frames × height × width with frames, and its element type. */
function movieShape(
  data: H5,
  dataPath: string,
  bad: (why: string) => SparsedynError,
): { shape: number[]; dtype: string } {
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
  return { shape, dtype };
}

/**
 * An NWB series' frame rate: its `starting_time` rate, else the median interval of its
 * first 1001 timestamps, else its imaging plane's rate; undefined when none says.
 */
function seriesRate(series: H5 | undefined): number | undefined {
  if (!series) return undefined;
  let rate: number | undefined;
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
  return rate;
}

/** Suite2p's frame rate, from the `ops` JSON it stores beside the movie; undefined when absent. */
function opsRate(file: H5): number | undefined {
  if (!file.keys().includes("ops")) return undefined;
  try {
    const fs = Number(JSON.parse(String(file.get("ops").value)).fs);
    if (fs > 0) return fs;
  } catch { /* not Suite2p's ops */ }
  return undefined;
}

/** The error for a failed open: our own as it is, a missing permission as `IO`, else `BAD_FILE`. */
function openFailure(path: string, err: unknown): SparsedynError {
  if (err instanceof SparsedynError) return err;
  if (err instanceof Error && err.name === "NotCapable") {
    return new SparsedynError(
      "IO",
      `${path}: the HDF5 library needs a permission: ${err.message}`,
      { file: path, cause: err },
    );
  }
  // A corrupt file can make the HDF5 library fail anywhere; say so, with its root cause.
  return hdf5FileError(path, err, "read");
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
