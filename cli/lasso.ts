// `sparsedyn lasso`: the LARS / lasso path (or the solution at one point of it) from data
// files (X and Y) or from sufficient statistics (G = XᵀX, C = XᵀY and n).
import { SparsedynError } from "../core/errors.ts";
import { readMatrix } from "../core/data/read_matrix.ts";
import { writeFileAtomic } from "../core/files/atomic_write.ts";
import { regressionStatistics } from "../core/var/design.ts";
import { lassoAtBatch, type LassoTarget } from "../core/var/lasso_at.ts";
import {
  EVENT_DROP,
  EVENT_JOIN,
  larsPathBatch,
  type LassoPath,
  lassoPathBatch,
} from "../core/var/lasso_path.ts";
import { selectByBic } from "../core/var/lambda_criteria.ts";
import { type Command, numberFlag, parseFlags, UsageError } from "./_flags.ts";

const usage = `Usage: sparsedyn lasso --x X.npy --y Y.npy [options]
       sparsedyn lasso --gram G.npy --xty C.npy --n N [options]

Fits the lasso (or LAR) solution path of every column of Y on X, from .npy or .csv
files. The objective is scikit-learn's: (1/2n)‖y − Xβ‖² + λ‖β‖₁.

Input:
  --x FILE          design X, n×m
  --y FILE          responses Y, n×d (or a vector)
  --center          remove column means first (fit an intercept)
  --gram FILE       G = XᵀX, m×m, instead of --x/--y
  --xty FILE        C = XᵀY, m×d (or a vector)
  --n N             samples behind G and C
Path:
  --method M        lasso (default) or lar
  --lambda L        only the solution at λ = L
  --steps K         only the solution after K steps
  --max-active A    only the solution where the active set would exceed A
  --lambda-min L    stop the path at λ = L
  --select bic      choose λ on the path by BIC (needs --x/--y)
Output:
  --out FILE        write the result as JSON (atomically: complete or not at all)
  --json            print the result as JSON on stdout
  -h, --help        show this help`;

function eventName(k: number) {
  return k === EVENT_JOIN ? "join" : k === EVENT_DROP ? "drop" : "none";
}

