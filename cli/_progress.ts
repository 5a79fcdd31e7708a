// Progress of long operations: a bar with ETA on a terminal, JSON lines with --json, else
// silence. Both go to stderr, so stdout carries only the result.

/** Extra fields of a report: shown after the bar, added to the JSON line. */
export type ProgressInfo = Record<string, number | string>;

/** A reporter: `done` of `total` units, with optional extra fields. */
export type Reporter = (done: number, total: number, info?: ProgressInfo) => void;

/**
 * Returns a reporter for `label`. A line is written when the whole percentage changes (at
 * most 101 per operation). The ETA is the mean time per unit since the first report, so a
 * resumed operation that starts at 40% is not credited with the 40%.
 *
 * @param label What is being done ("train", "maps", …).
 * @param json JSON lines (`{"progress", "done", "total", "eta_s", …info}`) instead of a bar.
 * @param tty Whether stderr is a terminal (default: asked of Deno).
 * @returns The reporter.
 *
 * @example
 * ```ts
 * import { progress } from "./_progress.ts";
 *
 * const report = progress("demo", false, false); // not a terminal, no JSON: silent
 * report(1, 2, { loss: 0.5 });
 * ```
 */
export function progress(label: string, json: boolean, tty = isTty()): Reporter {
  const enc = new TextEncoder();
  let last = -1;
  let start = 0, first = -1;
  return (done, total, info) => {
    const now = performance.now();
    if (first < 0) {
      first = done;
      start = now;
    }
    const pct = total === 0 ? 100 : Math.floor((100 * done) / total);
    if (pct === last) return;
    last = pct;
    const seconds = etaSeconds(start, done - first, total - first, now);
    if (json) {
      const line = {
        progress: label,
        done,
        total,
        ...(seconds === undefined ? {} : { eta_s: Math.round(seconds) }),
        ...info,
      };
      Deno.stderr.writeSync(enc.encode(JSON.stringify(line) + "\n"));
    } else if (tty) {
      const width = 30, fill = Math.round((width * pct) / 100);
      const bar = "█".repeat(fill) + "·".repeat(width - fill);
      const extra = info
        ? " " + Object.entries(info).map(([k, v]) => `${k} ${formatValue(v)}`).join(", ")
        : "";
      Deno.stderr.writeSync(
        enc.encode(
          `\r${label} ${bar} ${pct}% (${done}/${total})${extra}${
            eta(start, done - first, total - first, now)
          }${done >= total ? "\n" : ""}`,
        ),
      );
    }
  };
}

function isTty(): boolean {
  try {
    return Deno.stderr.isTerminal();
  } catch {
    return false;
  }
}

function formatValue(v: number | string): string {
  if (typeof v === "string") return v;
  return Number.isInteger(v) ? String(v) : v.toPrecision(4);
}

/** Seconds left from the mean time per unit so far; undefined before the first unit or at the end. */
export function etaSeconds(
  start: number,
  done: number,
  total: number,
  now = performance.now(),
): number | undefined {
  if (done <= 0 || done >= total) return undefined;
  return ((now - start) / done) * (total - done) / 1000;
}

/** "1m05s", "2h03m", "7s". */
export function duration(seconds: number): string {
  const s = Math.round(seconds);
  const h = Math.floor(s / 3600), m = Math.floor((s % 3600) / 60), r = s % 60;
  const two = (v: number) => String(v).padStart(2, "0");
  return h ? `${h}h${two(m)}m` : m ? `${m}m${two(r)}s` : `${r}s`;
}

/** " ETA 1m05s" from the mean time per unit so far; empty before the first unit or at the end. */
export function eta(start: number, done: number, total: number, now = performance.now()): string {
  const s = etaSeconds(start, done, total, now);
  return s === undefined ? "" : ` ETA ${duration(s)}   `;
}
