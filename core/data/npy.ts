/**
 * A small NumPy `.npy` reader and writer for whole arrays (versions 1–3; `|u1 |i1 <u2 <i2
 * <u4 <i4 <f4 <f8`; C or Fortran order). Returned data are float64 in C order.
 *
 * @example Round trip
 * ```ts
 * import { decodeNpy, encodeNpy } from "./npy.ts";
 *
 * const bytes = encodeNpy(Float64Array.of(1, 2, 3, 4, 5, 6), [2, 3]);
 * const arr = decodeNpy(bytes, "a.npy");
 * if (arr.shape.join() !== "2,3" || arr.data[5] !== 6) throw new Error("round trip");
 * ```
 *
 * @module
 */
import { SparsedynError } from "../errors.ts";
import { npyHeader } from "./npy_writer.ts";

/** An array read from NPY: data in C (row-major) order and its shape. */
export interface NpyArray {
  /** Values as float64, C (row-major) order. */
  data: Float64Array;
  /** The array's shape. */
  shape: number[];
  /** The stored dtype descriptor, e.g. `<f4`. */
  dtype: string;
}

const DTYPES: Record<string, [number, (v: DataView, o: number) => number]> = {
  "|u1": [1, (v, o) => v.getUint8(o)],
  "|i1": [1, (v, o) => v.getInt8(o)],
  "<u2": [2, (v, o) => v.getUint16(o, true)],
  "<i2": [2, (v, o) => v.getInt16(o, true)],
  "<u4": [4, (v, o) => v.getUint32(o, true)],
  "<i4": [4, (v, o) => v.getInt32(o, true)],
  "<f4": [4, (v, o) => v.getFloat32(o, true)],
  "<f8": [8, (v, o) => v.getFloat64(o, true)],
};

/** What an NPY header says: element type, memory order, shape, where the data start. */
export interface NpyHeader {
  /** dtype descriptor, e.g. `<f4`. */
  descr: string;
  /** True when the data are in Fortran (column-major) order. */
  fortran: boolean;
  /** The array's shape. */
  shape: number[];
  /** Byte offset of the first element. */
  dataOffset: number;
  /** Bytes per element. */
  itemSize: number;
}

/**
 * Parses the header at the start of an NPY file.
 *
 * @param bytes At least the file's first `10 + header length` bytes (a short prefix is
 *   reported as a truncated header, with the length needed in `needed`).
 * @param file The file's name, for messages.
 * @returns The header.
 * @throws {SparsedynError} `BAD_FILE` naming the file and the reason.
 *
 * @example
 * ```ts
 * import { encodeNpy, parseNpyHeader } from "./npy.ts";
 *
 * const h = parseNpyHeader(encodeNpy(new Float64Array(6), [2, 3]), "a.npy");
 * if (h.shape.join() !== "2,3" || h.descr !== "<f8" || h.dataOffset % 64 !== 0) throw new Error("header");
 * ```
 */
export function parseNpyHeader(bytes: Uint8Array, file: string): NpyHeader {
  const bad = (why: string) =>
    new SparsedynError("BAD_FILE", `${file}: not a readable NPY file: ${why}`, { file });
  const magic = [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59];
  if (bytes.length < 10 || !magic.every((b, i) => bytes[i] === b)) {
    throw bad("missing the \\x93NUMPY magic");
  }
  const major = bytes[6];
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let headerLen: number, start: number;
  if (major === 1) {
    headerLen = view.getUint16(8, true);
    start = 10;
  } else if (major === 2 || major === 3) {
    if (bytes.length < 12) throw bad("truncated header");
    headerLen = view.getUint32(8, true);
    start = 12;
  } else throw bad(`unsupported version ${major}`);
  if (headerLen > 1 << 20) throw bad(`header of ${headerLen} bytes is implausibly long`);
  if (start + headerLen > bytes.length) throw bad("truncated header");
  const header = new TextDecoder(major === 3 ? "utf-8" : "latin1").decode(
    bytes.subarray(start, start + headerLen),
  );
  const descr = /'descr'\s*:\s*'([^']+)'/.exec(header)?.[1];
  const fortran = /'fortran_order'\s*:\s*(True|False)/.exec(header)?.[1];
  const shapeText = /'shape'\s*:\s*\(([^)]*)\)/.exec(header)?.[1];
  if (!descr || !fortran || shapeText === undefined) {
    throw bad(`malformed header ${JSON.stringify(header.trim())}`);
  }
  const key = descr === "=f8" ? "<f8" : descr;
  const dt = DTYPES[key];
  if (!dt) throw bad(`unsupported dtype '${descr}' (supported: ${Object.keys(DTYPES).join(" ")})`);
  const shape = shapeText.split(",").map((s) => s.trim()).filter((s) => s.length > 0).map(Number);
  if (shape.some((s) => !Number.isSafeInteger(s) || s < 0)) throw bad(`bad shape (${shapeText})`);
  return {
    descr: key,
    fortran: fortran === "True",
    shape,
    dataOffset: start + headerLen,
    itemSize: dt[0],
  };
}

