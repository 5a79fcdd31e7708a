/** @jsxImportSource preact */
/**
 * A run's held-out evaluation (`evaluation.json`, written by `sparsedyn evaluate`): the
 * model's pixel-space errors next to the baselines' on the same frames, the best of each
 * column marked, and, with cells, how each map scores against them. Rendered on the server.
 *
 * @example
 * ```ts
 * import { h } from "preact";
 * import { renderToString } from "preact-render-to-string";
 * import { EvaluationTable } from "./EvaluationTable.tsx";
 *
 * const evaluation = { mode: "end-to-end", horizons: [1], heldout: "m.tif[450:]",
 *   model: { reconstruction: 0.2, prediction: [0.3], latentPersistence: [0.35] },
 *   baselines: { reconstruction: { windowMean: 0.25, pca: [{ k: 8, mse: 0.1 }] },
 *     prediction: { horizons: [1], persistence: [0.4], trainMean: [0.5], pcaVar: [{ k: 8, mse: [0.28] }] } } };
 * const html = renderToString(h(EvaluationTable, { evaluation }));
 * if (!html.includes("held-out frames") || !html.includes("PCA-8")) throw new Error(html);
 * ```
 *
 * @module
 */

/** Props of {@link EvaluationTable}. */
export interface EvaluationTableProps {
  /** evaluation.json's content. */
  evaluation: Record<string, unknown>;
}

type Row = { name: string; model?: boolean; values: (number | undefined)[] };
type Scores = { auc?: number; massShare?: number; topShare?: number };

const num = (v: unknown): number | undefined =>
  typeof v === "number" && Number.isFinite(v) ? v : undefined;
const nums = (v: unknown, n: number): (number | undefined)[] =>
  Array.from({ length: n }, (_, i) => num(Array.isArray(v) ? v[i] : undefined));
const fmt = (v: number | undefined) => (v === undefined ? "—" : v.toPrecision(3));

type Cells = { count?: number; chance?: number; model?: Scores; images?: Record<string, Scores> };
type PcaVar = { k: number; mse: number[] };

/** The model's and the baselines' rows: reconstruction error, then one error per horizon. */
function baselineRows(e: Record<string, unknown>, H: number): Row[] {
  const model = (e.model ?? {}) as Record<string, unknown>;
  const base = (e.baselines ?? {}) as Record<string, Record<string, unknown>>;
  const rec = base.reconstruction ?? {}, pred = base.prediction ?? {};
  const pcaVar = (Array.isArray(pred.pcaVar) ? pred.pcaVar : []) as PcaVar[];
  return [
    {
      name: `model (${e.mode ?? "?"})`,
      model: true,
      values: [num(model.reconstruction), ...nums(model.prediction, H)],
    },
    {
      name: "model, latent persistence",
      model: true,
      values: [undefined, ...nums(model.latentPersistence, H)],
    },
    { name: "persistence (frame t − k)", values: [undefined, ...nums(pred.persistence, H)] },
    {
      name: "mean image (window / training)",
      values: [num(rec.windowMean), ...nums(pred.trainMean, H)],
    },
    { name: "recent mean (L frames to t − k)", values: [undefined, ...nums(pred.recentMean, H)] },
    ...pcaRows(rec, pcaVar, H),
  ];
}

/** The PCA baselines' rows: PCA-k with its lasso VAR's forecasts, and window mean + PCA-k. */
function pcaRows(rec: Record<string, unknown>, pcaVar: PcaVar[], H: number): Row[] {
  return [
    ...(Array.isArray(rec.pca) ? rec.pca as { k: number; mse: number }[] : []).map((r) => ({
      name: `PCA-${r.k} (+ lasso VAR)`,
      values: [num(r.mse), ...nums(pcaVar.find((v) => v.k === r.k)?.mse, H)],
    })),
    ...(Array.isArray(rec.windowMeanPca) ? rec.windowMeanPca as { k: number; mse: number }[] : [])
      .map((r) => ({
        name: `window mean + PCA-${r.k}`,
        values: [num(r.mse), ...nums(undefined, H)],
      })),
  ];
}

/** The smallest value of each column (undefined where a column has none). */
function columnBests(rows: Row[]): (number | undefined)[] {
  return rows[0].values.map((_, c) => {
    const vs = rows.map((r) => r.values[c]).filter((v): v is number => v !== undefined);
    return vs.length ? Math.min(...vs) : undefined;
  });
}

/** The errors table: one row per method, the best of each column in bold. */
function ErrorsTable({ horizons, rows }: { horizons: number[]; rows: Row[] }) {
  const best = columnBests(rows);
  return (
    <table class="grid">
      <thead>
        <tr>
          <th>method</th>
          <th>reconstruction</th>
          {horizons.map((h) => <th key={h}>{h}-step</th>)}
        </tr>
      </thead>
      <tbody>
        {rows.map((r) => (
          <tr key={r.name} class={r.model ? "model" : undefined}>
            <th>{r.name}</th>
            {r.values.map((v, c) => (
              <td key={c} class={v !== undefined && v === best[c] ? "best" : undefined}>
                {v !== undefined && v === best[c] ? <b>{fmt(v)}</b> : fmt(v)}
              </td>
            ))}
          </tr>
        ))}
      </tbody>
    </table>
  );
}

/** How the model's map and each summary image score against the cells. */
function CellScores({ cells }: { cells: Cells }) {
  const rows: [string, Scores | undefined][] = [
    ["model (IG, summed)", cells.model],
    ["mean image", cells.images?.mean],
    ["std image", cells.images?.std],
    ["max image", cells.images?.max],
    ["local correlation", cells.images?.localCorrelation],
  ];
  return (
    <>
      <h3>Maps against {cells.count ?? "?"} cells</h3>
      <p class="note">
        A random map scores AUC 0.5 and a mass / top-10% share of {fmt(num(cells.chance))}.
      </p>
      <table class="grid">
        <thead>
          <tr>
            <th>map</th>
            <th>ROC AUC</th>
            <th>mass share</th>
            <th>top 10%</th>
          </tr>
        </thead>
        <tbody>
          {rows.map(([name, s]) => (
            <tr key={name}>
              <th>{name}</th>
              <td>{fmt(num(s?.auc))}</td>
              <td>{fmt(num(s?.massShare))}</td>
              <td>{fmt(num(s?.topShare))}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </>
  );
}

/** The "vs baselines" tables. */
export function EvaluationTable({ evaluation: e }: EvaluationTableProps) {
  const horizons = (Array.isArray(e.horizons) ? e.horizons : []).map(Number);
  const cells = e.cells as Cells | undefined;
  return (
    <div class="evaluation">
      <h3>Mean squared error on held-out frames</h3>
      <p class="note">
        On{" "}
        <code>{String(e.heldout ?? "?")}</code>, in pixel space (the run's scale; lower is better,
        the best of each column in bold). Forecasts decode the VAR's k-step latents.
      </p>
      {(Array.isArray(e.warnings) ? e.warnings as string[] : []).map((w) => (
        <p class="note warning" key={w}>Warning: {w}</p>
      ))}
      <ErrorsTable horizons={horizons} rows={baselineRows(e, horizons.length)} />
      {cells ? <CellScores cells={cells} /> : null}
    </div>
  );
}
