import { describe, expect, it } from 'vitest';
import { PaintscapeError } from '../errors.js';
import { createSegMap, segMapFromData, segMapsEqual } from '../segmap/segmap.js';
import { DEFAULT_SNAP_DISTANCE_SQ, EDGE_SEARCH_RADIUS, MAX_REPORTED_UNKNOWN_COLORS, rgbaToSegMap, rgbToHex, segMapToRgba } from './color.js';
import { getLabelSet } from './registry.js';
import type { Rgb } from './types.js';

const landscape = getLabelSet('landscape');
const colorOf = (index: number): Rgb => landscape.classes[index]!.color;

function image(pixels: readonly (readonly number[])[]): Uint8Array {
  return Uint8Array.from(pixels.flatMap((p) => (p.length === 3 ? [...p, 255] : [...p])));
}

describe('segMapToRgba / rgbaToSegMap', () => {
  it('paints palette colours, unlabeled transparent, and converts back exactly', () => {
    const map = segMapFromData(4, 2, Uint8Array.from([0, 1, 2, 3, 12, 255, 7, 8]));
    const rgba = segMapToRgba(map, landscape);
    expect(Array.from(rgba.subarray(0, 4))).toEqual([...colorOf(0), 255]);
    expect(Array.from(rgba.subarray(20, 24))).toEqual([0, 0, 0, 0]);
    expect(segMapsEqual(rgbaToSegMap(rgba, 4, 2, landscape, { strict: true }), map)).toBe(true);
  });

  it('paints unlabeled with a named colour and reads that colour back as unlabeled', () => {
    const map = segMapFromData(2, 1, Uint8Array.from([5, 255]));
    const magenta: Rgb = [255, 0, 255];
    const rgba = segMapToRgba(map, landscape, { unlabeledColor: magenta });
    expect(Array.from(rgba.subarray(4, 8))).toEqual([255, 0, 255, 255]);
    expect(Array.from(rgbaToSegMap(rgba, 2, 1, landscape, { unlabeledColor: magenta, strict: true }).data)).toEqual([5, 255]);
  });

  it('treats pixels below the alpha threshold as unlabeled', () => {
    const rgba = image([[...colorOf(0), 127], [...colorOf(0), 128]]);
    expect(Array.from(rgbaToSegMap(rgba, 2, 1, landscape).data)).toEqual([255, 0]);
    expect(Array.from(rgbaToSegMap(rgba, 2, 1, landscape, { minOpaqueAlpha: 1 }).data)).toEqual([0, 0]);
  });

  it('snaps near colours within the threshold and not beyond it', () => {
    const [r, g, b] = colorOf(7);
    const near = [r + 20, g - 20, b + 20]; // 1200 = DEFAULT_SNAP_DISTANCE_SQ
    const far = [r + 20, g - 20, b + 21];
    expect(20 * 20 * 3).toBe(DEFAULT_SNAP_DISTANCE_SQ);
    const rgba = image([near, far]);
    expect(Array.from(rgbaToSegMap(rgba, 2, 1, landscape).data)).toEqual([7, 255]);
    expect(Array.from(rgbaToSegMap(rgba, 2, 1, landscape, { snapDistanceSq: 0 }).data)).toEqual([255, 255]);
  });

  it('resolves anti-aliased blends to one of the adjacent classes, even when a third class is nearer', () => {
    // A 50/50 blend of sky and snow lies nearer to cloud than to either.
    const sky = colorOf(0);
    const snow = colorOf(5);
    const blend = [0, 1, 2].map((c) => Math.round((sky[c]! + snow[c]!) / 2));
    const dist = (a: readonly number[], b: readonly number[]) => a.reduce((s, v, i) => s + (v - b[i]!) ** 2, 0);
    expect(dist(blend, colorOf(1))).toBeLessThan(Math.min(dist(blend, sky), dist(blend, snow)));
    const row = [sky, sky, blend, snow, snow];
    const map = rgbaToSegMap(image(row), 5, 1, landscape, { strict: true });
    expect([0, 5]).toContain(map.data[2]);
    expect(Array.from(map.data)).toEqual([0, 0, map.data[2], 5, 5]);
    // 30/70 blend goes to the nearer end.
    const blend37 = [0, 1, 2].map((c) => Math.round(sky[c]! * 0.3 + snow[c]! * 0.7));
    expect(rgbaToSegMap(image([sky, blend37, snow]), 3, 1, landscape).data[1]).toBe(5);
    // With only sky in reach the colour is no sky blend, so global snapping applies: cloud.
    const alone = Array.from({ length: EDGE_SEARCH_RADIUS + 1 }, () => blend);
    const isolated = rgbaToSegMap(image([sky, ...alone]), alone.length + 1, 1, landscape);
    expect(Array.from(isolated.data)).toEqual([0, ...new Array<number>(alone.length).fill(1)]);
    // Sky and snow 3 px apart: only the middle pixel sees both within the radius.
    const farSnow = rgbaToSegMap(image([sky, ...alone, snow]), alone.length + 2, 1, landscape);
    expect(EDGE_SEARCH_RADIUS).toBe(2);
    expect([farSnow.data[1], farSnow.data[3]]).toEqual([1, 1]);
    expect([0, 5]).toContain(farSnow.data[2]);
  });

  it('strict mode throws unknown_color listing hex, count and first position', () => {
    const odd1 = [1, 2, 3];
    const odd2 = [250, 0, 0];
    const rgba = image([colorOf(0), odd1, odd2, odd1, colorOf(0), odd1]);
    expect(Array.from(rgbaToSegMap(rgba, 3, 2, landscape).data)).toEqual([0, 255, 255, 255, 0, 255]);
    try {
      rgbaToSegMap(rgba, 3, 2, landscape, { strict: true });
      throw new Error('no throw');
    } catch (error) {
      expect(error).toBeInstanceOf(PaintscapeError);
      const e = error as PaintscapeError;
      expect(e.code).toBe('unknown_color');
      expect(e.details).toEqual({
        labelSet: 'landscape',
        distinctUnknownColors: 2,
        colors: [
          { hex: '#010203', count: 3, firstPixel: { x: 1, y: 0 } },
          { hex: '#fa0000', count: 1, firstPixel: { x: 2, y: 0 } },
        ],
      });
      expect(e.message).toMatch(/#010203 at \(1, 0\)/);
    }
  });

  it(`lists at most ${MAX_REPORTED_UNKNOWN_COLORS} unknown colours`, () => {
    const n = MAX_REPORTED_UNKNOWN_COLORS + 5;
    const rgba = image(Array.from({ length: n }, (_, i) => [i, 0, 0]));
    try {
      rgbaToSegMap(rgba, n, 1, landscape, { strict: true, snapDistanceSq: 0 });
      throw new Error('no throw');
    } catch (error) {
      const details = (error as PaintscapeError).details as { colors: unknown[]; distinctUnknownColors: number };
      expect(details.colors).toHaveLength(MAX_REPORTED_UNKNOWN_COLORS);
      expect(details.distinctUnknownColors).toBe(n);
    }
  });

  it('picks the lowest id for colours shared by several classes (cityscapes)', () => {
    const cityscapes = getLabelSet('cityscapes');
    const map = rgbaToSegMap(image([[0, 0, 0], [0, 0, 142], [153, 153, 153]]), 3, 1, cityscapes, { strict: true });
    expect(Array.from(map.data)).toEqual([0, 26, 17]);
  });

  it('checks buffer sizes and options', () => {
    expect(() => rgbaToSegMap(new Uint8Array(7), 2, 1, landscape)).toThrow(expect.objectContaining({ code: 'size_mismatch' }));
    expect(() => rgbaToSegMap(new Uint8Array(8), 2, 1, landscape, { snapDistanceSq: -1 })).toThrow(/snapDistanceSq/);
  });

  it('formats hex colours', () => {
    expect(rgbToHex([0, 10, 255])).toBe('#000aff');
  });

  it('paints wide maps too', () => {
    const map = createSegMap(2, 1, { wide: true });
    map.data[0] = 3;
    const rgba = segMapToRgba(map, landscape);
    expect(Array.from(rgba)).toEqual([...colorOf(3), 255, 0, 0, 0, 0]);
  });
});
