/**
 * Streaming NPY writer: the header is written first (the shape is known in advance), then
 * frames are appended chunk by chunk, so arrays larger than memory can be written. The
 * file is built under a temporary name and renamed into place by `close()`; `abort()` (or
 * a crash) leaves no half-written target.
 *
 * @example
 * ```ts
 * import { NpyWriter } from "./npy_writer.ts";
 * import { decodeNpy } from "./npy.ts";
 *
 * const dir = await Deno.makeTempDir();
 * const w = await NpyWriter.create(`${dir}/a.npy`, [2, 3], "<f4");
 * await w.write(Float32Array.of(1, 2, 3));
 * await w.write(Float32Array.of(4, 5, 6));
 * await w.close();
 * const a = decodeNpy(await Deno.readFile(`${dir}/a.npy`), "a.npy");
 * if (a.data.join() !== "1,2,3,4,5,6") throw new Error("round trip");
 * await Deno.remove(dir, { recursive: true });
 * ```
 *
 * @module
 */
import { SparsedynError } from "../errors.ts";
import { PartialFile } from "./_partial_file.ts";

/** Element types the writer produces. */
export type NpyWriteType = "<f4" | "<f8";

/** NPY 1.0 header for `descr` and `shape`, padded to a multiple of 64 bytes. */
export function npyHeader(descr: string, shape: number[]): Uint8Array {
  const shapeText = shape.length === 1 ? `(${shape[0]},)` : `(${shape.join(", ")})`;
  let header = `{'descr': '${descr}', 'fortran_order': False, 'shape': ${shapeText}, }`;
  header += " ".repeat((64 - ((10 + header.length + 1) % 64)) % 64) + "\n";
  const out = new Uint8Array(10 + header.length);
  out.set([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 1, 0]);
  new DataView(out.buffer).setUint16(8, header.length, true);
  out.set(new TextEncoder().encode(header), 10);
  return out;
}

/** Writes one NPY file in chunks; see the module documentation. */
export class NpyWriter {
  #out: PartialFile;
  #remaining: number;
  #type: NpyWriteType;

  private constructor(out: PartialFile, count: number, type: NpyWriteType) {
    this.#out = out;
    this.#remaining = count;
    this.#type = type;
  }

  /**
   * Starts a file of the given shape and type.
   *
   * @param path Target file (replaced only by `close()`).
   * @param shape The array's shape; the product of its entries is the element count.
   * @param type `<f4` (default) or `<f8`.
   * @returns The writer.
   * @throws {SparsedynError} `IO` when the file cannot be created.
   */
  static async create(
    path: string,
    shape: number[],
    type: NpyWriteType = "<f4",
  ): Promise<NpyWriter> {
    const out = await PartialFile.create(path);
    try {
      await out.write(npyHeader(type, shape));
    } catch (err) {
      await out.abort();
      throw err;
    }
    return new NpyWriter(out, shape.reduce((a, b) => a * b, 1), type);
  }

  /**
   * Appends values (C order).
   *
   * @param values The next values; their type must match the file's.
   * @throws {SparsedynError} When more values are written than the shape holds.
   */
  async write(values: Float32Array | Float64Array): Promise<void> {
    if ((this.#type === "<f4") !== (values instanceof Float32Array)) {
      throw new SparsedynError(
        "INVALID_ARGUMENT",
        `values must be ${this.#type === "<f4" ? "Float32Array" : "Float64Array"}`,
        {
          argument: "values",
        },
      );
    }
    if (values.length > this.#remaining) {
      throw new SparsedynError(
        "INVALID_ARGUMENT",
        `${this.#out.path}: more values than the shape holds`,
        { file: this.#out.path },
      );
    }
    this.#remaining -= values.length;
    // NPY is little-endian, like every platform Deno runs on.
    await this.#out.write(new Uint8Array(values.buffer, values.byteOffset, values.byteLength));
  }

  /**
   * Finishes the file and moves it into place.
   *
   * @throws {SparsedynError} When fewer values were written than the shape holds.
   */
  async close(): Promise<void> {
    if (this.#remaining !== 0) {
      await this.#out.abort();
      throw new SparsedynError(
        "INVALID_ARGUMENT",
        `${this.#out.path}: ${this.#remaining} values missing for its shape`,
        {
          file: this.#out.path,
        },
      );
    }
    await this.#out.commit();
  }

  /** Drops the partial file; the target is left as it was. */
  abort(): Promise<void> {
    return this.#out.abort();
  }
}
