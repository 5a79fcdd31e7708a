// Shape and option checks shared by the path, the solution at a point and the adjoint.
// Value checks (finite, symmetric) run in the core, which reports the argument.
import { SparsedynError } from "../errors.ts";

/** Tolerances and stopping rules common to every entry point. */
export interface CoreTolerances {
  /**
   * Relative symmetry tolerance of G: |G_ij − G_ji| ≤ tol·√(G_ii G_jj). Default 1e-10,
   * enough for a Gram matrix computed by a blocked float64 product.
   */
  symmetryTolerance?: number;
  /**
   * Relative tie tolerance, default 1e-12: events closer than tol·λ are simultaneous
   * and are taken one per (zero-length) step, lowest column index first, so results do
   * not depend on rounding; events below tol·λ₀ count as λ = 0.
   */
  tieTolerance?: number;
  /**
   * Relative pivot tolerance for degenerate regressors, default 1e-10: a column whose
   * Cholesky pivot satisfies d² ≤ tol·G_jj (it lies in the span of the active columns
   * to within 1e-5 of its norm, e.g. an exact copy of an active column, or any column
   * once n < p columns are active) is refused and stays out until a variable leaves the
   * active set. Refusals are counted in the result's `degenerate`. All-zero columns
   * (G_jj = 0) never enter.
   */
  degenerateTolerance?: number;
}

export const DEFAULTS = {
  symmetryTolerance: 1e-10,
  tieTolerance: 1e-12,
  degenerateTolerance: 1e-10,
} as const;

export function checkArray(name: string, a: unknown): asserts a is Float64Array {
  if (!(a instanceof Float64Array)) {
    throw new SparsedynError(
      "INVALID_ARGUMENT",
      `${name} must be a Float64Array; got ${
        a === null ? "null" : typeof a === "object" ? (a as object).constructor?.name : typeof a
      }`,
      { argument: name },
    );
  }
}

/** Validates G (m×m), C (m×d) and n; returns m and d. */
export function shapes(
  G: Float64Array,
  C: Float64Array,
  n: number,
  cName: "c" | "C",
  d?: number,
): { m: number; d: number } {
  checkArray("G", G);
  checkArray(cName, C);
  const m = Math.round(Math.sqrt(G.length));
  if (m * m !== G.length) {
    throw new SparsedynError(
      "INVALID_ARGUMENT",
      `G must be square (m×m entries, row-major); got ${G.length} entries`,
      { argument: "G" },
    );
  }
  const cols = d ?? (m === 0 ? 0 : C.length / m);
  if (
    !Number.isInteger(cols) || cols < 0 || C.length !== m * cols ||
    (cName === "c" && cols !== 1 && m > 0)
  ) {
    throw new SparsedynError(
      "INVALID_ARGUMENT",
      cName === "c"
        ? `c must have m = ${m} entries to match G; got ${C.length}`
        : `C must have m×d entries (m = ${m} from G${
          d === undefined ? "" : `, d = ${d}`
        }); got ${C.length}`,
      { argument: cName },
    );
  }
  // n counts the rows of X: λ's scale (1/2n) and the criteria (n·ln RSS/n) mean nothing
  // for a fractional count.
  if (typeof n !== "number" || !Number.isInteger(n) || n <= 0) {
    throw new SparsedynError(
      "INVALID_ARGUMENT",
      `n must be an integer ≥ 1 (the number of samples); got ${String(n)}`,
      {
        argument: "n",
      },
    );
  }
  const dd = cName === "c" ? 1 : cols;
  checkZeroColumns(G, C, m, dd, cName);
  return { m, d: dd };
}

/**
 * Each equation's yᵀy as given (a number for one equation), refused unless it holds d
 * finite values ≥ 0: the criteria take its logarithm after subtracting the fit.
 */
export function checkYty(yty: number | Float64Array, d: number): Float64Array {
  const v = typeof yty === "number" ? Float64Array.of(yty) : yty;
  if (v.length !== d || !v.every((x) => Number.isFinite(x) && x >= 0)) {
    throw new SparsedynError(
      "INVALID_ARGUMENT",
      `yty must hold ${d} finite values ≥ 0 (one per response)`,
      { argument: "yty" },
    );
  }
  return v;
}

