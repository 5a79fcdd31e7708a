// `sparsedyn export <run>`: the run's encoder, static branch and decoder as ONNX files.
import { exportRun } from "../core/export/export_run.ts";
import { UsageError } from "./_flags.ts";
import { defineCommand } from "./_command.ts";

export const export_ = defineCommand("export", {
  summary: "the run's encoder, static branch and decoder as ONNX files (opset 17)",
  synopsis: "<run> [--out DIR] [--json]",
  description: `Writes the trained model of a run as ONNX models (opset 17, float32, NCHW, symbolic
batch N) into a new folder (default <run>/onnx), for onnxruntime, Netron, PyTorch
(onnx2torch) and other tools:

  encoder.onnx   frames [N,1,H,W] → latent [N,C,h,w], latent_flat [N,d]
  static.onnx    mean_image [N,1,H,W] → static_code [N,S,h,w]   (runs with skip "mean")
  decoder.onnx   latent [N,C,h,w] (+ static_code [1,S,h,w]) → frames [N,1,H,W]
  mean_image.npy the run's mean image (the static branch's input for its movie)
  onnx.json      shapes, the config and the preprocessing frames need first

latent_flat is in sparsedyn's order (index (y·w + x)·C + c), as latents.npy and
var.json. Each file's metadata (sparsedyn.version, .config, .preprocess, .role) says the
same. See docs/onnx.md for loading them in Python.`,
  flags: {
    out: { type: "string", arg: "DIR", help: "output folder (must not exist; default <run>/onnx)" },
    json: { type: "boolean", help: "print the result as JSON" },
  },
  async run(f, positionals) {
    if (positionals.length !== 1) throw new UsageError("give one run folder");
    const r = await exportRun(positionals[0], f.out);
    if (f.json) {
      console.log(JSON.stringify({ dir: r.dir, files: r.files, manifest: r.manifest }));
      return 0;
    }
    const m = r.manifest as { latent: { channels: number; height: number; width: number } };
    console.log(`sparsedyn export: wrote ${r.dir}`);
    for (const [role, file] of Object.entries(r.files)) console.log(`  ${role.padEnd(9)} ${file}`);
    const { channels, height, width } = m.latent;
    console.log(`  latent ${channels}×${height}×${width} (NCHW); see docs/onnx.md`);
    return 0;
  },
});
