// Converting the core's raw per-response output into LassoPath objects.
import type { RawPath } from "./_core_path.ts";
import type { LassoPath, PathMethod, PathStop } from "./lasso_path.ts";

/** Why a path ended, indexed by the core's stop code (`sd_res_stop`). */
export const STOPS: PathStop[] = ["end", "lambdaMin", "maxSteps", "maxActive"];

export function toPath(raw: RawPath, method: PathMethod, m: number, n: number): LassoPath {
  const k = raw.ell.length;
  const eventKind = new Int8Array(k);
  const eventVariable = new Int32Array(k);
  const eventSign = new Int8Array(k);
  const lambdas = new Float64Array(k);
  for (let i = 0; i < k; i++) {
    lambdas[i] = raw.ell[i] / n;
    eventKind[i] = raw.events[3 * i];
    eventVariable[i] = raw.events[3 * i + 1];
    eventSign[i] = raw.events[3 * i + 2];
  }
  return {
    method,
    m,
    n,
    lambdas,
    coefs: raw.coefs,
    eventKind,
    eventVariable,
    eventSign,
    active: raw.active,
    signs: Int8Array.from(raw.signs),
    stop: STOPS[raw.stop],
    degenerate: raw.degenerate,
  };
}

/** ‖y − Xβ‖² = yᵀy − 2βᵀc + βᵀGβ at every breakpoint, using β's sparsity. */
export function addRss(
  path: LassoPath,
  G: Float64Array,
  C: Float64Array,
  d: number,
  r: number,
  yty: number,
) {
  const { m, coefs } = path;
  const k = path.lambdas.length;
  const rss = new Float64Array(k);
  const nz: number[] = [];
  for (let s = 0; s < k; s++) {
    const b = coefs.subarray(s * m, (s + 1) * m);
    nz.length = 0;
    for (let j = 0; j < m; j++) if (b[j] !== 0) nz.push(j);
    let v = yty;
    for (const i of nz) {
      v -= 2 * b[i] * C[i * d + r];
      let gi = 0;
      for (const j of nz) gi += G[i * m + j] * b[j];
      v += b[i] * gi;
    }
    rss[s] = Math.max(v, 0);
  }
  path.rss = rss;
}
