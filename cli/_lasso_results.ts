// What `sparsedyn lasso` computes from its inputs: the solution at one point of the path
// (--lambda, --steps or --max-active) or the whole path per response (with BIC's choice on
// it), each as JSON for --json and --out and as one line of the report.
import { lassoAtBatch, type LassoTarget } from "../core/var/lasso_at.ts";
import { larsPathBatch, lassoPathBatch } from "../core/var/lasso_path.ts";
import { selectByBic } from "../core/var/lambda_criteria.ts";
import { UsageError } from "./_flags.ts";
import { type LassoInputs, pathJson } from "./_lasso_inputs.ts";

/** Each response's result as JSON, and its line of the report. */
export interface LassoResponses {
  responses: Record<string, unknown>[];
  lines: string[];
}

/**
 * The point of the path asked for by --lambda, --steps or --max-active; undefined for the
 * whole path.
 *
 * @throws {UsageError} When more than one of them is given.
 */
export function lassoTarget(
  values: { lambda?: number; steps?: number; "max-active"?: number },
): LassoTarget | undefined {
  const targets = (["lambda", "steps", "max-active"] as const).filter((k) =>
    values[k] !== undefined
  );
  if (targets.length > 1) {
    throw new UsageError(
      `give at most one of --lambda, --steps, --max-active`,
      `--${targets[1]}`,
    );
  }
  return values.lambda !== undefined
    ? { lambda: values.lambda }
    : values.steps !== undefined
    ? { steps: values.steps }
    : values["max-active"] !== undefined
    ? { maxActive: values["max-active"] }
    : undefined;
}

/** Each response's solution at `target`: its λ, coefficients and active set. */
export function solutionsAt(
  { G, C, n, m, d }: LassoInputs,
  target: LassoTarget,
  method: "lasso" | "lar",
): LassoResponses {
  const fit = lassoAtBatch(G, C, n, target, { method });
  const responses = [];
  const lines: string[] = [];
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
  return { responses, lines };
}

/** Each response's whole path down to `lambdaMin`, with BIC's choice on it when `select`. */
export function pathsOf(
  { G, C, n, yty }: LassoInputs,
  method: "lasso" | "lar",
  lambdaMin: number | undefined,
  select: boolean,
): LassoResponses {
  const lines: string[] = [];
  const fn = method === "lar" ? larsPathBatch : lassoPathBatch;
  const paths = fn(G, C, n, { lambdaMin, yty });
  const responses = paths.map((p, r) => {
    const out: Record<string, unknown> = pathJson(p);
    let tail = "";
    if (select) {
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
  return { responses, lines };
}
