import { unzlibSync, zlibSync } from 'fflate';
import { PaintscapeError, ErrorCode, assert } from '../errors.js';

/** PNG decoding limits (defence against decompression bombs and absurd headers). */
export const PNG_MAX_DIMENSION = 16384;
export const PNG_MAX_PIXELS = 64 * 1024 * 1024;
/** zlib level the encoders use; part of the output bytes, so changing it changes every PNG. */
export const PNG_ZLIB_LEVEL = 6;

const SIGNATURE = [137, 80, 78, 71, 13, 10, 26, 10] as const;

export const PngColorType = { Gray: 0, Rgb: 2, Indexed: 3, GrayAlpha: 4, Rgba: 6 } as const;
export type PngColorType = (typeof PngColorType)[keyof typeof PngColorType];

const CHANNELS: Readonly<Record<number, number>> = { 0: 1, 2: 3, 3: 1, 4: 2, 6: 4 };
const ALLOWED_DEPTHS: Readonly<Record<number, readonly number[]>> = {
  0: [1, 2, 4, 8, 16],
  2: [8, 16],
  3: [1, 2, 4, 8],
  4: [8, 16],
  6: [8, 16],
};

/** A decoded PNG at its native sample depth. */
export interface DecodedPng {
  width: number;
  height: number;
  colorType: PngColorType;
  bitDepth: number;
  interlaced: boolean;
  /** Samples per pixel (1 gray/indexed, 2 gray+alpha, 3 RGB, 4 RGBA). */
  channels: number;
  /** width·height·channels sample values, row-major; Uint16Array for 16-bit images. */
  samples: Uint8Array | Uint16Array;
  /** PLTE as RGB triples (indexed images; optional suggestion for truecolour). */
  palette?: Uint8Array;
  /** tRNS alpha per palette entry (indexed); missing entries are opaque. */
  paletteAlpha?: Uint8Array;
  /** tRNS colour (gray: [v], RGB: [r,g,b]) at native depth that is fully transparent. */
  transparentColor?: readonly number[];
}

function invalid(message: string, details?: Record<string, unknown>): never {
  throw new PaintscapeError(ErrorCode.InvalidPng, message, details);
}

// ---------------------------------------------------------------- checksums
const CRC_TABLE = (() => {
  const table = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    table[n] = c >>> 0;
  }
  return table;
})();

