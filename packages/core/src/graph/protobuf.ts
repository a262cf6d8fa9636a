/**
 * Minimal protobuf wire-format writer and reader (just what ONNX needs).
 * The writer keeps large byte payloads (tensor data) as references and concatenates once at the end,
 * so a multi-hundred-megabyte model is copied a single time.
 */
import { ErrorCode, fail } from '../errors.js';

const WIRE_VARINT = 0;
const WIRE_FIXED64 = 1;
const WIRE_LENGTH_DELIMITED = 2;
const WIRE_FIXED32 = 5;

/** Payloads at least this large are referenced instead of copied into the scratch buffer. */
const INLINE_BYTES_LIMIT = 256;

export function utf8Encode(text: string): Uint8Array {
  const bytes: number[] = [];
  for (const char of text) {
    const code = char.codePointAt(0)!;
    if (code < 0x80) bytes.push(code);
    else if (code < 0x800) bytes.push(0xc0 | (code >> 6), 0x80 | (code & 63));
    else if (code < 0x10000) bytes.push(0xe0 | (code >> 12), 0x80 | ((code >> 6) & 63), 0x80 | (code & 63));
    else
      bytes.push(
        0xf0 | (code >> 18),
        0x80 | ((code >> 12) & 63),
        0x80 | ((code >> 6) & 63),
        0x80 | (code & 63),
      );
  }
  return Uint8Array.from(bytes);
}

export function utf8Decode(bytes: Uint8Array): string {
  let out = '';
  for (let i = 0; i < bytes.length; ) {
    const b = bytes[i]!;
    let code: number;
    let extra: number;
    if (b < 0x80) [code, extra] = [b, 0];
    else if (b >= 0xf0) [code, extra] = [b & 7, 3];
    else if (b >= 0xe0) [code, extra] = [b & 15, 2];
    else [code, extra] = [b & 31, 1];
    for (let k = 1; k <= extra; k++) code = (code << 6) | ((bytes[i + k] ?? 0) & 63);
    out += String.fromCodePoint(code);
    i += extra + 1;
  }
  return out;
}

export class ProtoWriter {
  private readonly parts: Uint8Array[] = [];
  private scratch: number[] = [];
  private partsLength = 0;

  get length(): number {
    return this.partsLength + this.scratch.length;
  }

  private flushScratch(): void {
    if (this.scratch.length === 0) return;
    this.parts.push(Uint8Array.from(this.scratch));
    this.partsLength += this.scratch.length;
    this.scratch = [];
  }

  private rawVarint(value: number | bigint): void {
    if (typeof value === 'number' && Number.isSafeInteger(value) && value >= 0) {
      let v = value;
      while (v >= 0x80) {
        this.scratch.push((v % 0x80) | 0x80);
        v = Math.floor(v / 0x80);
      }
      this.scratch.push(v);
      return;
    }
    // Negative or huge int64: two's complement over 64 bits, 10 bytes at most.
    let v = BigInt.asUintN(64, BigInt(value));
    while (v >= 0x80n) {
      this.scratch.push(Number(v & 0x7fn) | 0x80);
      v >>= 7n;
    }
    this.scratch.push(Number(v));
  }

  private tag(field: number, wire: number): void {
    this.rawVarint(field * 8 + wire);
  }

  varint(field: number, value: number | bigint): this {
    this.tag(field, WIRE_VARINT);
    this.rawVarint(value);
    return this;
  }

  float(field: number, value: number): this {
    this.tag(field, WIRE_FIXED32);
    const buf = new DataView(new ArrayBuffer(4));
    buf.setFloat32(0, value, true);
    for (let i = 0; i < 4; i++) this.scratch.push(buf.getUint8(i));
    return this;
  }

  bytes(field: number, data: Uint8Array): this {
    this.tag(field, WIRE_LENGTH_DELIMITED);
    this.rawVarint(data.length);
    if (data.length < INLINE_BYTES_LIMIT) {
      for (const b of data) this.scratch.push(b);
    } else {
      this.flushScratch();
      this.parts.push(data);
      this.partsLength += data.length;
    }
    return this;
  }

