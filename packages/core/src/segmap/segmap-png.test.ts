import { describe, expect, it } from 'vitest';
import { getLabelSet } from '../labels/registry.js';
import { segMapToRgba } from '../labels/color.js';
import { decodePng, encodePng, encodeRgbaPng, PngColorType } from './png.js';
import { decodeSegMapPng, encodeSegMapPng } from './segmap-png.js';
import { segMapFromData, segMapsEqual } from './segmap.js';

const landscape = getLabelSet('landscape');

function randomMap(width: number, height: number, seed: number) {
  let s = seed;
  const data = Uint8Array.from({ length: width * height }, () => {
    s = (Math.imul(s, 1103515245) + 12345) >>> 0;
    const v = (s >>> 16) % 14;
    return v === 13 ? 255 : v;
  });
  return segMapFromData(width, height, data);
}

describe('palette PNG for SegMaps', () => {
  it('writes an indexed PNG with the label set palette and transparent unlabeled', () => {
    const png = decodePng(encodeSegMapPng(randomMap(5, 4, 1), landscape));
    expect(png.colorType).toBe(PngColorType.Indexed);
    expect(png.bitDepth).toBe(8);
    expect(Array.from(png.palette!.subarray(6 * 3, 6 * 3 + 3))).toEqual([...landscape.classes[6]!.color]);
    expect(png.paletteAlpha![255]).toBe(0);
    expect(png.paletteAlpha![0]).toBe(255);
  });

  it.each([[1, 1], [7, 3], [64, 48], [257, 5]])('round-trips byte-exactly at %i×%i', (w, h) => {
    const map = randomMap(w, h, w * 31 + h);
    const bytes = encodeSegMapPng(map, landscape);
    const back = decodeSegMapPng(bytes, landscape);
    expect(segMapsEqual(back, map)).toBe(true);
    expect(encodeSegMapPng(back, landscape)).toEqual(bytes);
  });

  it('writes gray PNGs without a set and 16-bit gray for wide maps', () => {
    const map = randomMap(6, 2, 3);
    const gray = decodePng(encodeSegMapPng(map));
    expect([gray.colorType, gray.bitDepth]).toEqual([PngColorType.Gray, 8]);
    expect(segMapsEqual(decodeSegMapPng(encodeSegMapPng(map), landscape), map)).toBe(true);
    const wide = segMapFromData(3, 1, Uint16Array.from([0, 300, 65535]));
    const png16 = decodePng(encodeSegMapPng(wide));
    expect([png16.colorType, png16.bitDepth]).toEqual([PngColorType.Gray, 16]);
    expect(Array.from(png16.samples)).toEqual([0, 300, 65535]);
  });

  it('reads 16-bit gray into a narrow set: 65535 → 255, too-large labels rejected', () => {
    const ok = encodePng({ width: 3, height: 1, colorType: PngColorType.Gray, bitDepth: 16, samples: Uint16Array.from([0, 12, 65535]) });
    expect(Array.from(decodeSegMapPng(ok, landscape).data)).toEqual([0, 12, 255]);
    const bad = encodePng({ width: 2, height: 1, colorType: PngColorType.Gray, bitDepth: 16, samples: Uint16Array.from([0, 256]) });
    expect(() => decodeSegMapPng(bad, landscape)).toThrow(expect.objectContaining({ code: 'label_out_of_range' }));
  });

  it('reads label PNGs into Uint16 maps for wide label sets (8-bit 255 → 65535)', () => {
    const wideSet = { ...landscape, wide: true, unlabeled: 65535 };
    const png8 = encodeSegMapPng(segMapFromData(3, 1, Uint8Array.from([0, 12, 255])), landscape);
    const map8 = decodeSegMapPng(png8, wideSet);
    expect(map8.data).toBeInstanceOf(Uint16Array);
    expect(Array.from(map8.data)).toEqual([0, 12, 65535]);
    const png16 = encodeSegMapPng(segMapFromData(2, 1, Uint16Array.from([300, 65535])));
    expect(Array.from(decodeSegMapPng(png16, wideSet).data)).toEqual([300, 65535]);
  });

  it('reads colour-coded RGBA PNGs through the palette', () => {
    const map = randomMap(9, 9, 5);
    const png = encodeRgbaPng(segMapToRgba(map, landscape), 9, 9);
    expect(segMapsEqual(decodeSegMapPng(png, landscape), map)).toBe(true);
  });

  it('strict colour decoding reports unknown colours', () => {
    const rgba = new Uint8Array([1, 2, 3, 255]);
    const png = encodeRgbaPng(rgba, 1, 1);
    expect(() => decodeSegMapPng(png, landscape, { strict: true })).toThrow(expect.objectContaining({ code: 'unknown_color' }));
  });
});