/** CRC-32 (ISO-HDLC, the PNG chunk checksum) of `bytes`, as an unsigned 32-bit number. */
export function crc32(bytes: Uint8Array, start = 0, end = bytes.length): number {
  let c = 0xffffffff;
  for (let i = start; i < end; i++) c = (CRC_TABLE[(c ^ (bytes[i] as number)) & 0xff] as number) ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

function adler32(bytes: Uint8Array): number {
  let a = 1;
  let b = 0;
  // 5552 is the largest block for which b cannot overflow 2^53 before the modulo.
  for (let i = 0; i < bytes.length; ) {
    const end = Math.min(i + 5552, bytes.length);
    for (; i < end; i++) {
      a += bytes[i] as number;
      b += a;
    }
    a %= 65521;
    b %= 65521;
  }
  return ((b << 16) | a) >>> 0;
}

// ---------------------------------------------------------------- decoding
function readU32(bytes: Uint8Array, at: number): number {
  return (((bytes[at] as number) << 24) | ((bytes[at + 1] as number) << 16) | ((bytes[at + 2] as number) << 8) | (bytes[at + 3] as number)) >>> 0;
}

const chunkTypeName = (bytes: Uint8Array, at: number): string =>
  String.fromCharCode(bytes[at] as number, bytes[at + 1] as number, bytes[at + 2] as number, bytes[at + 3] as number);

// Adam7 passes: [xStart, yStart, xStep, yStep].
const ADAM7: readonly (readonly [number, number, number, number])[] = [
  [0, 0, 8, 8], [4, 0, 8, 8], [0, 4, 4, 8], [2, 0, 4, 4], [0, 2, 2, 4], [1, 0, 2, 2], [0, 1, 1, 2],
];

/** Decodes any standard PNG (all colour types, bit depths, filters, Adam7). Throws `invalid_png`. */
export function decodePng(bytes: Uint8Array): DecodedPng {
  if (bytes.length < SIGNATURE.length || SIGNATURE.some((v, i) => bytes[i] !== v)) invalid('not a PNG: bad signature');
  let pos = SIGNATURE.length;
  let header: { width: number; height: number; bitDepth: number; colorType: PngColorType; interlaced: boolean } | undefined;
  let palette: Uint8Array | undefined;
  let paletteAlpha: Uint8Array | undefined;
  let transparentColor: number[] | undefined;
  const idat: Uint8Array[] = [];
  let idatLength = 0;
  let sawEnd = false;
  while (!sawEnd) {
    if (pos + 12 > bytes.length) invalid(`truncated PNG: chunk header at byte ${pos} runs past the end (${bytes.length} bytes)`, { offset: pos });
    const length = readU32(bytes, pos);
    const type = chunkTypeName(bytes, pos + 4);
    const dataStart = pos + 8;
    const dataEnd = dataStart + length;
    if (length > 0x7fffffff || dataEnd + 4 > bytes.length) invalid(`truncated PNG: ${type} chunk of ${length} bytes runs past the end`, { chunk: type, offset: pos });
    if (crc32(bytes, pos + 4, dataEnd) !== readU32(bytes, dataEnd)) invalid(`corrupt PNG: CRC mismatch in ${type} chunk at byte ${pos}`, { chunk: type, offset: pos });
    const data = bytes.subarray(dataStart, dataEnd);
    if (!header && type !== 'IHDR') invalid(`corrupt PNG: first chunk is ${type}, expected IHDR`, { chunk: type });
    switch (type) {
      case 'IHDR': {
        if (header) invalid('corrupt PNG: duplicate IHDR');
        if (length !== 13) invalid(`corrupt PNG: IHDR has ${length} bytes, expected 13`);
        header = readHeader(data);
        break;
      }
      case 'PLTE':
        if (length === 0 || length % 3 !== 0 || length / 3 > 256) invalid(`corrupt PNG: PLTE has ${length} bytes`, { chunk: 'PLTE' });
        palette = data.slice();
        break;
      case 'tRNS':
        if (header!.colorType === PngColorType.Indexed) paletteAlpha = data.slice();
        else if (header!.colorType === PngColorType.Gray && length === 2) transparentColor = [(data[0]! << 8) | data[1]!];
        else if (header!.colorType === PngColorType.Rgb && length === 6) transparentColor = [0, 2, 4].map((o) => (data[o]! << 8) | data[o + 1]!);
        else invalid(`corrupt PNG: tRNS of ${length} bytes is not valid for colour type ${header!.colorType}`, { chunk: 'tRNS' });
        break;
      case 'IDAT':
        idat.push(data);
        idatLength += length;
        break;
      case 'IEND':
        sawEnd = true;
        break;
      default:
        // Bit 5 of the first byte clear = critical chunk we would have to understand.
        if (((bytes[pos + 4] as number) & 0x20) === 0) invalid(`unsupported critical PNG chunk ${type}`, { chunk: type });
    }
    pos = dataEnd + 4;
  }
  const h = header!;
  if (idat.length === 0) invalid('corrupt PNG: no IDAT chunk');
  if (h.colorType === PngColorType.Indexed && !palette) invalid('corrupt PNG: indexed image without PLTE');
  const channels = CHANNELS[h.colorType] as number;
  const bitsPerPixel = channels * h.bitDepth;
  const passes = h.interlaced ? ADAM7 : [[0, 0, 1, 1] as const];
  let expected = 0;
  for (const [x0, y0, dx, dy] of passes) {
    const pw = Math.ceil((h.width - x0) / dx);
    const ph = Math.ceil((h.height - y0) / dy);
    if (pw > 0 && ph > 0) expected += ph * (1 + Math.ceil((pw * bitsPerPixel) / 8));
  }
  const compressed = concat(idat, idatLength);
  let raw: Uint8Array;
  try {
    // One spare byte: fflate silently drops output beyond `out`, so a full buffer means too much data.
    raw = unzlibSync(compressed, { out: new Uint8Array(expected + 1) });
  } catch (error) {
    invalid(`corrupt PNG: image data does not inflate (${(error as Error).message})`);
  }
  if (raw.length !== expected) invalid(`corrupt PNG: image data inflates to ${raw.length > expected ? `more than ${expected}` : raw.length} bytes, expected ${expected}`);
  if (compressed.length < 6 || adler32(raw) !== readU32(compressed, compressed.length - 4)) invalid('corrupt PNG: zlib checksum mismatch');

  const sampleCount = h.width * h.height * channels;
  const samples = h.bitDepth === 16 ? new Uint16Array(sampleCount) : new Uint8Array(sampleCount);
  let offset = 0;
  for (const [x0, y0, dx, dy] of passes) {
    const pw = Math.ceil((h.width - x0) / dx);
    const ph = Math.ceil((h.height - y0) / dy);
    if (pw <= 0 || ph <= 0) continue;
    const rowBytes = Math.ceil((pw * bitsPerPixel) / 8);
    const pass = raw.subarray(offset, offset + ph * (rowBytes + 1));
    offset += pass.length;
    unfilter(pass, rowBytes, ph, Math.max(1, bitsPerPixel >> 3));
    for (let py = 0; py < ph; py++) {
      const row = pass.subarray(py * (rowBytes + 1) + 1, (py + 1) * (rowBytes + 1));
      const y = y0 + py * dy;
      if (h.bitDepth === 8 && dx === 1) {
        // Fast path (every non-interlaced 8-bit image): rows are already the samples.
        samples.set(row, y * h.width * channels);
        continue;
      }
      for (let px = 0; px < pw; px++) {
        const base = (y * h.width + x0 + px * dx) * channels;
        for (let c = 0; c < channels; c++) samples[base + c] = readSample(row, px * channels + c, h.bitDepth);
      }
    }
  }
  const decoded: DecodedPng = { width: h.width, height: h.height, colorType: h.colorType, bitDepth: h.bitDepth, interlaced: h.interlaced, channels, samples };
  if (palette) decoded.palette = palette;
  if (paletteAlpha) decoded.paletteAlpha = paletteAlpha;
  if (transparentColor) decoded.transparentColor = transparentColor;
  return decoded;
}

function readHeader(data: Uint8Array) {
  const width = readU32(data, 0);
  const height = readU32(data, 4);
  const bitDepth = data[8] as number;
  const colorType = data[9] as number;
  if (width === 0 || height === 0) invalid(`corrupt PNG: zero size ${width}×${height}`, { field: 'IHDR.size' });
  if (width > PNG_MAX_DIMENSION || height > PNG_MAX_DIMENSION || width * height > PNG_MAX_PIXELS) {
    invalid(`PNG of ${width}×${height} exceeds the limit (${PNG_MAX_DIMENSION} per side, ${PNG_MAX_PIXELS} pixels)`, { field: 'IHDR.size', width, height });
  }
  const depths = ALLOWED_DEPTHS[colorType];
  if (!depths) invalid(`corrupt PNG: colour type ${colorType} does not exist`, { field: 'IHDR.colorType' });
  if (!depths.includes(bitDepth)) invalid(`corrupt PNG: bit depth ${bitDepth} is not allowed for colour type ${colorType}`, { field: 'IHDR.bitDepth' });
  if (data[10] !== 0 || data[11] !== 0) invalid('corrupt PNG: unknown compression or filter method', { field: 'IHDR' });
  if ((data[12] as number) > 1) invalid(`corrupt PNG: unknown interlace method ${data[12]}`, { field: 'IHDR.interlace' });
  return { width, height, bitDepth, colorType: colorType as PngColorType, interlaced: data[12] === 1 };
}

function concat(parts: Uint8Array[], total: number): Uint8Array {
  if (parts.length === 1) return parts[0] as Uint8Array;
  const out = new Uint8Array(total);
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

function readSample(row: Uint8Array, index: number, bitDepth: number): number {
  if (bitDepth === 8) return row[index] as number;
  if (bitDepth === 16) return ((row[index * 2] as number) << 8) | (row[index * 2 + 1] as number);
  const perByte = 8 / bitDepth;
  const byte = row[Math.floor(index / perByte)] as number;
  const shift = 8 - bitDepth * ((index % perByte) + 1);
  return (byte >> shift) & ((1 << bitDepth) - 1);
}

function paeth(a: number, b: number, c: number): number {
  const p = a + b - c;
  const pa = Math.abs(p - a);
  const pb = Math.abs(p - b);
  const pc = Math.abs(p - c);
  return pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
}

/** Reverses the per-row filters in place (each row: filter byte + rowBytes). */
function unfilter(data: Uint8Array, rowBytes: number, rows: number, bpp: number): void {
  const stride = rowBytes + 1;
  for (let y = 0; y < rows; y++) {
    const start = y * stride + 1;
    const prev = start - stride; // only read when y > 0
    const filter = data[start - 1] as number;
    switch (filter) {
      case 0:
        break;
      case 1:
        for (let i = bpp; i < rowBytes; i++) data[start + i] = ((data[start + i] as number) + (data[start + i - bpp] as number)) & 255;
        break;
      case 2:
        if (y > 0) for (let i = 0; i < rowBytes; i++) data[start + i] = ((data[start + i] as number) + (data[prev + i] as number)) & 255;
        break;
      case 3:
        for (let i = 0; i < rowBytes; i++) {
          const left = i >= bpp ? (data[start + i - bpp] as number) : 0;
          const up = y > 0 ? (data[prev + i] as number) : 0;
          data[start + i] = ((data[start + i] as number) + ((left + up) >> 1)) & 255;
        }
        break;
      case 4:
        for (let i = 0; i < rowBytes; i++) {
          const left = i >= bpp ? (data[start + i - bpp] as number) : 0;
          const up = y > 0 ? (data[prev + i] as number) : 0;
          const upLeft = y > 0 && i >= bpp ? (data[prev + i - bpp] as number) : 0;
          data[start + i] = ((data[start + i] as number) + paeth(left, up, upLeft)) & 255;
        }
        break;
      default:
        invalid(`corrupt PNG: unknown filter type ${filter} on row ${y}`, { row: y, filter });
    }
  }
}

/** Any decoded PNG as 8-bit RGBA (16-bit samples keep their high byte; low depths are scaled up). */
export function pngToRgba(png: DecodedPng): Uint8Array {
  const n = png.width * png.height;
  const out = new Uint8Array(n * 4);
  const s = png.samples;
  const ch = png.channels;
  const max = (1 << png.bitDepth) - 1;
  const to8 = (v: number): number => (png.bitDepth === 16 ? v >> 8 : png.bitDepth === 8 ? v : (v * 255) / max);
  const key = png.transparentColor;
  for (let i = 0; i < n; i++) {
    const o = i * 4;
    const p = i * ch;
    switch (png.colorType) {
      case PngColorType.Indexed: {
        const index = s[p] as number;
        const pal = png.palette as Uint8Array;
        if (index * 3 + 2 >= pal.length) invalid(`corrupt PNG: palette index ${index} at pixel ${i} is beyond the ${pal.length / 3}-entry PLTE`, { pixel: i, index });
        out[o] = pal[index * 3] as number;
        out[o + 1] = pal[index * 3 + 1] as number;
        out[o + 2] = pal[index * 3 + 2] as number;
        out[o + 3] = png.paletteAlpha?.[index] ?? 255;
        break;
      }
      case PngColorType.Gray:
      case PngColorType.GrayAlpha: {
        const v = to8(s[p] as number);
        out[o] = v;
        out[o + 1] = v;
        out[o + 2] = v;
        out[o + 3] = ch === 2 ? to8(s[p + 1] as number) : key && key[0] === s[p] ? 0 : 255;
        break;
      }
      default: {
        out[o] = to8(s[p] as number);
        out[o + 1] = to8(s[p + 1] as number);
        out[o + 2] = to8(s[p + 2] as number);
        out[o + 3] = ch === 4 ? to8(s[p + 3] as number) : key && key[0] === s[p] && key[1] === s[p + 1] && key[2] === s[p + 2] ? 0 : 255;
      }
    }
  }
  return out;
}

// ---------------------------------------------------------------- encoding
export type PngFilterChoice = 0 | 1 | 2 | 3 | 4 | 'adaptive';

export interface EncodePngInput {
  width: number;
  height: number;
  colorType: PngColorType;
  /** 8 or 16 (16: samples are a Uint16Array). */
  bitDepth: 8 | 16;
  samples: Uint8Array | Uint16Array | Uint8ClampedArray;
  palette?: Uint8Array;
  paletteAlpha?: Uint8Array;
}

/**
 * Encodes a non-interlaced 8- or 16-bit PNG. Deterministic: the same input and options always
 * give the same bytes. `filter` picks one filter for every row or, with 'adaptive', the filter
 * with the smallest sum of absolute signed bytes per row (the usual libpng heuristic).
 */
export function encodePng(image: EncodePngInput, options: { filter?: PngFilterChoice } = {}): Uint8Array {
  const { width, height, colorType, bitDepth, samples } = image;
  const channels = CHANNELS[colorType];
  assert(channels !== undefined, ErrorCode.InvalidArgument, `unknown PNG colour type ${colorType}`, { field: 'colorType', value: colorType });
  assert(Number.isInteger(width) && width > 0 && width <= PNG_MAX_DIMENSION, ErrorCode.InvalidArgument, `width must be 1..${PNG_MAX_DIMENSION}, got ${width}`, { field: 'width', value: width });
  assert(Number.isInteger(height) && height > 0 && height <= PNG_MAX_DIMENSION, ErrorCode.InvalidArgument, `height must be 1..${PNG_MAX_DIMENSION}, got ${height}`, { field: 'height', value: height });
  assert((ALLOWED_DEPTHS[colorType] as readonly number[]).includes(bitDepth), ErrorCode.InvalidArgument, `bit depth ${bitDepth} is not allowed for colour type ${colorType}`, { field: 'bitDepth', value: bitDepth });
  assert(samples.length === width * height * channels, ErrorCode.SizeMismatch, `samples has ${samples.length} values, expected ${width * height * channels}`, { field: 'samples', length: samples.length });
  assert(colorType !== PngColorType.Indexed || image.palette !== undefined, ErrorCode.InvalidArgument, 'indexed PNG needs a palette', { field: 'palette' });
  const bytesPerSample = bitDepth / 8;
  const bpp = channels * bytesPerSample;
  const rowBytes = width * bpp;
  const raw = new Uint8Array(height * (rowBytes + 1));
  const row = new Uint8Array(rowBytes);
  const prevRow = new Uint8Array(rowBytes);
  const candidate = new Uint8Array(rowBytes);
  const filterChoice = options.filter ?? 'adaptive';
  for (let y = 0; y < height; y++) {
    const base = y * width * channels;
    if (bitDepth === 16) {
      for (let i = 0; i < width * channels; i++) {
        const v = samples[base + i] as number;
        row[i * 2] = v >> 8;
        row[i * 2 + 1] = v & 255;
      }
    } else {
      row.set(samples.subarray(base, base + width * channels));
    }
    const out = raw.subarray(y * (rowBytes + 1) + 1, (y + 1) * (rowBytes + 1));
    if (filterChoice === 'adaptive') {
      let bestFilter = 0;
      let bestScore = Infinity;
      for (let f = 0; f <= 4; f++) {
        applyFilter(f, row, y > 0 ? prevRow : undefined, bpp, candidate);
        let score = 0;
        for (let i = 0; i < rowBytes; i++) {
          const v = candidate[i] as number;
          score += v < 128 ? v : 256 - v;
        }
        if (score < bestScore) {
          bestScore = score;
          bestFilter = f;
          out.set(candidate);
        }
      }
      raw[y * (rowBytes + 1)] = bestFilter;
    } else {
      applyFilter(filterChoice, row, y > 0 ? prevRow : undefined, bpp, out);
      raw[y * (rowBytes + 1)] = filterChoice;
    }
    prevRow.set(row);
  }
  const ihdr = new Uint8Array(13);
  writeU32(ihdr, 0, width);
  writeU32(ihdr, 4, height);
  ihdr[8] = bitDepth;
  ihdr[9] = colorType;
  const chunks: [string, Uint8Array][] = [['IHDR', ihdr]];
  if (image.palette) chunks.push(['PLTE', image.palette]);
  if (image.paletteAlpha) chunks.push(['tRNS', image.paletteAlpha]);
  chunks.push(['IDAT', zlibSync(raw, { level: PNG_ZLIB_LEVEL })]);
  chunks.push(['IEND', new Uint8Array(0)]);
  const total = SIGNATURE.length + chunks.reduce((sum, [, d]) => sum + d.length + 12, 0);
  const png = new Uint8Array(total);
  png.set(SIGNATURE);
  let at = SIGNATURE.length;
  for (const [type, data] of chunks) {
    writeU32(png, at, data.length);
    for (let i = 0; i < 4; i++) png[at + 4 + i] = type.charCodeAt(i);
    png.set(data, at + 8);
    writeU32(png, at + 8 + data.length, crc32(png, at + 4, at + 8 + data.length));
    at += data.length + 12;
  }
  return png;
}

function writeU32(bytes: Uint8Array, at: number, value: number): void {
  bytes[at] = value >>> 24;
  bytes[at + 1] = (value >>> 16) & 255;
  bytes[at + 2] = (value >>> 8) & 255;
  bytes[at + 3] = value & 255;
}

function applyFilter(filter: number, row: Uint8Array, prev: Uint8Array | undefined, bpp: number, out: Uint8Array): void {
  if (filter === 0) {
    out.set(row);
    return;
  }
  for (let i = 0; i < row.length; i++) {
    const x = row[i] as number;
    const a = i >= bpp ? (row[i - bpp] as number) : 0;
    const b = prev ? (prev[i] as number) : 0;
    const c = prev && i >= bpp ? (prev[i - bpp] as number) : 0;
    let predicted = 0;
    if (filter === 1) predicted = a;
    else if (filter === 2) predicted = b;
    else if (filter === 3) predicted = (a + b) >> 1;
    else if (filter === 4) predicted = paeth(a, b, c);
    out[i] = (x - predicted) & 255;
  }
}

/** Encodes 8-bit RGBA pixels (e.g. a rendered photo) as an RGBA PNG with adaptive filtering. */
export function encodeRgbaPng(rgba: Uint8Array | Uint8ClampedArray, width: number, height: number): Uint8Array {
  return encodePng({ width, height, colorType: PngColorType.Rgba, bitDepth: 8, samples: rgba });
}
