// Plain-text tables for the commands' terminal output: columns padded to their widest cell,
// two spaces apart, right-aligned except the first `left` columns.

/** The table's lines, the header first. */
export function tableLines(header: string[], rows: string[][], left = 0): string[] {
  const w = header.map((h, c) => Math.max(h.length, ...rows.map((r) => (r[c] ?? "").length)));
  const line = (r: string[]) =>
    r.map((v, c) => (c < left ? (v ?? "").padEnd(w[c]) : (v ?? "").padStart(w[c]))).join("  ");
  return [line(header), ...rows.map(line)];
}
