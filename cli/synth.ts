// `sparsedyn synth`: write a synthetic recording with known dynamics (and truth.json).
import { writeSynthetic } from "../core/data/synthetic_write.ts";
import type { SynthOptions } from "../core/data/synthetic.ts";
import { numberFlag, UsageError } from "./_flags.ts";
import { defineCommand } from "./_command.ts";
import { SYNTH_DESCRIPTION, SYNTH_FLAGS } from "./_synth_flags.ts";
import { progress } from "./_progress.ts";
import { printSynthSummary } from "./_synth_summary.ts";

export const synth = defineCommand("synth", {
  summary: "write a synthetic recording with known dynamics and truth.json",
  synopsis: "--out DIR [options]",
  description: SYNTH_DESCRIPTION,
  flags: SYNTH_FLAGS,
  async run(f, positionals) {
    if (positionals.length) throw new UsageError(`unexpected argument "${positionals[0]}"`);
    if (!f.out) throw new UsageError("--out DIR is required", "--out");
    if (f.edges !== undefined && f.effect === undefined) {
      throw new UsageError("--edges needs --effect", "--edges");
    }
    const options: SynthOptions = {
      height: f.height,
      width: f.width,
      frames: f.frames,
      cells: f.cells,
      lags: f.lags,
      density: f.density,
      radius: f.radius,
      footprint: f.footprint as SynthOptions["footprint"],
      cellRadius: cellRadius(f["cell-radius"]),
      tau: f.tau,
      gain: f.gain,
      readNoise: f["read-noise"],
      drift: f.drift,
      jitter: f.jitter,
      seed: f.seed,
      conditions: f.effect === undefined ? undefined : { effect: f.effect, edges: f.edges ?? 3 },
    };
    const format = f.format as "npy" | "tiff" | "both" | undefined;
    const truth = await writeSynthetic(f.out, options, progress("synth", f.json ?? false), {
      format,
    });
    printSynthSummary(f.out, truth, f.json ?? false);
    return 0;
  },
});

function cellRadius(v: string | undefined): [number, number] | undefined {
  if (v === undefined) return undefined;
  const parts = v.split(",").map((s) =>
    numberFlag(s, "--cell-radius", { min: 0, exclusiveMin: true })!
  );
  if (parts.length !== 2) {
    throw new UsageError(`--cell-radius must be MIN,MAX; got "${v}"`, "--cell-radius");
  }
  return [parts[0], parts[1]];
}