function pathJson(p: LassoPath) {
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

export const lasso: Command = {
  summary: "fit a LARS / lasso path from NPY or CSV files",
  usage,
  async run(argv) {
    const { values, positionals } = parseFlags(argv, {
      x: { type: "string" },
      y: { type: "string" },
      center: { type: "boolean" },
      gram: { type: "string" },
      xty: { type: "string" },
      n: { type: "string" },
      method: { type: "string" },
      lambda: { type: "string" },
      steps: { type: "string" },
      "max-active": { type: "string" },
      "lambda-min": { type: "string" },
      select: { type: "string" },
      out: { type: "string" },
      json: { type: "boolean" },
      help: { type: "boolean", short: "h" },
    });
    if (values.help) {
      console.log(usage);
      return 0;
    }
    if (positionals.length) throw new UsageError(`unexpected argument "${positionals[0]}"`);
    const method = values.method ?? "lasso";
    if (method !== "lasso" && method !== "lar") {
      throw new UsageError(`--method must be "lasso" or "lar"; got "${method}"`, "--method");
    }
    const targets = (["lambda", "steps", "max-active"] as const).filter((k) =>
      values[k] !== undefined
    );
    if (targets.length > 1) {
      throw new UsageError(
        `give at most one of --lambda, --steps, --max-active`,
        `--${targets[1]}`,
      );
    }
    if (values.select !== undefined && values.select !== "bic") {
      throw new UsageError(`--select must be "bic"; got "${values.select}"`, "--select");
    }
    const fromData = values.x !== undefined || values.y !== undefined;
    const fromStats = values.gram !== undefined || values.xty !== undefined ||
      values.n !== undefined;
    if (fromData === fromStats) {
      throw new UsageError(
        "give either --x and --y, or --gram, --xty and --n",
        fromData ? "--gram" : "--x",
      );
    }
    let G: Float64Array,
      C: Float64Array,
      n: number,
      m: number,
      d: number,
      yty: Float64Array | undefined;
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
      const s = regressionStatistics(X.data, Y.data, X.rows, X.cols, Y.cols, {
        center: values.center,
      });
      ({ G, C, n, m, d, yty } = s);
    } else {
      if (!values.gram || !values.xty || values.n === undefined) {
        throw new UsageError(
          "--gram, --xty and --n go together",
          !values.gram ? "--gram" : !values.xty ? "--xty" : "--n",
        );
      }
      if (values.center) throw new UsageError("--center needs --x and --y", "--center");
      const Gm = await readMatrix(values.gram), Cm = await readMatrix(values.xty);
      n = numberFlag(values.n, "--n", { min: 0, exclusiveMin: true })!;
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
      ({ data: G, rows: m } = Gm);
      ({ data: C, cols: d } = Cm);
    }
    if (values.select && !yty) {
      throw new UsageError("--select bic needs --x and --y (it uses the residuals)", "--select");
    }
    let target: LassoTarget | undefined;
    if (values.lambda !== undefined) {
      target = { lambda: numberFlag(values.lambda, "--lambda", { min: 0 })! };
    }
    if (values.steps !== undefined) {
      target = { steps: numberFlag(values.steps, "--steps", { integer: true, min: 0 })! };
    }
    if (values["max-active"] !== undefined) {
      target = {
        maxActive: numberFlag(values["max-active"], "--max-active", { integer: true, min: 0 })!,
      };
    }
    const lambdaMin = numberFlag(values["lambda-min"], "--lambda-min", { min: 0 });

    let result: Record<string, unknown>;
    const lines: string[] = [];
    if (target) {
      const fit = lassoAtBatch(G, C, n, target, { method });
      const responses = [];
      for (let r = 0; r < d; r++) {
        const beta = Array.from({ length: m }, (_, j) => fit.beta[j * d + r]);
        const active = Array.from(fit.active.subarray(fit.activeStart[r], fit.activeStart[r + 1]));
        responses.push({ lambda: fit.lambdas[r], beta, active, stop: fit.stop[r] });
        lines.push(
          `response ${r}: λ = ${fit.lambdas[r].toPrecision(6)}, ${active.length} active [${
            active.join(" ")
          }]`,
        );
      }
      result = { method, n, m, d, target, responses };
    } else {
      const fn = method === "lar" ? larsPathBatch : lassoPathBatch;
      const paths = fn(G, C, n, { lambdaMin, yty });
      const responses = paths.map((p, r) => {
        const out: Record<string, unknown> = pathJson(p);
        let tail = "";
        if (values.select) {
          const sel = selectByBic(p);
          const support = Array.from(sel.beta).flatMap((b, j) => (b !== 0 ? [j] : []));
          out.selected = {
            criterion: "bic",
            index: sel.index,
            lambda: sel.lambda,
            beta: Array.from(sel.beta),
          };
          tail = `; BIC picks λ = ${sel.lambda.toPrecision(6)} with ${support.length} non-zero [${
            support.join(" ")
          }]`;
        }
        lines.push(
          `response ${r}: ${p.lambdas.length} breakpoints, λ₀ = ${p.lambdas[0].toPrecision(6)}, ` +
            `${p.active.length} active at the end (${p.stop})${tail}`,
        );
        return out;
      });
      result = { method, n, m, d, responses };
    }
    const text = JSON.stringify(result);
    if (values.out) await writeFileAtomic(values.out, new TextEncoder().encode(text + "\n"));
    if (values.json) console.log(text);
    else {
      console.log(
        `sparsedyn lasso: ${method} on n = ${n}, m = ${m} regressors, d = ${d} response(s)`,
      );
      for (const l of lines) console.log("  " + l);
      if (values.out) console.log(`  written to ${values.out}`);
    }
    return 0;
  },
};
