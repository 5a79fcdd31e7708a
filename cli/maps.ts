// `sparsedyn maps <run> [<movie>]`: contribution maps of a run's VAR prediction (saliency,
// integrated gradients) and its decoder footprints, written into <run>/maps/.
import type { MapEdge, MapMethod } from "../core/maps/contribution.ts";
import { mapsForRun } from "../core/maps/run_maps.ts";
import { type MapSummary, summarizeMap } from "../core/maps/summary.ts";
import { backendFlagsUsage, startBackend } from "./_backend_flag.ts";
import { loadModel } from "../core/encode/load_model.ts";
import { type Command, numberFlag, parseFlags, UsageError } from "./_flags.ts";
import { printCropNote } from "./_crop_note.ts";
import { progress } from "./_progress.ts";
import { lockOutput } from "../core/files/output_lock.ts";
import { sweepStale } from "../core/files/stale_temporaries.ts";
import { tableLines } from "./_table.ts";

const usage = `Usage: sparsedyn maps <run> [<movie>] [options]

Which pixels the run's VAR prediction rests on. For each latent i, the prediction
ẑ_i(t) = c_i + Σ_k Σ_j A_k[i,j]·z_j(t−k) (A from the run's var.json) is attributed to the
pixels of the past frames by saliency (|∂ẑ_i/∂x|) and by integrated gradients (from the
movie's mean image), averaged over a sample of frames; each VAR edge j → i gets
|A_k[i,j]| times latent j's attribution; each latent's decoder footprint is
D(z̄ + sd·e_i) − D(z̄). Writes <run>/maps/: a float32 NPY and a PNG per map (colour map
over the mean image, colour bar with min and max) and maps.json, the index. The movie
defaults to the one the run was trained on; it goes through the run's preprocessing.

Options:
  --method M      saliency, ig or both (default both)
  --steps M       integrated gradients: trapezoid intervals (default 16)
  --frames N      frames sampled, evenly spaced, for the time average (default 64)
  --edges         also write one map per VAR edge
  --force         replace an existing <run>/maps/
${backendFlagsUsage(18)}
  --json          print one JSON object; progress as JSON lines on stderr
  -h, --help      show this help`;

const fmt = (
  v: number,
) => (v === 0 ? "0" : Math.abs(v) >= 1e-2 && Math.abs(v) < 1e4 ? v.toFixed(3) : v.toExponential(2));
const where = (p: [number, number]) => `(${p[0].toFixed(0)}, ${p[1].toFixed(0)})`;

function table(header: string[], rows: string[][]): string {
  return tableLines(header, rows).map((l) => "  " + l).join("\n");
}

