// What `sparsedyn inspect` prints for a movie: one aligned line per property.
import { humanBytes, type MovieSummary, sparkline } from "../core/data/inspect.ts";

/** Prints `s` as the aligned lines of `sparsedyn inspect`. */
export function printMovieSummary(s: MovieSummary): void {
  const compression = s.metadata.compression ? ` (${s.metadata.compression})` : "";
  const rate = s.rate ? `${s.rate} Hz, ${s.seconds!.toFixed(1)} s` : "unknown";
  const extra = Object.entries(s.metadata).filter(([k]) => k !== "compression");
  const lines = [
    s.path,
    `  format      ${s.format}${compression}`,
    `  shape       ${s.frames} frames × ${s.height} × ${s.width} ${s.dtype}`,
    `  rate        ${rate}`,
    `  on disk     ${humanBytes(s.fileBytes)}; a full float32 load needs ${
      humanBytes(s.loadBytes)
    }`,
    `  pixels      min ${s.min}  mean ${
      s.mean.toFixed(3)
    }  max ${s.max}  (${s.sampled.length} sampled frames)`,
    `  frame mean  ${sparkline(s.frameMeans)}`,
  ];
  if (extra.length) {
    lines.push(`  metadata    ${extra.map(([k, v]) => `${k}=${JSON.stringify(v)}`).join(" ")}`);
  }
  console.log(lines.join("\n"));
}
