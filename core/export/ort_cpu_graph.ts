/**
 * The encode engine's graph as onnxruntime's CPU provider runs it fastest.
 *
 * onnxruntime turns a convolution whose channels fill its SIMD blocks (8 or 16 floats) into
 * an NCHWc convolution (channels in blocks, innermost), and puts a `ReorderOutput` (NCHWc →
 * NCHW) after it and a `ReorderInput` (NCHW → NCHWc) before the next one. Its layout pass
 * carries only Relu, Sigmoid, Tanh, Add, Mul, Concat and a few others through in the blocked
 * layout — not the Min, Exp, Sub and Max that the engine writes ELU with, nor LeakyRelu. Those
 * are elementwise, with scalar operands, and give the same values in any layout: between two
 * NCHWc convolutions the round trip only copies, twice, every hidden activation (11% of the
 * default encoder's time on one thread).
 *
 * {@link ortCpuGraph} lets onnxruntime optimise the graph, reads the optimised graph back,
 * and removes those round trips ({@link skipNchwcRoundTrips}) and whatever the wanted outputs
 * do not need ({@link pruneToOutputs}). The result holds weights reordered for this machine's
 * block size, so it is used in this process only, loaded with onnxruntime's optimisations
 * off (it is already optimised) — never written out.
 *
 * @example Keep only one output of a graph
 * ```ts
 * import { GraphBuilder } from "./onnx_graph.ts";
 * import { pruneToOutputs } from "./ort_cpu_graph.ts";
 *
 * const g = new GraphBuilder("two");
 * const x = g.input("x", ["N"], "values");
 * g.output(g.node("Neg", [x]), "neg", ["N"], "−x");
 * g.output(g.node("Exp", [x]), "exp", ["N"], "eˣ");
 * const m = pruneToOutputs(g.model(), ["exp"]);
 * if (m.graph.node.some((n) => n.opType === "Neg")) throw new Error("Neg is not needed");
 * ```
 *
 * @module
 */
import { loadOrt } from "./ort.ts";
import { decodeOnnxModel, encodeOnnxModel, type OnnxModel, type OnnxNode } from "./onnx_proto.ts";

/** The domain of onnxruntime's NCHWc operators. */
const NCHWC = "com.microsoft.nchwc";

/**
 * Operators that compute each output element from the same element of their inputs (given
 * scalar other operands), so that they give the same values on a blocked layout.
 */
const ELEMENTWISE = new Set([
  "Abs",
  "Add",
  "Div",
  "Elu",
  "Exp",
  "LeakyRelu",
  "Max",
  "Min",
  "Mul",
  "Neg",
  "Relu",
  "Sigmoid",
  "Sub",
  "Tanh",
]);

function intAttribute(node: OnnxNode, name: string): number | undefined {
  const a = node.attribute?.find((x) => x.name === name);
  return a?.i === undefined ? undefined : Number(a.i);
}

/**
 * The model with only the named outputs, and only the nodes and weights they need. Inputs
 * stay as they are, so that callers feed the same names.
 *
 * @param model A model.
 * @param keep Names of the outputs to keep.
 * @returns A new model (the input is not changed).
 * @throws {RangeError} When a name is not an output of the graph.
 */
export function pruneToOutputs(model: OnnxModel, keep: string[]): OnnxModel {
  const g = model.graph;
  for (const k of keep) {
    if (!g.output.some((o) => o.name === k)) throw new RangeError(`no output named '${k}'`);
  }
  const needed = new Set(keep);
  const nodes: OnnxNode[] = [];
  // Nodes are in topological order: walking back, a node is needed when one of its outputs is.
  for (let i = g.node.length - 1; i >= 0; i--) {
    const n = g.node[i];
    if (!n.output.some((o) => needed.has(o))) continue;
    nodes.push(n);
    for (const v of n.input) needed.add(v);
  }
  nodes.reverse();
  return {
    ...model,
    graph: {
      ...g,
      node: nodes,
      initializer: (g.initializer ?? []).filter((t) => needed.has(t.name ?? "")),
      output: g.output.filter((o) => keep.includes(o.name)),
    },
  };
}

/**
 * Removes every `ReorderOutput` → elementwise ops → `ReorderInput` round trip between NCHWc
 * operators of a graph that onnxruntime has optimised, so that the elementwise ops run on
 * the blocked tensor itself. A round trip is removed only when it is safe:
 *
 * - the `ReorderOutput` goes to NCHW (not channels-last), from an NCHWc convolution whose
 *   output channels fill whole blocks (padding channels would reach the elementwise ops);
 * - every node fed from it, directly or through others, is an elementwise operator whose
 *   other operands are scalar constants, or a `ReorderInput` (an end of the round trip);
 * - none of those values is a graph output.
 *
 * @param model A model optimised by onnxruntime (with its NCHWc operators).
 * @returns The new model and how many round trips were removed.
 */
