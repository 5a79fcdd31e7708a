// `sparsedyn lasso`: the LARS / lasso path (or the solution at one point of it) from data
// files (X and Y) or from sufficient statistics (G = XᵀX, C = XᵀY and n).
import { writeFileAtomic } from "../core/files/atomic_write.ts";
import { lassoAtBatch, type LassoTarget } from "../core/var/lasso_at.ts";
import { larsPathBatch, lassoPathBatch } from "../core/var/lasso_path.ts";
import { selectByBic } from "../core/var/lambda_criteria.ts";
import { UsageError } from "./_flags.ts";
import { defineCommand } from "./_command.ts";
import { LASSO_DESCRIPTION, LASSO_FLAGS } from "./_lasso_flags.ts";
import { lassoInputs, pathJson } from "./_lasso_inputs.ts";

export const lasso = defineCommand("lasso", {
  summary: "fit a LARS / lasso path from NPY or CSV files",
  synopsis: `--x X.npy --y Y.npy [options]
       sparsedyn lasso --gram G.npy --xty C.npy --n N [options]`,
  description: LASSO_DESCRIPTION,
  flags: LASSO_FLAGS,
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
