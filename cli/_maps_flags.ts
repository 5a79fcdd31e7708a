// The flags and help of `sparsedyn maps`, as a table (cli/_command.ts).
import type { FlagTable } from "./_command.ts";
import { BACKEND_TABLE } from "./_backend_flag.ts";

export const MAPS_DESCRIPTION =
  `Which pixels the run's VAR prediction rests on. For each latent i, the prediction
ẑ_i(t) = c_i + Σ_k Σ_j A_k[i,j]·z_j(t−k) (A from the run's var.json) is attributed to the
pixels of the past frames by saliency (|∂ẑ_i/∂x|) and by integrated gradients (from the
movie's mean image), averaged over a sample of frames; each VAR edge j → i gets
|A_k[i,j]| times latent j's attribution; each latent's decoder footprint is
D(z̄ + sd·e_i) − D(z̄). Writes <run>/maps/: a float32 NPY and a PNG per map (colour map
over the mean image, colour bar with min and max) and maps.json, the index. The movie
defaults to the one the run was trained on; it goes through the run's preprocessing.`;

export const MAPS_FLAGS = {
  method: {
    type: "string",
    arg: "M",
    choices: ["saliency", "ig", "both"],
    default: "both",
    help: "saliency, ig or both",
  },
  steps: {
    type: "integer",
    min: 1,
    default: 16,
    arg: "M",
    help: "integrated gradients: trapezoid intervals",
  },
  frames: {
    type: "integer",
    min: 1,
    default: 64,
    arg: "N",
    help: "frames sampled, evenly spaced, for the time average",
  },
  edges: { type: "boolean", help: "also write one map per VAR edge" },
  force: { type: "boolean", help: "replace an existing <run>/maps/" },
  ...BACKEND_TABLE,
  json: { type: "boolean", help: "print one JSON object; progress as JSON lines on stderr" },
} as const satisfies FlagTable;
