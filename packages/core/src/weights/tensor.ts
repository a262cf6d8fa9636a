import { fail, ErrorCode } from '../errors.js';

/** Element types found in checkpoints. Floating types are widened to Float32Array on read. */
export type RawDType =
  | 'float32'
  | 'float16'
  | 'bfloat16'
  | 'float64'
  | 'int64'
  | 'int32'
  | 'int16'
  | 'int8'
  | 'uint8'
  | 'bool';

/**
 * One tensor of a raw state dict. `dtype` is the type stored in the file; `data` is
 * Float32Array for floating types, BigInt64Array for int64, Int32Array for other
 * integers, Uint8Array for uint8/bool. Row-major, contiguous.
 */
export interface RawTensor {
  dtype: RawDType;
  shape: number[];
  data: Float32Array | BigInt64Array | Int32Array | Uint8Array;
}

/** A state dict as read from a file, in file order. */
export type RawStateDict = Map<string, RawTensor>;

export const DTYPE_BYTES: Readonly<Record<RawDType, number>> = {
  float32: 4,
  float16: 2,
  bfloat16: 2,
  float64: 8,
  int64: 8,
  int32: 4,
  int16: 2,
  int8: 1,
  uint8: 1,
  bool: 1,
};

export function isFloatDType(dtype: RawDType): boolean {
  return dtype === 'float32' || dtype === 'float16' || dtype === 'bfloat16' || dtype === 'float64';
}

export function elementCount(shape: readonly number[]): number {
  let n = 1;
  for (const d of shape) n *= d;
  return n;
}

/** IEEE half → float. */
export function halfToFloat(h: number): number {
  const sign = h & 0x8000 ? -1 : 1;
  const exp = (h >> 10) & 0x1f;
  const frac = h & 0x3ff;
  if (exp === 0) return sign * frac * 2 ** -24;
  if (exp === 31) return frac ? Number.NaN : sign * Number.POSITIVE_INFINITY;
  return sign * (1 + frac / 1024) * 2 ** (exp - 15);
}

/**
 * Decodes `count` little-endian elements at `byteOffset` of `bytes`, element `i` taken
 * from element index `indexOf(i)` (strided views), into the dtype's JS array.
 */
export function decodeElements(
  bytes: Uint8Array,
  byteOffset: number,
  dtype: RawDType,
  count: number,
  indexOf?: (i: number) => number,
): RawTensor['data'] {
  const size = DTYPE_BYTES[dtype];
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const at = (i: number): number => byteOffset + (indexOf ? indexOf(i) : i) * size;
  if (count > 0) {
    const last = indexOf ? Math.max(at(0), at(count - 1)) : at(count - 1);
    if (byteOffset < 0 || last + size > bytes.length) {
      fail(ErrorCode.InvalidCheckpoint, `tensor data runs past the end of its storage (${count} × ${dtype})`);
    }
  }
  switch (dtype) {
    case 'float32': {
      if (!indexOf) {
        // Copy into an aligned buffer, then read as native little-endian floats.
        const copy = new Uint8Array(count * 4);
        copy.set(bytes.subarray(byteOffset, byteOffset + count * 4));
        return new Float32Array(copy.buffer, 0, count);
      }
      const out = new Float32Array(count);
      for (let i = 0; i < count; i++) out[i] = view.getFloat32(at(i), true);
      return out;
    }
    case 'float16': {
      const out = new Float32Array(count);
      for (let i = 0; i < count; i++) out[i] = halfToFloat(view.getUint16(at(i), true));
      return out;
    }
    case 'bfloat16': {
      const out = new Float32Array(count);
      const u32 = new Uint32Array(out.buffer);
      for (let i = 0; i < count; i++) u32[i] = view.getUint16(at(i), true) << 16;
      return out;
    }
    case 'float64': {
      const out = new Float32Array(count);
      for (let i = 0; i < count; i++) out[i] = view.getFloat64(at(i), true);
      return out;
    }
    case 'int64': {
      const out = new BigInt64Array(count);
      for (let i = 0; i < count; i++) out[i] = view.getBigInt64(at(i), true);
      return out;
    }
    case 'int32':
    case 'int16':
    case 'int8': {
      const out = new Int32Array(count);
      for (let i = 0; i < count; i++) {
        const o = at(i);
        out[i] = dtype === 'int32' ? view.getInt32(o, true) : dtype === 'int16' ? view.getInt16(o, true) : view.getInt8(o);
      }
      return out;
    }
    case 'uint8':
    case 'bool': {
      const out = new Uint8Array(count);
      for (let i = 0; i < count; i++) out[i] = bytes[at(i)]!;
      return out;
    }
  }
}

/** The tensor's values as float32 (ints converted), for shape-checked weight maps. */
export function toFloat32(tensor: RawTensor): Float32Array {
  if (tensor.data instanceof Float32Array) return tensor.data;
  const out = new Float32Array(tensor.data.length);
  for (let i = 0; i < out.length; i++) out[i] = Number(tensor.data[i]!);
  return out;
}
