// Bad input to the VAR tools fails early with typed errors that name the input and the
// place: NaN/Inf (row, column), a constant column, too short for p / pMax / folds / holdout.
import { assert, assertThrows } from "../../_helpers/assert.ts";
import { simulateVar } from "../../../core/data/synthetic_var.ts";
import { SparsedynError } from "../../../core/errors.ts";
import { selectOrder } from "../../../core/var/order.ts";
import { checkSeries } from "../../../core/var/series_check.ts";
import { fitVar } from "../../../core/var/fit_var.ts";

const { series, T, d } = simulateVar({ d: 3, p: 1, T: 100, seed: 1 });

Deno.test("NaN and infinity are reported with their row and column", () => {
  for (const bad of [NaN, Infinity, -Infinity]) {
    const z = series.slice();
    z[41 * d + 2] = bad;
    const e = assertThrows(() => fitVar(z, T, d), SparsedynError, {
      code: "NON_FINITE",
      argument: "series",
    });
    assert(e.message.includes(`${bad} at row 41, column 2`), e.message);
  }
  const z = series.slice();
  z[T * d - 1] = NaN; // in the held-out tail: still refused
  assertThrows(() => fitVar(z, T, d, { holdout: 0.2 }), SparsedynError, { code: "NON_FINITE" });
});

Deno.test("a constant column is named", () => {
  const z = series.slice();
  for (let t = 0; t < T; t++) z[t * d + 1] = 4.5;
  assertThrows(
    () => fitVar(z, T, d),
    SparsedynError,
    { argument: "series" },
    "column 1 is constant",
  );
  assertThrows(() => selectOrder(z, T, d, 3), SparsedynError, {}, "column 1 is constant");
  // Constant only in the part that is fitted (the training part before the holdout).
  const w = series.slice();
  for (let t = 0; t < 80; t++) w[t * d] = 0;
  assertThrows(
    () => fitVar(w, T, d, { lags: 1, holdout: 0.2 }),
    SparsedynError,
    { argument: "series (training part)" },
    "column 0 is constant",
  );
});

Deno.test("too short: T ≤ p, T too short for maxLags, for the folds, for the holdout", () => {
  const short = series.slice(0, 3 * d);
  assertThrows(
    () => fitVar(short, 3, d, { lags: 3 }),
    SparsedynError,
    { argument: "series" },
    "too short",
  );
  assertThrows(() => fitVar(short, 3, d, { lags: 1 }), SparsedynError, {}, "T = 3");
  assertThrows(
    () => selectOrder(series.slice(0, 8 * d), 8, d, 6),
    SparsedynError,
    {},
    "maxLags + 3",
  );
  assertThrows(
    () => fitVar(series.slice(0, 12 * d), 12, d, { lags: 1, select: "cv", cv: { folds: 5 } }),
    SparsedynError,
    { argument: "folds" },
    "too short for 5 cross-validation folds",
  );
  assertThrows(
    () => fitVar(series.slice(0, 10 * d), 10, d, { lags: 1, holdout: 0.01 }),
    SparsedynError,
    { argument: "holdout" },
  );
  assertThrows(
    () => fitVar(series.slice(0, 10 * d), 10, d, { lags: 2, holdout: 0.6 }),
    SparsedynError,
    {},
    "before the held-out 6",
  );
  // Least squares needs more rows than coefficients.
  assertThrows(
    () => fitVar(series.slice(0, 8 * d), 8, d, { lags: 3, select: "none" }),
    SparsedynError,
    { code: "NOT_POSITIVE_DEFINITE" },
  );
});

Deno.test("empty and mis-sized series, conflicting options", () => {
  assertThrows(() => fitVar(new Float64Array(0), 0, 3), SparsedynError, {}, "empty");
  assertThrows(() => fitVar(series, T + 1, d), SparsedynError, { argument: "series" }, "T×d");
  assertThrows(() => fitVar(series, T, d, { lags: 1, maxLags: 2 }), SparsedynError, {
    argument: "maxLags",
  });
  assertThrows(() => fitVar(series, T, d, { lags: 0 }), SparsedynError, { argument: "lags" });
  assertThrows(() => fitVar(series, T, d, { holdout: 1 }), SparsedynError, { argument: "holdout" });
  assertThrows(() => fitVar(series, T, d, { ebicGamma: 2 }), SparsedynError, {
    argument: "ebicGamma",
  });
  assertThrows(
    // deno-lint-ignore no-explicit-any
    () => fitVar(series, T, d, { select: "lars" as any }),
    SparsedynError,
    { argument: "select" },
  );
  checkSeries(series, T, d, { minLength: 100 }); // fine as it is
  assertThrows(
    () => checkSeries(series, T, d, { file: "traces.npy", minLength: 101 }),
    SparsedynError,
    {
      file: "traces.npy",
    },
    "traces.npy: series is too short",
  );
});
