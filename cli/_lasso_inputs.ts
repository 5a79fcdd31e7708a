// The inputs of `sparsedyn lasso` read from files (X and Y, or G, C and n), and a path as
// JSON.
import { SparsedynError } from "../core/errors.ts";
import { readMatrix } from "../core/data/read_matrix.ts";
import { regressionStatistics } from "../core/var/design.ts";
import { EVENT_DROP, EVENT_JOIN, type LassoPath } from "../core/var/lasso_path.ts";
import { UsageError } from "./_flags.ts";

/** The lasso's sufficient statistics. */
export interface LassoInputs {
  /** XᵀX, m×m. */
  G: Float64Array;
  /** XᵀY, m×d. */
  C: Float64Array;
  /** Samples. */
  n: number;
  /** Regressors. */
  m: number;
  /** Responses. */
  d: number;
  /** Each response's sum of squares (from data only; BIC needs it). */
  yty?: Float64Array;
}

/** Reads --x/--y (regression statistics, optionally centred) or --gram/--xty/--n. */
export async function lassoInputs(values: {
  x?: string;
  y?: string;
  center?: boolean;
  gram?: string;
  xty?: string;
  n?: number;
}): Promise<LassoInputs> {
  const fromData = values.x !== undefined || values.y !== undefined;
  const fromStats = values.gram !== undefined || values.xty !== undefined ||
    values.n !== undefined;
  if (fromData === fromStats) {
    throw new UsageError(
      "give either --x and --y, or --gram, --xty and --n",
      fromData ? "--gram" : "--x",
    );
  }
  if (fromData) {
    if (!values.x || !values.y) {
      throw new UsageError("--x and --y go together", values.x ? "--y" : "--x");
    }
    const X = await readMatrix(values.x), Y = await readMatrix(values.y);
    if (X.rows !== Y.rows) {
      throw new SparsedynError(
        "BAD_FILE",
        `${values.y}: ${Y.rows} rows, but ${values.x} has ${X.rows}`,
        {
          file: values.y,
        },
      );
    }
    return regressionStatistics(X.data, Y.data, X.rows, X.cols, Y.cols, {
      center: values.center,
    });
  }
  {
    if (!values.gram || !values.xty || values.n === undefined) {
      throw new UsageError(
        "--gram, --xty and --n go together",
        !values.gram ? "--gram" : !values.xty ? "--xty" : "--n",
      );
    }
    if (values.center) throw new UsageError("--center needs --x and --y", "--center");
    const Gm = await readMatrix(values.gram), Cm = await readMatrix(values.xty);
    const n = values.n;
    if (Gm.rows !== Gm.cols) {
      throw new SparsedynError(
        "BAD_FILE",
        `${values.gram}: G must be square; got ${Gm.rows}×${Gm.cols}`,
        {
          file: values.gram,
        },
      );
    }
    if (Cm.rows !== Gm.rows) {
      throw new SparsedynError(
        "BAD_FILE",
        `${values.xty}: ${Cm.rows} rows, but G is ${Gm.rows}×${Gm.rows}`,
        {
          file: values.xty,
        },
      );
    }
    return { G: Gm.data, m: Gm.rows, C: Cm.data, d: Cm.cols, n, yty: undefined };
  }
}

function eventName(k: number) {
  return k === EVENT_JOIN ? "join" : k === EVENT_DROP ? "drop" : "none";
}

/** A path as JSON: breakpoints, coefficient rows, events. */
export function pathJson(p: LassoPath) {
  const rows = [];
  for (let k = 0; k < p.lambdas.length; k++) {
    rows.push(Array.from(p.coefs.subarray(k * p.m, (k + 1) * p.m)));
  }
  return {
    lambdas: Array.from(p.lambdas),
    coefs: rows,
    events: Array.from(p.eventKind, (kind, k) => ({
      kind: eventName(kind),
      variable: p.eventVariable[k],
      sign: p.eventSign[k],
    })),
    active: Array.from(p.active),
    stop: p.stop,
    degenerate: p.degenerate,
    ...(p.rss ? { rss: Array.from(p.rss) } : {}),
  };
}
