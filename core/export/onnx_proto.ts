/**
 * The part of the ONNX file format (protocol buffers) that sparsedyn writes and reads:
 * a model, its graph, nodes, attributes, tensors and typed inputs/outputs. The schema is
 * written here from the field numbers of the ONNX specification (onnx.proto, IR version 8),
 * limited to the fields the exporter uses, and compiled by protobufjs; any ONNX reader
 * (onnxruntime, the `onnx` Python package, Netron) reads the files it produces, and unknown
 * fields of files written by other tools are skipped when decoding.
 *
 * @example Round trip of a one-node model
 * ```ts
 * import { decodeOnnxModel, encodeOnnxModel, TensorType } from "./onnx_proto.ts";
 *
 * const bytes = encodeOnnxModel({
 *   irVersion: 8,
 *   opsetImport: [{ domain: "", version: 17 }],
 *   graph: {
 *     name: "g",
 *     node: [{ opType: "Relu", input: ["x"], output: ["y"] }],
 *     input: [{ name: "x", type: { tensorType: { elemType: TensorType.FLOAT, shape: { dim: [{ dimParam: "N" }] } } } }],
 *     output: [{ name: "y", type: { tensorType: { elemType: TensorType.FLOAT, shape: { dim: [{ dimParam: "N" }] } } } }],
 *   },
 * });
 * const back = decodeOnnxModel(bytes);
 * if (back.graph?.node?.[0].opType !== "Relu") throw new Error("round trip");
 * ```
 *
 * @module
 */
// Written in full, not through the import map, so that mod.ts also works imported by URL.
// deno-lint-ignore no-import-prefix
import protobuf from "npm:protobufjs@8.8.1";

// Field numbers as in the ONNX specification (onnx/onnx.proto). Only what we use.
const SCHEMA = `
syntax = "proto2";
package onnx;

message AttributeProto {
  enum AttributeType {
    UNDEFINED = 0; FLOAT = 1; INT = 2; STRING = 3; TENSOR = 4; GRAPH = 5;
    FLOATS = 6; INTS = 7; STRINGS = 8; TENSORS = 9; GRAPHS = 10;
  }
  optional string name = 1;
  optional float f = 2;
  optional int64 i = 3;
  optional bytes s = 4;
  optional TensorProto t = 5;
  repeated float floats = 7;
  repeated int64 ints = 8;
  repeated bytes strings = 9;
  optional string doc_string = 13;
  optional AttributeType type = 20;
}

message ValueInfoProto {
  optional string name = 1;
  optional TypeProto type = 2;
  optional string doc_string = 3;
}

message NodeProto {
  repeated string input = 1;
  repeated string output = 2;
  optional string name = 3;
  optional string op_type = 4;
  repeated AttributeProto attribute = 5;
  optional string doc_string = 6;
  optional string domain = 7;
}

message StringStringEntryProto {
  optional string key = 1;
  optional string value = 2;
}

message OperatorSetIdProto {
  optional string domain = 1;
  optional int64 version = 2;
}

message ModelProto {
  optional int64 ir_version = 1;
  optional string producer_name = 2;
  optional string producer_version = 3;
  optional string domain = 4;
  optional int64 model_version = 5;
  optional string doc_string = 6;
  optional GraphProto graph = 7;
  repeated OperatorSetIdProto opset_import = 8;
  repeated StringStringEntryProto metadata_props = 14;
}

message GraphProto {
  repeated NodeProto node = 1;
  optional string name = 2;
  repeated TensorProto initializer = 5;
  optional string doc_string = 10;
  repeated ValueInfoProto input = 11;
  repeated ValueInfoProto output = 12;
  repeated ValueInfoProto value_info = 13;
}

message TensorProto {
  repeated int64 dims = 1;
  optional int32 data_type = 2;
  repeated float float_data = 4 [packed = true];
  repeated int32 int32_data = 5 [packed = true];
  repeated int64 int64_data = 7 [packed = true];
  optional string name = 8;
  optional bytes raw_data = 9;
  optional string doc_string = 12;
}

message TensorShapeProto {
  message Dimension {
    optional int64 dim_value = 1;
    optional string dim_param = 2;
    optional string denotation = 3;
  }
  repeated Dimension dim = 1;
}

message TypeProto {
  message Tensor {
    optional int32 elem_type = 1;
    optional TensorShapeProto shape = 2;
  }
  optional Tensor tensor_type = 1;
  optional string denotation = 6;
}
`;

