// Choosing λ per equation along the lasso paths of many equations without keeping the
// paths. A VAR on d latents needs, per equation, the coefficients at one breakpoint; the
// full paths of d equations × m coefficients × every breakpoint outgrow the core's 32-bit
// memory at real sizes (512 latents: over 2 GiB). So the equations go through the core in
// chunks whose paths fit in a bounded budget; each path is read where the core left it,
// its criterion evaluated at every breakpoint, and only the best breakpoint's
// coefficients are kept. The numbers are those of lassoPathBatch + selectByCriterion:
// the same core call per equation (an equation's path does not depend on the others in
// its batch), the same RSS formulas (KKT for the lasso, the quadratic form for LAR) and
// the same criterion, term for term.
import { visitPathChunks } from "./_equation_blocks.ts";
import { defaultMaxSteps } from "./_lasso_inputs.ts";
import { criterionScore, type LambdaCriterion, rssFloor } from "./lambda_criteria.ts";
import type { PathMethod } from "./lasso_path.ts";

/** What to choose and how. */
export interface PathSelectOptions {
  method: PathMethod;
  criterion: LambdaCriterion;
  /** EBIC's γ (default 0.5). */
  gamma?: number;
  /** yᵀy of each equation (centred). */
  yty: Float64Array;
  /**
   * RSS at each breakpoint: "kkt" (O(m), valid on lasso paths; see _path_rss.ts) or
   * "quadratic" (yᵀy − 2βᵀc + βᵀGβ over the non-zeros, valid for LAR too). Default: "kkt"
   * for the lasso, "quadratic" for LAR.
   */
  rss?: "kkt" | "quadratic";
  /** Called after each chunk of equations with (equations done, d). */
  onProgress?: (done: number, total: number) => void;
  /** Doubles of path storage per chunk (default 2²³, 64 MiB). */
  budget?: number;
}

/** Per equation: the chosen λ, breakpoint and coefficients. */
export interface PathChoices {
  /** Chosen λ per equation. */
  lambdas: Float64Array;
  /** Index of the chosen breakpoint per equation. */
  index: Int32Array;
  /** Coefficients m×d row-major: column i is equation i's β at its chosen λ. */
  B: Float64Array;
  /** Breakpoints of all d paths together. */
  breakpoints: number;
}

/** Equations per core call so that their paths stay within `budget` doubles. */
export function chunkSize(m: number, n: number, d: number, budget = 2 ** 23): number {
  // A lasso path has about min(m, n) joins plus drops: up to 2.7·min(m, n) breakpoints
  // seen (512 series, 63 rows); 3·min(m, n) + 2 is the estimate (a longer path only makes
  // that chunk larger, never wrong).
  const perEquation = Math.max(1, m) * (3 * Math.min(Math.max(m, 1), Math.ceil(n)) + 2);
  return Math.max(1, Math.min(d, Math.floor(budget / perEquation)));
}

/**
 * Lasso/LAR paths of d equations sharing G, λ chosen per equation by an information
 * criterion, without storing the paths. Inputs are assumed validated by the caller.
 */
export function selectAlongPaths(
  G: Float64Array,
  C: Float64Array,
  n: number,
  m: number,
  d: number,
  options: PathSelectOptions,
): PathChoices {
  const { method, criterion, yty } = options;
  const gamma = options.gamma ?? 0.5;
  const kkt = (options.rss ?? (method === "lasso" ? "kkt" : "quadratic")) === "kkt";
  const score = criterionScore(criterion, n, m, gamma);
  const lambdas = new Float64Array(d), index = new Int32Array(d), B = new Float64Array(m * d);
  let breakpoints = 0;
  // With a progress report, at least ~20 chunks, so that it moves (a core call costs
  // O(m²) beyond its paths: nothing next to them).
  const chunk = options.onProgress
    ? Math.min(chunkSize(m, n, d, options.budget), Math.ceil(d / 20))
    : chunkSize(m, n, d, options.budget);
  const run = {
    lasso: method === "lasso",
    lambdaMin: 0,
    maxSteps: defaultMaxSteps(m),
    maxActive: m,
    keepPath: true,
  };
  const nz: number[] = [];
  const afterChunk = options.onProgress && ((done: number) => options.onProgress!(done, d));
  visitPathChunks(G, C, n, m, d, chunk, run, (r, ell, coefs) => {
    const k = ell.length;
    breakpoints += k;
    let best = 0, bestCrit = Infinity, floor = 0;
    for (let s = 0; s < k; s++) {
      const off = s * m;
      let rss: number, df = 0;
      if (kkt) {
        let bc = 0, l1 = 0;
        for (let j = 0; j < m; j++) {
          const b = coefs[off + j];
          if (b === 0) continue;
          df++;
          bc += b * C[j * d + r];
          l1 += Math.abs(b);
        }
        rss = Math.max(yty[r] - bc - n * (ell[s] / n) * l1, 0);
      } else {
        nz.length = 0;
        for (let j = 0; j < m; j++) if (coefs[off + j] !== 0) nz.push(j);
        df = nz.length;
        let v = yty[r];
        for (const i of nz) {
          const bi = coefs[off + i];
          v -= 2 * bi * C[i * d + r];
          let gi = 0;
          for (const j of nz) gi += G[i * m + j] * coefs[off + j];
          v += bi * gi;
        }
        rss = Math.max(v, 0);
      }
      if (s === 0) floor = rssFloor(rss);
      const crit = score(rss, df, floor);
      if (s === 0 || crit < bestCrit) {
        best = s;
        bestCrit = crit;
      }
    }
    index[r] = best;
    lambdas[r] = ell[best] / n;
    for (let j = 0; j < m; j++) B[j * d + r] = coefs[best * m + j];
  }, afterChunk);
  return { lambdas, index, B, breakpoints };
}
