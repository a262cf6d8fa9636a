/**
 * A minimal ONNX (onnx.proto, IR version 8) writer and a reader that lists a model's inputs,
 * outputs, initializers and nodes. Field numbers follow onnx/onnx.proto.
 */
import { ErrorCode, fail } from '../errors.js';
import { ProtoWriter, readFields, readRepeatedInt, utf8Decode, utf8Encode, type ProtoField } from './protobuf.js';

/** TensorProto.DataType values used here. */
export const OnnxDataType = {
  FLOAT: 1,
  UINT8: 2,
  INT8: 3,
  INT32: 6,
  INT64: 7,
  BOOL: 9,
  FLOAT16: 10,
  DOUBLE: 11,
} as const;
export type OnnxDataType = (typeof OnnxDataType)[keyof typeof OnnxDataType];

export const ONNX_IR_VERSION = 8;
export const ONNX_OPSET_VERSION = 17;

export interface OnnxTensor {
  name: string;
  dataType: OnnxDataType;
  dims: readonly number[];
  /** Little-endian element bytes. */
  rawData: Uint8Array;
}

/** A dimension is a fixed size or a symbolic name such as 'batch' or 'height'. */
export type OnnxDim = number | string;

export interface OnnxValueInfo {
  name: string;
  elemType: OnnxDataType;
  shape: readonly OnnxDim[];
}

export type OnnxAttributeValue = number | string | readonly number[] | readonly string[] | { float: number };

export interface OnnxNode {
  opType: string;
  name: string;
  inputs: readonly string[];
  outputs: readonly string[];
  /** Integers → INT(S); `{ float }` or non-integers → FLOAT; strings → STRING. Use `floatAttr` for 1.0-like floats. */
  attributes?: Readonly<Record<string, OnnxAttributeValue>>;
}

export interface OnnxModel {
  graphName: string;
  producerName: string;
  producerVersion?: string;
  docString?: string;
  nodes: readonly OnnxNode[];
  initializers: readonly OnnxTensor[];
  inputs: readonly OnnxValueInfo[];
  outputs: readonly OnnxValueInfo[];
  metadata?: Readonly<Record<string, string>>;
  opsetVersion?: number;
}

/** Marks a whole number as a FLOAT attribute (e.g. alpha 1). */
export function floatAttr(value: number): { float: number } {
  return { float: value };
}

const AttributeType = { FLOAT: 1, INT: 2, STRING: 3, FLOATS: 6, INTS: 7, STRINGS: 8 } as const;

function encodeTensor(tensor: OnnxTensor): ProtoWriter {
  const w = new ProtoWriter();
  for (const d of tensor.dims) w.varint(1, d);
  w.varint(2, tensor.dataType);
  w.string(8, tensor.name);
  w.bytes(9, tensor.rawData);
  return w;
}

function encodeValueInfo(info: OnnxValueInfo): ProtoWriter {
  const shape = new ProtoWriter();
  for (const d of info.shape) {
    const dim = new ProtoWriter();
    if (typeof d === 'number') dim.varint(1, d);
    else dim.string(2, d);
    shape.message(1, dim);
  }
  const tensorType = new ProtoWriter().varint(1, info.elemType).message(2, shape);
  const type = new ProtoWriter().message(1, tensorType);
  return new ProtoWriter().string(1, info.name).message(2, type);
}

function encodeAttribute(name: string, value: OnnxAttributeValue): ProtoWriter {
  const w = new ProtoWriter().string(1, name);
  if (typeof value === 'string') return w.bytes(4, utf8Encode(value)).varint(20, AttributeType.STRING);
  if (typeof value === 'number') {
    if (Number.isInteger(value)) return w.varint(3, value).varint(20, AttributeType.INT);
    return w.float(2, value).varint(20, AttributeType.FLOAT);
  }
  if ('float' in value) return w.float(2, value.float).varint(20, AttributeType.FLOAT);
  if (value.length > 0 && typeof value[0] === 'string') {
    for (const s of value as readonly string[]) w.bytes(9, utf8Encode(s));
    return w.varint(20, AttributeType.STRINGS);
  }
  const numbers = value as readonly number[];
  if (numbers.every((v) => Number.isInteger(v))) {
    for (const v of numbers) w.varint(8, v);
    return w.varint(20, AttributeType.INTS);
  }
  for (const v of numbers) w.float(7, v);
  return w.varint(20, AttributeType.FLOATS);
}

function encodeNode(node: OnnxNode): ProtoWriter {
  const w = new ProtoWriter();
  for (const input of node.inputs) w.string(1, input);
  for (const output of node.outputs) w.string(2, output);
  w.string(3, node.name);
  w.string(4, node.opType);
  for (const [name, value] of Object.entries(node.attributes ?? {})) w.message(5, encodeAttribute(name, value));
  return w;
}

