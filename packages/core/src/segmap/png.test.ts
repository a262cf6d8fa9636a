import { readFileSync } from 'node:fs';
import { unzlibSync, zlibSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import { PaintscapeError } from '../errors.js';
import { crc32, decodePng, encodePng, encodeRgbaPng, pngToRgba, PngColorType, PNG_MAX_DIMENSION, type PngFilterChoice } from './png.js';

interface PngCase {
  name: string;
  width: number;
  height: number;
  colorType: number;
  bitDepth: number;
  interlaced: boolean;
  samples: number[];
  palette: number[] | null;
  paletteAlpha: number[] | null;
  png: string;
}
const fixture = JSON.parse(readFileSync(new URL('./fixtures/png-cases.json', import.meta.url), 'utf8')) as { cases: PngCase[] };
const bytesOf = (c: PngCase) => new Uint8Array(Buffer.from(c.png, 'base64'));

function expectInvalidPng(fn: () => unknown, message: RegExp): void {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(PaintscapeError);
    expect((error as PaintscapeError).code).toBe('invalid_png');
    expect((error as Error).message).toMatch(message);
    return;
  }
  throw new Error('expected invalid_png');
}

/** A minimal 8-bit gray PNG around already-filtered scanlines. */
function pngFromScanlines(width: number, height: number, scanlines: Uint8Array): Uint8Array {
  const template = encodePng({ width, height, colorType: PngColorType.Gray, bitDepth: 8, samples: new Uint8Array(width * height) }, { filter: 0 });
  const idat = zlibSync(scanlines);
  const out = new Uint8Array(33 + 12 + idat.length + 12);
  out.set(template.subarray(0, 33));
  const view = new DataView(out.buffer);
  view.setUint32(33, idat.length);
  out.set([73, 68, 65, 84], 37);
  out.set(idat, 41);
  view.setUint32(41 + idat.length, crc32(out, 37, 41 + idat.length));
  const end = 45 + idat.length;
  out.set([73, 69, 78, 68], end + 4);
  view.setUint32(end + 8, crc32(out, end + 4, end + 8));
  return out;
}

/** Rewrites the CRC of the chunk starting at `at` after a deliberate edit. */
function fixCrc(png: Uint8Array, at: number): void {
  const length = new DataView(png.buffer, png.byteOffset).getUint32(at);
  new DataView(png.buffer, png.byteOffset).setUint32(at + 8 + length, crc32(png, at + 4, at + 8 + length));
}

describe('crc32', () => {
  it('matches the standard check value', () => {
    expect(crc32(new TextEncoder().encode('123456789'))).toBe(0xcbf43926);
  });
});

describe('decodePng on independently written fixtures', () => {
  it('covers all colour types, bit depths, filters and Adam7', () => {
    const kinds = new Set(fixture.cases.map((c) => `${c.colorType}/${c.bitDepth}`));
    expect(kinds).toEqual(new Set(['0/1', '0/2', '0/4', '0/8', '0/16', '3/1', '3/2', '3/4', '3/8', '4/8', '4/16', '2/8', '2/16', '6/8', '6/16']));
    expect(fixture.cases.some((c) => c.interlaced)).toBe(true);
  });

  it.each(fixture.cases.map((c) => [c.name, c] as const))('%s', (_name, c) => {
    const png = decodePng(bytesOf(c));
    expect([png.width, png.height, png.colorType, png.bitDepth, png.interlaced]).toEqual([c.width, c.height, c.colorType, c.bitDepth, c.interlaced]);
    expect(png.samples).toBeInstanceOf(c.bitDepth === 16 ? Uint16Array : Uint8Array);
    expect(Array.from(png.samples)).toEqual(c.samples);
    if (c.palette) expect(Array.from(png.palette ?? [])).toEqual(c.palette);
    if (c.paletteAlpha) expect(Array.from(png.paletteAlpha ?? [])).toEqual(c.paletteAlpha);
  });
});

describe('pngToRgba', () => {
  it('expands indexed pixels through PLTE and tRNS', () => {
    const c = fixture.cases.find((x) => x.name === 'indexed4')!;
    const rgba = pngToRgba(decodePng(bytesOf(c)));
    const index = c.samples[5]!;
    expect(Array.from(rgba.subarray(20, 24))).toEqual([c.palette![index * 3], c.palette![index * 3 + 1], c.palette![index * 3 + 2], c.paletteAlpha![index]]);
  });

  it('scales low-depth gray and keeps the high byte of 16-bit samples', () => {
    const gray2 = fixture.cases.find((x) => x.name === 'gray2')!;
    const rgba2 = pngToRgba(decodePng(bytesOf(gray2)));
    expect(rgba2[0]).toBe(gray2.samples[0]! * 85);
    const rgb16 = fixture.cases.find((x) => x.name === 'rgb16')!;
    const rgba16 = pngToRgba(decodePng(bytesOf(rgb16)));
    expect(Array.from(rgba16.subarray(0, 4))).toEqual([rgb16.samples[0]! >> 8, rgb16.samples[1]! >> 8, rgb16.samples[2]! >> 8, 255]);
  });
});

