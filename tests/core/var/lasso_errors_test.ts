// Bad input to the path, the point solution and the adjoint: a typed error that names
// the argument and the reason, and a core that keeps working for the next call.
import {
  lassoAdjoint,
  lassoAt,
  lassoAtBatch,
  lassoPath,
  lassoPathBatch,
  SparsedynError,
} from "../../../mod.ts";
import { assert, assertEquals, assertThrows } from "../../_helpers/assert.ts";
import { problem } from "../../_helpers/random.ts";

const { G, C } = problem(3, 40, 5, 1);
const reference = lassoPath(G, C, 40);

/** After every failure the next valid call must give the same path as before. */
function stillWorks() {
  const p = lassoPath(G, C, 40);
  assertEquals(Array.from(p.lambdas), Array.from(reference.lambdas), "path after a failed call");
  assertEquals(
    Array.from(p.coefs),
    Array.from(reference.coefs),
    "coefficients after a failed call",
  );
}

/** G with row and column j set to 0 (X's column j all zero). */
function zeroColumn(g: Float64Array, j: number) {
  const m = Math.round(Math.sqrt(g.length)), b = g.slice();
  for (let k = 0; k < m; k++) b[j * m + k] = b[k * m + j] = 0;
  return b;
}

function withEntry(a: Float64Array, k: number, v: number) {
  const b = a.slice();
  b[k] = v;
  return b;
}

const cases: [string, () => unknown, Partial<SparsedynError>, string][] = [
  [
    "NaN in G",
    () => lassoPath(withEntry(G, 7, NaN), C, 40),
    { code: "NON_FINITE", argument: "G" },
    "G[1][2]",
  ],
  ["Inf in G", () => lassoPath(withEntry(G, 0, Infinity), C, 40), {
    code: "NON_FINITE",
    argument: "G",
  }, "G[0][0]"],
  [
    "NaN in c",
    () => lassoPath(G, withEntry(C, 3, NaN), 40),
    { code: "NON_FINITE", argument: "c" },
    "c[3]",
  ],
  ["-Inf in C", () => lassoPathBatch(G, withEntry(C, 2, -Infinity), 40), {
    code: "NON_FINITE",
    argument: "C",
  }, "C[2][0]"],
  ["non-symmetric G", () => lassoPath(withEntry(G, 1, G[1] + 1), C, 40), {
    code: "NOT_SYMMETRIC",
    argument: "G",
  }, "G[0][1]"],
  ["negative diagonal", () => lassoPath(withEntry(G, 6, -1), C, 40), {
    code: "NEGATIVE_DIAGONAL",
    argument: "G",
  }, "G[1][1]"],
  [
    "G not square",
    () => lassoPath(G.slice(1), C, 40),
    { code: "INVALID_ARGUMENT", argument: "G" },
    "24 entries",
  ],
  ["c of the wrong length", () => lassoPath(G, C.slice(1), 40), {
    code: "INVALID_ARGUMENT",
    argument: "c",
  }, "got 4"],
  ["C not m×d", () => lassoPathBatch(G, new Float64Array(7), 40), {
    code: "INVALID_ARGUMENT",
    argument: "C",
  }, "got 7"],
  ["n = 0", () => lassoPath(G, C, 0), { code: "INVALID_ARGUMENT", argument: "n" }, "got 0"],
  ["n < 0", () => lassoPath(G, C, -3), { code: "INVALID_ARGUMENT", argument: "n" }, "got -3"],
  ["n = NaN", () => lassoPath(G, C, NaN), { code: "INVALID_ARGUMENT", argument: "n" }, "got NaN"],
  // n counts samples: a fraction used to pass and scale λ by a count that is not one.
  ["n = 1.5", () => lassoPath(G, C, 1.5), { code: "INVALID_ARGUMENT", argument: "n" }, "got 1.5"],
  ["n = 40.5 (batch)", () => lassoPathBatch(G, C, 40.5), {
    code: "INVALID_ARGUMENT",
    argument: "n",
  }, "integer"],
  ["n = 2.5 (lassoAt)", () => lassoAt(G, C, 2.5, { steps: 1 }), {
    code: "INVALID_ARGUMENT",
    argument: "n",
  }, "got 2.5"],
  // G = 0 means X = 0, so Xᵀy = 0: G = 0 beside c ≠ 0 used to return λ = [0] silently.
  ["G = 0 with c ≠ 0", () => lassoPath(new Float64Array(25), C, 40), {
    code: "INVALID_ARGUMENT",
    argument: "c",
  }, "G[0][0] = 0"],
  ["a zero column of G with c ≠ 0 there", () => lassoPath(zeroColumn(G, 2), C, 40), {
    code: "INVALID_ARGUMENT",
    argument: "c",
  }, "c[2]"],
  [
    "a zero column of G with C ≠ 0 there (batch)",
    () => lassoPathBatch(zeroColumn(G, 3), Float64Array.of(1, 1, 1, 1, 1, 1, 1, 1, 1, 1), 40),
    {
      code: "INVALID_ARGUMENT",
      argument: "C",
    },
    "C[3][0]",
  ],
  ["G = 0 with c ≠ 0 (lassoAt)", () => lassoAt(new Float64Array(25), C, 40, { lambda: 0.1 }), {
    code: "INVALID_ARGUMENT",
    argument: "c",
  }, "do not come from one design"],
  ["G as a plain array", () => lassoPath([1] as unknown as Float64Array, C, 40), {
    code: "INVALID_ARGUMENT",
    argument: "G",
  }, "Float64Array"],
  ["lambdaMin < 0", () => lassoPath(G, C, 40, { lambdaMin: -1 }), {
    code: "INVALID_ARGUMENT",
    argument: "lambdaMin",
  }, "got -1"],
  ["maxSteps not an integer", () => lassoPath(G, C, 40, { maxSteps: 1.5 }), {
    code: "INVALID_ARGUMENT",
    argument: "maxSteps",
  }, "1.5"],
  ["tieTolerance ≥ 1", () => lassoPath(G, C, 40, { tieTolerance: 2 }), {
    code: "INVALID_ARGUMENT",
    argument: "tieTolerance",
  }, "got 2"],
  ["yty of the wrong length", () => lassoPath(G, C, 40, { yty: new Float64Array(2) }), {
    code: "INVALID_ARGUMENT",
    argument: "yty",
  }, "1 finite"],
  ["an unknown target", () => lassoAt(G, C, 40, {} as { steps: number }), {
    code: "INVALID_ARGUMENT",
    argument: "target",
  }, "lambda"],
  ["target.lambda NaN", () => lassoAt(G, C, 40, { lambda: NaN }), {
    code: "INVALID_ARGUMENT",
    argument: "target.lambda",
  }, "NaN"],
  ["an unknown method", () => lassoAt(G, C, 40, { steps: 1 }, { method: "ols" as "lar" }), {
    code: "INVALID_ARGUMENT",
    argument: "method",
  }, "ols"],
];