export function skipNchwcRoundTrips(model: OnnxModel): { model: OnnxModel; skipped: number } {
  const g = model.graph;
  const producer = new Map<string, OnnxNode>();
  for (const n of g.node) for (const o of n.output) producer.set(o, n);
  const inits = new Map((g.initializer ?? []).map((t) => [t.name ?? "", t]));
  const isScalar = (v: string) => {
    const t = inits.get(v);
    return t !== undefined && (t.dims ?? []).every((d) => Number(d) === 1);
  };
  const outputs = new Set(g.output.map((o) => o.name));
  const removed = new Set<OnnxNode>();
  const rename = new Map<string, string>();
  let skipped = 0;
  for (const [at, ro] of g.node.entries()) {
    if (ro.opType !== "ReorderOutput" || ro.domain !== NCHWC) continue;
    if ((intAttribute(ro, "channels_last") ?? 0) !== 0) continue;
    const conv = producer.get(ro.input[0]);
    const w = conv && conv.opType === "Conv" && conv.domain === NCHWC
      ? inits.get(conv.input[1])
      : undefined;
    if (!w || Number(w.dims?.[0]) !== intAttribute(ro, "channels")) continue;
    // The nodes after `ro` in topological order: every one that reads a value of the round
    // trip must be part of it.
    const values = new Set(ro.output);
    const ends: OnnxNode[] = [];
    let ok = true;
    for (const n of g.node.slice(at + 1)) {
      if (!n.input.some((v) => values.has(v))) continue;
      if (n.opType === "ReorderInput" && n.domain === NCHWC) {
        if ((intAttribute(n, "channels_last") ?? 0) !== 0) ok = false;
        ends.push(n);
      } else if (
        (n.domain ?? "") === "" && ELEMENTWISE.has(n.opType) &&
        n.input.every((v) => values.has(v) || isScalar(v))
      ) {
        for (const o of n.output) values.add(o);
      } else {
        ok = false;
      }
      if (!ok) break;
    }
    if (
      !ok || ends.length === 0 ||
      [...values, ...ends.map((e) => e.output[0])].some((v) => outputs.has(v))
    ) continue;
    removed.add(ro);
    rename.set(ro.output[0], ro.input[0]);
    for (const e of ends) {
      removed.add(e);
      rename.set(e.output[0], e.input[0]);
    }
    skipped++;
  }
  if (skipped === 0) return { model, skipped };
  // Follow renames to the end: an end's input may itself be a renamed value.
  const resolve = (v: string): string => {
    let r = v;
    while (rename.has(r)) r = rename.get(r)!;
    return r;
  };
  const node = g.node.filter((n) => !removed.has(n)).map((n) => ({
    ...n,
    input: n.input.map(resolve),
  }));
  // Shapes recorded for intermediate values no longer hold: drop them (onnxruntime infers).
  const { valueInfo: _stale, ...graph } = g as typeof g & { valueInfo?: unknown };
  return { model: { ...model, graph: { ...graph, node } }, skipped };
}

/**
 * A graph optimised by onnxruntime for this machine's CPU, with only the wanted outputs and
 * without the NCHWc round trips around elementwise ops; see the module documentation.
 * onnxruntime writes its optimised graph to a file, so this needs a temporary folder (and
 * Deno's write permission); callers fall back to the plain graph when it fails.
 *
 * @param bytes An ONNX model.
 * @param outputs The outputs the caller will fetch.
 * @returns The optimised model's bytes (load with graph optimisation off) and how many
 *   round trips were removed.
 */
export async function ortCpuGraph(
  bytes: Uint8Array,
  outputs: string[],
): Promise<{ bytes: Uint8Array; skipped: number }> {
  const ort = await loadOrt();
  const pruned = encodeOnnxModel(pruneToOutputs(decodeOnnxModel(bytes) as OnnxModel, outputs));
  const dir = await Deno.makeTempDir({ prefix: "sparsedyn-ort-" });
  try {
    const path = `${dir}/optimized.onnx`;
    const s = await ort.InferenceSession.create(pruned, {
      executionProviders: ["cpu"],
      graphOptimizationLevel: "all",
      optimizedModelFilePath: path,
      // onnxruntime warns that a graph with NCHWc operators is for this machine only.
      logSeverityLevel: 3,
    });
    await s.release();
    const { model, skipped } = skipNchwcRoundTrips(
      decodeOnnxModel(await Deno.readFile(path)) as OnnxModel,
    );
    return { bytes: encodeOnnxModel(model), skipped };
  } finally {
    await Deno.remove(dir, { recursive: true }).catch(() => {});
  }
}
