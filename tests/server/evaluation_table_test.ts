// The held-out panel says what evaluation.json says: every method's errors in its row, the
// best of each column in bold, the cells' table, and "—" (not a crash) for missing parts.
import { h } from "preact";
import { renderToString } from "preact-render-to-string";
import { EvaluationTable } from "../../server/components/EvaluationTable.tsx";
import { assert } from "../_helpers/assert.ts";

const evaluation = {
  mode: "end-to-end",
  heldout: "m.tif[450:]",
  horizons: [1, 2, 5],
  model: {
    reconstruction: 0.177,
    prediction: [0.21, 0.22, 0.23],
    latentPersistence: [0.211, 0.22, 0.24],
  },
  baselines: {
    reconstruction: { windowMean: 0.208, pca: [{ k: 32, mse: 0.148 }, { k: 8, mse: 0.165 }] },
    prediction: {
      horizons: [1, 2, 5],
      persistence: [0.284, 0.297, 0.335],
      trainMean: [0.267, 0.267, 0.267],
      recentMean: [0.257, 0.258, 0.26],
      pcaVar: [{ k: 32, mse: [0.179, 0.19, 0.219] }, { k: 8, mse: [0.182, 0.192, 0.22] }],
    },
  },
  cells: {
    count: 36,
    chance: 0.126,
    model: { auc: 0.61, massShare: 0.25, topShare: 0.2 },
    images: {
      mean: { auc: 0.587, massShare: 0.177, topShare: 0.233 },
      std: { auc: 0.592, massShare: 0.206, topShare: 0.262 },
      max: { auc: 0.591, massShare: 0.185, topShare: 0.252 },
      localCorrelation: { auc: 0.565, massShare: 0.151, topShare: 0.194 },
    },
  },
};

Deno.test("evaluation panel: rows per method, the best of each column bold, the cells", () => {
  const html = renderToString(h(EvaluationTable, { evaluation }));
  for (
    const s of [
      "model (end-to-end)",
      "persistence",
      "recent mean",
      "PCA-32 (+ lasso VAR)",
      "PCA-8",
      "local correlation",
      "36 cells",
    ]
  ) {
    assert(html.includes(s), `${s} in ${html}`);
  }
  // PCA-32 is best in reconstruction (0.148) and at 1, 2 and 5 steps (0.179, 0.190, 0.219).
  for (const b of ["0.148", "0.179", "0.190", "0.219"]) {
    assert(html.includes(`<b>${b}</b>`), `${b} bold`);
  }
  assert(!html.includes("<b>0.177</b>"), "the model is not the best here");
});

Deno.test("evaluation panel: warnings are shown", () => {
  const html = renderToString(
    h(EvaluationTable, { evaluation: { ...evaluation, warnings: ["frames overlap"] } }),
  );
  assert(html.includes("Warning: frames overlap"), html);
});

Deno.test("evaluation panel: a partial evaluation.json shows dashes, not an error", () => {
  const html = renderToString(h(EvaluationTable, { evaluation: { horizons: [1], model: {} } }));
  assert(html.includes("—") && !html.includes("Maps against"), html);
});
