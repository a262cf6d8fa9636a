/** Accumulates ONNX nodes and initializers with checkpoint-derived names; handles fp32/fp16 constants. */
import { ErrorCode, fail } from '../errors.js';
import {
  OnnxDataType,
  encodeOnnxModel,
  floatAttr,
  type OnnxAttributeValue,
  type OnnxModel,
  type OnnxNode,
  type OnnxTensor,
  type OnnxValueInfo,
} from './onnx.js';
import { float16Bytes, float32Bytes, int64Bytes, shapeSize } from './weights.js';

export type Precision = 'fp32' | 'fp16';

export class GraphBuilder {
  readonly nodes: OnnxNode[] = [];
  readonly initializers: OnnxTensor[] = [];
  private readonly names = new Set<string>();
  readonly floatType: OnnxDataType;

  constructor(readonly precision: Precision) {
    this.floatType = precision === 'fp16' ? OnnxDataType.FLOAT16 : OnnxDataType.FLOAT;
  }

  /** Reserves a unique value name (initializers and node outputs share one namespace). */
  private claim(name: string): string {
    if (this.names.has(name)) fail(ErrorCode.InvalidArgument, `graph value '${name}' defined twice`);
    this.names.add(name);
    return name;
  }

  /** A float constant stored in the graph's precision. */
  floatConst(name: string, dims: readonly number[], data: Float32Array): string {
    if (data.length !== shapeSize(dims)) fail(ErrorCode.InvalidArgument, `constant '${name}' size mismatch`);
    this.initializers.push({
      name: this.claim(name),
      dataType: this.floatType,
      dims: [...dims],
      rawData: this.precision === 'fp16' ? float16Bytes(data) : float32Bytes(data),
    });
    return name;
  }

  /** A float32 constant regardless of precision (e.g. Resize scales). */
  float32Const(name: string, dims: readonly number[], data: Float32Array): string {
    this.initializers.push({ name: this.claim(name), dataType: OnnxDataType.FLOAT, dims: [...dims], rawData: float32Bytes(data) });
    return name;
  }

  int64Const(name: string, values: readonly (number | bigint)[]): string {
    this.initializers.push({ name: this.claim(name), dataType: OnnxDataType.INT64, dims: [values.length], rawData: int64Bytes(values) });
    return name;
  }

  /** Adds a node named `name` whose single output value is also called `name` (unless given). */
  node(
    opType: string,
    name: string,
    inputs: readonly string[],
    attributes?: Record<string, OnnxAttributeValue>,
    output?: string,
  ): string {
    const out = this.claim(output ?? name);
    const node: OnnxNode = attributes ? { opType, name, inputs, outputs: [out], attributes } : { opType, name, inputs, outputs: [out] };
    this.nodes.push(node);
    return out;
  }

  conv(name: string, x: string, weight: string, bias: string | undefined, kernel: number, stride = 1): string {
    const pad = (kernel - 1) >> 1;
    return this.node('Conv', name, bias ? [x, weight, bias] : [x, weight], {
      kernel_shape: [kernel, kernel],
      pads: [pad, pad, pad, pad],
      strides: [stride, stride],
      dilations: [1, 1],
      group: 1,
    });
  }

  leakyRelu(name: string, x: string, slope: number): string {
    return this.node('LeakyRelu', name, [x], { alpha: floatAttr(slope) });
  }

  /** y = x·Wᵀ + b for x [N, in], W [out, in] (PyTorch Linear layout). */
  linear(name: string, x: string, weight: string, bias: string): string {
    return this.node('Gemm', name, [x, weight, bias], { transB: 1, alpha: floatAttr(1), beta: floatAttr(1) });
  }

  finish(meta: Omit<OnnxModel, 'nodes' | 'initializers' | 'inputs' | 'outputs'>, inputs: OnnxValueInfo[], outputs: OnnxValueInfo[]): Uint8Array {
    return encodeOnnxModel({ ...meta, nodes: this.nodes, initializers: this.initializers, inputs, outputs });
  }
}
