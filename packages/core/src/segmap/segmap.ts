import { assert, ErrorCode } from '../errors.js';

/**
 * A width × height raster of label indices, row-major, (0,0) top-left.
 * Uint8 for label sets with ≤ 255 classes (255 = unlabeled), Uint16 otherwise
 * (65535 = unlabeled).
 */
export interface SegMap {
  readonly width: number;
  readonly height: number;
  readonly data: Uint8Array | Uint16Array;
}

export const UNLABELED_U8 = 255;
export const UNLABELED_U16 = 65535;

export function createSegMap(
  width: number,
  height: number,
  options: { fill?: number; wide?: boolean } = {},
): SegMap {
  assert(Number.isInteger(width) && width > 0, ErrorCode.InvalidArgument, `width must be a positive integer, got ${width}`, { field: 'width', value: width });
  assert(Number.isInteger(height) && height > 0, ErrorCode.InvalidArgument, `height must be a positive integer, got ${height}`, { field: 'height', value: height });
  const data = options.wide ? new Uint16Array(width * height) : new Uint8Array(width * height);
  const fill = options.fill ?? (options.wide ? UNLABELED_U16 : UNLABELED_U8);
  data.fill(fill);
  return { width, height, data };
}

/** The unlabeled value for a map of this storage width. */
export function unlabeledValueOf(map: SegMap): number {
  return map.data instanceof Uint16Array ? UNLABELED_U16 : UNLABELED_U8;
}

/** True when a label set with `classCount` classes needs a Uint16 map. */
export function needsWideSegMap(classCount: number): boolean {
  return classCount > UNLABELED_U8;
}

/** Wraps existing data (no copy) after checking its length. */
export function segMapFromData(width: number, height: number, data: Uint8Array | Uint16Array): SegMap {
  assert(Number.isInteger(width) && width > 0, ErrorCode.InvalidArgument, `width must be a positive integer, got ${width}`, { field: 'width', value: width });
  assert(Number.isInteger(height) && height > 0, ErrorCode.InvalidArgument, `height must be a positive integer, got ${height}`, { field: 'height', value: height });
  assert(data.length === width * height, ErrorCode.SizeMismatch, `data has ${data.length} labels, expected ${width}×${height} = ${width * height}`, { field: 'data', length: data.length, expected: width * height });
  return { width, height, data };
}

function checkPixel(map: SegMap, x: number, y: number): number {
  assert(
    Number.isInteger(x) && Number.isInteger(y) && x >= 0 && y >= 0 && x < map.width && y < map.height,
    ErrorCode.OutOfRange,
    `pixel (${x}, ${y}) is outside the ${map.width}×${map.height} map`,
    { field: 'x,y', x, y },
  );
  return y * map.width + x;
}

export function getLabel(map: SegMap, x: number, y: number): number {
  return map.data[checkPixel(map, x, y)] as number;
}

export function setLabel(map: SegMap, x: number, y: number, label: number): void {
  const max = unlabeledValueOf(map);
  assert(Number.isInteger(label) && label >= 0 && label <= max, ErrorCode.LabelOutOfRange, `label must be an integer in 0..${max}, got ${label}`, { field: 'label', value: label });
  map.data[checkPixel(map, x, y)] = label;
}

export function cloneSegMap(map: SegMap): SegMap {
  return { width: map.width, height: map.height, data: map.data.slice() };
}

/** Same size, same storage width and the same labels. */
export function segMapsEqual(a: SegMap, b: SegMap): boolean {
  if (a.width !== b.width || a.height !== b.height) return false;
  if (a.data instanceof Uint16Array !== b.data instanceof Uint16Array) return false;
  const n = a.data.length;
  for (let i = 0; i < n; i++) if (a.data[i] !== b.data[i]) return false;
  return true;
}

/** Pixel count per label value, as a Map (label → count) with only the labels present. */
export function labelHistogram(map: SegMap): Map<number, number> {
  const counts = new Uint32Array(unlabeledValueOf(map) + 1);
  for (const v of map.data) counts[v] = (counts[v] as number) + 1;
  const result = new Map<number, number>();
  for (let label = 0; label < counts.length; label++) {
    const c = counts[label] as number;
    if (c > 0) result.set(label, c);
  }
  return result;
}