/**
 * Converts `count` elements of dtype `descr` starting at `offset` of `view` into `out`.
 * Shared by the NPY readers.
 *
 * @param descr A dtype descriptor from {@link parseNpyHeader}.
 * @param view The bytes.
 * @param offset Byte offset of the first element.
 * @param count Number of elements.
 * @param out Receives the values.
 */
export function npyElements(
  descr: string,
  view: DataView,
  offset: number,
  count: number,
  out: Float32Array | Float64Array,
) {
  const [size, get] = DTYPES[descr];
  // Fast path: NPY data are little-endian like every platform Deno runs on, so an
  // aligned typed view reads them directly.
  const C = TYPED[descr];
  const at = view.byteOffset + offset;
  if (C && at % size === 0) {
    out.set(new C(view.buffer, at, count) as Uint8Array); // native conversion
    return;
  }
  for (let i = 0; i < count; i++) out[i] = get(view, offset + i * size);
}

const TYPED: Record<string, { new (b: ArrayBufferLike, o: number, n: number): ArrayLike<number> }> =
  {
    "|u1": Uint8Array,
    "|i1": Int8Array,
    "<u2": Uint16Array,
    "<i2": Int16Array,
    "<u4": Uint32Array,
    "<i4": Int32Array,
    "<f4": Float32Array,
    "<f8": Float64Array,
  };

/**
 * Decodes the bytes of an `.npy` file.
 *
 * @param bytes The whole file.
 * @param file Its name, for error messages.
 * @returns The array as float64 in C order.
 * @throws {SparsedynError} `BAD_FILE` naming the file and what is wrong with it.
 */
export function decodeNpy(bytes: Uint8Array, file: string): NpyArray {
  const h = parseNpyHeader(bytes, file);
  const { shape, descr } = h;
  const count = shape.reduce((a, b) => a * b, 1);
  const offset = h.dataOffset;
  const size = h.itemSize;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (bytes.length - offset < count * size) {
    throw new SparsedynError(
      "BAD_FILE",
      `${file}: not a readable NPY file: data holds ${bytes.length - offset} bytes, shape (${
        shape.join(", ")
      }) of ${descr} needs ${count * size}`,
      { file },
    );
  }
  const raw = new Float64Array(count);
  npyElements(descr, view, offset, count, raw);
  if (!h.fortran || shape.length < 2) return { data: raw, shape, dtype: descr };
  // Fortran order: the first index varies fastest. Reorder to C order.
  const data = new Float64Array(count);
  const strides = shape.map((_, k) => shape.slice(0, k).reduce((a, b) => a * b, 1));
  const idx = new Array(shape.length).fill(0);
  for (let c = 0; c < count; c++) {
    let f = 0;
    for (let k = 0; k < shape.length; k++) f += idx[k] * strides[k];
    data[c] = raw[f];
    for (let k = shape.length - 1; k >= 0; k--) {
      if (++idx[k] < shape[k]) break;
      idx[k] = 0;
    }
  }
  return { data, shape, dtype: descr };
}

/**
 * Encodes float64 data (C order) as an NPY version 1.0 file of dtype `<f8`.
 *
 * @param data The values, C order.
 * @param shape The shape; its product must equal `data.length`.
 * @returns The file's bytes.
 */
export function encodeNpy(data: Float64Array, shape: number[]): Uint8Array {
  const count = shape.reduce((a, b) => a * b, 1);
  if (count !== data.length) {
    throw new SparsedynError(
      "INVALID_ARGUMENT",
      `shape (${shape.join(", ")}) does not hold ${data.length} values`,
      {
        argument: "shape",
      },
    );
  }
  const header = npyHeader("<f8", shape);
  const out = new Uint8Array(header.length + data.byteLength);
  out.set(header);
  const view = new DataView(out.buffer, header.length);
  for (let i = 0; i < data.length; i++) view.setFloat64(i * 8, data[i], true);
  return out;
}
