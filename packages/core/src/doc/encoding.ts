import { PaintscapeError, ErrorCode } from '../errors.js';
import { PAINT_LIMITS } from './limits.js';
import { validateOp, type OpContext, type PaintOp, type PaintOpKind, type PaintOpRecord } from './ops.js';

/**
 * Binary op encoding, format 1 (see PROTOCOL.md §Op encoding):
 *   u8 format=1, u8 kind, varuint clientId, varuint userIdLength, userId UTF-8 bytes, kind payload.
 * Unsigned integers are LEB128 varuints; point lists are varuint count, first point as two
 * varuints, then zigzag varint deltas. Decoding is strict: trailing bytes are an error.
 */
export const OP_FORMAT = 1;

const KIND_CODES: Readonly<Record<PaintOpKind, number>> = {
  stroke: 1, line: 2, rect: 3, polygon: 4, fill: 5, erase: 6, clear: 7,
};
const KINDS_BY_CODE: readonly (PaintOpKind | undefined)[] = [
  undefined, 'stroke', 'line', 'rect', 'polygon', 'fill', 'erase', 'clear',
];

class ByteWriter {
  private buf = new Uint8Array(64);
  private pos = 0;
  private ensure(extra: number): void {
    if (this.pos + extra <= this.buf.length) return;
    const next = new Uint8Array(Math.max(this.buf.length * 2, this.pos + extra));
    next.set(this.buf.subarray(0, this.pos));
    this.buf = next;
  }
  u8(v: number): void {
    this.ensure(1);
    this.buf[this.pos++] = v;
  }
  /** LEB128 for 0 ≤ v < 2^53 (division, not bit ops, so values above 2^31 stay exact). */
  varuint(v: number): void {
    this.ensure(8);
    if (v < 0x40000000) {
      // fast path: small ints stay in integer registers
      while (v >= 0x80) { this.buf[this.pos++] = (v & 0x7f) | 0x80; v >>>= 7; }
      this.buf[this.pos++] = v;
      return;
    }
    while (v >= 0x80) {
      this.buf[this.pos++] = (v % 0x80) | 0x80;
      v = Math.floor(v / 0x80);
    }
    this.buf[this.pos++] = v;
  }
  varint(v: number): void {
    this.varuint(v < 0 ? -2 * v - 1 : 2 * v);
  }
  bytes(b: Uint8Array): void {
    this.ensure(b.length);
    this.buf.set(b, this.pos);
    this.pos += b.length;
  }
  finish(): Uint8Array {
    return this.buf.slice(0, this.pos);
  }
}

class ByteReader {
  pos = 0;
  constructor(private readonly buf: Uint8Array) {}
  private fail(field: string, message: string): never {
    throw new PaintscapeError(ErrorCode.InvalidOperation, `invalid op encoding: ${field} ${message}`, { field, offset: this.pos });
  }
  u8(field: string): number {
    if (this.pos >= this.buf.length) this.fail(field, 'is truncated');
    return this.buf[this.pos++]!;
  }
  varuint(field: string): number {
    let result = 0;
    let scale = 1;
    for (let i = 0; i < 8; i++) {
      const b = this.u8(field);
      result += (b & 0x7f) * scale;
      if ((b & 0x80) === 0) {
        if (result > Number.MAX_SAFE_INTEGER) this.fail(field, 'exceeds 2^53');
        return result;
      }
      scale *= 0x80;
    }
    return this.fail(field, 'is a varint longer than 8 bytes');
  }
  varint(field: string): number {
    const z = this.varuint(field);
    return z % 2 === 0 ? z / 2 : -(z + 1) / 2;
  }
  bytes(n: number, field: string): Uint8Array {
    if (this.pos + n > this.buf.length) this.fail(field, 'is truncated');
    const out = this.buf.subarray(this.pos, this.pos + n);
    this.pos += n;
    return out;
  }
  end(): void {
    if (this.pos !== this.buf.length) this.fail('op', `has ${this.buf.length - this.pos} trailing byte(s)`);
  }
}

