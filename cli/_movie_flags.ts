// The flags that select what a movie file yields (shared by the commands that read movies).
import type { MovieOptions } from "../core/data/movie.ts";
import { type FlagSpec, numberFlag } from "./_flags.ts";

export const MOVIE_FLAGS = {
  channels: { type: "string" },
  channel: { type: "string" },
  planes: { type: "string" },
  plane: { type: "string" },
  dataset: { type: "string" },
  height: { type: "string" },
  width: { type: "string" },
  rate: { type: "string" },
} satisfies FlagSpec;

export const MOVIE_USAGE = `Movie selection:
  --channels N --channel C   interleaved channels (TIFF; default from the metadata) and the one to read
  --planes N --plane Z       interleaved planes (TIFF) and the one to read
  --dataset PATH             NWB / HDF5 dataset (default: the imaging series found)
  --height H --width W       frame size for (T, H·W) NPY or a Suite2p data.bin without ops.npy
  --rate HZ                  frame rate, overriding the file's`;

export function movieOptions(v: Partial<Record<keyof typeof MOVIE_FLAGS, string>>): MovieOptions {
  const int = (x: string | undefined, f: string, min: number) =>
    numberFlag(x, f, { integer: true, min });
  return {
    channels: int(v.channels, "--channels", 1),
    channel: int(v.channel, "--channel", 0),
    planes: int(v.planes, "--planes", 1),
    plane: int(v.plane, "--plane", 0),
    dataset: v.dataset,
    height: int(v.height, "--height", 1),
    width: int(v.width, "--width", 1),
    rate: numberFlag(v.rate, "--rate", { min: 0, exclusiveMin: true }),
  };
}
