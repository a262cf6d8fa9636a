import { assert, ErrorCode } from '../errors.js';
import { rgbaToSegMap, type RgbaToSegMapOptions } from '../labels/color.js';
import type { LabelSet } from '../labels/types.js';
import { decodePng, encodePng, pngToRgba, PngColorType } from './png.js';
import { createSegMap, UNLABELED_U16, UNLABELED_U8, type SegMap } from './segmap.js';

/** Colour written to PLTE slots that are not a class (shown only for stray labels). */
const UNUSED_PALETTE_ENTRY = [0, 0, 0] as const;

/**
 * Encodes a SegMap as a PNG. Uint8 maps with a label set → indexed PNG (colour type 3) whose
 * 256-entry PLTE is the set's palette and whose tRNS makes the unlabeled entry transparent, so
 * the file is both a label map (pixel value = label) and a viewable colour image. Uint8 maps
 * without a set → 8-bit grayscale; Uint16 maps → 16-bit grayscale. Filter None on every row:
 * deterministic, and the output is a pure function of (map, set).
 */
export function encodeSegMapPng(map: SegMap, set?: LabelSet): Uint8Array {
  if (map.data instanceof Uint16Array) {
    return encodePng({ width: map.width, height: map.height, colorType: PngColorType.Gray, bitDepth: 16, samples: map.data }, { filter: 0 });
  }
  if (!set) {
    return encodePng({ width: map.width, height: map.height, colorType: PngColorType.Gray, bitDepth: 8, samples: map.data }, { filter: 0 });
  }
  const palette = new Uint8Array(256 * 3);
  for (let i = 0; i < 256; i++) palette.set(UNUSED_PALETTE_ENTRY, i * 3);
  for (const cls of set.classes) if (cls.index >= 0 && cls.index < 256) palette.set(cls.color, cls.index * 3);
  const alpha = new Uint8Array(256).fill(255);
  alpha[UNLABELED_U8] = 0;
  return encodePng(
    { width: map.width, height: map.height, colorType: PngColorType.Indexed, bitDepth: 8, samples: map.data, palette, paletteAlpha: alpha },
    { filter: 0 },
  );
}

/**
 * Decodes a label-map PNG. Indexed and grayscale PNGs carry labels as pixel values (indexed:
 * the palette index; 16-bit gray: 65535 = unlabeled, and a narrow set needs values ≤ 255);
 * RGB(A) PNGs are colour-coded maps, converted with `rgbaToSegMap` and `options`.
 */
export function decodeSegMapPng(bytes: Uint8Array, set: LabelSet, options: RgbaToSegMapOptions = {}): SegMap {
  const png = decodePng(bytes);
  const { width, height } = png;
  if (png.colorType === PngColorType.Rgb || png.colorType === PngColorType.Rgba) {
    return rgbaToSegMap(pngToRgba(png), width, height, set, options);
  }
  const map = createSegMap(width, height, { wide: set.wide });
  const out = map.data;
  if (png.channels === 1 && png.bitDepth <= 8 && !set.wide) {
    out.set(png.samples);
    return map;
  }
  const ch = png.channels; // gray+alpha: the label is the gray sample
  const s = png.samples;
  const wide = set.wide;
  for (let i = 0; i < width * height; i++) {
    let v = s[i * ch] as number;
    if (png.bitDepth === 16 && !wide) {
      if (v === UNLABELED_U16) v = UNLABELED_U8;
      assert(v <= UNLABELED_U8, ErrorCode.LabelOutOfRange, `16-bit label ${v} at pixel (${i % width}, ${Math.floor(i / width)}) does not fit the ${set.id} label set`, {
        field: 'png',
        value: v,
        x: i % width,
        y: Math.floor(i / width),
      });
    } else if (wide && png.bitDepth !== 16 && v === UNLABELED_U8) {
      v = UNLABELED_U16;
    }
    out[i] = v;
  }
  return map;
}
