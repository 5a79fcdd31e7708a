/**
 * Damage in a finished run folder that its other files do not reveal: a `metrics.jsonl`
 * whose last line was cut (a complete run's file ends with a whole line, so a last line
 * that does not parse means the file was truncated or overwritten), and weight files that
 * do not hold what `weights/weights.json` lists (missing, not NPY, another shape, or a size
 * other than the shape needs: cut short or with bytes appended). The runs list and the run
 * page flag such a run as "damaged" with these reasons; without this check it showed as
 * "finished" and only the reconstruction panel failed, later and less clearly.
 *
 * @example
 * ```ts
 * import { writeRun } from "../core/runs/run_folder.ts";
 * import { runDamage } from "./run_damage.ts";
 *
 * const root = await Deno.makeTempDir();
 * await writeRun(`${root}/r`, {
 *   config: {}, metrics: [{ epoch: 0, loss: 1 }, { epoch: 1, loss: 0.5 }], weights: {},
 *   latents: { data: new Float64Array(2), shape: [2, 1] },
 *   meanImage: { data: new Float64Array(1), shape: [1, 1] },
 *   var: { lags: 1, A: [[[0]]], intercept: [0], lambda: [0] },
 * });
 * if ((await runDamage(`${root}/r`)).length !== 0) throw new Error("an intact run");
 * await Deno.writeTextFile(`${root}/r/metrics.jsonl`, '{"epoch":0,"loss":1}\n{"epo');
 * if (!(await runDamage(`${root}/r`))[0].includes("metrics.jsonl")) throw new Error("cut");
 * await Deno.remove(root, { recursive: true });
 * ```
 *
 * @module
 */
import { parseNpyHeader } from "../core/data/npy.ts";

/**
 * The reasons a finished run's files are damaged (empty when none is).
 *
 * @param dir The run folder.
 * @returns One sentence per damaged file, naming it.
 */
export async function runDamage(dir: string): Promise<string[]> {
  const out: string[] = [];
  const metrics = await Deno.readTextFile(`${dir}/metrics.jsonl`).catch(() => null);
  if (metrics !== null) {
    const cut = cutMetricsLine(metrics);
    if (cut) out.push(cut);
  }
  out.push(...await weightDamage(dir));
  return out;
}

/**
 * Whether a complete metrics file's last line was cut.
 *
 * @param text The file's text.
 * @returns The reason, or null when the last line is a whole JSON object.
 */
export function cutMetricsLine(text: string): string | null {
  const lines = text.split("\n");
  let n = lines.length;
  while (n > 0 && lines[n - 1].trim() === "") n--;
  if (n === 0) return null;
  const last = lines[n - 1];
  let ok = false;
  try {
    const v = JSON.parse(last);
    ok = typeof v === "object" && v !== null && !Array.isArray(v);
  } catch {
    ok = false;
  }
  if (ok && text.endsWith("\n")) return null;
  const shown = last.length > 40 ? `${last.slice(0, 40)}…` : last;
  return ok
    ? `metrics.jsonl does not end with a newline: its last line (${n}) may be cut`
    : `metrics.jsonl was cut: its last line (${n}, "${shown}") is not a JSON object`;
}

/**
 * Checks every weight file against `weights/weights.json`.
 *
 * @param dir The run folder.
 * @returns One reason per damaged weight file (none when the run has no weights folder).
 */
export async function weightDamage(dir: string): Promise<string[]> {
  let text: string;
  try {
    text = await Deno.readTextFile(`${dir}/weights/weights.json`);
  } catch {
    // Runs written without a model (e.g. a VAR fitted on given series) have no weights.
    const hasFolder = await Deno.stat(`${dir}/weights`).then((s) => s.isDirectory, () => false);
    return hasFolder ? ["weights/weights.json is missing"] : [];
  }
  let index: Record<string, { file?: unknown; shape?: unknown }>;
  try {
    index = JSON.parse(text);
    if (typeof index !== "object" || index === null || Array.isArray(index)) throw new Error();
  } catch {
    return ["weights/weights.json is not a JSON object"];
  }
  const out: string[] = [];
  for (const [name, entry] of Object.entries(index)) {
    const file = typeof entry?.file === "string" ? entry.file : null;
    const shape = Array.isArray(entry?.shape) ? entry.shape as number[] : null;
    if (!file || !shape) {
      out.push(`weights/weights.json: entry "${name}" has no file and shape`);
      continue;
    }
    const label = `weights/${file} (${name})`;
    const why = await npyAgainst(`${dir}/weights/${file}`, shape);
    if (why) out.push(`${label} ${why}`);
  }
  return out;
}

async function npyAgainst(path: string, shape: number[]): Promise<string | null> {
  let f: Deno.FsFile;
  try {
    f = await Deno.open(path);
  } catch {
    return "is missing";
  }
  try {
    const head = new Uint8Array(4096);
    const n = (await f.read(head)) ?? 0;
    let h;
    try {
      h = parseNpyHeader(head.subarray(0, n), path);
    } catch {
      return "is not an NPY file (its header is unreadable)";
    }
    if (h.shape.join() !== shape.join()) {
      return `has shape (${h.shape.join(", ")}); weights.json lists (${shape.join(", ")})`;
    }
    const size = (await f.stat()).size;
    const need = h.dataOffset + h.itemSize * shape.reduce((a, b) => a * b, 1);
    if (size < need) return `is cut short: ${size} of ${need} bytes`;
    if (size > need) return `has ${size - need} bytes more than its shape needs (${need})`;
    return null;
  } finally {
    f.close();
  }
}
