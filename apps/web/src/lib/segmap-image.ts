import type { LabelSet, SegMap } from '@paintscape/core';

/** RGBA colour of every label value (unlabeled and unknown values get a checker-friendly grey). */
export type Palette = Uint8ClampedArray;

export const UNLABELED_RGBA: readonly [number, number, number, number] = [236, 236, 240, 255];

export function paletteOf(set: LabelSet, size = 65536): Palette {
  const palette = new Uint8ClampedArray(size * 4);
  for (let i = 0; i < size; i++) palette.set(UNLABELED_RGBA, i * 4);
  for (const c of set.classes) {
    if (c.index < 0 || c.index >= size) continue;
    palette.set([c.color[0], c.color[1], c.color[2], 255], c.index * 4);
  }
  return palette;
}

export interface Region {
  x: number;
  y: number;
  width: number;
  height: number;
}

/** Writes `region` of `map` (default: all of it) into `image` (same size as the map). */
export function paintRegion(map: SegMap, palette: Palette, image: ImageData, region: Region = { x: 0, y: 0, width: map.width, height: map.height }): void {
  const out = image.data;
  const x0 = Math.max(0, region.x);
  const y0 = Math.max(0, region.y);
  const x1 = Math.min(map.width, region.x + region.width);
  const y1 = Math.min(map.height, region.y + region.height);
  for (let y = y0; y < y1; y++) {
    let i = y * map.width + x0;
    for (let x = x0; x < x1; x++, i++) {
      const p = map.data[i]! * 4;
      const o = i * 4;
      out[o] = palette[p]!;
      out[o + 1] = palette[p + 1]!;
      out[o + 2] = palette[p + 2]!;
      out[o + 3] = 255;
    }
  }
}