/** Serializes a model to ONNX protobuf bytes. */
export function encodeOnnxModel(model: OnnxModel): Uint8Array {
  const graph = new ProtoWriter();
  for (const node of model.nodes) graph.message(1, encodeNode(node));
  graph.string(2, model.graphName);
  for (const tensor of model.initializers) graph.message(5, encodeTensor(tensor));
  for (const input of model.inputs) graph.message(11, encodeValueInfo(input));
  for (const output of model.outputs) graph.message(12, encodeValueInfo(output));

  const w = new ProtoWriter();
  w.varint(1, ONNX_IR_VERSION);
  w.string(2, model.producerName);
  if (model.producerVersion) w.string(3, model.producerVersion);
  if (model.docString) w.string(6, model.docString);
  w.message(7, graph);
  w.message(8, new ProtoWriter().string(1, '').varint(2, model.opsetVersion ?? ONNX_OPSET_VERSION));
  for (const [key, value] of Object.entries(model.metadata ?? {}))
    w.message(14, new ProtoWriter().string(1, key).string(2, value));
  return w.finish();
}

// ---------------------------------------------------------------------------------------------
// Reader

export interface OnnxInitializerInfo {
  name: string;
  dataType: number;
  dims: number[];
  /** Little-endian element bytes when stored as raw_data (a view into the model bytes), else undefined. */
  rawData?: Uint8Array;
}

export interface OnnxSummary {
  irVersion: number;
  producerName: string;
  opsetVersion: number | undefined;
  graphName: string;
  inputs: OnnxValueInfo[];
  outputs: OnnxValueInfo[];
  initializers: OnnxInitializerInfo[];
  nodes: { name: string; opType: string; inputs: string[]; outputs: string[] }[];
  metadata: Record<string, string>;
}

function strings(fields: ProtoField[], field: number): string[] {
  return fields.filter((f) => f.field === field && f.bytes).map((f) => utf8Decode(f.bytes!));
}
function firstString(fields: ProtoField[], field: number): string {
  return strings(fields, field)[0] ?? '';
}
function firstInt(fields: ProtoField[], field: number): bigint | undefined {
  return fields.find((f) => f.field === field && f.int !== undefined)?.int;
}
function messages(fields: ProtoField[], field: number): Uint8Array[] {
  return fields.filter((f) => f.field === field && f.bytes).map((f) => f.bytes!);
}

function decodeValueInfo(bytes: Uint8Array): OnnxValueInfo {
  const fields = readFields(bytes, 'ValueInfoProto');
  const name = firstString(fields, 1);
  const type = messages(fields, 2)[0];
  const tensorType = type ? messages(readFields(type, 'TypeProto'), 1)[0] : undefined;
  if (!tensorType) return { name, elemType: 0 as OnnxDataType, shape: [] };
  const tensorFields = readFields(tensorType, 'TypeProto.Tensor');
  const shapeBytes = messages(tensorFields, 2)[0];
  const shape: OnnxDim[] = [];
  if (shapeBytes) {
    for (const dim of messages(readFields(shapeBytes, 'TensorShapeProto'), 1)) {
      const dimFields = readFields(dim, 'TensorShapeProto.Dimension');
      const value = firstInt(dimFields, 1);
      shape.push(value !== undefined ? Number(value) : firstString(dimFields, 2) || '?');
    }
  }
  return { name, elemType: Number(firstInt(tensorFields, 1) ?? 0) as OnnxDataType, shape };
}

/** Lists what a model declares. Throws PaintscapeError invalid_onnx for bytes that are not an ONNX model. */
export function readOnnxSummary(bytes: Uint8Array): OnnxSummary {
  const model = readFields(bytes, 'ModelProto');
  const irVersion = firstInt(model, 1);
  const graphBytes = messages(model, 7)[0];
  if (irVersion === undefined || !graphBytes) fail(ErrorCode.InvalidOnnx, 'not an ONNX model: no ir_version or graph');
  const opset = messages(model, 8)
    .map((b) => readFields(b, 'OperatorSetIdProto'))
    .find((f) => firstString(f, 1) === '' || firstString(f, 1) === 'ai.onnx');
  const metadata: Record<string, string> = {};
  for (const entry of messages(model, 14)) {
    const f = readFields(entry, 'StringStringEntryProto');
    metadata[firstString(f, 1)] = firstString(f, 2);
  }
  const graph = readFields(graphBytes, 'GraphProto');
  const initializers = messages(graph, 5).map((b): OnnxInitializerInfo => {
    const f = readFields(b, 'TensorProto');
    const raw = messages(f, 9)[0];
    const info: OnnxInitializerInfo = {
      name: firstString(f, 8),
      dataType: Number(firstInt(f, 2) ?? 0),
      dims: readRepeatedInt(f, 1, 'TensorProto.dims').map(Number),
    };
    if (raw) info.rawData = raw;
    return info;
  });
  const nodes = messages(graph, 1).map((b) => {
    const f = readFields(b, 'NodeProto');
    return { name: firstString(f, 3), opType: firstString(f, 4), inputs: strings(f, 1), outputs: strings(f, 2) };
  });
  return {
    irVersion: Number(irVersion),
    producerName: firstString(model, 2),
    opsetVersion: opset ? Number(firstInt(opset, 2)) : undefined,
    graphName: firstString(graph, 2),
    inputs: messages(graph, 11).map(decodeValueInfo),
    outputs: messages(graph, 12).map(decodeValueInfo),
    initializers,
    nodes,
    metadata,
  };
}
