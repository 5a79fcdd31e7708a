// What `sparsedyn synth` prints once the recording is written: truth.json's summary.
import type { SynthTruth } from "../core/data/synthetic.ts";

/** Prints the summary of `truth` (written to `out`), as JSON or as a few lines. */
export function printSynthSummary(out: string, truth: SynthTruth, json: boolean): void {
  const o = truth.options;
  if (json) {
    console.log(JSON.stringify({
      out,
      conditions: truth.conditions,
      frames: o.frames,
      height: o.height,
      width: o.width,
      cells: o.cells,
      lags: o.lags,
      edges: Object.fromEntries(truth.conditions.map((c) => [c, truth.edges[c].length])),
      changed: truth.changed.length,
      spectralRadius: truth.spectralRadius,
      files: truth.files,
    }));
    return;
  }
  console.log(`sparsedyn synth: wrote ${out}`);
  console.log(
    `  ${o.frames} frames of ${o.height}×${o.width} per condition (${truth.conditions.join(", ")})`,
  );
  console.log(
    `  ${o.cells} cells, VAR(${o.lags}) with ${truth.edges.a.length} directed edges, spectral radius ${
      truth.spectralRadius.a.toFixed(3)
    }`,
  );
  if (truth.changed.length) {
    console.log(
      `  condition b changes ${truth.changed.length} coefficients by ${o.conditions!.effect}`,
    );
  }
  console.log(`  files: ${Object.values(truth.files).join(" ")} truth.json`);
}
