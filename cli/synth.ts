// `sparsedyn synth`: write a synthetic recording with known dynamics (and truth.json).
import { writeSynthetic } from "../core/data/synthetic_write.ts";
import type { SynthOptions } from "../core/data/synthetic.ts";
import { type Command, numberFlag, parseFlags, UsageError } from "./_flags.ts";
import { progress } from "./_progress.ts";

const usage = `Usage: sparsedyn synth --out DIR [options]

Writes a synthetic calcium-imaging recording whose dynamics are known: K cells whose
activity follows a sparse, stable VAR(p), a calcium kernel, a static background with
vessels, drift, optional motion jitter and Poisson–Gaussian noise. DIR receives
movie.npy (frames × height × width, float32), activity/innovations/calcium .npy,
footprints.npy, background.npy and truth.json (coefficients, who drives whom, cells).
DIR must not exist; it appears complete or not at all.

Options:
  --out DIR          output folder (required)
  --height H         frame height (default 64)      --width W    frame width (default 64)
  --frames T         frames per condition (1000)    --cells K    number of cells (12)
  --lags P           VAR order (1)                  --density D  edge probability (0.15)
  --radius R         companion spectral radius (0.9)
  --footprint F      gaussian or disk (gaussian)    --cell-radius MIN,MAX  (2.5,4.5)
  --tau T            calcium decay, frames (8)      --gain G     photons per unit (1)
  --read-noise S     read noise (2)                 --drift A    background drift (0.05)
  --jitter J         motion shift, pixels (0)       --seed S     seed (1)
  --effect E         two conditions: condition B changes --edges coefficients by E
  --edges N          number of changed coefficients (with --effect; default 3)
  --format F         npy (float32, default), tiff (uint16, rounded) or both
  --json             print truth.json's summary as JSON; progress as JSON lines on stderr
  -h, --help         show this help`;

export const synth: Command = {
  summary: "write a synthetic recording with known dynamics and truth.json",
  usage,
  async run(argv) {
    const { values, positionals } = parseFlags(argv, {
      out: { type: "string" },
      height: { type: "string" },
      width: { type: "string" },
      frames: { type: "string" },
      cells: { type: "string" },
      lags: { type: "string" },
      density: { type: "string" },
      radius: { type: "string" },
      footprint: { type: "string" },
      "cell-radius": { type: "string" },
      tau: { type: "string" },
      gain: { type: "string" },
      "read-noise": { type: "string" },
      drift: { type: "string" },
      jitter: { type: "string" },
      seed: { type: "string" },
      effect: { type: "string" },
      edges: { type: "string" },
      format: { type: "string" },
      json: { type: "boolean" },
      help: { type: "boolean", short: "h" },
    });
    if (values.help) {
      console.log(usage);
      return 0;
    }
    if (positionals.length) throw new UsageError(`unexpected argument "${positionals[0]}"`);
    if (!values.out) throw new UsageError("--out DIR is required", "--out");
    const int = (v: string | undefined, f: string, min: number) =>
      numberFlag(v, f, { integer: true, min });
    const num = (v: string | undefined, f: string) => numberFlag(v, f, { min: 0 });
    let cellRadius: [number, number] | undefined;
    if (values["cell-radius"] !== undefined) {
      const parts = values["cell-radius"].split(",").map((s) =>
        numberFlag(s, "--cell-radius", { min: 0, exclusiveMin: true })!
      );
      if (parts.length !== 2) {
        throw new UsageError(
          `--cell-radius must be MIN,MAX; got "${values["cell-radius"]}"`,
          "--cell-radius",
        );
      }
      cellRadius = [parts[0], parts[1]];
    }
    if (
      values.footprint !== undefined && values.footprint !== "gaussian" &&
      values.footprint !== "disk"
    ) {
      throw new UsageError(
        `--footprint must be "gaussian" or "disk"; got "${values.footprint}"`,
        "--footprint",
      );
    }
    if (values.edges !== undefined && values.effect === undefined) {
      throw new UsageError("--edges needs --effect", "--edges");
    }
    const options: SynthOptions = {
      height: int(values.height, "--height", 8),
      width: int(values.width, "--width", 8),
      frames: int(values.frames, "--frames", 3),
      cells: int(values.cells, "--cells", 1),
      lags: int(values.lags, "--lags", 1),
      density: num(values.density, "--density"),
      radius: num(values.radius, "--radius"),
      footprint: values.footprint as SynthOptions["footprint"],
      cellRadius,
      tau: numberFlag(values.tau, "--tau", { min: 0, exclusiveMin: true }),
      gain: numberFlag(values.gain, "--gain", { min: 0, exclusiveMin: true }),
      readNoise: num(values["read-noise"], "--read-noise"),
      drift: num(values.drift, "--drift"),
      jitter: int(values.jitter, "--jitter", 0),
      seed: numberFlag(values.seed, "--seed", { integer: true }),
      conditions: values.effect === undefined ? undefined : {
        effect: numberFlag(values.effect, "--effect")!,
        edges: int(values.edges, "--edges", 1) ?? 3,
      },
    };
    const truth = await writeSynthetic(
      values.out,
      options,
      progress("synth", values.json ?? false),
    );
    const summary = {
      out: values.out,
      conditions: truth.conditions,
      frames: truth.options.frames,
      height: truth.options.height,
      width: truth.options.width,
      cells: truth.options.cells,
      lags: truth.options.lags,
      edges: Object.fromEntries(truth.conditions.map((c) => [c, truth.edges[c].length])),
      changed: truth.changed.length,
      spectralRadius: truth.spectralRadius,
      files: truth.files,
    };
    if (values.json) console.log(JSON.stringify(summary));
    else {
      console.log(`sparsedyn synth: wrote ${values.out}`);
      console.log(
        `  ${truth.options.frames} frames of ${truth.options.height}×${truth.options.width} per condition (${
          truth.conditions.join(", ")
        })`,
      );
      console.log(
        `  ${truth.options.cells} cells, VAR(${truth.options.lags}) with ${truth.edges.a.length} directed edges, spectral radius ${
          truth.spectralRadius.a.toFixed(3)
        }`,
      );
      if (truth.changed.length) {
        console.log(
          `  condition b changes ${truth.changed.length} coefficients by ${
            truth.options.conditions!.effect
          }`,
        );
      }
      console.log(`  files: ${Object.values(truth.files).join(" ")} truth.json`);
    }
    return 0;
  },
};
