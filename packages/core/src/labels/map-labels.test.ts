import { describe, expect, it } from 'vitest';
import { segMapFromData } from '../segmap/segmap.js';
import { labelMappingTable, mapLabels } from './map-labels.js';
import { getLabelSet } from './registry.js';

const landscape = getLabelSet('landscape');
const coco = getLabelSet('coco-stuff');

describe('mapLabels', () => {
  it('maps landscape to coco-stuff via cocoStuffId, unlabeled and unknown to unlabeled', () => {
    const map = segMapFromData(5, 1, Uint8Array.from([0, 6, 12, 255, 40]));
    const out = mapLabels(map, landscape, coco);
    expect(Array.from(out.data)).toEqual([156, 177, 110, 255, 255]);
    expect(out).not.toBe(map);
    expect(Array.from(map.data)).toEqual([0, 6, 12, 255, 40]);
  });

  it('maps coco-stuff back to landscape (inverse), other coco classes → unlabeled', () => {
    const map = segMapFromData(4, 1, Uint8Array.from([156, 168, 0, 255]));
    expect(Array.from(mapLabels(map, coco, landscape).data)).toEqual([0, 8, 255, 255]);
  });

  it('identity keeps valid labels only', () => {
    expect(Array.from(mapLabels(segMapFromData(3, 1, Uint8Array.from([3, 13, 255])), landscape, landscape).data)).toEqual([3, 255, 255]);
  });

  it('rejects mappings it has no data for', () => {
    expect(() => labelMappingTable(getLabelSet('ade20k'), getLabelSet('cityscapes'))).toThrow(expect.objectContaining({ code: 'invalid_argument' }));
  });

  it('handles Uint16 source maps with labels beyond the table', () => {
    const map = segMapFromData(2, 1, Uint16Array.from([2, 1000]));
    expect(Array.from(mapLabels(map, landscape, coco).data)).toEqual([134, 255]);
  });
});
