/**
 * A training step that reads values only asynchronously, for backends that cannot read
 * synchronously (webgpu). It gives the gradients of {@link windowLoss}'s total, split at
 * the one place the fused step reads inside its tape — the VAR's G = XcᵀXc and C = XcᵀYc:
 *
 * 1. forward without a tape to the latent maps, the static code, G and C; read G and C
 *    (`await data()`) and fit the lasso in WASM;
 * 2. one tape of the objective with the maps, the static code and β as leaves: gradients
 *    for the decoder's variables, the maps, the static code and β (read);
 * 3. the WASM adjoint turns dβ into Ḡ and C̄;
 * 4. one tape through the encoders (their forward again: the price of the async boundary)
 *    of Σ maps ⊙ ∂maps + Σ code ⊙ ∂code + ½Σ (Ḡ + Ḡᵀ) ⊙ XcᵀXc + Σ C̄ ⊙ XcᵀYc, whose
 *    gradient is the encoders' part of the total's.
 *
 * In mode "ae" nothing needs reading mid-step, so the step is one tape.
 *
 * @example
 * ```ts
 * import { asyncWindowGradients } from "./async_step.ts";
 * import { Adam } from "./adam.ts";
 * import { createCae, defaultCaeConfig } from "../model/cae.ts";
 * import { tf } from "../model/tf.ts";
 *
 * await tf.setBackend("cpu");
 * const cae = createCae(defaultCaeConfig(16, 16), 1);
 * const opt = new Adam(1e-3, cae.variables);
 * const frames = tf.randomNormal([12, 16, 16, 1], 0, 1, "float32", 2) as tf.Tensor4D;
 * const r = await asyncWindowGradients(cae, frames, { mode: "end-to-end", var: { lags: 1, lambdaFraction: 0.2 } });
 * opt.applyGradients(r.grads);
 * tf.dispose(Object.values(r.grads));
 * if (!(r.total > 0 && r.parts.prediction > 0)) throw new Error(JSON.stringify(r.parts));
 * ```
 *
 * @module
 */
import type { Cae } from "../model/cae.ts";
import { type Scalar, type Tensor, type Tensor2D, type Tensor4D, tf } from "../model/tf.ts";
import {
  centredDesign,
  checkVarLayerOptions,
  fitWindowLasso,
  standardise,
  standardisedLoss,
  windowLassoAdjoint,
  type WindowLassoFit,
  windowStatistics,
} from "../model/var_layer.ts";
import type { LassoFit } from "../var/lasso_at.ts";
import { type ObjectiveOptions, type WindowLoss, windowTerms } from "./window_loss.ts";

/** The loss of one window as numbers. */
export interface AsyncWindowLoss {
  /** The weighted total. */
  total: number;
  /** The terms, as {@link WindowLoss} gives them. */
  parts: WindowLoss["parts"];
}

/** The loss and its gradients. */
export interface AsyncWindowGradients extends AsyncWindowLoss {
  /** ∂total/∂variable, by the names of `cae.variables`; the caller disposes them. */
  grads: Record<string, Tensor>;
}

/** The tape-free forward of a window, up to the VAR's fit (end to end). */
interface Forward {
  mean: Tensor4D;
  maps: Tensor4D;
  staticCode?: Tensor4D;
  stats?: WindowLassoFit;
  beta?: Tensor2D;
}

function latents(cae: Cae, maps: Tensor4D): Tensor2D {
  return tf.reshape(maps, [maps.shape[0], cae.latentSize]) as Tensor2D;
}

async function forward(cae: Cae, frames: Tensor4D, options: ObjectiveOptions): Promise<Forward> {
  const L = frames.shape[0], p = options.var.lags;
  if (options.mode === "end-to-end") checkVarLayerOptions(L, options.var);
  const mean = tf.mean(frames, 0, true) as Tensor4D;
  const staticCode = cae.encodeStatic?.(mean);
  const maps = cae.encode(frames);
  if (options.mode === "ae") return { mean, maps, staticCode };
  // The statistics as the fused step computes them (in float64 from the standardised
  // latents), so that both fit the same lasso.
  const zs = tf.tidy(() => standardise(latents(cae, maps)).zs);
  const w = windowStatistics(await zs.data(), L, cae.latentSize, p);
  zs.dispose();
  const stats = fitWindowLasso(w.G, w.C, L - p, options.var, w.yty);
  const beta = tf.tensor2d(Float32Array.from(stats.fit.beta), [stats.fit.m, stats.fit.d]);
  return { mean, maps, staticCode, stats, beta };
}

