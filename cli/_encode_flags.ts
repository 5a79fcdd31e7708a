// The flags and help of `sparsedyn encode`, as a table (cli/_command.ts).
import { BACKEND_NAMES } from "../core/model/backend.ts";
import type { FlagTable } from "./_command.ts";
import { MOVIE_TABLE } from "./_movie_flags.ts";

export const ENCODE_DESCRIPTION =
  `Encodes whole recordings with the run's encoder: each movie is streamed through the
run's preprocessing in chunks and the encoder, into an NPY file of latents (float32,
frames × d, the order of var.json). Memory stays bounded for any length. An encode that
was killed continues where it stopped when started again with the same arguments
(progress is kept in OUT.partial and OUT.partial.json); none is duplicated or dropped.

Outputs: --out FILE for one movie; for several, --out DIR (created) gets
<name>.latents.npy for each. Without --out, <name>.latents.npy in the current folder.
An existing output is never replaced.`;

export const ENCODE_FLAGS = {
  out: { type: "string", arg: "PATH", help: "output file (one movie) or folder (several)" },
  engine: {
    type: "string",
    arg: "E",
    choices: ["ort", "tfjs"],
    default: "ort",
    help: "ort (onnxruntime-node on the exported encoder) or tfjs",
  },
  device: {
    type: "string",
    arg: "D",
    choices: ["cpu", "cuda"],
    default: "cpu",
    help: `cpu or cuda (ort with onnxruntime's CUDA provider installed,
or tfjs with --backend torch)`,
  },
  backend: {
    type: "string",
    arg: "B",
    choices: BACKEND_NAMES,
    help: "tfjs engine's backend: wasm (default), torch (libtorch; see train), cpu,\nwebgpu",
  },
  chunk: { type: "integer", min: 1, default: 256, arg: "N", help: "frames per chunk" },
  threads: {
    type: "integer",
    min: 1,
    arg: "N",
    help: "ort: threads per operator (default: onnxruntime's choice)",
  },
  checkpoint: {
    type: "number",
    min: 0,
    default: 1,
    arg: "S",
    help: "seconds between two records of progress on disk (0: every chunk)",
  },
  "var-window": {
    type: "integer",
    min: 3,
    arg: "L",
    help: `also fit one sparse VAR per window of L frames (lasso, λ per equation by
BIC) and write <out>.var.npy (windows × p × d × d) and <out>.var.json`,
  },
  "var-stride": {
    type: "integer",
    min: 1,
    arg: "S",
    help: "step between those windows (default L)",
  },
  "var-lags": { type: "integer", min: 1, arg: "P", help: "their VAR order (default: the run's)" },
  json: { type: "boolean", help: "print the results as JSON; progress as JSON lines on stderr" },
  ...MOVIE_TABLE,
} as const satisfies FlagTable;
