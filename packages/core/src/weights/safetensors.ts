import { fail, ErrorCode } from '../errors.js';
import { decodeElements, elementCount, DTYPE_BYTES, type RawDType, type RawStateDict, type RawTensor } from './tensor.js';

/**
 * safetensors: an 8-byte little-endian header length, a JSON header
 * `{name: {dtype, shape, data_offsets: [begin, end]}, __metadata__?: {…}}`, then the data.
 */

const SAFETENSORS_DTYPES: Readonly<Record<string, RawDType>> = {
  F32: 'float32',
  F16: 'float16',
  BF16: 'bfloat16',
  F64: 'float64',
  I64: 'int64',
  I32: 'int32',
  I16: 'int16',
  I8: 'int8',
  U8: 'uint8',
  BOOL: 'bool',
};

/** Largest JSON header we accept (the format itself caps it at 100 MB). */
export const SAFETENSORS_MAX_HEADER_BYTES = 100_000_000;

export interface SafetensorsFile {
  tensors: RawStateDict;
  metadata: Record<string, string>;
}

export function readSafetensors(bytes: Uint8Array): SafetensorsFile {
  const bad = (message: string, details?: Record<string, unknown>): never =>
    fail(ErrorCode.InvalidCheckpoint, `invalid safetensors file: ${message}`, details);
  if (bytes.length < 8) bad('shorter than its 8-byte header length');
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const headerLength = Number(view.getBigUint64(0, true));
  if (headerLength > SAFETENSORS_MAX_HEADER_BYTES || 8 + headerLength > bytes.length) {
    bad(`header length ${headerLength} does not fit the file`);
  }
  let header: Record<string, unknown>;
  try {
    header = JSON.parse(new TextDecoder('utf-8').decode(bytes.subarray(8, 8 + headerLength))) as Record<string, unknown>;
  } catch {
    return bad('header is not JSON');
  }
  if (!header || typeof header !== 'object' || Array.isArray(header)) bad('header is not a JSON object');
  const dataStart = 8 + headerLength;
  const dataLength = bytes.length - dataStart;
  const tensors: RawStateDict = new Map();
  let metadata: Record<string, string> = {};
  for (const [name, entry] of Object.entries(header)) {
    if (name === '__metadata__') {
      metadata = (entry ?? {}) as Record<string, string>;
      continue;
    }
    const info = entry as { dtype?: unknown; shape?: unknown; data_offsets?: unknown };
    const dtype = SAFETENSORS_DTYPES[String(info?.dtype)];
    if (!dtype) bad(`tensor ${name} has unsupported dtype ${String(info?.dtype)}`, { key: name });
    const shape = info.shape;
    if (!Array.isArray(shape) || !shape.every((d) => Number.isInteger(d) && d >= 0)) bad(`tensor ${name} has an invalid shape`, { key: name });
    const offsets = info.data_offsets;
    if (!Array.isArray(offsets) || offsets.length !== 2) bad(`tensor ${name} has invalid data_offsets`, { key: name });
    const [begin, end] = offsets as [number, number];
    const count = elementCount(shape as number[]);
    if (!(begin >= 0 && end <= dataLength && end - begin === count * DTYPE_BYTES[dtype!])) {
      bad(`tensor ${name}: data_offsets [${begin}, ${end}] do not match shape [${(shape as number[]).join(', ')}] × ${dtype}`, { key: name });
    }
    tensors.set(name, { dtype: dtype!, shape: [...(shape as number[])], data: decodeElements(bytes, dataStart + begin, dtype!, count) });
  }
  return { tensors, metadata };
}

/** Tensors to write: float data is written as F32, BigInt64Array as I64, Int32Array as I32, Uint8Array as U8. */
export type WritableTensor = Pick<RawTensor, 'shape' | 'data'>;

/** Serialises tensors (in map order) to safetensors bytes. */
export function writeSafetensors(
  tensors: ReadonlyMap<string, WritableTensor>,
  metadata: Record<string, string> = {},
): Uint8Array {
  const header: Record<string, unknown> = {};
  if (Object.keys(metadata).length > 0) header['__metadata__'] = metadata;
  let offset = 0;
  const parts: { bytes: Uint8Array; offset: number }[] = [];
  for (const [name, tensor] of tensors) {
    const { data, shape } = tensor;
    if (elementCount(shape) !== data.length) {
      fail(ErrorCode.InvalidArgument, `tensor ${name}: shape [${shape.join(', ')}] does not match ${data.length} values`, { key: name });
    }
    const dtype = data instanceof Float32Array ? 'F32' : data instanceof BigInt64Array ? 'I64' : data instanceof Int32Array ? 'I32' : 'U8';
    const bytes = new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
    header[name] = { dtype, shape, data_offsets: [offset, offset + bytes.length] };
    parts.push({ bytes, offset });
    offset += bytes.length;
  }
  let json = JSON.stringify(header);
  // Pad the header with spaces so the data starts 8-byte aligned, as the reference writer does.
  json += ' '.repeat((8 - ((8 + new TextEncoder().encode(json).length) % 8)) % 8);
  const headerBytes = new TextEncoder().encode(json);
  const out = new Uint8Array(8 + headerBytes.length + offset);
  new DataView(out.buffer).setBigUint64(0, BigInt(headerBytes.length), true);
  out.set(headerBytes, 8);
  const dataStart = 8 + headerBytes.length;
  for (const part of parts) out.set(part.bytes, dataStart + part.offset);
  return out;
}