/** The objective's terms with β held fixed (the fit's dependence on z is in step 4). */
function terms(
  cae: Cae,
  frames: Tensor4D,
  maps: Tensor4D,
  staticCode: Tensor4D | undefined,
  options: ObjectiveOptions,
  beta?: Tensor2D,
) {
  const p = options.var.lags;
  return windowTerms(cae, frames, maps, staticCode, options, (z) =>
    standardisedLoss(z, p, (zs) => {
      const { Xc, yMean } = centredDesign(zs, p);
      return { prediction: tf.add(tf.matMul(Xc, beta!), yMean) as Tensor2D };
    }));
}

/** Reads the terms (disposing them) into {@link AsyncWindowLoss}'s numbers. */
async function readTerms(
  t: { total: Scalar; reconstruction: Scalar; prediction?: Scalar; predictedFrames?: Scalar },
  fit?: LassoFit,
): Promise<AsyncWindowLoss> {
  const list = [t.total, t.reconstruction, t.prediction, t.predictedFrames];
  const [total, reconstruction, prediction, predictedFrames] = await Promise.all(
    list.map(async (s) => s ? (await s.data())[0] : 0),
  );
  tf.dispose(list.filter((s) => s !== undefined));
  return {
    total,
    parts: {
      reconstruction,
      prediction,
      predictedFrames,
      activeMean: fit ? fit.active.length / fit.d : 0,
    },
  };
}

function disposeForward(f: Forward) {
  tf.dispose([f.mean, f.maps, f.staticCode, f.beta].filter((t) => t !== undefined));
}

/**
 * The loss of one window, as {@link windowLoss} computes it, with only asynchronous reads.
 *
 * @param cae The autoencoder.
 * @param frames The window, [L, H, W, 1].
 * @param options Mode, VAR settings, weights.
 * @returns The total and its parts.
 * @throws {SparsedynError} For VAR settings that do not fit the window.
 *
 * @example
 * ```ts
 * import { asyncWindowLoss } from "./async_step.ts";
 * import { windowLoss } from "./window_loss.ts";
 * import { createCae, defaultCaeConfig } from "../model/cae.ts";
 * import { tf } from "../model/tf.ts";
 *
 * await tf.setBackend("cpu");
 * const cae = createCae(defaultCaeConfig(16, 16), 1);
 * const frames = tf.randomNormal([12, 16, 16, 1], 0, 1, "float32", 2) as tf.Tensor4D;
 * const options = { mode: "end-to-end" as const, var: { lags: 1, lambdaFraction: 0.2 } };
 * const a = (await asyncWindowLoss(cae, frames, options)).total;
 * const b = tf.tidy(() => windowLoss(cae, frames, options).total.dataSync()[0]);
 * if (Math.abs(a - b) > 1e-6 * b) throw new Error(`${a} vs ${b}`);
 * ```
 */
export async function asyncWindowLoss(
  cae: Cae,
  frames: Tensor4D,
  options: ObjectiveOptions,
): Promise<AsyncWindowLoss> {
  const f = await forward(cae, frames, options);
  const t = tf.tidy(() => {
    const t = terms(cae, frames, f.maps, f.staticCode, options, f.beta);
    return { ...t }; // tidy keeps the tensors of a returned object
  });
  disposeForward(f);
  return await readTerms(t, f.stats?.fit);
}

