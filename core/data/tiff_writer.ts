/**
 * Streaming multi-page TIFF writer: one uncompressed page per frame (uint8, uint16, int16
 * or float32), appended frame by frame, so movies of any length are written in bounded
 * memory. Files that would pass 4 GiB are written as BigTIFF. Like `NpyWriter`, the file
 * is built under a temporary name and renamed into place by `close()`.
 *
 * @example
 * ```ts
 * import { TiffWriter } from "./tiff_writer.ts";
 * import { openMovie } from "./movie.ts";
 *
 * const dir = await Deno.makeTempDir();
 * const w = await TiffWriter.create(`${dir}/a.tif`, { frames: 3, height: 2, width: 2, type: "uint16" });
 * for (let t = 0; t < 3; t++) await w.write(Uint16Array.of(t, t, t, t));
 * await w.close();
 * const m = await openMovie(`${dir}/a.tif`);
 * if (m.frames !== 3 || (await m.read(2, 1))[0] !== 2) throw new Error("round trip");
 * m.close();
 * await Deno.remove(dir, { recursive: true });
 * ```
 *
 * @module
 */
import { SparsedynError } from "../errors.ts";
import { PartialFile } from "./_partial_file.ts";

/** Sample types the writer produces. */
export type TiffWriteType = "uint8" | "uint16" | "int16" | "float32";

const TYPES: Record<
  TiffWriteType,
  { bytes: number; format: number; array: new (n: number) => ArrayBufferView }
> = {
  uint8: { bytes: 1, format: 1, array: Uint8Array },
  uint16: { bytes: 2, format: 1, array: Uint16Array },
  int16: { bytes: 2, format: 2, array: Int16Array },
  float32: { bytes: 4, format: 3, array: Float32Array },
};

/** Writes one TIFF movie frame by frame; see the module documentation. */
export class TiffWriter {
  #out: PartialFile;
  #frames: number;
  #written = 0;
  #pageBytes: number;
  #ifdBytes: number;
  #big: boolean;
  #height: number;
  #width: number;
  #type: TiffWriteType;
  #pos: number;

  private constructor(
    out: PartialFile,
    o: { frames: number; height: number; width: number; type: TiffWriteType },
    big: boolean,
    headerBytes: number,
  ) {
    this.#out = out;
    this.#frames = o.frames;
    this.#height = o.height;
    this.#width = o.width;
    this.#type = o.type;
    this.#big = big;
    this.#ifdBytes = big ? 8 + 10 * 20 + 8 : 2 + 10 * 12 + 4;
    this.#pageBytes = this.#ifdBytes + o.height * o.width * TYPES[o.type].bytes;
    this.#pos = headerBytes;
  }

  /**
   * Starts a file for `frames` frames of `height`×`width` samples of `type`.
   *
   * @param path Target file (replaced only by `close()`).
   * @param o Number of frames, frame size and sample type.
   * @returns The writer.
   * @throws {SparsedynError} `IO` when the file cannot be created; `INVALID_ARGUMENT` for sizes out of range.
   */
  static async create(
    path: string,
    o: { frames: number; height: number; width: number; type: TiffWriteType },
  ): Promise<TiffWriter> {
    for (const k of ["frames", "height", "width"] as const) {
      if (!Number.isInteger(o[k]) || o[k] < 1) {
        throw new SparsedynError("INVALID_ARGUMENT", `${k} must be an integer ≥ 1; got ${o[k]}`, {
          argument: k,
        });
      }
    }
    if (!TYPES[o.type]) {
      throw new SparsedynError(
        "INVALID_ARGUMENT",
        `type must be one of ${Object.keys(TYPES).join(", ")}`,
        { argument: "type" },
      );
    }
    const classicTotal = 8 +
      o.frames * (2 + 10 * 12 + 4 + o.height * o.width * TYPES[o.type].bytes);
    const big = classicTotal > 0xfff00000;
    const out = await PartialFile.create(path);
    const head = new Uint8Array(big ? 16 : 8);
    const v = new DataView(head.buffer);
    head.set([0x49, 0x49]);
    if (big) {
      v.setUint16(2, 43, true);
      v.setUint16(4, 8, true);
      v.setBigUint64(8, 16n, true);
    } else {
      v.setUint16(2, 42, true);
      v.setUint32(4, 8, true);
    }
    try {
      await out.write(head);
    } catch (err) {
      await out.abort();
      throw err;
    }
    return new TiffWriter(out, o, big, head.length);
  }

  /**
   * Appends one frame.
   *
   * @param frame height × width samples of the writer's type.
   * @throws {SparsedynError} For a frame of the wrong size or type, or one too many.
   */
  async write(frame: Uint8Array | Uint16Array | Int16Array | Float32Array): Promise<void> {
    const n = this.#height * this.#width;
    if (frame.length !== n || !(frame instanceof TYPES[this.#type].array)) {
      throw new SparsedynError(
        "INVALID_ARGUMENT",
        `frame must be a ${this.#type} array of ${n} samples`,
        { argument: "frame" },
      );
    }
    if (this.#written >= this.#frames) {
      throw new SparsedynError(
        "INVALID_ARGUMENT",
        `${this.#out.path}: more than ${this.#frames} frames`,
        { file: this.#out.path },
      );
    }
    const { bytes, format } = TYPES[this.#type];
    const ifd = new Uint8Array(this.#ifdBytes);
    const v = new DataView(ifd.buffer);
    const dataAt = this.#pos + this.#ifdBytes;
    const next = this.#written + 1 < this.#frames ? this.#pos + this.#pageBytes : 0;
    const entries: [number, number, number][] = [
      [256, 4, this.#width],
      [257, 4, this.#height],
      [258, 3, bytes * 8],
      [259, 3, 1],
      [262, 3, 1],
      [273, this.#big ? 16 : 4, dataAt],
      [277, 3, 1],
      [278, 4, this.#height],
      [279, this.#big ? 16 : 4, n * bytes],
      [339, 3, format],
    ];
    if (this.#big) {
      v.setBigUint64(0, BigInt(entries.length), true);
      entries.forEach(([tag, type, value], i) => {
        const e = 8 + 20 * i;
        v.setUint16(e, tag, true);
        v.setUint16(e + 2, type, true);
        v.setBigUint64(e + 4, 1n, true);
        if (type === 3) v.setUint16(e + 12, value, true);
        else if (type === 4) v.setUint32(e + 12, value, true);
        else v.setBigUint64(e + 12, BigInt(value), true);
      });
      v.setBigUint64(8 + 20 * entries.length, BigInt(next), true);
    } else {
      v.setUint16(0, entries.length, true);
      entries.forEach(([tag, type, value], i) => {
        const e = 2 + 12 * i;
        v.setUint16(e, tag, true);
        v.setUint16(e + 2, type, true);
        v.setUint32(e + 4, 1, true);
        if (type === 3) v.setUint16(e + 8, value, true);
        else v.setUint32(e + 8, value, true);
      });
      v.setUint32(2 + 12 * entries.length, next, true);
    }
    await this.#out.write(ifd);
    await this.#out.write(new Uint8Array(frame.buffer, frame.byteOffset, frame.byteLength));
    this.#pos += this.#pageBytes;
    this.#written++;
  }

  /**
   * Finishes the file and moves it into place.
   *
   * @throws {SparsedynError} When fewer frames were written than announced.
   */
  async close(): Promise<void> {
    if (this.#written !== this.#frames) {
      await this.#out.abort();
      throw new SparsedynError(
        "INVALID_ARGUMENT",
        `${this.#out.path}: ${this.#frames - this.#written} frames missing`,
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
