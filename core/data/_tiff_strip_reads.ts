/**
 * Reading the strips and tiles of several TIFF pages in few calls (`tiff_movie.ts`): pages
 * usually follow each other with only a directory between them, so nearby byte ranges are
 * merged into spans, read into one buffer kept between reads.
 *
 * @module
 */
import type { SparsedynError } from "../errors.ts";
import type { FileReader } from "./_file_reader.ts";
import type { Fetch } from "./_tiff_decode.ts";

/** Ranges closer than this (bytes) are read in one span, gap included. */
const MAX_GAP = 65536;
/** The longest span read at once (bytes). */
const MAX_SPAN = 1 << 26;

/**
 * Merges byte ranges ([offset, length], sorted by offset) into spans [from, to) that cover
 * them: far fewer reads than one per strip.
 */
export function mergeRanges(ranges: [number, number][]): [number, number][] {
  const spans: [number, number][] = [];
  for (let r = 0; r < ranges.length;) {
    let [from, to] = [ranges[r][0], ranges[r][0] + ranges[r][1]];
    let k = r + 1;
    while (
      k < ranges.length && ranges[k][0] - to <= MAX_GAP &&
      Math.max(to, ranges[k][0] + ranges[k][1]) - from <= MAX_SPAN
    ) {
      to = Math.max(to, ranges[k][0] + ranges[k][1]);
      k++;
    }
    spans.push([from, to]);
    r = k;
  }
  return spans;
}

/** Reads strip bytes of a file into a scratch buffer it keeps; one read at a time. */
export class StripReader {
  #scratch = new Uint8Array(0);

  constructor(
    private file: FileReader,
    private bad: (why: string) => SparsedynError,
  ) {}

  /**
   * Reads the byte ranges ([offset, length]) and returns where to find any of them. The
   * bytes live in the scratch buffer until the next call.
   *
   * @param ranges The ranges, sorted by offset.
   * @param what What is read, for the error of a short read.
   * @throws {SparsedynError} `BAD_FILE` for data beyond the end of the file.
   */
  async read(ranges: [number, number][], what: string): Promise<Fetch> {
    const { file, bad } = this;
    const spans = mergeRanges(ranges);
    // All spans into one buffer kept between reads: no allocation (and zeroing) per read.
    const total = spans.reduce((a, [f, t]) => a + t - f, 0);
    const beyond = spans.find(([, t]) => t > file.size);
    if (beyond) {
      throw bad(
        `truncated: strip data end at byte ${
          beyond[1]
        }, beyond the end of the file (${file.size} bytes)`,
      );
    }
    if (this.#scratch.length < total) this.#scratch = new Uint8Array(total);
    const blocks: { at: number; bytes: Uint8Array }[] = [];
    let pos = 0;
    for (const [from, to] of spans) {
      const bytes = await file.readInto(from, this.#scratch.subarray(pos, pos + to - from), what);
      blocks.push({ at: from, bytes });
      pos += to - from;
    }
    return (o, n) => {
      for (const b of blocks) {
        if (o >= b.at && o + n <= b.at + b.bytes.length) {
          return b.bytes.subarray(o - b.at, o - b.at + n);
        }
      }
      throw bad(`truncated: strip at byte ${o} (+${n}) was not read`);
    };
  }
}