/** UTF-8 encode without TextEncoder (core has no DOM/node lib types). */
export function utf8Encode(text: string): Uint8Array {
  const out: number[] = [];
  for (const ch of text) {
    const c = ch.codePointAt(0)!;
    if (c < 0x80) out.push(c);
    else if (c < 0x800) out.push(0xc0 | (c >> 6), 0x80 | (c & 63));
    else if (c < 0x10000) out.push(0xe0 | (c >> 12), 0x80 | ((c >> 6) & 63), 0x80 | (c & 63));
    else out.push(0xf0 | (c >> 18), 0x80 | ((c >> 12) & 63), 0x80 | ((c >> 6) & 63), 0x80 | (c & 63));
  }
  return Uint8Array.from(out);
}

/** Strict UTF-8 decode; returns null for malformed input. */
export function utf8Decode(bytes: Uint8Array): string | null {
  let out = '';
  for (let i = 0; i < bytes.length; ) {
    const b = bytes[i]!;
    let need: number;
    let c: number;
    if (b < 0x80) { need = 0; c = b; }
    else if (b >= 0xc2 && b < 0xe0) { need = 1; c = b & 31; }
    else if (b >= 0xe0 && b < 0xf0) { need = 2; c = b & 15; }
    else if (b >= 0xf0 && b < 0xf5) { need = 3; c = b & 7; }
    else return null;
    for (let k = 1; k <= need; k++) {
      const cont = bytes[i + k];
      if (cont === undefined || (cont & 0xc0) !== 0x80) return null;
      c = (c << 6) | (cont & 63);
    }
    const min = need === 1 ? 0x80 : need === 2 ? 0x800 : need === 3 ? 0x10000 : 0;
    if (c < min || c > 0x10ffff || (c >= 0xd800 && c <= 0xdfff)) return null;
    out += String.fromCodePoint(c);
    i += need + 1;
  }
  return out;
}

function writePoints(w: ByteWriter, points: ArrayLike<number>): void {
  const n = points.length / 2;
  w.varuint(n);
  let px = 0;
  let py = 0;
  for (let i = 0; i < points.length; i += 2) {
    const x = points[i]!;
    const y = points[i + 1]!;
    if (i === 0) { w.varuint(x); w.varuint(y); } else { w.varint(x - px); w.varint(y - py); }
    px = x;
    py = y;
  }
}

function readPoints(r: ByteReader): number[] {
  const n = r.varuint('points.length');
  if (n > PAINT_LIMITS.maxPointsPerOp) {
    throw new PaintscapeError(ErrorCode.InvalidOperation, `invalid paint op: points must have at most ${PAINT_LIMITS.maxPointsPerOp} points, got ${n}`, { field: 'points', value: n });
  }
  const out = new Array<number>(n * 2);
  let x = 0;
  let y = 0;
  for (let i = 0; i < n; i++) {
    if (i === 0) { x = r.varuint('points[0]'); y = r.varuint('points[1]'); } else { x += r.varint(`points[${2 * i}]`); y += r.varint(`points[${2 * i + 1}]`); }
    out[2 * i] = x;
    out[2 * i + 1] = y;
  }
  return out;
}

/** Encodes a VALIDATED op record (call `validateOp` first). Deterministic: same record → same bytes. */
export function encodeOp(record: PaintOpRecord): Uint8Array {
  const { op } = record;
  const w = new ByteWriter();
  w.u8(OP_FORMAT);
  w.u8(KIND_CODES[op.kind]);
  w.varuint(record.clientId);
  const user = utf8Encode(record.userId);
  w.varuint(user.length);
  w.bytes(user);
  switch (op.kind) {
    case 'stroke': w.varuint(op.label); w.varuint(op.radius); writePoints(w, op.points); break;
    case 'erase': w.varuint(op.radius); writePoints(w, op.points); break;
    case 'line': w.varuint(op.label); w.varuint(op.radius); w.varuint(op.x0); w.varuint(op.y0); w.varuint(op.x1); w.varuint(op.y1); break;
    case 'rect': w.varuint(op.label); w.u8(op.filled ? 1 : 0); w.varuint(op.radius ?? 0); w.varuint(op.x0); w.varuint(op.y0); w.varuint(op.x1); w.varuint(op.y1); break;
    case 'polygon': w.varuint(op.label); w.u8(op.filled ? 1 : 0); w.varuint(op.radius ?? 0); writePoints(w, op.points); break;
    case 'fill': w.varuint(op.label); w.varuint(op.x); w.varuint(op.y); break;
    case 'clear': w.varuint(op.label); break;
  }
  return w.finish();
}

