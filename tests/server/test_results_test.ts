// The condition-test panel says what test.json says: its caveats (a design that can never
// reject), the principal components used, and the maps sub-test's grid in words.
import { h } from "preact";
import { renderToString } from "preact-render-to-string";
import { TestResults } from "../../server/components/TestResults.tsx";
import { assert } from "../_helpers/assert.ts";

Deno.test("test panel: warnings, components and the maps grid in words", () => {
  const test = {
    statisticName: "sum over coefficients of squared Welch t",
    statistic: 49.3,
    pValue: 0.267,
    alpha: 0.05,
    rejected: false,
    permutations: 15,
    exact: true,
    null: { values: [14, 20, 49.3, 365] },
    significant: [],
    coefficients: [],
    components: { k: 8, d: 32, explained: 0.999, vectors: [] },
    warnings: ["the smallest p-value this design can give is 0.0667 > α = 0.05"],
    maps: {
      statisticName: "sum over map grid cells of squared Welch t",
      statistic: 22.7,
      pValue: 0.733,
      alpha: 0.05,
      rejected: false,
      permutations: 15,
      null: { values: [9, 22.7, 184] },
      significant: [],
      grid: { height: 8, width: 4, downsample: 2 },
      warnings: [],
    },
  };
  const html = renderToString(h(TestResults, { test }));
  assert(html.includes("smallest p-value this design can give"), "the caveat is shown");
  assert(html.includes("8 leading principal components of the 32"), "components are named");
  assert(html.includes("grid 8×4, cells of 2×2 pixels"), html);
  assert(!html.includes("{&quot;height&quot;") && !html.includes('{"height"'), "no raw JSON");
});
