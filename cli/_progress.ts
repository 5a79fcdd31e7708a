// Progress of long operations: a bar on a terminal, JSON lines with --json, else silence.
// Both go to stderr, so stdout carries only the result.

/** Returns a reporter `(done, total) => void` for `label`. */
export function progress(label: string, json: boolean): (done: number, total: number) => void {
  const tty = Deno.stderr.isTerminal();
  const enc = new TextEncoder();
  let last = -1;
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
        enc.encode(`\r${label} ${bar} ${pct}% (${done}/${total})${done >= total ? "\n" : ""}`),
      );
    }
  };
}
