/**
 * What a file looks like from its first bytes, in words a person recognises ("text, which
 * begins "hello world"", "an HDF5 file", "a PNG image"): for the message when a file is
 * not the format its name promises.
 *
 * @example
 * ```ts
 * import { describeBytes } from "./file_kind.ts";
 *
 * const text = describeBytes(new TextEncoder().encode("frame,value\n1,2\n"));
 * if (!text.startsWith("text") || !text.includes("frame,value")) throw new Error(text);
 * if (describeBytes(new Uint8Array([0x89, 0x50, 0x4e, 0x47, 13, 10, 26, 10])) !== "a PNG image") {
 *   throw new Error("png");
 * }
 * ```
 *
 * @module
 */

const SIGNATURES: [number[], string][] = [
  [[0x89, 0x48, 0x44, 0x46, 0x0d, 0x0a, 0x1a, 0x0a], "an HDF5 file (NWB, .h5)"],
  [[0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59], "a NumPy .npy array"],
  [[0x49, 0x49, 0x2a, 0x00], "a TIFF image"],
  [[0x4d, 0x4d, 0x00, 0x2a], "a TIFF image"],
  [[0x49, 0x49, 0x2b, 0x00], "a BigTIFF image"],
  [[0x4d, 0x4d, 0x00, 0x2b], "a BigTIFF image"],
  [[0x89, 0x50, 0x4e, 0x47], "a PNG image"],
  [[0xff, 0xd8, 0xff], "a JPEG image"],
  [[0x47, 0x49, 0x46, 0x38], "a GIF image"],
  [[0x50, 0x4b, 0x03, 0x04], "a ZIP archive (or .npz, .docx, .xlsx)"],
  [[0x1f, 0x8b], "a gzip-compressed file"],
  [[0x25, 0x50, 0x44, 0x46], "a PDF document"],
  [[0x1a, 0x45, 0xdf, 0xa3], "a Matroska / WebM video"],
  [[0x52, 0x49, 0x46, 0x46], "a RIFF file (AVI or WAV)"],
  [[0x80], "a Python pickle"],
];

/**
 * Describes a file's content from its first bytes (a few hundred are plenty).
 *
 * @param head The file's first bytes.
 * @returns A phrase such as `an empty file`, `a PNG image`, or `text, which begins "…"`;
 *   `binary data of an unknown kind (first bytes 00 01 …)` when nothing matches.
 */
export function describeBytes(head: Uint8Array): string {
  if (head.length === 0) return "an empty file";
  for (const [sig, what] of SIGNATURES) {
    if (head.length >= sig.length && sig.every((b, i) => head[i] === b)) return what;
  }
  if (head.length >= 12 && ascii(head.subarray(4, 8)) === "ftyp") return "an MP4 / QuickTime video";
  const sample = head.subarray(0, 256);
  let text: string | undefined;
  try {
    text = new TextDecoder("utf-8", { fatal: true }).decode(sample);
  } catch {
    // A multi-byte character cut at the sample's end is still text.
    try {
      text = new TextDecoder("utf-8", { fatal: true }).decode(sample.subarray(0, -3));
    } catch {
      text = undefined;
    }
  }
  // Text: no control characters other than tab, newline, carriage return, form feed.
  // deno-lint-ignore no-control-regex -- finding control characters is the point
  if (text !== undefined && !/[\x00-\x08\x0e-\x1f\x7f]/.test(text)) {
    const start = text.replace(/\s+/g, " ").trim().slice(0, 40);
    const kind = /^\s*<(!doctype html|html)/i.test(text)
      ? "an HTML page"
      : /^\s*[{[]/.test(text)
      ? "text (JSON?)"
      : "text";
    return start ? `${kind}, which begins "${start}"` : "blank text";
  }
  const hex = Array.from(head.subarray(0, 8), (b) => b.toString(16).padStart(2, "0")).join(" ");
  return `binary data of an unknown kind (first bytes ${hex})`;
}

function ascii(b: Uint8Array): string {
  return String.fromCharCode(...b);
}
