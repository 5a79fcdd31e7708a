/**
 * A small builder of ONNX graphs: typed inputs and outputs, float32 / int64 initializers and
 * nodes with attributes, assembled into an {@link OnnxModel} (opset 17, IR version 8). Names
 * of intermediate values are generated; every node gets a unique name, so that tools such as
 * Netron and onnxruntime's profiler can point at it.
 *
 * @example A graph computing y = relu(x · 2) over a symbolic batch
 * ```ts
 * import { GraphBuilder } from "./onnx_graph.ts";
 * import { decodeOnnxModel, encodeOnnxModel } from "./onnx_proto.ts";
 *
 * const g = new GraphBuilder("double_relu");
 * const x = g.input("x", ["N", 3], "input values");
 * const two = g.float("two", Float32Array.of(2), []);
 * const y = g.node("Relu", [g.node("Mul", [x, two])]);
 * g.output(y, "y", ["N", 3], "relu(2x)");
 * const bytes = encodeOnnxModel(g.model({ doc: "example" }));
 * if (decodeOnnxModel(bytes).graph?.node?.length !== 3) throw new Error("Mul, Relu, Identity");
 * ```
 *
 * @module
 */
import { VERSION } from "../version.ts";
import {
  type OnnxAttribute,
  type OnnxDim,
  type OnnxModel,
  type OnnxNode,
  type OnnxTensor,
  type OnnxValueInfo,
  TensorType,
} from "./onnx_proto.ts";

/** The operator set the exporter targets. */
export const OPSET = 17;
/** The IR version that goes with opset 17 (ONNX 1.12). */
export const IR_VERSION = 8;

/** Attribute values a node may carry: numbers are INT unless wrapped by {@link float}. */
export type AttributeValue = number | number[] | string | { float: number };

/**
 * Marks an attribute value as FLOAT (plain numbers are INT).
 *
 * @param v The value.
 * @returns The wrapped value.
 */
export function float(v: number): { float: number } {
  return { float: v };
}

function dims(shape: (number | string)[]): OnnxDim[] {
  return shape.map((d) => typeof d === "number" ? { dimValue: d } : { dimParam: d });
}

function valueInfo(name: string, shape: (number | string)[], doc?: string): OnnxValueInfo {
  return {
    name,
    type: { tensorType: { elemType: TensorType.FLOAT, shape: { dim: dims(shape) } } },
    ...(doc ? { docString: doc } : {}),
  };
}

function attribute(name: string, v: AttributeValue): OnnxAttribute {
  if (typeof v === "number") return { name, type: 2, i: v };
  if (typeof v === "string") return { name, type: 3, s: new TextEncoder().encode(v) };
  if (Array.isArray(v)) return { name, type: 7, ints: v };
  return { name, type: 1, f: v.float };
}

/** Builds one graph; see the module documentation. */
export class GraphBuilder {
  readonly #name: string;
  readonly #nodes: OnnxNode[] = [];
  readonly #inits: OnnxTensor[] = [];
  readonly #inputs: OnnxValueInfo[] = [];
  readonly #outputs: OnnxValueInfo[] = [];
  readonly #names = new Set<string>();
  #count = 0;

  /**
   * Starts an empty graph.
   *
   * @param name The graph's name.
   */
  constructor(name: string) {
    this.#name = name;
  }

  #fresh(base: string): string {
    let n = base;
    while (this.#names.has(n)) n = `${base}_${++this.#count}`;
    this.#names.add(n);
    return n;
  }

  /**
   * Declares a float32 graph input.
   *
   * @param name Its name (what callers feed).
   * @param shape Sizes; strings are symbolic dimensions.
   * @param doc What it holds.
   * @returns The value's name.
   */
  input(name: string, shape: (number | string)[], doc: string): string {
    this.#names.add(name);
    this.#inputs.push(valueInfo(name, shape, doc));
    return name;
  }

  /**
   * Declares a float32 graph output, as an Identity of `value` named `name`.
   *
   * @param value The value computed by the graph.
   * @param name The output's name.
   * @param shape Sizes; strings are symbolic dimensions.
   * @param doc What it holds.
   */
  output(value: string, name: string, shape: (number | string)[], doc: string): void {
    this.#names.add(name);
    this.#nodes.push({
      opType: "Identity",
      input: [value],
      output: [name],
      name: this.#fresh(`${name}_out`),
    });
    this.#outputs.push(valueInfo(name, shape, doc));
  }

  /**
   * Adds a float32 constant (a weight).
   *
   * @param name Its name (kept when free, else suffixed).
   * @param data Values, C order.
   * @param shape Shape; the product must equal `data.length`.
   * @returns The value's name.
   */
  float(name: string, data: Float32Array, shape: number[]): string {
    if (shape.reduce((a, b) => a * b, 1) !== data.length) {
      throw new RangeError(`initializer ${name}: ${data.length} values for shape [${shape}]`);
    }
    const n = this.#fresh(name);
    // Copy into a fresh buffer: little-endian float32, as ONNX stores raw_data.
    const raw = new Uint8Array(Float32Array.from(data).buffer);
    this.#inits.push({ name: n, dims: shape, dataType: TensorType.FLOAT, rawData: raw });
    return n;
  }

  /**
   * Adds an int64 constant (shapes, axes).
   *
   * @param name Its name (kept when free, else suffixed).
   * @param data Values.
   * @returns The value's name (a 1-D tensor).
   */
  int64(name: string, data: number[]): string {
    const n = this.#fresh(name);
    const raw = new Uint8Array(new BigInt64Array(data.map(BigInt)).buffer);
    this.#inits.push({ name: n, dims: [data.length], dataType: TensorType.INT64, rawData: raw });
    return n;
  }

  /**
   * Adds a node with one output.
   *
   * @param op Operator type, e.g. "Conv".
   * @param inputs Input value names.
   * @param attrs Attributes (numbers INT, arrays INTS, strings STRING, {@link float} FLOAT).
   * @param name Base name of the node and its output.
   * @returns The output value's name.
   */
  node(
    op: string,
    inputs: string[],
    attrs: Record<string, AttributeValue> = {},
    name = op.toLowerCase(),
  ): string {
    const out = this.#fresh(name);
    this.#nodes.push({
      opType: op,
      input: inputs,
      output: [out],
      name: out,
      attribute: Object.entries(attrs).map(([k, v]) => attribute(k, v)),
    });
    return out;
  }

  /**
   * The finished model: this graph, opset 17, producer sparsedyn, the given metadata.
   *
   * @param options A description and key-value metadata.
   * @returns The model, ready for `encodeOnnxModel`.
   */
  model(options: { doc?: string; metadata?: Record<string, string> } = {}): OnnxModel {
    return {
      irVersion: IR_VERSION,
      opsetImport: [{ domain: "", version: OPSET }],
      producerName: "sparsedyn",
      producerVersion: VERSION,
      ...(options.doc ? { docString: options.doc } : {}),
      metadataProps: Object.entries(options.metadata ?? {}).map(([key, value]) => ({
        key,
        value,
      })),
      graph: {
        name: this.#name,
        node: this.#nodes,
        initializer: this.#inits,
        input: this.#inputs,
        output: this.#outputs,
      },
    };
  }
}
