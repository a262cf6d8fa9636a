import { describe, expect, it } from 'vitest';
import { createSegMap, replay, sampleGaussian, segMapsEqual } from '@paintscape/core';
import { segMapToOps } from './paint-room.js';

describe('segMapToOps (importMap encoding)', () => {
  it('replays to exactly the imported map, for blocky and noisy maps', () => {
    for (const [seed, noise] of [[1, 0.02], [2, 0.3], [3, 1]] as const) {
      const map = createSegMap(40, 24, { fill: 0 });
      const random = sampleGaussian(seed, map.data.length * 2);
      for (let y = 0; y < map.height; y++) {
        for (let x = 0; x < map.width; x++) {
          const i = y * map.width + x;
          map.data[i] = Math.abs(random[i]!) < noise ? (Math.abs(Math.floor(random[i + map.data.length]! * 5)) % 13) : y < 10 ? 0 : x < 20 ? 7 : 6;
        }
      }
      map.data[5] = 255; // unlabeled pixels survive too
      const ops = segMapToOps(map);
      expect(ops[0]!.kind).toBe('clear');
      const start = createSegMap(40, 24, { fill: 3 });
      expect(segMapsEqual(replay(start, ops), map)).toBe(true);
    }
  });

  it('merges equal runs of consecutive rows into one rectangle', () => {
    const map = createSegMap(10, 10, { fill: 0 });
    for (let y = 2; y < 8; y++) for (let x = 3; x < 6; x++) map.data[y * 10 + x] = 4;
    expect(segMapToOps(map)).toEqual([
      { kind: 'clear', label: 0 },
      { kind: 'rect', label: 4, filled: true, radius: 0, x0: 3, y0: 2, x1: 5, y1: 7 },
    ]);
  });
});