describe('encodePng', () => {
  const width = 9;
  const height = 7;
  const rgba = Uint8Array.from({ length: width * height * 4 }, (_, i) => (i * 37 + (i >> 3) * 11) & 255);

  it.each([0, 1, 2, 3, 4, 'adaptive'] as PngFilterChoice[])('round-trips RGBA with filter %s', (filter) => {
    const png = encodePng({ width, height, colorType: PngColorType.Rgba, bitDepth: 8, samples: rgba }, { filter });
    const back = decodePng(png);
    expect(Array.from(back.samples)).toEqual(Array.from(rgba));
    // Inflate the IDAT (right after IHDR here) and read each row's filter byte.
    const idatLength = new DataView(png.buffer, png.byteOffset).getUint32(33);
    const raw = unzlibSync(png.subarray(41, 41 + idatLength));
    const filters = Array.from({ length: height }, (_, y) => raw[y * (width * 4 + 1)]);
    if (filter === 'adaptive') expect(new Set(filters).size).toBeGreaterThan(1);
    else expect(filters).toEqual(new Array(height).fill(filter));
  });

  it('round-trips 16-bit gray', () => {
    const samples = Uint16Array.from({ length: 12 }, (_, i) => i * 5000 + 7);
    const back = decodePng(encodePng({ width: 4, height: 3, colorType: PngColorType.Gray, bitDepth: 16, samples }));
    expect(Array.from(back.samples)).toEqual(Array.from(samples));
  });

  it('encodeRgbaPng writes an RGBA PNG that decodes to the same pixels, deterministically', () => {
    const a = encodeRgbaPng(rgba, width, height);
    expect(a).toEqual(encodeRgbaPng(new Uint8ClampedArray(rgba), width, height));
    expect(Array.from(pngToRgba(decodePng(a)))).toEqual(Array.from(rgba));
  });

  it('rejects bad arguments', () => {
    expect(() => encodeRgbaPng(rgba, width + 1, height)).toThrow(/samples has/);
    expect(() => encodeRgbaPng(new Uint8Array(4), PNG_MAX_DIMENSION + 1, 1)).toThrow(/width must be/);
    expect(() => encodePng({ width: 1, height: 1, colorType: PngColorType.Indexed, bitDepth: 8, samples: new Uint8Array(1) })).toThrow(/palette/);
    expect(() => encodePng({ width: 1, height: 1, colorType: PngColorType.Rgb, bitDepth: 4 as 8, samples: new Uint8Array(3) })).toThrow(/bit depth 4/);
  });
});

describe('decodePng rejects broken input with invalid_png', () => {
  const good = encodeRgbaPng(Uint8Array.from({ length: 16 * 16 * 4 }, (_, i) => (i * 7) & 255), 16, 16);

  it('bad signature', () => {
    expectInvalidPng(() => decodePng(new TextEncoder().encode('GIF89a nope')), /signature/);
    expectInvalidPng(() => decodePng(new Uint8Array(0)), /signature/);
  });

  it('truncated at every length', () => {
    for (const cut of [9, 20, 33, 40, good.length - 20, good.length - 1]) {
      expectInvalidPng(() => decodePng(good.subarray(0, cut)), /truncated/);
    }
  });

  it('CRC mismatch', () => {
    const bad = good.slice();
    bad[50] = (bad[50] as number) ^ 1; // inside IDAT data
    expectInvalidPng(() => decodePng(bad), /CRC mismatch in IDAT/);
  });

  it('corrupt zlib stream (with a valid CRC)', () => {
    const bad = good.slice();
    bad[33 + 8 + 5] = (bad[33 + 8 + 5] as number) ^ 0xff;
    fixCrc(bad, 33);
    expectInvalidPng(() => decodePng(bad), /corrupt PNG/);
  });

  it('illegal header values', () => {
    const bad = good.slice();
    bad[8 + 8 + 8] = 3; // bit depth 3
    fixCrc(bad, 8);
    expectInvalidPng(() => decodePng(bad), /bit depth 3/);
    const huge = good.slice();
    new DataView(huge.buffer).setUint32(16, PNG_MAX_DIMENSION + 1);
    fixCrc(huge, 8);
    expectInvalidPng(() => decodePng(huge), /exceeds the limit/);
  });

  it('unknown filter type', () => {
    // Scanline [filter 9][1][2] for a 2×1 8-bit gray image, zlib'd and framed by hand.
    const bad = pngFromScanlines(2, 1, new Uint8Array([9, 1, 2]));
    expect(Array.from(decodePng(pngFromScanlines(2, 1, new Uint8Array([0, 1, 2]))).samples)).toEqual([1, 2]);
    expectInvalidPng(() => decodePng(bad), /unknown filter type 9/);
  });

  it('too much image data', () => {
    const bad = encodePng({ width: 4, height: 4, colorType: PngColorType.Gray, bitDepth: 8, samples: new Uint8Array(16) });
    new DataView(bad.buffer).setUint32(20, 3); // height 4 → 3
    fixCrc(bad, 8);
    expectInvalidPng(() => decodePng(bad), /more than/);
  });

  it('unknown critical chunk', () => {
    // Insert a critical chunk "ABCD" after IHDR.
    const chunk = new Uint8Array(12);
    chunk.set([65, 66, 67, 68], 4);
    new DataView(chunk.buffer).setUint32(8, crc32(chunk, 4, 8));
    const bad = new Uint8Array(good.length + 12);
    bad.set(good.subarray(0, 33));
    bad.set(chunk, 33);
    bad.set(good.subarray(33), 45);
    expectInvalidPng(() => decodePng(bad), /critical PNG chunk ABCD/);
  });
});
