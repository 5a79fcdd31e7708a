// The flags that select what a movie file yields (shared by the commands that read movies).
import type { MovieOptions } from "../core/data/movie.ts";
import type { Flags, FlagTable } from "./_command.ts";

const MOVIE = "Movie selection";

/** The flags as a table for `defineCommand` (cli/_command.ts), checked as they parse. */
export const MOVIE_TABLE = {
  channels: {
    type: "integer",
    min: 1,
    arg: "N",
    group: MOVIE,
    help: "interleaved channels (TIFF; default from the metadata)",
  },
  channel: { type: "integer", min: 0, arg: "C", group: MOVIE, help: "the channel to read" },
  planes: { type: "integer", min: 1, arg: "N", group: MOVIE, help: "interleaved planes (TIFF)" },
  plane: { type: "integer", min: 0, arg: "Z", group: MOVIE, help: "the plane to read" },
  dataset: {
    type: "string",
    arg: "PATH",
    group: MOVIE,
    help: "NWB / HDF5 dataset (default: the imaging series found)",
  },
  height: {
    type: "integer",
    min: 1,
    arg: "H",
    group: MOVIE,
    help: "frame height for (T, H·W) NPY or a Suite2p data.bin without ops.npy",
  },
  width: { type: "integer", min: 1, arg: "W", group: MOVIE, help: "frame width, likewise" },
  rate: {
    type: "number",
    min: 0,
    exclusiveMin: true,
    arg: "HZ",
    group: MOVIE,
    help: "frame rate, overriding the file's",
  },
} as const satisfies FlagTable;

/** The movie options from flags parsed against MOVIE_TABLE. */
export function movieSelection(f: Partial<Flags<typeof MOVIE_TABLE>>): MovieOptions {
  return {
    channels: f.channels,
    channel: f.channel,
    planes: f.planes,
    plane: f.plane,
    dataset: f.dataset,
    height: f.height,
    width: f.width,
    rate: f.rate,
  };
}
