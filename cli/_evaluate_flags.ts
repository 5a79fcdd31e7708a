// The flags and help of `sparsedyn evaluate`, as a table (cli/_command.ts).
import type { FlagTable } from "./_command.ts";
import { BACKEND_TABLE } from "./_backend_flag.ts";

export const EVALUATE_DESCRIPTION =
  `Judges a run's model on frames it did not train on, in pixel space, next to the simple
things a scientist already runs, on the same frames. Both movies go through the run's
preprocessing with its recorded statistics (the training movie's scale).

  reconstruction   MSE of decode(encode(frame)); the skip connection gets each window's
                   mean image, as in training. Baselines: that window mean image; PCA-k
                   fitted on the training frames; the window mean plus PCA-k of the frame's
                   departure from it (the model's own information: the mean image and k
                   numbers per frame).
  k-step forecast  the latents of the true frames up to t − k run forward k steps by the
                   run's VAR and decoded (skip: the mean of the L frames that end at t − k,
                   nothing from frame t on); the same targets for every method. Baselines:
                   persistence (frame t − k), the training mean image, that recent mean,
                   PCA-k with a lasso VAR (BIC) fitted on the training scores. "latent
                   persistence" decodes the latents of t − k.

k = the run's latent count and a small one. With --rois, the model's contribution map
(integrated gradients of the VAR's prediction, summed over latents, on the held-out frames)
and the mean, std, max and local-correlation images are scored against the cells: ROC AUC,
share of the map's contrast mass on cells, cells' share of the top 10% of pixels.

Writes <run>/evaluation.json (atomically).`;

export const EVALUATE_FLAGS = {
  heldout: {
    type: "string",
    arg: "M",
    help: "the held-out movie, or FILE[start:end] (required)",
  },
  training: {
    type: "string",
    arg: "M",
    help: "the training frames for the baselines (default: the run's movie)",
  },
  rois: {
    type: "string",
    arg: "FILE",
    help: `cells: neurofinder regions JSON, mask NPY (H×W or K×H×W), Suite2p
stat.npy (with iscell.npy beside it), NWB PlaneSegmentation`,
  },
  horizons: {
    type: "integers",
    min: 1,
    arg: "LIST",
    help: "forecast horizons in frames (default 1,2,5)",
  },
  components: {
    type: "integers",
    min: 1,
    arg: "LIST",
    help: "PCA component counts (default: latents and min(8, latents))",
  },
  "map-frames": {
    type: "integer",
    min: 1,
    arg: "N",
    help: "frames sampled for the contribution map (default 64)",
  },
  "map-steps": {
    type: "integer",
    min: 1,
    arg: "N",
    help: "integrated-gradient steps (default 16)",
  },
  ...BACKEND_TABLE,
  json: {
    type: "boolean",
    help: "print the evaluation as JSON; progress as JSON lines on stderr",
  },
} as const satisfies FlagTable;
