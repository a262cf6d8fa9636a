/** Plain float32 weights keyed by checkpoint parameter name (e.g. `up_0.norm_0.mlp_shared.0.weight`). */
import { ErrorCode, fail } from '../errors.js';

export interface WeightTensor {
  shape: number[];
  data: Float32Array;
}

export type WeightMap = Map<string, WeightTensor>;

/** Expected parameter name → shape. */
export type ParameterShapes = Map<string, number[]>;

export function shapeSize(shape: readonly number[]): number {
  return shape.reduce((a, b) => a * b, 1);
}

function shapeText(shape: readonly number[]): string {
  return `[${shape.join(', ')}]`;
}

/**
 * Returns the weight `name` after checking it exists with the expected shape and a matching data
 * length. Throws missing_weight / weight_shape_mismatch naming the key.
 */
export function requireWeight(weights: WeightMap, name: string, expected: readonly number[]): WeightTensor {
  const tensor = weights.get(name);
  if (!tensor) fail(ErrorCode.MissingWeight, `missing weight '${name}' (expected shape ${shapeText(expected)})`, { key: name, expected: [...expected] });
  const sameShape = tensor.shape.length === expected.length && tensor.shape.every((d, i) => d === expected[i]);
  if (!sameShape)
    fail(
      ErrorCode.WeightShapeMismatch,
      `weight '${name}' has shape ${shapeText(tensor.shape)}, expected ${shapeText(expected)}`,
      { key: name, expected: [...expected], actual: [...tensor.shape] },
    );
  if (tensor.data.length !== shapeSize(expected))
    fail(
      ErrorCode.WeightShapeMismatch,
      `weight '${name}' has ${tensor.data.length} values, its shape ${shapeText(expected)} needs ${shapeSize(expected)}`,
      { key: name, expected: [...expected], actual: [...tensor.shape] },
    );
  return tensor;
}

/** Checks every expected parameter (missing or wrong shape throws, naming the first bad key). */
export function checkWeights(weights: WeightMap, shapes: ParameterShapes): void {
  for (const [name, shape] of shapes) requireWeight(weights, name, shape);
}

/** Sum of element counts; running statistics of batch norm are buffers, not parameters. */
export function countParams(shapes: ReadonlyMap<string, readonly number[]>): number {
  let total = 0;
  for (const [name, shape] of shapes) {
    if (name.endsWith('.running_mean') || name.endsWith('.running_var')) continue;
    total += shapeSize(shape);
  }
  return total;
}

const isLittleEndian = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/** Little-endian bytes of a float32 array (a view when the platform is little-endian). */
export function float32Bytes(data: Float32Array): Uint8Array {
  if (isLittleEndian) return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
  const out = new Uint8Array(data.length * 4);
  const view = new DataView(out.buffer);
  data.forEach((v, i) => view.setFloat32(i * 4, v, true));
  return out;
}

export function int64Bytes(values: readonly (number | bigint)[]): Uint8Array {
  const out = new Uint8Array(values.length * 8);
  const view = new DataView(out.buffer);
  values.forEach((v, i) => view.setBigInt64(i * 8, BigInt(v), true));
  return out;
}

const f32 = new Float32Array(1);
const u32 = new Uint32Array(f32.buffer);

/** IEEE half-precision bits of a float32 value, rounding to nearest even (overflow → ±inf). */
export function float32ToFloat16Bits(value: number): number {
  f32[0] = value;
  const x = u32[0]!;
  const sign = (x >>> 16) & 0x8000;
  const exponent = (x >>> 23) & 0xff;
  let mantissa = x & 0x7fffff;
  if (exponent === 0xff) return sign | 0x7c00 | (mantissa ? 0x200 : 0); // inf / NaN
  const halfExponent = exponent - 127 + 15;
  if (halfExponent >= 0x1f) return sign | 0x7c00;
  if (halfExponent <= 0) {
    if (halfExponent < -10) return sign; // underflow to ±0
    mantissa |= 0x800000; // implicit leading bit
    const shift = 14 - halfExponent;
    let half = mantissa >>> shift;
    const remainder = mantissa & ((1 << shift) - 1);
    const halfway = 1 << (shift - 1);
    if (remainder > halfway || (remainder === halfway && half & 1)) half++;
    return sign | half;
  }
  let half = (halfExponent << 10) | (mantissa >>> 13);
  const remainder = mantissa & 0x1fff;
  if (remainder > 0x1000 || (remainder === 0x1000 && half & 1)) half++; // may carry into the exponent: correct
  return sign | half;
}

/** Little-endian float16 bytes of a float32 array. */
export function float16Bytes(data: Float32Array): Uint8Array {
  const out = new Uint8Array(data.length * 2);
  for (let i = 0; i < data.length; i++) {
    const h = float32ToFloat16Bits(data[i]!);
    out[2 * i] = h & 0xff;
    out[2 * i + 1] = h >>> 8;
  }
  return out;
}
