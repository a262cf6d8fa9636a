import { PaintscapeError, ErrorCode } from '../errors.js';
import { createSegMap, type SegMap } from '../segmap/segmap.js';
import type { LabelSet } from './types.js';

/**
 * Label lookup table from one set to another (index = source label, value = target label).
 * Supported: identity, X → coco-stuff via `cocoStuffId`, and coco-stuff → X (inverse of
 * `cocoStuffId`, first class wins). Unmapped labels become the target's unlabeled value.
 */
export function labelMappingTable(from: LabelSet, to: LabelSet): Uint16Array {
  const size = from.wide ? 65536 : 256;
  const table = new Uint16Array(size).fill(to.unlabeled);
  if (from.id === to.id) {
    for (const cls of from.classes) if (cls.index >= 0) table[cls.index] = cls.index;
  } else if (to.id === 'coco-stuff') {
    for (const cls of from.classes) {
      if (cls.index >= 0 && cls.cocoStuffId !== undefined) table[cls.index] = cls.cocoStuffId;
    }
  } else if (from.id === 'coco-stuff') {
    for (const cls of [...to.classes].reverse()) {
      if (cls.index >= 0 && cls.cocoStuffId !== undefined) table[cls.cocoStuffId] = cls.index;
    }
  } else {
    throw new PaintscapeError(ErrorCode.InvalidArgument, `no label mapping from ${from.id} to ${to.id} (only via coco-stuff)`, { field: 'to', from: from.id, to: to.id });
  }
  return table;
}

/** A new SegMap with `map`'s labels translated from `from` to `to`; unmapped → `to.unlabeled`. */
export function mapLabels(map: SegMap, from: LabelSet, to: LabelSet): SegMap {
  const table = labelMappingTable(from, to);
  const out = createSegMap(map.width, map.height, { wide: to.wide, fill: to.unlabeled });
  const src = map.data;
  const dst = out.data;
  // `?? unlabeled`: a Uint16 map may carry labels beyond a narrow set's table.
  for (let i = 0; i < src.length; i++) dst[i] = table[src[i] as number] ?? to.unlabeled;
  return out;
}
