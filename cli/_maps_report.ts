// What `sparsedyn maps` prints: where the maps went, and tables of the latents' and the
// strongest edges' map summaries.
import type { RunMapsResult } from "../core/maps/run_maps.ts";
import type { ContributionMapsSummary } from "../core/maps/maps_summary.ts";
import { tableLines } from "./_table.ts";

const fmt = (
  v: number,
) => (v === 0 ? "0" : Math.abs(v) >= 1e-2 && Math.abs(v) < 1e4 ? v.toFixed(3) : v.toExponential(2));
const where = (p: [number, number]) => `(${p[0].toFixed(0)}, ${p[1].toFixed(0)})`;

function table(header: string[], rows: string[][]): string {
  return tableLines(header, rows).map((l) => "  " + l).join("\n");
}

/** Prints the report of `r` (maps written with `backend`; `s` its summaries). */
export function printMapsReport(
  r: RunMapsResult,
  backend: string,
  s: ContributionMapsSummary,
  edgesWritten: boolean,
): void {
  const { methods } = s;
  const d = r.maps.latents;
  const main = methods[0];
  console.log(`sparsedyn maps: wrote ${r.dir} (${r.index.maps.length} maps, NPY + PNG)`);
  console.log(
    `  ${d} latents, VAR(${r.maps.lags}) with ${s.edges.length} edges; ${
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
    s.latents.map((row) => {
      const m = row[main]!;
      return [
        String(row.latent),
        fmt(m.sum),
        where(m.peak),
        m.top5.toFixed(2),
        m.effectiveArea.toFixed(2),
        where(row.footprint.peak),
      ];
    }),
  ));
  if (s.edges.length) {
    const shown = [...s.edges].sort((a, b) => Math.abs(b.weight) - Math.abs(a.weight)).slice(
      0,
      20,
    );
    console.log(
      `\nEdges j → i (${main}; the strongest ${shown.length} of ${s.edges.length}):`,
    );
    console.log(table(
      ["edge", "lag", "weight", "sum", "peak (y, x)", "top 5%"],
      shown.map((e) => {
        const m = e[main]!;
        return [
          `${e.from} → ${e.to}`,
          String(e.lag),
          e.weight.toFixed(3),
          fmt(m.sum),
          where(m.peak),
          m.top5.toFixed(2),
        ];
      }),
    ));
    if (!edgesWritten) console.log("  (edge maps not written; add --edges)");
  }
}
