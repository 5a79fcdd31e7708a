// `sparsedyn lasso`: the LARS / lasso path (or the solution at one point of it) from data
// files (X and Y) or from sufficient statistics (G = XᵀX, C = XᵀY and n).
import { writeFileAtomic } from "../core/runs/atomic_write.ts";
import { lassoAtBatch, type LassoTarget } from "../core/var/lasso_at.ts";
import { larsPathBatch, lassoPathBatch } from "../core/var/lasso_path.ts";
import { selectByBic } from "../core/var/select.ts";
import { UsageError } from "./_flags.ts";
import { defineCommand } from "./_command.ts";
import { lassoInputs, pathJson } from "./_lasso_inputs.ts";

const IN = "Input", PATH = "Path", OUT = "Output";

export const lasso = defineCommand("lasso", {
  summary: "fit a LARS / lasso path from NPY or CSV files",
  synopsis: `--x X.npy --y Y.npy [options]
       sparsedyn lasso --gram G.npy --xty C.npy --n N [options]`,
  description: `Fits the lasso (or LAR) solution path of every column of Y on X, from .npy or .csv
files. The objective is scikit-learn's: (1/2n)‖y − Xβ‖² + λ‖β‖₁.`,
  flags: {
    x: { type: "string", arg: "FILE", group: IN, help: "design X, n×m" },
    y: { type: "string", arg: "FILE", group: IN, help: "responses Y, n×d (or a vector)" },
    center: { type: "boolean", group: IN, help: "remove column means first (fit an intercept)" },
    gram: { type: "string", arg: "FILE", group: IN, help: "G = XᵀX, m×m, instead of --x/--y" },
    xty: { type: "string", arg: "FILE", group: IN, help: "C = XᵀY, m×d (or a vector)" },
    n: {
      type: "number",
      min: 0,
      exclusiveMin: true,
      arg: "N",
      group: IN,
      help: "samples behind G and C",
    },
    method: {
      type: "string",
      arg: "M",
      choices: ["lasso", "lar"],
      default: "lasso",
      group: PATH,
      help: "lasso or lar",
    },
    lambda: { type: "number", min: 0, arg: "L", group: PATH, help: "only the solution at λ = L" },
    steps: {
      type: "integer",
      min: 0,
      arg: "K",
      group: PATH,
      help: "only the solution after K steps",
    },
    "max-active": {
      type: "integer",
      min: 0,
      arg: "A",
      group: PATH,
      help: "only the solution where the active set would exceed A",
    },
    "lambda-min": { type: "number", min: 0, arg: "L", group: PATH, help: "stop the path at λ = L" },
    select: {
      type: "string",
      arg: "bic",
      choices: ["bic"],
      group: PATH,
      help: "choose λ on the path by BIC (needs --x/--y)",
    },
    out: {
      type: "string",
      arg: "FILE",
      group: OUT,
      help: "write the result as JSON (atomically: complete or not at all)",
    },
    json: { type: "boolean", group: OUT, help: "print the result as JSON on stdout" },
  },
  async run(values, positionals) {
    if (positionals.length) throw new UsageError(`unexpected argument "${positionals[0]}"`);
    const method = values.method as "lasso" | "lar";
    const targets = (["lambda", "steps", "max-active"] as const).filter((k) =>
      values[k] !== undefined
    );
    if (targets.length > 1) {
      throw new UsageError(
        `give at most one of --lambda, --steps, --max-active`,
        `--${targets[1]}`,
      );
    }
    const { G, C, n, m, d, yty } = await lassoInputs(values);
    if (values.select && !yty) {
      throw new UsageError("--select bic needs --x and --y (it uses the residuals)", "--select");
    }
    const target: LassoTarget | undefined = values.lambda !== undefined
      ? { lambda: values.lambda }
      : values.steps !== undefined
      ? { steps: values.steps }
      : values["max-active"] !== undefined
      ? { maxActive: values["max-active"] }
      : undefined;
    const lambdaMin = values["lambda-min"];

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
});
