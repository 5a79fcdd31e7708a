/**
 * Each latent's decoder footprint: what the decoder draws when one latent moves by one
 * standard deviation from the mean latent, the rest held at the mean,
 * D(z̄ + s_i·e_i, static) − D(z̄, static), with the static code of the mean image when the
 * model has the skip connection. It shows where in the frame a latent "lives" on the
 * output side, as the attribution maps show it on the input side.
 *
 * @example
 * ```ts
 * import { decoderFootprints } from "./footprints.ts";
 * import { createCae, defaultCaeConfig } from "../model/cae.ts";
 * import { tf } from "../model/tf.ts";
 *
 * await tf.setBackend("cpu");
 * const cae = createCae(defaultCaeConfig(8, 8), 1);
 * const d = cae.latentSize;
 * const f = await decoderFootprints(cae, new Float32Array(64), new Float64Array(d), new Float64Array(d).fill(1));
 * if (f.length !== d * 64) throw new Error("d×H×W");
 * ```
 *
 * @module
 */
import { SparsedynError } from "../errors.ts";
import type { Cae } from "../model/cae.ts";
import { type Tensor4D, tf } from "../model/tf.ts";

/**
 * The decoder footprint of every latent.
 *
 * @param cae The model.
 * @param meanImage H×W: the static code's input (skip connection only).
 * @param latentMean z̄, length d.
 * @param latentSd s, length d (a latent with s = 0 gets a zero footprint).
 * @returns d×H×W, float32.
 * @throws {SparsedynError} `INVALID_ARGUMENT` for inputs of the wrong length.
 */
export async function decoderFootprints(
  cae: Cae,
  meanImage: Float32Array,
  latentMean: ArrayLike<number>,
  latentSd: ArrayLike<number>,
): Promise<Float32Array> {
  const { height: H, width: W } = cae.config;
  const [h, w, C] = cae.latentShape;
  const d = cae.latentSize, P = H * W;
  if (meanImage.length !== P) {
    throw new SparsedynError(
      "INVALID_ARGUMENT",
      `meanImage must hold H×W = ${P} values; got ${meanImage.length}`,
      { argument: "meanImage" },
    );
  }
  if (latentMean.length !== d || latentSd.length !== d) {
    throw new SparsedynError(
      "INVALID_ARGUMENT",
      `latent mean and sd must hold d = ${d} values; got ${latentMean.length} and ${latentSd.length}`,
      { argument: latentMean.length !== d ? "latentMean" : "latentSd" },
    );
  }
  const out = new Float32Array(d * P);
  const staticCode = cae.encodeStatic
    ? tf.tidy(() => cae.encodeStatic!(tf.tensor4d(meanImage, [1, H, W, 1])))
    : undefined;
  try {
    const base = tf.tidy(() =>
      cae.decode(tf.tensor4d(Float32Array.from(latentMean), [1, h, w, C]), staticCode)
    );
    try {
      const chunk = 64;
      for (let i0 = 0; i0 < d; i0 += chunk) {
        const n = Math.min(chunk, d - i0);
        const z = new Float32Array(n * d);
        for (let r = 0; r < n; r++) {
          for (let j = 0; j < d; j++) z[r * d + j] = latentMean[j];
          z[r * d + i0 + r] += latentSd[i0 + r];
        }
        const diff = tf.tidy(() =>
          tf.sub(cae.decode(tf.tensor4d(z, [n, h, w, C]), staticCode), base as Tensor4D)
        );
        out.set(await diff.data(), i0 * P);
        diff.dispose();
      }
    } finally {
      base.dispose();
    }
  } finally {
    staticCode?.dispose();
  }
  // A latent that does not move has no footprint (not the decoder's rounding noise).
  for (let i = 0; i < d; i++) if (!(latentSd[i] > 0)) out.fill(0, i * P, (i + 1) * P);
  return out;
}