/**
 * The loss of one window and its gradients with respect to every variable of `cae`, equal
 * (to float32 rounding) to those of {@link windowLoss}'s total, with only asynchronous
 * reads: the step for backends that cannot read synchronously (webgpu). See the module
 * notes for how the tape is split around the VAR's fit.
 *
 * @param cae The autoencoder.
 * @param frames The window, [L, H, W, 1].
 * @param options Mode, VAR settings, weights.
 * @returns The total, its parts and the gradients (the caller disposes them).
 * @throws {SparsedynError} For VAR settings that do not fit the window.
 *
 * @example
 * ```ts
 * import { asyncWindowGradients } from "./async_step.ts";
 * import { createCae, defaultCaeConfig } from "../model/cae.ts";
 * import { tf } from "../model/tf.ts";
 *
 * await tf.setBackend("cpu");
 * const cae = createCae(defaultCaeConfig(16, 16), 1);
 * const frames = tf.randomNormal([12, 16, 16, 1], 0, 1, "float32", 2) as tf.Tensor4D;
 * const r = await asyncWindowGradients(cae, frames, { mode: "ae", var: { lags: 1, lambdaFraction: 0.2 } });
 * if (Object.keys(r.grads).length !== Object.keys(cae.variables).length) throw new Error("every variable");
 * tf.dispose(Object.values(r.grads));
 * ```
 */
export async function asyncWindowGradients(
  cae: Cae,
  frames: Tensor4D,
  options: ObjectiveOptions,
): Promise<AsyncWindowGradients> {
  return options.mode === "ae"
    ? await autoencoderGradients(cae, frames, options)
    : await endToEndGradients(cae, frames, options);
}

/** The objective's function for a tape, and the terms it computed there. */
interface TapedObjective {
  /** The tape's function: the total (the other terms are kept, for the metrics). */
  run: () => Scalar;
  /** The terms of the last run. */
  kept?: ReturnType<typeof terms>;
}

/**
 * The objective as a tape's function. Its inputs (the maps and the static code) come as a
 * thunk, so that in mode "ae" the encoders run on the tape.
 */
function tapedObjective(
  cae: Cae,
  frames: Tensor4D,
  options: ObjectiveOptions,
  inputs: () => [Tensor4D, Tensor4D?],
  beta?: Tensor2D,
): TapedObjective {
  const objective: TapedObjective = {
    run: () => {
      const t = terms(cae, frames, ...inputs(), options, beta);
      objective.kept = t;
      tf.keep(t.reconstruction);
      if (t.prediction) tf.keep(t.prediction);
      if (t.predictedFrames) tf.keep(t.predictedFrames);
      return t.total;
    },
  };
  return objective;
}

/** Mode "ae": nothing needs reading mid-step, so the gradients come from one tape. */
async function autoencoderGradients(
  cae: Cae,
  frames: Tensor4D,
  options: ObjectiveOptions,
): Promise<AsyncWindowGradients> {
  const names = Object.keys(cae.variables);
  const mean = tf.mean(frames, 0, true) as Tensor4D;
  const objective = tapedObjective(
    cae,
    frames,
    options,
    () => [cae.encode(frames), cae.encodeStatic?.(mean)],
  );
  const { value, grads } = tf.engine().gradients(
    objective.run,
    names.map((k) => cae.variables[k]),
    undefined,
    true,
  );
  mean.dispose();
  const loss = await readTerms({ ...objective.kept!, total: value as Scalar });
  return { ...loss, grads: byName(names, grads) };
}