function readFilled(r: ByteReader): boolean {
  const b = r.u8('filled');
  if (b > 1) throw new PaintscapeError(ErrorCode.InvalidOperation, `invalid op encoding: filled must be 0 or 1, got ${b}`, { field: 'filled', value: b });
  return b === 1;
}

/**
 * Decodes and validates a log entry. Throws PaintscapeError `invalid_operation` (with
 * `details.field`) for anything malformed: wrong entry type, bad format/kind, truncation,
 * trailing bytes, limits, coordinates outside the map, labels outside the room's range.
 */
export function decodeOp(entry: unknown, ctx: OpContext): PaintOpRecord {
  if (!(entry instanceof Uint8Array)) {
    throw new PaintscapeError(ErrorCode.InvalidOperation, 'invalid op encoding: log entry must be a Uint8Array', { field: 'entry', value: typeof entry });
  }
  if (entry.length > PAINT_LIMITS.maxOpBytes) {
    throw new PaintscapeError(ErrorCode.InvalidOperation, `invalid op encoding: entry has ${entry.length} bytes, more than maxOpBytes ${PAINT_LIMITS.maxOpBytes}`, { field: 'entry', value: entry.length });
  }
  const r = new ByteReader(entry);
  const format = r.u8('format');
  if (format !== OP_FORMAT) throw new PaintscapeError(ErrorCode.InvalidOperation, `invalid op encoding: format must be ${OP_FORMAT}, got ${format}`, { field: 'format', value: format });
  const code = r.u8('kind');
  const kind = KINDS_BY_CODE[code];
  if (kind === undefined) throw new PaintscapeError(ErrorCode.InvalidOperation, `invalid op encoding: unknown kind code ${code}`, { field: 'kind', value: code });
  const clientId = r.varuint('clientId');
  const userLength = r.varuint('userId.length');
  if (userLength > PAINT_LIMITS.maxUserIdBytes) {
    throw new PaintscapeError(ErrorCode.InvalidOperation, `invalid paint op: userId must be at most ${PAINT_LIMITS.maxUserIdBytes} bytes, got ${userLength}`, { field: 'userId', value: userLength });
  }
  const userId = utf8Decode(r.bytes(userLength, 'userId'));
  if (userId === null) throw new PaintscapeError(ErrorCode.InvalidOperation, 'invalid op encoding: userId is not valid UTF-8', { field: 'userId' });
  let raw: Record<string, unknown>;
  switch (kind) {
    case 'stroke': raw = { kind, label: r.varuint('label'), radius: r.varuint('radius'), points: readPoints(r) }; break;
    case 'erase': raw = { kind, radius: r.varuint('radius'), points: readPoints(r) }; break;
    case 'line': raw = { kind, label: r.varuint('label'), radius: r.varuint('radius'), x0: r.varuint('x0'), y0: r.varuint('y0'), x1: r.varuint('x1'), y1: r.varuint('y1') }; break;
    case 'rect': raw = { kind, label: r.varuint('label'), filled: readFilled(r), radius: r.varuint('radius'), x0: r.varuint('x0'), y0: r.varuint('y0'), x1: r.varuint('x1'), y1: r.varuint('y1') }; break;
    case 'polygon': raw = { kind, label: r.varuint('label'), filled: readFilled(r), radius: r.varuint('radius'), points: readPoints(r) }; break;
    case 'fill': raw = { kind, label: r.varuint('label'), x: r.varuint('x'), y: r.varuint('y') }; break;
    case 'clear': raw = { kind, label: r.varuint('label') }; break;
  }
  r.end();
  const op: PaintOp = validateOp(raw, ctx);
  return { op, clientId, userId };
}