for (const [what, fn, props, inMessage] of cases) {
  Deno.test(`lassoPath()/lassoAt() reject ${what} with a typed error, and the next call works`, () => {
    assertThrows(fn, SparsedynError, props, inMessage);
    stillWorks();
  });
}

Deno.test("lassoAdjoint() rejects bad gradients and mismatched statistics, and the next call works", () => {
  const fit = lassoAt(G, C, 40, { steps: 2 });
  assertThrows(() => lassoAdjoint(G, C, 40, fit, new Float64Array(4)), SparsedynError, {
    argument: "gradBeta",
  }, "5 entries");
  assertThrows(
    () => lassoAdjoint(G, C, 40, fit, Float64Array.of(1, NaN, 0, 0, 0)),
    SparsedynError,
    {
      code: "NON_FINITE",
      argument: "gradBeta",
    },
  );
  assertThrows(() => lassoAdjoint(G, C, 41, fit, new Float64Array(5)), SparsedynError, {
    argument: "n",
  });
  assertThrows(
    () => lassoAdjoint(withEntry(G, 1, NaN), C, 40, fit, new Float64Array(5)),
    SparsedynError,
    {
      code: "NON_FINITE",
      argument: "G",
    },
  );
  const tampered = { ...fit, active: Int32Array.of(99, 0).subarray(0, fit.active.length) };
  assertThrows(() => lassoAdjoint(G, C, 40, tampered, new Float64Array(5)), SparsedynError, {
    argument: "fit.active",
  });
  const ok = lassoAdjoint(G, C, 40, fit, Float64Array.of(1, 1, 1, 1, 1));
  assert(ok.gradC.some((v) => v !== 0), "a valid adjoint after failures");
  stillWorks();
});

Deno.test("lassoPath() handles empty and degenerate shapes", () => {
  const empty = lassoPath(new Float64Array(0), new Float64Array(0), 10);
  assertEquals(Array.from(empty.lambdas), [0]);
  const zero = lassoAtBatch(new Float64Array(4), new Float64Array(2), 5, { lambda: 0.1 });
  assertEquals(Array.from(zero.beta), [0, 0], "all-zero columns never enter");
});

Deno.test("a zero column of G beside its exact zero in c, or centring's rounding there, still gives a path", () => {
  // A constant series centred by subtraction leaves G_jj = 0 and C_j at rounding level.
  const g = zeroColumn(G, 1);
  for (const cj of [0, 1e-14 * Math.max(...C.map(Math.abs))]) {
    const c = withEntry(C, 1, cj);
    const path = lassoPath(g, c, 40);
    for (let k = 0; k < path.lambdas.length; k++) {
      assertEquals(path.coefs[k * 5 + 1], 0, "the zero column never enters");
    }
  }
  stillWorks();
});
