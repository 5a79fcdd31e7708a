// The rewrite of onnxruntime's optimised CPU graph: pruning to the wanted outputs, and taking
// out the NCHWc round trips around elementwise ops — on hand-made graphs that have each
// condition that must keep a round trip, and on the real optimised encoder, whose rewrite
// must give onnxruntime's own latents to the bit.
import {
  ortCpuGraph,
  pruneToOutputs,
  skipNchwcRoundTrips,
} from "../../../core/export/ort_cpu_graph.ts";
import { caeToOnnx, caeWeights } from "../../../core/export/onnx.ts";
import { GraphBuilder } from "../../../core/export/onnx_graph.ts";
import {
  decodeOnnxModel,
  type OnnxModel,
  type OnnxNode,
  type OnnxTensor,
} from "../../../core/export/onnx_proto.ts";
import { ortSession } from "../../../core/export/ort.ts";
import { type CaeConfig, createCae, defaultCaeConfig } from "../../../core/model/cae.ts";
import { tf } from "../../../core/model/tf.ts";
import { assert, assertEquals, assertThrows, maxAbsDiff } from "../../_helpers/assert.ts";
import { normals, rng } from "../../_helpers/random.ts";

await tf.setBackend("cpu");

const NCHWC = "com.microsoft.nchwc";

function tensor(name: string, dims: number[]): OnnxTensor {
  const n = dims.reduce((a, b) => a * b, 1);
  return { name, dims, dataType: 1, rawData: new Uint8Array(4 * n) };
}

function node(opType: string, input: string[], output: string, extra: Partial<OnnxNode> = {}) {
  return { opType, input, output: [output], name: output, domain: "", ...extra } as OnnxNode;
}

function ints(attrs: Record<string, number>) {
  return Object.entries(attrs).map(([name, i]) => ({ name, type: 2, i }));
}

/**
 * conv0 (NCHWc, `outC` channels) → ReorderOutput(channels) → the chain → ReorderInput →
 * conv1 (NCHWc) → ReorderOutput (channels last) → output "y", as onnxruntime writes it.
 */
function roundTrip(options: {
  outC?: number;
  channels?: number;
  channelsLast?: number;
  chain?: (x: string) => OnnxNode[];
  inits?: OnnxTensor[];
  outputs?: string[];
} = {}): OnnxModel {
  const { outC = 16, channels = 16, channelsLast = 0 } = options;
  const chain = options.chain?.("nchw") ??
    [
      node("Min", ["nchw", "zero"], "min"),
      node("Exp", ["min"], "exp"),
      node("Sub", ["exp", "one"], "sub"),
      node("Max", ["nchw", "sub"], "act"),
    ];
  const last = chain[chain.length - 1].output[0];
  return {
    irVersion: 8,
    opsetImport: [{ domain: "", version: 17 }, { domain: NCHWC, version: 1 }],
    graph: {
      name: "g",
      node: [
        node("Conv", ["x", "w0", "b0"], "c0", { domain: NCHWC }),
        node("ReorderOutput", ["c0"], "nchw", {
          domain: NCHWC,
          attribute: ints({ channels, channels_last: channelsLast }),
        }),
        ...chain,
        node("ReorderInput", [last], "blocked", { domain: NCHWC }),
        node("Conv", ["blocked", "w1", "b1"], "c1", { domain: NCHWC }),
        node("ReorderOutput", ["c1"], "y", {
          domain: NCHWC,
          attribute: ints({ channels: 16, channels_last: 1 }),
        }),
      ],
      initializer: [
        tensor("w0", [outC, 1, 3, 3]),
        tensor("b0", [outC]),
        tensor("w1", [16, outC, 3, 3]),
        tensor("b1", [16]),
        tensor("zero", []),
        tensor("one", [1]),
        ...(options.inits ?? []),
      ],
      input: [],
      output: (options.outputs ?? ["y"]).map((name) => ({
        name,
        type: { tensorType: { elemType: 1, shape: { dim: [] } } },
      })),
    },
  };
}

Deno.test("skipNchwcRoundTrips: an ELU between two NCHWc convolutions runs on the blocks", () => {
  const { model, skipped } = skipNchwcRoundTrips(roundTrip());
  assertEquals(skipped, 1);
  const ops = model.graph.node.map((n) => n.opType);
  assertEquals(ops, ["Conv", "Min", "Exp", "Sub", "Max", "Conv", "ReorderOutput"]);
  const byName = new Map(model.graph.node.map((n) => [n.name, n]));
  // The chain reads the convolution's blocked output; the next convolution reads the chain's.
  assertEquals(byName.get("min")!.input, ["c0", "zero"]);
  assertEquals(byName.get("act")!.input, ["c0", "sub"]);
  assertEquals(byName.get("c1")!.input, ["act", "w1", "b1"]);
});

