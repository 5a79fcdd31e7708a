// Progress of long operations: a bar on a terminal, JSON lines with --json, else silence.
// Both go to stderr, so stdout carries only the result.

/** Returns a reporter `(done, total) => void` for `label`. */
export function progress(label: string, json: boolean): (done: number, total: number) => void {
  const tty = Deno.stderr.isTerminal();
  const enc = new TextEncoder();
  let last = -1;
  const start = performance.now();
  return (done, total) => {
    const pct = total === 0 ? 100 : Math.floor((100 * done) / total);
    if (pct === last) return;
    last = pct;
    if (json) {
      Deno.stderr.writeSync(enc.encode(JSON.stringify({ progress: label, done, total }) + "\n"));
    } else if (tty) {
      const width = 30, fill = Math.round((width * pct) / 100);
      const bar = "█".repeat(fill) + "·".repeat(width - fill);
      Deno.stderr.writeSync(
        enc.encode(
          `\r${label} ${bar} ${pct}% (${done}/${total})${eta(start, done, total)}${
            done >= total ? "\n" : ""
          }`,
        ),
      );
    }
  };
}

/** " ETA 1m05s" from the mean time per unit so far; empty before the first unit or at the end. */
export function eta(start: number, done: number, total: number, now = performance.now()): string {
  if (done <= 0 || done >= total) return "";
  const s = Math.round(((now - start) / done) * (total - done) / 1000);
  const h = Math.floor(s / 3600), m = Math.floor((s % 3600) / 60), r = s % 60;
  const two = (v: number) => String(v).padStart(2, "0");
  return ` ETA ${h ? `${h}h${two(m)}m` : m ? `${m}m${two(r)}s` : `${r}s`}   `;
}