/** Element types of ONNX tensors (TensorProto.DataType), those sparsedyn writes. */
export const TensorType = { FLOAT: 1, INT32: 6, INT64: 7 } as const;

/** Attribute kinds (AttributeProto.AttributeType), those sparsedyn writes. */
export const AttributeType = { FLOAT: 1, INT: 2, STRING: 3, FLOATS: 6, INTS: 7 } as const;

/** A tensor: dims, element type, and its values little-endian in `rawData`. */
export interface OnnxTensor {
  /** Name (an initializer's name is the graph value it defines). */
  name?: string;
  /** Shape. */
  dims?: number[];
  /** A {@link TensorType}. */
  dataType?: number;
  /** Values, little-endian, C order. */
  rawData?: Uint8Array;
  /** Values of a float tensor, when not in rawData. */
  floatData?: number[];
  /** Values of an int64 tensor, when not in rawData. */
  int64Data?: number[];
}

/** One attribute of a node. */
export interface OnnxAttribute {
  /** Name, e.g. "strides". */
  name: string;
  /** An {@link AttributeType}. */
  type: number;
  /** FLOAT value. */
  f?: number;
  /** INT value. */
  i?: number;
  /** STRING value (bytes). */
  s?: Uint8Array;
  /** FLOATS value. */
  floats?: number[];
  /** INTS value. */
  ints?: number[];
}

/** One operator application. */
export interface OnnxNode {
  /** Operator, e.g. "Conv". */
  opType: string;
  /** Input value names (an empty string skips an optional input). */
  input: string[];
  /** Output value names. */
  output: string[];
  /** Node name (unique in the graph). */
  name?: string;
  /** Attributes. */
  attribute?: OnnxAttribute[];
  /** Operator domain ("" = the default ONNX domain). */
  domain?: string;
}

/** A dimension: a fixed size or a symbolic name. */
export interface OnnxDim {
  /** Fixed size. */
  dimValue?: number;
  /** Symbolic name (e.g. "N"). */
  dimParam?: string;
}

/** A typed graph input or output. */
export interface OnnxValueInfo {
  /** Value name. */
  name: string;
  /** Tensor type and shape. */
  type: { tensorType: { elemType: number; shape: { dim: OnnxDim[] } } };
  /** What it means, for people. */
  docString?: string;
}

/** A graph: nodes in topological order, weights, inputs and outputs. */
export interface OnnxGraph {
  /** Graph name. */
  name: string;
  /** Nodes, in an order where every input is defined before use. */
  node: OnnxNode[];
  /** Constant tensors (the weights). */
  initializer?: OnnxTensor[];
  /** Inputs. */
  input: OnnxValueInfo[];
  /** Outputs. */
  output: OnnxValueInfo[];
  /** What the graph does, for people. */
  docString?: string;
}

/** A model file. */
export interface OnnxModel {
  /** IR version (8 for opset 17). */
  irVersion: number;
  /** Operator sets used. */
  opsetImport: { domain: string; version: number }[];
  /** The graph. */
  graph: OnnxGraph;
  /** Writer's name. */
  producerName?: string;
  /** Writer's version. */
  producerVersion?: string;
  /** What the model is, for people. */
  docString?: string;
  /** Key-value metadata. */
  metadataProps?: { key: string; value: string }[];
}

let modelType: protobuf.Type | undefined;
function type(): protobuf.Type {
  // Parsed once, on first use: the schema is a constant.
  modelType ??= protobuf.parse(SCHEMA, { keepCase: false }).root.lookupType("onnx.ModelProto");
  return modelType;
}

/**
 * Serialises a model to ONNX protobuf bytes.
 *
 * @param model The model.
 * @returns The bytes of a `.onnx` file.
 */
export function encodeOnnxModel(model: OnnxModel): Uint8Array {
  const t = type();
  return t.encode(t.fromObject(model as unknown as Record<string, unknown>)).finish();
}

/**
 * Parses ONNX protobuf bytes (the fields of this schema; others are skipped).
 *
 * @param bytes The bytes of a `.onnx` file.
 * @returns The model, with int64 fields as numbers and bytes as Uint8Array.
 */
export function decodeOnnxModel(bytes: Uint8Array): Partial<OnnxModel> {
  const t = type();
  return t.toObject(t.decode(bytes), {
    longs: Number,
    bytes: Uint8Array,
    defaults: false,
  }) as Partial<OnnxModel>;
}
