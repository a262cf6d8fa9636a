import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { PaintscapeError } from '../errors.js';
import { nearestSourceIndices } from '../segmap/resize.js';
import { segMapFromData } from '../segmap/segmap.js';
import { instanceEdges, segMapToOneHot } from './preprocess.js';

const fixture = JSON.parse(readFileSync(new URL('../segmap/fixtures/pytorch-resize.json', import.meta.url), 'utf8')) as {
  instanceEdges: { width: number; height: number; instances: number[]; edges: number[] }[];
};

describe('instanceEdges', () => {
  it.each(fixture.instanceEdges.map((c) => [`${c.width}×${c.height}`, c] as const))('matches SPADE get_edges (PyTorch) at %s', (_n, c) => {
    const map = segMapFromData(c.width, c.height, Uint8Array.from(c.instances));
    expect(Array.from(instanceEdges(map))).toEqual(c.edges);
  });

  it('marks both pixels of a differing pair', () => {
    const map = segMapFromData(4, 1, Uint8Array.from([1, 1, 2, 2]));
    expect(Array.from(instanceEdges(map))).toEqual([0, 1, 1, 0]);
  });
});

describe('segMapToOneHot', () => {
  const base = { labelChannels: 3, width: 3, height: 2 };

  it('lights one channel per pixel, NCHW', () => {
    const map = segMapFromData(3, 2, Uint8Array.from([0, 1, 2, 2, 1, 0]));
    const t = segMapToOneHot(map, { ...base, channels: 3, dontCare: false, instanceEdge: false });
    expect(Array.from(t)).toEqual([1, 0, 0, 0, 0, 1, /* c1 */ 0, 1, 0, 0, 1, 0, /* c2 */ 0, 0, 1, 1, 0, 0]);
  });

  it('sends unlabeled to the dontCare channel, or to all-zero without one', () => {
    const map = segMapFromData(3, 2, Uint8Array.from([255, 0, 0, 0, 0, 255]));
    const withDc = segMapToOneHot(map, { ...base, channels: 4, dontCare: true, instanceEdge: false });
    expect(Array.from(withDc.subarray(18, 24))).toEqual([1, 0, 0, 0, 0, 1]);
    const without = segMapToOneHot(map, { ...base, channels: 3, dontCare: false, instanceEdge: false });
    expect([0, 6, 12].map((c) => without[c])).toEqual([0, 0, 0]);
    const wide = segMapFromData(1, 1, Uint16Array.from([65535]));
    expect(Array.from(segMapToOneHot(wide, { labelChannels: 2, channels: 3, dontCare: true, instanceEdge: false, width: 1, height: 1 }))).toEqual([0, 0, 1]);
  });

  it('appends the instance edge channel last, from the label map by default or an instance map', () => {
    const map = segMapFromData(3, 2, Uint8Array.from([0, 0, 1, 0, 0, 1]));
    const t = segMapToOneHot(map, { ...base, channels: 5, dontCare: true, instanceEdge: true });
    expect(Array.from(t.subarray(24, 30))).toEqual([0, 1, 1, 0, 1, 1]);
    const instances = segMapFromData(3, 2, Uint8Array.from([5, 5, 5, 6, 6, 6]));
    const t2 = segMapToOneHot(map, { ...base, channels: 5, dontCare: true, instanceEdge: true, instanceMap: instances });
    expect(Array.from(t2.subarray(24, 30))).toEqual([1, 1, 1, 1, 1, 1]);
  });

  it('nearest-resizes to the model size first, PyTorch-exact', () => {
    const w = 5;
    const map = segMapFromData(w, 1, Uint8Array.from([0, 1, 2, 1, 0]));
    const t = segMapToOneHot(map, { labelChannels: 3, channels: 3, dontCare: false, instanceEdge: false, width: 8, height: 2 });
    const xs = nearestSourceIndices(w, 8);
    for (let y = 0; y < 2; y++) {
      for (let x = 0; x < 8; x++) {
        const label = map.data[xs[x]!]!;
        expect(t[label * 16 + y * 8 + x]).toBe(1);
      }
    }
  });

  it('rejects labels beyond the model classes and inconsistent channel counts', () => {
    const map = segMapFromData(3, 2, Uint8Array.from([0, 1, 2, 3, 0, 0]));
    try {
      segMapToOneHot(map, { ...base, channels: 3, dontCare: false, instanceEdge: false });
      throw new Error('no throw');
    } catch (error) {
      expect(error).toBeInstanceOf(PaintscapeError);
      expect((error as PaintscapeError).code).toBe('label_out_of_range');
      expect((error as PaintscapeError).details).toMatchObject({ label: 3, x: 0, y: 1 });
    }
    expect(() => segMapToOneHot(map, { ...base, channels: 5, dontCare: true, instanceEdge: false })).toThrow(/channels must be/);
  });
});