export const maps: Command = {
  summary: "contribution maps of a run's VAR prediction (saliency, integrated gradients)",
  usage,
  async run(argv) {
    const { values, positionals } = parseFlags(argv, {
      method: { type: "string" },
      steps: { type: "string" },
      frames: { type: "string" },
      edges: { type: "boolean" },
      force: { type: "boolean" },
      backend: { type: "string" },
      device: { type: "string" },
      json: { type: "boolean" },
      help: { type: "boolean", short: "h" },
    });
    if (values.help) {
      console.log(usage);
      return 0;
    }
    if (positionals.length < 1 || positionals.length > 2) {
      throw new UsageError("give a run folder and, optionally, a movie");
    }
    const method = values.method ?? "both";
    if (!["saliency", "ig", "both"].includes(method)) {
      throw new UsageError(`--method must be saliency, ig or both; got "${method}"`, "--method");
    }
    const steps = numberFlag(values.steps, "--steps", { integer: true, min: 1 }) ?? 16;
    const frames = numberFlag(values.frames, "--frames", { integer: true, min: 1 }) ?? 64;
    const backend = await startBackend(values, values.json ?? false);
    // One maps writer per run, for its whole life; then what a killed one left.
    const lock = await lockOutput(`${positionals[0]}/maps`);
    for (const note of await sweepStale(positionals[0], "maps")) console.error(`note: ${note}`);
    const model = await loadModel(positionals[0]);
    try {
      const movie = positionals[1] ?? model.movie;
      if (!movie) {
        throw new UsageError(`${model.dir} records no movie (config.json "movie"): give one`);
      }
      const json = values.json ?? false;
      await printCropNote("maps", model.preprocess, movie, json);
      const r = await mapsForRun(model, movie, {
        method: method as MapMethod | "both",
        steps,
        frames,
        edges: values.edges,
        force: values.force,
        onPreprocess: progress("preprocess", json),
        onProgress: progress("maps", json),
        onWrite: progress("write maps", json),
      });
      const { height: H, width: W, latents: d } = r.maps;
      const P = H * W;
      const methods = (["ig", "saliency"] as const).filter((m) => r.maps[m]);
      const latentRows = Array.from({ length: d }, (_, i) => {
        const row:
          & { latent: number; footprint: MapSummary }
          & Partial<
            Record<MapMethod, MapSummary>
          > = {
            latent: i,
            footprint: summarizeMap(r.maps.footprint.subarray(i * P, (i + 1) * P), H, W),
          };
        for (const m of methods) {
          row[m] = summarizeMap(r.maps[m]!.prediction.subarray(i * P, (i + 1) * P), H, W);
        }
        return row;
      });
      // An edge's map is |A_k[i,j]| times its source's encoder map, so its summary is the
      // source's, scaled: one summary per latent, not one per edge (thousands at 128 latents).
      const encoderSummary = new Map<string, MapSummary>();
      const edgeRows = r.maps.edges.map((e) => {
        const row: MapEdge & Partial<Record<MapMethod, MapSummary>> = { ...e };
        for (const m of methods) {
          const key = `${m} ${e.from}`;
          if (!encoderSummary.has(key)) {
            const mm = r.maps[m]!;
            encoderSummary.set(
              key,
              summarizeMap(mm.encoder.subarray(e.from * P, (e.from + 1) * P), H, W),
            );
          }
          row[m] = scaledSummary(encoderSummary.get(key)!, Math.abs(e.weight));
        }
        return row;
      });
      const result = {
        maps: r.dir,
        run: model.dir,
        movie,
        backend,
        height: H,
        width: W,
        latents: d,
        lags: r.maps.lags,
        methods,
        steps: r.maps.steps,
        frames: r.maps.sampled.length,
        completeness: r.maps.completeness ?? null,
        files: r.index.maps.length,
        latentMaps: latentRows,
        edgeMaps: edgeRows,
      };
      if (json) {
        console.log(JSON.stringify(result));
        return 0;
      }
      const main = methods[0];
      console.log(`sparsedyn maps: wrote ${r.dir} (${r.index.maps.length} maps, NPY + PNG)`);
      console.log(
        `  ${d} latents, VAR(${r.maps.lags}) with ${edgeRows.length} edges; ${
          methods.join(" and ")
        } over ${r.maps.sampled.length} frames${
          r.maps.steps ? `, IG with ${r.maps.steps} steps from the mean image` : ""
        }; backend ${backend}`,
      );
      if (r.maps.completeness) {
        const c = r.maps.completeness;
        console.log(
          `  IG completeness: mean |Σ IG − Δz| ${fmt(c.meanAbsError)} against mean |Δz| ${
            fmt(c.meanAbsChange)
          }`,
        );
      }
      console.log(
        `\nLatents (${main} prediction maps; top 5% = share of the map's mass on its top 5% of pixels, area = effective area share):`,
      );
      console.log(table(
        ["latent", "sum", "peak (y, x)", "top 5%", "area", "footprint peak"],
        latentRows.map((row) => {
          const s = row[main]!;
          return [
            String(row.latent),
            fmt(s.sum),
            where(s.peak),
            s.top5.toFixed(2),
            s.effectiveArea.toFixed(2),
            where(row.footprint.peak),
          ];
        }),
      ));
      if (edgeRows.length) {
        const shown = [...edgeRows].sort((a, b) => Math.abs(b.weight) - Math.abs(a.weight)).slice(
          0,
          20,
        );
        console.log(
          `\nEdges j → i (${main}; the strongest ${shown.length} of ${edgeRows.length}):`,
        );
        console.log(table(
          ["edge", "lag", "weight", "sum", "peak (y, x)", "top 5%"],
          shown.map((e) => {
            const s = e[main]!;
            return [
              `${e.from} → ${e.to}`,
              String(e.lag),
              e.weight.toFixed(3),
              fmt(s.sum),
              where(s.peak),
              s.top5.toFixed(2),
            ];
          }),
        ));
        if (!values.edges) console.log("  (edge maps not written; add --edges)");
      }
      return 0;
    } finally {
      model.dispose();
      await lock.release();
    }
  },
};

/** The summary of a map times w > 0 (edges have A_k[i,j] ≠ 0): sums and maxima scale, shares and places do not. */
function scaledSummary(s: MapSummary, w: number): MapSummary {
  return { ...s, sum: s.sum * w, max: s.max * w };
}
