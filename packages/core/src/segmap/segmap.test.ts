import { describe, expect, it } from 'vitest';
import { PaintscapeError } from '../errors.js';
import {
  cloneSegMap,
  createSegMap,
  getLabel,
  labelHistogram,
  needsWideSegMap,
  segMapFromData,
  segMapsEqual,
  setLabel,
  unlabeledValueOf,
  UNLABELED_U16,
  UNLABELED_U8,
} from './segmap.js';

describe('SegMap helpers', () => {
  it('creates unlabeled maps of the right storage', () => {
    const narrow = createSegMap(3, 2);
    expect(narrow.data).toBeInstanceOf(Uint8Array);
    expect(Array.from(narrow.data)).toEqual(new Array(6).fill(UNLABELED_U8));
    const wide = createSegMap(2, 2, { wide: true });
    expect(wide.data).toBeInstanceOf(Uint16Array);
    expect(unlabeledValueOf(wide)).toBe(UNLABELED_U16);
    expect(needsWideSegMap(255)).toBe(false);
    expect(needsWideSegMap(256)).toBe(true);
  });

  it('gets and sets row-major pixels with bounds and label checks', () => {
    const map = createSegMap(4, 3, { fill: 0 });
    setLabel(map, 3, 2, 7);
    expect(map.data[2 * 4 + 3]).toBe(7);
    expect(getLabel(map, 3, 2)).toBe(7);
    expect(() => getLabel(map, 4, 0)).toThrow(PaintscapeError);
    expect(() => setLabel(map, 0, -1, 1)).toThrow(/outside/);
    expect(() => setLabel(map, 0, 0, 256)).toThrow(/0\.\.255/);
    const wide = createSegMap(1, 1, { wide: true });
    setLabel(wide, 0, 0, 1000);
    expect(getLabel(wide, 0, 0)).toBe(1000);
  });

  it('clones deeply and compares by size, storage and content', () => {
    const a = segMapFromData(2, 2, Uint8Array.from([0, 1, 2, 255]));
    const b = cloneSegMap(a);
    expect(segMapsEqual(a, b)).toBe(true);
    b.data[0] = 5;
    expect(a.data[0]).toBe(0);
    expect(segMapsEqual(a, b)).toBe(false);
    expect(segMapsEqual(a, segMapFromData(4, 1, a.data))).toBe(false);
    expect(segMapsEqual(a, segMapFromData(2, 2, Uint16Array.from(a.data)))).toBe(false);
  });

  it('validates wrapped data length', () => {
    expect(() => segMapFromData(2, 2, new Uint8Array(3))).toThrow(expect.objectContaining({ code: 'size_mismatch' }));
  });

  it('counts labels', () => {
    const map = segMapFromData(3, 2, Uint8Array.from([1, 1, 255, 0, 1, 255]));
    expect([...labelHistogram(map)]).toEqual([[0, 1], [1, 3], [255, 2]]);
    const wide = segMapFromData(2, 1, Uint16Array.from([300, 65535]));
    expect([...labelHistogram(wide)]).toEqual([[300, 1], [65535, 1]]);
  });
});