/**
 * G_jj = ‖x_j‖² = 0 means column j of X is zero, and then (Xᵀy)_j = 0 for every y. A
 * non-zero C[j] beside it cannot come from one X (G = 0 with c ≠ 0 would give the path
 * λ = [0], silently): refused, naming the entry. Statistics centred by subtraction leave
 * rounding (≈ 1e-16 of the other entries) in C[j] of a constant column: that much passes.
 */
function checkZeroColumns(
  G: Float64Array,
  C: Float64Array,
  m: number,
  d: number,
  cName: "c" | "C",
): void {
  // Per response, the largest |C| among real columns sets what counts as rounding.
  const scale = new Float64Array(d);
  let zeroColumns = false;
  for (let j = 0; j < m; j++) {
    if (G[j * m + j] === 0) {
      zeroColumns = true;
      continue;
    }
    for (let r = 0; r < d; r++) {
      const v = Math.abs(C[j * d + r]);
      if (v > scale[r]) scale[r] = v;
    }
  }
  if (!zeroColumns) return;
  for (let j = 0; j < m; j++) {
    if (G[j * m + j] !== 0) continue;
    for (let r = 0; r < d; r++) {
      const v = C[j * d + r];
      if (Number.isFinite(v) && Math.abs(v) > 1e-8 * scale[r]) {
        const at = cName === "c" ? `c[${j}]` : `C[${j}][${r}]`;
        throw new SparsedynError(
          "INVALID_ARGUMENT",
          `${at} = ${v} but G[${j}][${j}] = 0: column ${j} of X is then zero and has Xᵀy = 0 for every ` +
            `response, so G and ${cName} do not come from one design X`,
          { argument: cName },
        );
      }
    }
  }
}

export function checkCount(name: string, v: number | undefined): number | undefined {
  if (v === undefined) return undefined;
  if (typeof v !== "number" || !Number.isInteger(v) || v < 0) {
    throw new SparsedynError(
      "INVALID_ARGUMENT",
      `${name} must be an integer ≥ 0; got ${String(v)}`,
      {
        argument: name,
      },
    );
  }
  return v;
}

export function checkNonNegative(name: string, v: number | undefined): number | undefined {
  if (v === undefined) return undefined;
  if (typeof v !== "number" || !Number.isFinite(v) || v < 0) {
    throw new SparsedynError(
      "INVALID_ARGUMENT",
      `${name} must be a finite number ≥ 0; got ${String(v)}`,
      {
        argument: name,
      },
    );
  }
  return v;
}

export function tolerances(o: CoreTolerances): Required<CoreTolerances> {
  const sym = checkNonNegative("symmetryTolerance", o.symmetryTolerance) ??
    DEFAULTS.symmetryTolerance;
  const tie = checkNonNegative("tieTolerance", o.tieTolerance) ?? DEFAULTS.tieTolerance;
  const deg = checkNonNegative("degenerateTolerance", o.degenerateTolerance) ??
    DEFAULTS.degenerateTolerance;
  for (const [name, v] of [["tieTolerance", tie], ["degenerateTolerance", deg]] as const) {
    if (v >= 1) {
      throw new SparsedynError("INVALID_ARGUMENT", `${name} must be < 1; got ${v}`, {
        argument: name,
      });
    }
  }
  return { symmetryTolerance: sym, tieTolerance: tie, degenerateTolerance: deg };
}

/** Default step cap: far above any real path (≈ m joins plus drops), it only guards cycles. */
export function defaultMaxSteps(m: number): number {
  return 50 * Math.max(m, 1) + 500;
}

/** Checks a path method name. */
export function checkMethod(method: unknown): "lasso" | "lar" {
  if (method !== "lasso" && method !== "lar") {
    throw new SparsedynError(
      "INVALID_ARGUMENT",
      `method must be "lasso" or "lar"; got "${String(method)}"`,
      {
        argument: "method",
      },
    );
  }
  return method;
}
