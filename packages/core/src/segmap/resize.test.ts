import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { PaintscapeError } from '../errors.js';
import { nearestSourceIndices, resizeNearest } from './resize.js';
import { segMapFromData } from './segmap.js';

interface NearestCase { in: number; out: number; indices: number[] }
const fixture = JSON.parse(readFileSync(new URL('./fixtures/pytorch-resize.json', import.meta.url), 'utf8')) as { nearest: NearestCase[] };

describe('nearestSourceIndices', () => {
  it.each(fixture.nearest.map((c) => [c.in, c.out, c] as const))('%i → %i matches PyTorch', (_in, _out, c) => {
    expect(Array.from(nearestSourceIndices(c.in, c.out))).toEqual(c.indices);
  });

  it('covers pairs where float32 differs from exact integer floor', () => {
    const differing = fixture.nearest.filter((c) => c.indices.some((src, dst) => src !== Math.floor((dst * c.in) / c.out)));
    expect(differing.length).toBeGreaterThanOrEqual(3);
  });

  it('rejects non-positive sizes', () => {
    expect(() => nearestSourceIndices(0, 4)).toThrow(PaintscapeError);
    expect(() => nearestSourceIndices(4, 2.5)).toThrow(/output size/);
  });
});

describe('resizeNearest', () => {
  it('picks rows and columns independently with the PyTorch indices', () => {
    const w = 5;
    const h = 3;
    const map = segMapFromData(w, h, Uint8Array.from({ length: w * h }, (_, i) => i));
    const out = resizeNearest(map, 7, 2);
    const xs = nearestSourceIndices(w, 7);
    const ys = nearestSourceIndices(h, 2);
    for (let y = 0; y < 2; y++) {
      for (let x = 0; x < 7; x++) expect(out.data[y * 7 + x]).toBe((ys[y] as number) * w + (xs[x] as number));
    }
  });

  it('keeps Uint16 storage', () => {
    const map = segMapFromData(2, 1, Uint16Array.from([300, 65535]));
    const out = resizeNearest(map, 4, 1);
    expect(out.data).toBeInstanceOf(Uint16Array);
    expect(Array.from(out.data)).toEqual([300, 300, 65535, 65535]);
  });
});
