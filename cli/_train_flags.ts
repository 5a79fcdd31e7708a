// The flags and help of `sparsedyn train`, as a table (cli/_command.ts).
import type { FlagTable } from "./_command.ts";

export const TRAIN_DESCRIPTION =
  `Preprocesses the movie (block-mean downsampling; by default the whole movie scaled to
mean 0 and variance 1 — one mean and sd for all pixels, recorded in the run and applied to
every movie it processes later), trains the convolutional autoencoder in the chosen mode,
encodes the whole movie, fits the VAR of the latents (lasso path, BIC per equation) and
writes the run folder DIR: config.json,
metrics.jsonl, weights/, latents.npy, mean_image.npy, var.json. DIR must not exist.`;

export const TRAIN_FLAGS = {
  out: { type: "string", arg: "DIR", help: "run folder (required)" },
  config: {
    type: "string",
    arg: "FILE",
    help: `JSON settings (architecture, loss weights, any option below;
docs/run-folder.md); flags given here override it`,
  },
  mode: {
    type: "string",
    arg: "M",
    choices: ["ae", "two-stage", "end-to-end"],
    help: "ae, two-stage or end-to-end (default end-to-end)",
  },
  skip: {
    type: "string",
    arg: "S",
    choices: ["residual", "mean", "none"],
    help: `residual (default: a static code of the window's mean image into
the decoder, whose output is added to the mean image), mean (the
static code only) or none`,
  },
  epochs: { type: "integer", min: 1, arg: "N", help: "passes over the windows (default 10)" },
  latents: {
    type: "integer",
    min: 1,
    arg: "D",
    help: `latent dimensions (default: the most, up to the default
encoder's, whose VAR fits a window: p·D < L − p); the encoder's
depth gives exactly D, and without --window the window grows
to fit`,
  },
  window: {
    type: "integer",
    min: 2,
    arg: "L",
    help: "frames per window (default min(64, frames), or what\n--latents needs)",
  },
  stride: { type: "integer", min: 1, arg: "S", help: "step between windows (default L/2)" },
  batch: { type: "integer", min: 1, arg: "B", help: "windows per optimisation step (default 1)" },
  schedule: {
    type: "string",
    arg: "S",
    choices: ["cosine", "constant"],
    help: "learning rate over the run: cosine (default: decays to 1%) or\nconstant",
  },
  "clip-norm": {
    type: "number",
    min: 0,
    exclusiveMin: true,
    arg: "N",
    help: "clip each step's gradient to global norm N (default: none)",
  },
  lags: { type: "integer", min: 1, arg: "P", help: "VAR order (default 1)" },
  "lambda-fraction": {
    type: "number",
    min: 0,
    exclusiveMin: true,
    arg: "F",
    help: "VAR λ as a fraction of λ_max during training (default 0.1)",
  },
  bic: { type: "boolean", help: "instead: each window's λ per equation by BIC along its path" },
  "learning-rate": {
    type: "number",
    min: 0,
    exclusiveMin: true,
    arg: "R",
    help: "Adam step size (default 0.001)",
  },
  downsample: { type: "integer", min: 1, arg: "K", help: "K×K block mean first (default 1)" },
  seed: { type: "integer", arg: "S", help: "seed of weights and window order (default 1)" },
  validation: {
    type: "number",
    min: 0,
    arg: "F",
    help: "share of frames held out for validation (default 0)",
  },
  patience: {
    type: "integer",
    min: 1,
    arg: "N",
    help: "stop after N epochs without a better validation loss",
  },
  resume: { type: "boolean", help: "continue from DIR.checkpoint (left by an interrupted run)" },
  json: { type: "boolean", help: "print the summary as JSON; progress as JSON lines on stderr" },
} as const satisfies FlagTable;