Deno.test("skipNchwcRoundTrips keeps every round trip it cannot prove harmless", () => {
  const cases: [string, OnnxModel][] = [
    // Padding channels (2 of a 16-block) would go through the chain.
    ["padded channels", roundTrip({ outC: 16, channels: 2 })],
    ["to channels-last", roundTrip({ channelsLast: 1 })],
    // A per-channel operand broadcasts over NCHW, not over blocks.
    [
      "per-channel operand",
      roundTrip({
        chain: (x) => [node("Mul", [x, "scale"], "act")],
        inits: [tensor("scale", [16, 1, 1])],
      }),
    ],
    ["a non-elementwise op", roundTrip({ chain: (x) => [node("Flatten", [x], "act")] })],
    ["an operand computed outside", roundTrip({ chain: (x) => [node("Add", [x, "x"], "act")] })],
    ["an intermediate is an output", roundTrip({ outputs: ["y", "exp"] })],
    ["the round trip's end is an output", roundTrip({ outputs: ["y", "blocked"] })],
  ];
  for (const [what, m] of cases) {
    const { model, skipped } = skipNchwcRoundTrips(m);
    assertEquals(skipped, 0, what);
    assertEquals(model, m, what);
  }
});

Deno.test("pruneToOutputs keeps the nodes and weights the outputs need, and the inputs", () => {
  const g = new GraphBuilder("two");
  const x = g.input("x", ["N", 2], "values");
  const w = g.float("w", Float32Array.of(1, 2), [2]);
  const v = g.float("v", Float32Array.of(3, 4), [2]);
  g.output(g.node("Mul", [x, w]), "a", ["N", 2], "x·w");
  g.output(g.node("Add", [g.node("Neg", [x]), v]), "b", ["N", 2], "v − x");
  const m = pruneToOutputs(g.model(), ["b"]);
  assertEquals(m.graph.node.map((n) => n.opType), ["Neg", "Add", "Identity"]);
  assertEquals(m.graph.initializer!.map((t) => t.name), ["v"]);
  assertEquals(m.graph.output.map((o) => o.name), ["b"]);
  assertEquals(m.graph.input.map((o) => o.name), ["x"]);
  assertThrows(() => pruneToOutputs(g.model(), ["c"]), RangeError, {}, "no output named 'c'");
});

// Configs whose convolutions onnxruntime turns into NCHWc ones (channels in whole blocks) and
// whose activation it cannot carry in blocks (ELU: 3, 2 and 2 round trips here), and ones
// where it can (ReLU and tanh are carried, leaky ReLU is fused into the convolution: nothing
// to remove), one with a layer of 8 channels.
const CONFIGS: Partial<CaeConfig>[] = [
  {},
  { activation: "leakyRelu", channels: [16, 16], stride: 1 },
  { activation: "relu", channels: [32, 16] },
  { activation: "tanh", channels: [16] },
  { activation: "elu", channels: [16, 8, 16] },
  { activation: "elu", channels: [32, 32], kernel: 5, latentChannels: 16 },
];

Deno.test("ortCpuGraph: the rewritten encoder gives onnxruntime's own latents", async () => {
  let removed = 0;
  for (const [i, c] of CONFIGS.entries()) {
    const config = { ...defaultCaeConfig(32, 24), ...c };
    const cae = createCae(config, i + 1);
    const graph = caeToOnnx(cae.config, await caeWeights(cae), {}, { eluAsExp: true }).encoder;
    const { bytes, skipped } = await ortCpuGraph(graph, ["latent_flat"]);
    removed += skipped;
    const outputs = decodeOnnxModel(bytes).graph!.output!.map((o) => o.name);
    assertEquals(outputs, ["latent_flat"], "only the wanted output");
    const plain = await ortSession(graph, { threads: 1 });
    const fast = await ortSession(bytes, { threads: 1, optimization: "disabled" });
    const B = 5;
    const data = Float32Array.from(normals(rng(10 + i), B * 32 * 24)).map((v) => 3 * v);
    const frames = { data, dims: [B, 1, 32, 24] };
    const want = (await plain.run({ frames }, ["latent_flat"])).latent_flat;
    const got = (await fast.run({ frames }, ["latent_flat"])).latent_flat;
    assertEquals(got.dims, want.dims);
    const diff = maxAbsDiff(got.data, want.data);
    // The same kernels on the same values: equal up to float32 reassociation at most.
    assert(diff <= 1e-6, `${JSON.stringify(c)}: max |diff| ${diff}`);
    await plain.release();
    await fast.release();
    for (const v of Object.values(cae.variables)) v.dispose();
  }
  // On x86-64 onnxruntime's CPU kernels have NCHWc blocks (8 or 16 floats) and the ELU
  // configs have round trips to remove (7 with 16-float blocks); elsewhere there may be none.
  if (Deno.build.arch === "x86_64") assert(removed >= 3, `${removed} round trips removed`);
});
