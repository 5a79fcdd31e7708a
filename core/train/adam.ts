/**
 * Adam (Kingma & Ba 2015) with explicit state: first and second moments per variable and
 * the step count. Written here rather than taken from tfjs so that a checkpoint holds the
 * whole state and a resumed run is bit-identical to an uninterrupted one (tfjs rebuilds its
 * bias-correction powers on restore, which changes the last digits).
 *
 * @example
 * ```ts
 * import { Adam } from "./adam.ts";
 * import { tf } from "../model/tf.ts";
 *
 * await tf.setBackend("cpu");
 * const w = tf.variable(tf.scalar(3));
 * const opt = new Adam(0.1, { w });
 * for (let i = 0; i < 200; i++) opt.step(() => tf.square(w) as tf.Scalar);
 * if (Math.abs(w.dataSync()[0]) > 0.05) throw new Error(String(w.dataSync()[0]));
 * ```
 *
 * @module
 */
import { type Scalar, type Tensor, tf, type Variable } from "../model/tf.ts";

/** Adam over a named set of variables. */
export class Adam {
  /** Step size; a schedule may change it between steps. */
  learningRate: number;
  /**
   * If set, gradients whose global norm (over all variables) exceeds it are scaled down to
   * it before the update: one bad window cannot throw the weights far.
   */
  clipNorm?: number;
  readonly beta1: number;
  readonly beta2: number;
  readonly epsilon: number;
  /** Steps taken. */
  t = 0;
  #vars: Record<string, Variable>;
  #m: Record<string, Variable> = {};
  #v: Record<string, Variable> = {};

  /**
   * @param learningRate Step size.
   * @param variables The variables to train, by name.
   * @param o β₁ (0.9), β₂ (0.999), ε (1e-8).
   */
  constructor(
    learningRate: number,
    variables: Record<string, Variable>,
    o: { beta1?: number; beta2?: number; epsilon?: number } = {},
  ) {
    this.learningRate = learningRate;
    this.beta1 = o.beta1 ?? 0.9;
    this.beta2 = o.beta2 ?? 0.999;
    this.epsilon = o.epsilon ?? 1e-8;
    this.#vars = variables;
    for (const [k, v] of Object.entries(variables)) {
      this.#m[k] = tf.variable(tf.zerosLike(v), false);
      this.#v[k] = tf.variable(tf.zerosLike(v), false);
    }
  }

  /**
   * One step on the gradient of `loss`.
   *
   * @param loss The objective (computed inside, so its graph is recorded).
   * @returns The loss value before the step.
   */
  step(loss: () => Scalar): number {
    return tf.tidy(() => {
      const names = Object.keys(this.#vars);
      const { value, grads } = tf.variableGrads(loss, names.map((k) => this.#vars[k]));
      this.#apply(Object.fromEntries(names.map((k) => [k, grads[this.#vars[k].name]])));
      return value.dataSync()[0];
    });
  }

  /**
   * One step on gradients computed elsewhere (e.g. by a step that reads values
   * asynchronously); the same update as {@link Adam.step}.
   *
   * @param grads Gradients by the names the variables were given here; a missing name
   *   leaves its variable (and moments) as they are. The caller keeps ownership.
   */
  applyGradients(grads: Record<string, Tensor | undefined>): void {
    tf.tidy(() => this.#apply(grads));
  }

  #apply(grads: Record<string, Tensor | undefined>): void {
    this.t++;
    if (this.clipNorm !== undefined) {
      // A tensor, not a number: no synchronous read (webgpu cannot).
      const present = Object.values(grads).filter((g): g is Tensor => g !== undefined);
      const norm = tf.sqrt(tf.addN(present.map((g) => tf.sum(tf.square(g)))));
      const scale = tf.minimum(1, tf.div(this.clipNorm, tf.add(norm, 1e-12)));
      grads = Object.fromEntries(
        Object.entries(grads).map(([k, g]) => [k, g && tf.mul(g, scale)]),
      );
    }
    const c1 = 1 - Math.pow(this.beta1, this.t), c2 = 1 - Math.pow(this.beta2, this.t);
    for (const k of Object.keys(this.#vars)) {
      const g = grads[k];
      if (!g) continue;
      const m = tf.add(tf.mul(this.#m[k], this.beta1), tf.mul(g, 1 - this.beta1));
      const v = tf.add(tf.mul(this.#v[k], this.beta2), tf.mul(tf.square(g), 1 - this.beta2));
      this.#m[k].assign(m);
      this.#v[k].assign(v);
      const update = tf.div(tf.div(m, c1), tf.add(tf.sqrt(tf.div(v, c2)), this.epsilon));
      this.#vars[k].assign(tf.sub(this.#vars[k], tf.mul(update, this.learningRate)));
    }
  }

  /** The state, for a checkpoint: moments by variable name, and t. */
  state(): { t: number; m: Record<string, Tensor>; v: Record<string, Tensor> } {
    return { t: this.t, m: { ...this.#m }, v: { ...this.#v } };
  }

  /** Restores a state written by {@link Adam.state}. */
  restore(t: number, m: Record<string, Float32Array>, v: Record<string, Float32Array>): void {
    this.t = t;
    for (const k of Object.keys(this.#vars)) {
      this.#m[k].assign(tf.tensor(m[k], this.#m[k].shape));
      this.#v[k].assign(tf.tensor(v[k], this.#v[k].shape));
    }
  }

  /** Frees the moments. */
  dispose(): void {
    tf.dispose([...Object.values(this.#m), ...Object.values(this.#v)]);
  }
}
