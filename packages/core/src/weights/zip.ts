import { inflateSync } from 'fflate';
import { fail, ErrorCode } from '../errors.js';

/** One file of a ZIP archive; `read()` returns its bytes (a view for stored entries). */
export interface ZipEntry {
  name: string;
  compressedSize: number;
  size: number;
  method: number;
  /** Offset of the entry's data within the archive. */
  dataOffset: number;
  read(): Uint8Array;
}

const EOCD_SIGNATURE = 0x06054b50;
const EOCD64_LOCATOR_SIGNATURE = 0x07064b50;
const EOCD64_SIGNATURE = 0x06064b50;
const CENTRAL_SIGNATURE = 0x02014b50;
const LOCAL_SIGNATURE = 0x04034b50;
const METHOD_STORED = 0;
const METHOD_DEFLATE = 8;
/** The EOCD record is 22 bytes plus a comment of at most 65535 bytes. */
const MAX_EOCD_SEARCH = 22 + 0xffff;

export function isZip(bytes: Uint8Array): boolean {
  return bytes.length >= 4 && bytes[0] === 0x50 && bytes[1] === 0x4b && bytes[2] === 0x03 && bytes[3] === 0x04;
}

/**
 * Lists a ZIP archive's entries from its central directory (ZIP64 included).
 * Supports stored and deflated entries, which is what PyTorch and most tools write.
 */
export function readZip(bytes: Uint8Array): Map<string, ZipEntry> {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const bad = (message: string): never => fail(ErrorCode.InvalidCheckpoint, `invalid ZIP archive: ${message}`);
  let eocd = -1;
  for (let p = bytes.length - 22; p >= Math.max(0, bytes.length - MAX_EOCD_SEARCH); p--) {
    if (view.getUint32(p, true) === EOCD_SIGNATURE) {
      eocd = p;
      break;
    }
  }
  if (eocd < 0) bad('end of central directory not found');
  let entryCount = view.getUint16(eocd + 10, true);
  let cdOffset = view.getUint32(eocd + 16, true);
  const locator = eocd - 20;
  if (locator >= 0 && view.getUint32(locator, true) === EOCD64_LOCATOR_SIGNATURE) {
    const eocd64 = Number(view.getBigUint64(locator + 8, true));
    if (eocd64 + 56 > bytes.length || view.getUint32(eocd64, true) !== EOCD64_SIGNATURE) bad('bad ZIP64 record');
    entryCount = Number(view.getBigUint64(eocd64 + 32, true));
    cdOffset = Number(view.getBigUint64(eocd64 + 48, true));
  }
  const entries = new Map<string, ZipEntry>();
  const decoder = new TextDecoder('utf-8');
  let p = cdOffset;
  for (let i = 0; i < entryCount; i++) {
    if (p + 46 > bytes.length || view.getUint32(p, true) !== CENTRAL_SIGNATURE) bad(`central directory entry ${i} is damaged`);
    const method = view.getUint16(p + 10, true);
    let compressedSize = view.getUint32(p + 20, true);
    let size = view.getUint32(p + 24, true);
    const nameLength = view.getUint16(p + 28, true);
    const extraLength = view.getUint16(p + 30, true);
    const commentLength = view.getUint16(p + 32, true);
    let localOffset = view.getUint32(p + 42, true);
    const name = decoder.decode(bytes.subarray(p + 46, p + 46 + nameLength));
    // ZIP64 extra field: present values replace the 0xFFFFFFFF placeholders, in order.
    let e = p + 46 + nameLength;
    const extraEnd = e + extraLength;
    while (e + 4 <= extraEnd) {
      const id = view.getUint16(e, true);
      const len = view.getUint16(e + 2, true);
      if (id === 0x0001) {
        let q = e + 4;
        if (size === 0xffffffff) (size = Number(view.getBigUint64(q, true))), (q += 8);
        if (compressedSize === 0xffffffff) (compressedSize = Number(view.getBigUint64(q, true))), (q += 8);
        if (localOffset === 0xffffffff) localOffset = Number(view.getBigUint64(q, true));
      }
      e += 4 + len;
    }
    p = extraEnd + commentLength;
    if (localOffset + 30 > bytes.length || view.getUint32(localOffset, true) !== LOCAL_SIGNATURE) bad(`local header of ${name} is damaged`);
    const dataOffset = localOffset + 30 + view.getUint16(localOffset + 26, true) + view.getUint16(localOffset + 28, true);
    if (dataOffset + compressedSize > bytes.length) bad(`${name} runs past the end of the archive`);
    if (method !== METHOD_STORED && method !== METHOD_DEFLATE) bad(`${name} uses unsupported compression method ${method}`);
    entries.set(name, {
      name,
      compressedSize,
      size,
      method,
      dataOffset,
      read() {
        const raw = bytes.subarray(dataOffset, dataOffset + compressedSize);
        if (method === METHOD_STORED) return raw;
        const out = inflateSync(raw, { out: new Uint8Array(size) });
        if (out.length !== size) bad(`${name} inflated to ${out.length} bytes, expected ${size}`);
        return out;
      },
    });
  }
  return entries;
}
