// `sparsedyn inspect <file>`: what a movie file holds, without loading it.
import { humanBytes, inspectMovie, sparkline } from "../core/data/inspect.ts";
import { openMovie } from "../core/data/movie.ts";
import { type Command, numberFlag, parseFlags, UsageError } from "./_flags.ts";
import { MOVIE_FLAGS, MOVIE_USAGE, movieOptions } from "./_movie_flags.ts";

const usage = `Usage: sparsedyn inspect <file> [options]

Shows a movie's format, shape, type, frame rate, size on disk and in memory, pixel
statistics on evenly spaced sample frames, and the mean of each sampled frame over time
as a sparkline. Reads TIFF, NWB / HDF5, NPY and Suite2p data.bin.

Options:
  --samples N   frames to sample (default 600)
  --json        print the summary as JSON
  -h, --help    show this help

${MOVIE_USAGE}`;

export const inspect: Command = {
  summary: "show what a movie file holds (shape, type, rate, statistics, sparkline)",
  usage,
  async run(argv) {
    const { values, positionals } = parseFlags(argv, {
      ...MOVIE_FLAGS,
      samples: { type: "string" },
      json: { type: "boolean" },
      help: { type: "boolean", short: "h" },
    });
    if (values.help) {
      console.log(usage);
      return 0;
    }
    if (positionals.length !== 1) {
      throw new UsageError(positionals.length ? "give one file" : "give the movie file to inspect");
    }
    const samples = numberFlag(values.samples, "--samples", { integer: true, min: 1 }) ?? 600;
    const movie = await openMovie(positionals[0], movieOptions(values));
    try {
      const s = await inspectMovie(movie, samples);
      if (values.json) {
        console.log(JSON.stringify(s));
        return 0;
      }
      console.log(`${s.path}`);
      console.log(
        `  format      ${s.format}${s.metadata.compression ? ` (${s.metadata.compression})` : ""}`,
      );
      console.log(`  shape       ${s.frames} frames × ${s.height} × ${s.width} ${s.dtype}`);
      console.log(
        `  rate        ${s.rate ? `${s.rate} Hz, ${s.seconds!.toFixed(1)} s` : "unknown"}`,
      );
      console.log(
        `  on disk     ${humanBytes(s.fileBytes)}; a full float32 load needs ${
          humanBytes(s.loadBytes)
        }`,
      );
      console.log(
        `  pixels      min ${s.min}  mean ${
          s.mean.toFixed(3)
        }  max ${s.max}  (${s.sampled.length} sampled frames)`,
      );
      console.log(`  frame mean  ${sparkline(s.frameMeans)}`);
      const extra = Object.entries(s.metadata).filter(([k]) => k !== "compression");
      if (extra.length) {
        console.log(
          `  metadata    ${extra.map(([k, v]) => `${k}=${JSON.stringify(v)}`).join(" ")}`,
        );
      }
      return 0;
    } finally {
      movie.close();
    }
  },
};
