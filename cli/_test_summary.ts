// What `sparsedyn test` prints: the test's outcome, its FDR-significant coefficients and,
// with --maps, the grid cells whose contribution maps differ.
import type { ConditionTestResult } from "../core/stats/condition_test.ts";

function fmt(v: number, digits = 4): string {
  if (!Number.isFinite(v)) return String(v);
  return Math.abs(v) >= 1e4 || (v !== 0 && Math.abs(v) < 1e-3)
    ? v.toExponential(2)
    : v.toFixed(digits);
}

/** The lines `sparsedyn test` prints for `r` (written: where test.json went). */
export function testSummary(r: ConditionTestResult, written: string | undefined): string[] {
  const w = r.windows, s = r.settings;
  const lines = [
    `sparsedyn test: a (${r.inputs.a.length} recording(s), ${w.a} windows in ${w.blocksA} blocks) vs b (${r.inputs.b.length} recording(s), ${w.b} windows in ${w.blocksB} blocks)`,
    ...(r.components
      ? [
        `  on the ${r.components.k} leading principal components of the ${r.components.d} series (pooled over both conditions, labels unused; ${
          (100 * r.components.explained).toFixed(1)
        }% of the variance)`,
      ]
      : []),
    `  VAR(${s.lags}) on d = ${s.d} series per window of ${w.length} frames (stride ${w.stride}, ${w.blockWindows} window(s) per block); λ per equation by BIC`,
    `  statistic: sum of squared Welch t over ${r.coefficients.length} coefficients = ${
      fmt(r.statistic, 3)
    }`,
    `  p = ${fmt(r.pValue)} with ${r.permutations} ${
      r.exact
        ? "labelings, all enumerated (exact test)"
        : "random block relabelings (+1 correction)"
    }: ${r.rejected ? "the conditions differ" : "no difference shown"} at α = ${r.alpha}`,
    `  variability (mean distance between windows' coefficients): within a ${
      fmt(r.variability.withinA)
    }, within b ${fmt(r.variability.withinB)}, between ${
      fmt(r.variability.between)
    } (between / within ${fmt(r.variability.ratio, 3)})`,
    `  FDR-significant coefficients (Benjamini–Hochberg, q ≤ ${r.alpha}): ${r.significant.length} of ${r.coefficients.length}`,
  ];
  if (r.significant.length) {
    const head = ["lag", "from", "to", "mean a", "mean b", "t", "p", "q"];
    const rows = r.significant.map((c) => [
      String(c.lag),
      String(c.from),
      String(c.to),
      fmt(c.meanA),
      fmt(c.meanB),
      fmt(c.t, 2),
      fmt(c.p),
      fmt(c.q),
    ]);
    const width = head.map((h, k) => Math.max(h.length, ...rows.map((row) => row[k].length)));
    const line = (cells: string[]) => "    " + cells.map((c, k) => c.padStart(width[k])).join("  ");
    lines.push(line(head), ...rows.map(line));
  }
  if (r.maps) {
    const m = r.maps;
    lines.push(
      `  maps: integrated-gradient maps of each window's VAR prediction on a ${m.grid.height}×${m.grid.width} grid (${m.grid.downsample}×${m.grid.downsample} pixels per cell)`,
      `    p = ${fmt(m.pValue)}: ${
        m.rejected ? "the maps differ" : "no difference shown"
      }; between / within ${
        fmt(m.variability.ratio, 3)
      }; FDR-significant grid cells ${m.significant.length} of ${m.cells.length}`,
    );
    for (const c of m.significant.slice(0, 10)) {
      lines.push(
        `    cell (${c.y}, ${c.x}), pixels y ${c.y * m.grid.downsample}–${
          (c.y + 1) * m.grid.downsample - 1
        }, x ${c.x * m.grid.downsample}–${(c.x + 1) * m.grid.downsample - 1}: mean a ${
          fmt(c.meanA)
        }, mean b ${fmt(c.meanB)}, q ${fmt(c.q)}`,
      );
    }
    for (const warning of m.warnings) lines.push(`  warning (maps): ${warning}`);
  }
  for (const warning of r.warnings) lines.push(`  warning: ${warning}`);
  if (written) lines.push(`  written to ${written}`);
  return lines;
}