/** End to end: the tape split at the VAR's fit, steps 1 to 4 of the module notes. */
async function endToEndGradients(
  cae: Cae,
  frames: Tensor4D,
  options: ObjectiveOptions,
): Promise<AsyncWindowGradients> {
  const names = Object.keys(cae.variables);
  const vars = names.map((k) => cae.variables[k]);
  const f = await forward(cae, frames, options);
  const leaves = [f.maps, f.staticCode, f.beta!].filter((t) => t !== undefined);
  // Step 2: the decoder's gradients and those of the leaves.
  const objective = tapedObjective(cae, frames, options, () => [f.maps, f.staticCode], f.beta);
  const tape = tf.engine().gradients(objective.run, [...vars, ...leaves], undefined, true);
  const decoderGrads = tape.grads.slice(0, vars.length);
  const gMaps = tape.grads[vars.length] as Tensor4D;
  const gStatic = f.staticCode ? tape.grads[vars.length + 1] as Tensor4D : undefined;
  const gBeta = tape.grads[vars.length + leaves.length - 1];
  const loss = readTerms({ ...objective.kept!, total: tape.value as Scalar }, f.stats!.fit);
  // Step 3: the lasso's adjoint.
  const dBeta = Float64Array.from(await gBeta.data());
  const { gradGSym, gradC } = windowLassoAdjoint(f.stats!, dBeta, options.var);
  // Step 4: the encoders' gradients, the VAR's fit chained back through G and C.
  const encoderGrads = encoderGradients(cae, frames, options, f, {
    gMaps,
    gStatic,
    gradGSym,
    gradC,
  });
  const grads = sumByName(names, byName(names, decoderGrads), byName(names, encoderGrads));
  tf.dispose(tape.grads.slice(vars.length).filter((g) => g !== undefined));
  disposeForward(f);
  return { ...(await loss), grads };
}

/** The gradients of the total with respect to the encoders' outputs and the VAR's G and C. */
interface EncoderCotangents {
  /** ∂total/∂maps. */
  gMaps: Tensor4D;
  /** ∂total/∂static code (with a static code). */
  gStatic?: Tensor4D;
  /** Ḡ, symmetrised, m×m. */
  gradGSym: Float32Array;
  /** C̄, m×d. */
  gradC: Float32Array;
}

/**
 * Step 4: the encoders' gradients, from one tape through the encoders (their forward again)
 * of Σ maps ⊙ ∂maps + Σ code ⊙ ∂code + ½Σ (Ḡ + Ḡᵀ) ⊙ XcᵀXc + Σ C̄ ⊙ XcᵀYc.
 *
 * @returns By the order of `cae.variables` (undefined for a variable not on the tape).
 */
function encoderGradients(
  cae: Cae,
  frames: Tensor4D,
  options: ObjectiveOptions,
  f: Forward,
  bar: EncoderCotangents,
): Tensor[] {
  const vars = Object.keys(cae.variables).map((k) => cae.variables[k]);
  const { m, d } = f.stats!.fit;
  return tf.tidy(() => {
    const gG = tf.mul(tf.tensor2d(bar.gradGSym, [m, m]), 0.5);
    const gC = tf.tensor2d(bar.gradC, [m, d]);
    return tf.engine().gradients(
      () => {
        const maps = cae.encode(frames);
        const { Xc, Yc } = centredDesign(standardise(latents(cae, maps)).zs, options.var.lags);
        const parts = [
          tf.sum(tf.mul(maps, bar.gMaps)),
          tf.sum(tf.mul(tf.matMul(Xc, Xc, true, false), gG)),
          tf.sum(tf.mul(tf.matMul(Xc, Yc, true, false), gC)),
        ];
        if (f.staticCode) parts.push(tf.sum(tf.mul(cae.encodeStatic!(f.mean), bar.gStatic!)));
        return tf.addN(parts) as Scalar;
      },
      vars,
      undefined,
      true,
    ).grads;
  });
}

/** Gradients by variable name, leaving out the variables a tape did not reach. */
function byName(names: string[], grads: (Tensor | undefined)[]): Record<string, Tensor> {
  const out: Record<string, Tensor> = {};
  names.forEach((k, i) => {
    if (grads[i]) out[k] = grads[i]!;
  });
  return out;
}

/** The decoder's tape's gradients plus the encoders' tape's, by name (disposing the addends). */
function sumByName(
  names: string[],
  dec: Record<string, Tensor>,
  enc: Record<string, Tensor>,
): Record<string, Tensor> {
  const grads: Record<string, Tensor> = {};
  for (const k of names) {
    // The encoders' variables are not on the first tape (the maps were leaves there), nor
    // the decoder's on the second; a sum covers either without a list of which is which.
    if (dec[k] && enc[k]) {
      grads[k] = tf.add(dec[k], enc[k]);
      tf.dispose([dec[k], enc[k]]);
    } else if (dec[k] || enc[k]) grads[k] = dec[k] ?? enc[k];
  }
  return grads;
}
