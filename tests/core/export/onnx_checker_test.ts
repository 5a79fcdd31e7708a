// The exported files against the ONNX project's own checker and shape inference (Debian's
// python3-onnx, installed by tests/setup.sh): every model is valid ONNX (full check, strict
// shape inference), and the shapes ONNX infers for the values the outputs copy are the
// declared ones, with the batch dimension left symbolic.
import { caeToOnnx, caeWeights } from "../../../core/export/onnx.ts";
import { type CaeConfig, createCae, defaultCaeConfig } from "../../../core/model/cae.ts";
import { tf } from "../../../core/model/tf.ts";
import { assertEquals } from "../../_helpers/assert.ts";

await tf.setBackend("cpu");

const CHECK = `
import json, sys, onnx
out = {}
for path in sys.argv[1:]:
    m = onnx.load(path)
    onnx.checker.check_model(m, full_check=True)
    inferred = onnx.shape_inference.infer_shapes(m, strict_mode=True)
    dims = lambda v: [d.dim_param or d.dim_value for d in v.type.tensor_type.shape.dim]
    # The shape ONNX infers for the value each output copies (not the declared one).
    infos = {v.name: v for v in inferred.graph.value_info}
    source = {n.output[0]: n.input[0] for n in m.graph.node if n.op_type == "Identity"}
    out[path.split("/")[-1]] = {
        "opset": m.opset_import[0].version,
        "outputs": {v.name: dims(infos[source[v.name]]) for v in m.graph.output},
    }
print(json.dumps(out))
`;

const VARIANTS: CaeConfig[] = [
  defaultCaeConfig(32, 32),
  {
    ...defaultCaeConfig(16, 24),
    channels: [8, 4],
    kernel: 5,
    activation: "leakyRelu",
    skip: "none",
  },
  { ...defaultCaeConfig(12, 12), channels: [4], stride: 1, kernel: 1, activation: "tanh" },
];

Deno.test("onnx.checker (full) and strict shape inference accept every exported model", async () => {
  const dir = await Deno.makeTempDir();
  try {
    for (const [i, config] of VARIANTS.entries()) {
      const cae = createCae(config, i + 1);
      const files = caeToOnnx(config, await caeWeights(cae));
      for (const v of Object.values(cae.variables)) v.dispose();
      const paths: string[] = [];
      for (const [role, bytes] of Object.entries(files)) {
        paths.push(`${dir}/${i}_${role}.onnx`);
        await Deno.writeFile(paths.at(-1)!, bytes!);
      }
      const out = await new Deno.Command("/usr/bin/python3", {
        args: ["-c", CHECK, ...paths],
        stdout: "piped",
        stderr: "piped",
      }).output();
      const err = new TextDecoder().decode(out.stderr);
      assertEquals(out.code, 0, err);
      const r = JSON.parse(new TextDecoder().decode(out.stdout));
      const down = config.stride ** config.channels.length;
      const [H, W, h, w] = [config.height, config.width, config.height / down, config.width / down];
      const C = config.latentChannels, S = config.staticChannels;
      assertEquals(r[`${i}_encoder.onnx`].opset, 17);
      assertEquals(r[`${i}_encoder.onnx`].outputs, {
        latent: ["N", C, h, w],
        latent_flat: ["N", C * h * w],
      });
      assertEquals(r[`${i}_decoder.onnx`].outputs, { frames: ["N", 1, H, W] });
      if (config.skip === "mean") {
        assertEquals(r[`${i}_static.onnx`].outputs, { static_code: ["N", S, h, w] });
      } else {
        assertEquals(r[`${i}_static.onnx`], undefined);
      }
    }
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
