/** @jsxImportSource preact */
/**
 * The sections of a run, shared by the run page and the compare page: facts, training
 * curves, reconstructions, latent traces with VAR predictions, coefficients and network,
 * contribution maps, held-out evaluation against baselines, condition test. A section whose data are missing says so; one whose
 * file is malformed shows an error panel.
 *
 * @example
 * ```ts
 * import { h } from "preact";
 * import { renderToString } from "preact-render-to-string";
 * import { RunPanels } from "./RunPanels.tsx";
 *
 * const run = { name: "r", dir: "/x/r", status: "running" as const, config: {}, metrics: [], T: 0, d: 0, noFrames: "", problems: {}, damage: [] };
 * if (!renderToString(h(RunPanels, { run })).includes("Training curves")) throw new Error("curves");
 * ```
 *
 * @module
 */
import type { RunData } from "../run_data.ts";
import { ErrorPanel } from "./ErrorPanel.tsx";
import { Island } from "./Island.tsx";
import { TestResults } from "./TestResults.tsx";
import { EvaluationTable } from "./EvaluationTable.tsx";
import type { MapItem, MapsViewerProps } from "../islands/MapsViewer.tsx";

/** Props of {@link RunPanels}. */
export interface RunPanelsProps {
  /** The run. */
  run: RunData;
  /** Compare page: fewer sections (no frames, no traces). */
  compact?: boolean;
}

function Facts({ run }: { run: RunData }) {
  const c = run.config;
  const cae = (c.cae ?? {}) as Record<string, unknown>;
  const obj = (c.objective ?? {}) as Record<string, unknown>;
  const last = run.metrics.at(-1) ?? {};
  const nonZero = run.var ? run.var.A.flat(2).filter((w) => w !== 0).length : undefined;
  const rows: [string, unknown][] = [
    ["status", run.status],
    ["mode", c.mode],
    ["skip", cae.skip],
    ["backend", c.backend],
    ["movie", c.movie],
    ["frames × latents", run.T ? `${run.T} × ${run.d}` : undefined],
    ["frame", cae.height ? `${cae.height} × ${cae.width}` : undefined],
    ["VAR lags", obj.lags],
    ["non-zero coefficients", nonZero],
    ["epochs", run.metrics.length],
    ["last loss", last.loss],
    ["reconstruction", last.reconstruction],
    ["prediction", last.prediction],
  ];
  return (
    <table class="kv facts">
      <tbody>
        {rows.filter(([, v]) => v !== undefined && v !== null && v !== "").map(([k, v]) => (
          <tr key={k}>
            <th>{k}</th>
            <td>{typeof v === "number" && !Number.isInteger(v) ? v.toPrecision(4) : String(v)}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

/** The warning that a finished run's files were changed after it was written. */
function DamagePanel({ damage }: { damage: string[] }) {
  return (
    <div class="error-panel damage-panel">
      <b>This run is damaged:</b>{" "}
      its files were cut or changed after it was written, so parts of this page may be wrong or
      missing.
      <ul>{damage.map((why) => <li key={why}>{why}</li>)}</ul>
    </div>
  );
}

/** The loss curves, live while the run trains. */
function CurvesSection({ run }: { run: RunData }) {
  return (
    <section class="panel" id="curves">
      <h2>Training curves</h2>
      <Island
        name="TrainingCurves"
        props={{ name: run.name, metrics: run.metrics, live: run.status === "running" }}
      />
    </section>
  );
}

/** The frame viewer, or why reconstructions cannot be shown. */
function FramesSection({ run }: { run: RunData }) {
  return (
    <section class="panel" id="frames">
      <h2>Reconstructions</h2>
      {run.noFrames
        ? <p class="note">Reconstructions are not available: {run.noFrames}.</p>
        : <Island name="FrameViewer" props={{ name: run.name, T: run.T }} />}
    </section>
  );
}

/** The latent traces with the VAR's predictions (and why those are missing, if they are). */
function TracesSection({ run }: { run: RunData }) {
  return (
    <section class="panel" id="traces">
      <h2>Latent traces and one-step VAR predictions</h2>
      {run.problems.var ? <ErrorPanel title="VAR predictions" message={run.problems.var} /> : null}
      <Island name="LatentTraces" props={{ name: run.name, T: run.T, d: run.d }} />
    </section>
  );
}

/** The VAR's coefficients and network, or why var.json cannot be read. */
function DynamicsSection({ run }: { run: RunData }) {
  return (
    <section class="panel" id="dynamics">
      <h2>VAR coefficients and network</h2>
      {run.var
        ? <Island name="Dynamics" props={{ name: run.name }} />
        : <ErrorPanel title="var.json" message={run.problems.var ?? "missing"} />}
    </section>
  );
}

/** The maps viewer's props: maps.json's entries cut to the fields the viewer reads. */
function mapsViewerProps(run: RunData): MapsViewerProps {
  const maps = run.maps!;
  return {
    name: run.name,
    maps: (maps.maps as MapItem[]).map(({ file, png, kind, method, latent, edge }) => ({
      file,
      png,
      kind,
      method,
      latent,
      edge,
    })),
    height: Number(maps.height),
    width: Number(maps.width),
  };
}

/** The contribution maps, or why maps.json cannot be read. */
function MapsSection({ run }: { run: RunData }) {
  return (
    <section class="panel" id="maps">
      <h2>Contribution maps</h2>
      {run.problems.maps
        ? <ErrorPanel title="maps" message={run.problems.maps} />
        : <Island name="MapsViewer" props={mapsViewerProps(run)} />}
    </section>
  );
}

/** The held-out evaluation against baselines, or why evaluation.json cannot be read. */
function EvaluationSection({ run }: { run: RunData }) {
  return (
    <section class="panel" id="evaluation">
      <h2>Held-out evaluation: vs baselines</h2>
      {run.problems.evaluation
        ? <ErrorPanel title="evaluation.json" message={run.problems.evaluation} />
        : <EvaluationTable evaluation={run.evaluation!} />}
    </section>
  );
}

/** The condition test, or why test.json cannot be read. */
function TestSection({ run, compact }: RunPanelsProps) {
  return (
    <section class="panel" id="test">
      <h2>Condition test</h2>
      {run.problems.test
        ? <ErrorPanel title="test.json" message={run.problems.test} />
        : <TestResults test={run.test!} compact={compact} />}
    </section>
  );
}

/** The run's sections. */
export function RunPanels({ run, compact }: RunPanelsProps) {
  const p = run.problems;
  return (
    <div class="run-panels" data-run={run.name}>
      {run.damage.length ? <DamagePanel damage={run.damage} /> : null}
      <section>
        <Facts run={run} />
      </section>
      <CurvesSection run={run} />
      {run.status === "running"
        ? <p class="note">The run is training; the rest appears when its folder is written.</p>
        : null}
      {!compact && run.T > 0 ? <FramesSection run={run} /> : null}
      {!compact && run.T > 0 ? <TracesSection run={run} /> : null}
      {run.status !== "running" ? <DynamicsSection run={run} /> : null}
      {run.maps || p.maps ? <MapsSection run={run} /> : null}
      {run.evaluation || p.evaluation ? <EvaluationSection run={run} /> : null}
      {run.test || p.test ? <TestSection run={run} compact={compact} /> : null}
    </div>
  );
}
