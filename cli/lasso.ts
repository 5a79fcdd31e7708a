// `sparsedyn lasso`: the LARS / lasso path (or the solution at one point of it) from data
// files (X and Y) or from sufficient statistics (G = XᵀX, C = XᵀY and n).
import { writeFileAtomic } from "../core/files/atomic_write.ts";
import { UsageError } from "./_flags.ts";
import { defineCommand } from "./_command.ts";
import { LASSO_DESCRIPTION, LASSO_FLAGS } from "./_lasso_flags.ts";
import { lassoInputs } from "./_lasso_inputs.ts";
import { lassoTarget, pathsOf, solutionsAt } from "./_lasso_results.ts";

export const lasso = defineCommand("lasso", {
  summary: "fit a LARS / lasso path from NPY or CSV files",
  synopsis: `--x X.npy --y Y.npy [options]
       sparsedyn lasso --gram G.npy --xty C.npy --n N [options]`,
  description: LASSO_DESCRIPTION,
  flags: LASSO_FLAGS,
  async run(values, positionals) {
    if (positionals.length) throw new UsageError(`unexpected argument "${positionals[0]}"`);
    const method = values.method as "lasso" | "lar";
    const target = lassoTarget(values);
    const inputs = await lassoInputs(values);
    const { n, m, d } = inputs;
    if (values.select && !inputs.yty) {
      throw new UsageError("--select bic needs --x and --y (it uses the residuals)", "--select");
    }
    const { responses, lines } = target
      ? solutionsAt(inputs, target, method)
      : pathsOf(inputs, method, values["lambda-min"], !!values.select);
    const result = { method, n, m, d, ...(target ? { target } : {}), responses };
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
