// `sparsedyn inspect <file>`: what a movie file holds, without loading it.
import { inspectMovie } from "../core/data/inspect.ts";
import { openMovie } from "../core/data/movie.ts";
import { UsageError } from "./_flags.ts";
import { defineCommand } from "./_command.ts";
import { MOVIE_TABLE, movieSelection } from "./_movie_flags.ts";
import { printMovieSummary } from "./_movie_summary.ts";

export const inspect = defineCommand("inspect", {
  summary: "show what a movie file holds (shape, type, rate, statistics, sparkline)",
  synopsis: "<file> [options]",
  description: `Shows a movie's format, shape, type, frame rate, size on disk and in memory, pixel
statistics on evenly spaced sample frames, and the mean of each sampled frame over time
as a sparkline. Reads TIFF, NWB / HDF5, NPY and Suite2p data.bin.`,
  flags: {
    samples: { type: "integer", min: 1, arg: "N", default: 600, help: "frames to sample" },
    json: { type: "boolean", help: "print the summary as JSON" },
    ...MOVIE_TABLE,
  },
  async run(f, positionals) {
    if (positionals.length !== 1) {
      throw new UsageError(positionals.length ? "give one file" : "give the movie file to inspect");
    }
    const movie = await openMovie(positionals[0], movieSelection(f));
    try {
      const s = await inspectMovie(movie, f.samples);
      if (f.json) console.log(JSON.stringify(s));
      else printMovieSummary(s);
      return 0;
    } finally {
      movie.close();
    }
  },
});