  string(field: number, text: string): this {
    return this.bytes(field, utf8Encode(text));
  }

  message(field: number, sub: ProtoWriter): this {
    this.tag(field, WIRE_LENGTH_DELIMITED);
    this.rawVarint(sub.length);
    this.flushScratch();
    sub.flushScratch();
    for (const part of sub.parts) this.parts.push(part);
    this.partsLength += sub.partsLength;
    return this;
  }

  finish(): Uint8Array {
    this.flushScratch();
    const out = new Uint8Array(this.partsLength);
    let offset = 0;
    for (const part of this.parts) {
      out.set(part, offset);
      offset += part.length;
    }
    return out;
  }
}

export interface ProtoField {
  field: number;
  wire: number;
  /** Varint value (as bigint: int64 may exceed 2^53) for wire 0, fixed value bits for 1/5. */
  int?: bigint;
  /** Payload of a length-delimited field (a view into the source bytes, not a copy). */
  bytes?: Uint8Array;
}

/** Decodes one message level into its fields, in order. Throws invalid_onnx on malformed input. */
export function readFields(data: Uint8Array, what = 'protobuf message'): ProtoField[] {
  const fields: ProtoField[] = [];
  let pos = 0;
  const readVarint = (): bigint => {
    let result = 0n;
    let shift = 0n;
    for (;;) {
      if (pos >= data.length) fail(ErrorCode.InvalidOnnx, `${what}: truncated varint at byte ${pos}`);
      const b = data[pos++]!;
      result |= BigInt(b & 0x7f) << shift;
      if (b < 0x80) return result;
      shift += 7n;
      if (shift > 63n) fail(ErrorCode.InvalidOnnx, `${what}: varint too long at byte ${pos}`);
    }
  };
  while (pos < data.length) {
    const key = readVarint();
    const field = Number(key >> 3n);
    const wire = Number(key & 7n);
    if (field === 0) fail(ErrorCode.InvalidOnnx, `${what}: field number 0 at byte ${pos}`);
    if (wire === WIRE_VARINT) fields.push({ field, wire, int: readVarint() });
    else if (wire === WIRE_LENGTH_DELIMITED) {
      const len = Number(readVarint());
      if (pos + len > data.length)
        fail(ErrorCode.InvalidOnnx, `${what}: field ${field} length ${len} runs past the end`);
      fields.push({ field, wire, bytes: data.subarray(pos, pos + len) });
      pos += len;
    } else if (wire === WIRE_FIXED32 || wire === WIRE_FIXED64) {
      const size = wire === WIRE_FIXED32 ? 4 : 8;
      if (pos + size > data.length) fail(ErrorCode.InvalidOnnx, `${what}: truncated fixed field ${field}`);
      let v = 0n;
      for (let i = size - 1; i >= 0; i--) v = (v << 8n) | BigInt(data[pos + i]!);
      fields.push({ field, wire, int: v });
      pos += size;
    } else {
      fail(ErrorCode.InvalidOnnx, `${what}: unsupported wire type ${wire} for field ${field}`);
    }
  }
  return fields;
}

/** Repeated int64 fields may be packed (one length-delimited blob) or not: returns all values. */
export function readRepeatedInt(fields: ProtoField[], field: number, what: string): bigint[] {
  const values: bigint[] = [];
  for (const f of fields) {
    if (f.field !== field) continue;
    if (f.int !== undefined) values.push(f.int);
    else if (f.bytes) {
      let pos = 0;
      const data = f.bytes;
      while (pos < data.length) {
        let result = 0n;
        let shift = 0n;
        for (;;) {
          if (pos >= data.length) fail(ErrorCode.InvalidOnnx, `${what}: truncated packed varint`);
          const b = data[pos++]!;
          result |= BigInt(b & 0x7f) << shift;
          if (b < 0x80) break;
          shift += 7n;
        }
        values.push(result);
      }
    }
  }
  return values;
}
