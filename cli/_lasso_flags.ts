// The flags and help of `sparsedyn lasso`, as a table (cli/_command.ts).
import type { FlagTable } from "./_command.ts";

const IN = "Input", PATH = "Path", OUT = "Output";

export const LASSO_DESCRIPTION =
  `Fits the lasso (or LAR) solution path of every column of Y on X, from .npy or .csv
files. The objective is scikit-learn's: (1/2n)‖y − Xβ‖² + λ‖β‖₁.`;

export const LASSO_FLAGS = {
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
} as const satisfies FlagTable;
