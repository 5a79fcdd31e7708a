// `sparsedyn export <run>`: the run's encoder, static branch and decoder as ONNX files.
import { exportRun } from "../core/export/export_run.ts";
import { type Command, parseFlags, UsageError } from "./_flags.ts";

const usage = `Usage: sparsedyn export <run> [--out DIR] [--json]

Writes the trained model of a run as ONNX models (opset 17, float32, NCHW, symbolic
batch N) into a new folder (default <run>/onnx), for onnxruntime, Netron, PyTorch
(onnx2torch) and other tools:

  encoder.onnx   frames [N,1,H,W] → latent [N,C,h,w], latent_flat [N,d]
  static.onnx    mean_image [N,1,H,W] → static_code [N,S,h,w]   (runs with skip "mean")
  decoder.onnx   latent [N,C,h,w] (+ static_code [1,S,h,w]) → frames [N,1,H,W]
  mean_image.npy the run's mean image (the static branch's input for its movie)
  onnx.json      shapes, the config and the preprocessing frames need first

latent_flat is in sparsedyn's order (index (y·w + x)·C + c), as latents.npy and
var.json. Each file's metadata (sparsedyn.version, .config, .preprocess, .role) says the
same. See docs/onnx.md for loading them in Python.

Options:
  --out DIR    output folder (must not exist; default <run>/onnx)
  --json       print the result as JSON
  -h, --help   show this help`;

export const export_: Command = {
  summary: "the run's encoder, static branch and decoder as ONNX files (opset 17)",
  usage,
  async run(argv) {
    const { values, positionals } = parseFlags(argv, {
      out: { type: "string" },
      json: { type: "boolean" },
      help: { type: "boolean", short: "h" },
    });
    if (values.help) {
      console.log(usage);
      return 0;
    }
    if (positionals.length !== 1) throw new UsageError("give one run folder");
    const r = await exportRun(positionals[0], values.out);
    if (values.json) {
      console.log(JSON.stringify({ dir: r.dir, files: r.files, manifest: r.manifest }));
    } else {
      const m = r.manifest as { latent: { channels: number; height: number; width: number } };
      console.log(`sparsedyn export: wrote ${r.dir}`);
      for (const [role, f] of Object.entries(r.files)) console.log(`  ${role.padEnd(9)} ${f}`);
      console.log(
        `  latent ${m.latent.channels}×${m.latent.height}×${m.latent.width} (NCHW); see docs/onnx.md`,
      );
    }
    return 0;
  },
};
