/**
 * The directed network of a VAR: an edge i → j when series i at some lag enters the
 * equation of series j, i.e. some A_k[j, i] ≠ 0. Its weight is the coefficient of largest
 * magnitude over the lags (signed), its lag that coefficient's lag; `lags` lists every lag
 * with a non-zero coefficient. A series' effect on itself (A_k[i, i]) is not an edge: it
 * is listed in `selfLoops`, the same way.
 *
 * @example
 * ```ts
 * import { varNetwork } from "./network.ts";
 *
 * // d = 2, p = 1: A = [[0.5, 0], [0.3, 0.4]] — series 0 drives series 1.
 * const net = varNetwork(Float64Array.of(0.5, 0, 0.3, 0.4), 2, 1);
 * const e = net.edges[0];
 * if (net.edges.length !== 1 || e.from !== 0 || e.to !== 1 || e.weight !== 0.3) throw new Error();
 * ```
 *
 * @module
 */
import { SparsedynError } from "../errors.ts";

/** One directed edge (or self-loop). */
export interface VarEdge {
  /** The driving series (a column of A_k). */
  from: number;
  /** The driven series (a row of A_k). */
  to: number;
  /** The coefficient of largest |·| over the lags, signed. */
  weight: number;
  /** Its lag (1-based). */
  lag: number;
  /** Every lag with a non-zero coefficient. */
  lags: number[];
}

/** The network of a VAR. */
export interface VarNetwork {
  /** Number of series (nodes). */
  nodes: number;
  /** Edges between different series, by |weight| descending. */
  edges: VarEdge[];
  /** Each series' effect on itself, where non-zero, by series. */
  selfLoops: VarEdge[];
  /** edges / (d·(d − 1)): the share of possible edges present. */
  density: number;
}

/**
 * The network of coefficients A (p×d×d, `A[(k * d + i) * d + j]` = effect of series j at
 * lag k+1 on series i).
 *
 * @param A Coefficients.
 * @param d Series.
 * @param p Lags.
 * @param options `threshold`: coefficients with |a| ≤ threshold count as zero (default 0,
 *   exact zeros only, as a lasso fit gives).
 * @returns Edges and self-loops.
 * @throws {SparsedynError} When A does not hold p·d·d values.
 */
export function varNetwork(
  A: Float64Array,
  d: number,
  p: number,
  options: { threshold?: number } = {},
): VarNetwork {
  if (A.length !== p * d * d) {
    throw new SparsedynError(
      "INVALID_ARGUMENT",
      `A must hold p·d·d = ${p * d * d} values; got ${A.length}`,
      { argument: "A" },
    );
  }
  const threshold = options.threshold ?? 0;
  const edges: VarEdge[] = [], selfLoops: VarEdge[] = [];
  for (let to = 0; to < d; to++) {
    for (let from = 0; from < d; from++) {
      let weight = 0, lag = 0;
      const lags: number[] = [];
      for (let k = 0; k < p; k++) {
        const a = A[(k * d + to) * d + from];
        if (Math.abs(a) > threshold) {
          lags.push(k + 1);
          if (Math.abs(a) > Math.abs(weight)) [weight, lag] = [a, k + 1];
        }
      }
      if (lags.length) (from === to ? selfLoops : edges).push({ from, to, weight, lag, lags });
    }
  }
  edges.sort((a, b) => Math.abs(b.weight) - Math.abs(a.weight) || a.from - b.from || a.to - b.to);
  return { nodes: d, edges, selfLoops, density: d > 1 ? edges.length / (d * (d - 1)) : 0 };
}
