import { PaintscapeError, ErrorCode, assert } from '../errors.js';
import { createSegMap, type SegMap } from '../segmap/segmap.js';
import type { LabelSet, Rgb } from './types.js';

/**
 * Largest squared RGB distance at which an off-palette colour still counts as a class colour
 * (≈ a 20-level shift on each channel: compression noise, colour-managed screenshots).
 */
export const DEFAULT_SNAP_DISTANCE_SQ = 1200;
/**
 * Anti-aliased edge pixels are blends of the classes around them, and a blend of two far-apart
 * colours can sit nearer a third class (sky + snow ≈ cloud). So an off-palette pixel first looks
 * for exact class colours within this many pixels and, when it lies on the segment between two
 * of them (within the snap distance), takes the nearer one.
 */
export const EDGE_SEARCH_RADIUS = 2;
/** Pixels with alpha below this are unlabeled (the transparent background of a drawing). */
export const DEFAULT_MIN_OPAQUE_ALPHA = 128;
/** At most this many distinct unknown colours are listed in an `unknown_color` error. */
export const MAX_REPORTED_UNKNOWN_COLORS = 32;

export function rgbToHex([r, g, b]: Rgb): string {
  return `#${((r << 16) | (g << 8) | b).toString(16).padStart(6, '0')}`;
}

/** Colour → label for the storable classes; duplicated colours keep the lowest index. */
function exactColorTable(set: LabelSet): Map<number, number> {
  const table = new Map<number, number>();
  for (const cls of set.classes) {
    if (cls.index < 0) continue;
    const key = (cls.color[0] << 16) | (cls.color[1] << 8) | cls.color[2];
    const existing = table.get(key);
    if (existing === undefined || cls.index < existing) table.set(key, cls.index);
  }
  return table;
}

export interface RgbaToSegMapOptions {
  /** Throw `unknown_color` instead of labelling unknown colours unlabeled. Default false. */
  strict?: boolean;
  /** Squared RGB distance for nearest-colour snapping; 0 = exact matches only. */
  snapDistanceSq?: number;
  /** Alpha below this → unlabeled. Default DEFAULT_MIN_OPAQUE_ALPHA. */
  minOpaqueAlpha?: number;
  /** A colour that also means unlabeled (e.g. the one `segMapToRgba` painted it with). */
  unlabeledColor?: Rgb;
}

interface UnknownColorStats {
  count: number;
  firstX: number;
  firstY: number;
}

/**
 * Converts an RGBA image (4 bytes a pixel, row-major) painted with `set`'s palette to a SegMap.
 * Exact palette colours map to their class; others snap to the nearest class within
 * `snapDistanceSq`; anything else is unlabeled, or an error with `strict`.
 */
export function rgbaToSegMap(
  rgba: Uint8Array | Uint8ClampedArray,
  width: number,
  height: number,
  set: LabelSet,
  options: RgbaToSegMapOptions = {},
): SegMap {
  const map = createSegMap(width, height, { wide: set.wide, fill: set.unlabeled });
  assert(rgba.length === width * height * 4, ErrorCode.SizeMismatch, `rgba has ${rgba.length} bytes, expected ${width}×${height}×4 = ${width * height * 4}`, { field: 'rgba', length: rgba.length });
  const snap = options.snapDistanceSq ?? DEFAULT_SNAP_DISTANCE_SQ;
  assert(Number.isFinite(snap) && snap >= 0, ErrorCode.InvalidArgument, `snapDistanceSq must be ≥ 0, got ${snap}`, { field: 'snapDistanceSq', value: snap });
  const minAlpha = options.minOpaqueAlpha ?? DEFAULT_MIN_OPAQUE_ALPHA;
  const exact = exactColorTable(set);
  if (options.unlabeledColor) {
    const [r, g, b] = options.unlabeledColor;
    exact.set((r << 16) | (g << 8) | b, set.unlabeled);
  }
  const storable = set.classes.filter((c) => c.index >= 0);
  const colorOf = new Map<number, Rgb>(storable.map((c) => [c.index, c.color]));
  const out = map.data;
  const n = width * height;
  // Pass 1: transparent and exact pixels. `pending` marks the rest for pass 2.
  const exactLabel = new Int32Array(n).fill(-1);
  const pending: number[] = [];
  for (let i = 0; i < n; i++) {
    const o = i * 4;
    if ((rgba[o + 3] as number) < minAlpha) continue;
    const key = ((rgba[o] as number) << 16) | ((rgba[o + 1] as number) << 8) | (rgba[o + 2] as number);
    const label = exact.get(key);
    if (label === undefined) pending.push(i);
    else {
      out[i] = label;
      if (label !== set.unlabeled) exactLabel[i] = label;
    }
  }
  // Pass 2: edge blends between nearby exact classes, then global nearest-colour snapping.
  // Cache the global result per distinct colour: images hold few colours.
  const nearestCache = new Map<number, number>();
  const unknown = new Map<number, UnknownColorStats>();
  const candidates: number[] = [];
  for (const i of pending) {
    const o = i * 4;
    const r = rgba[o] as number;
    const g = rgba[o + 1] as number;
    const b = rgba[o + 2] as number;
    const x = i % width;
    const y = (i - x) / width;
    candidates.length = 0;
    for (let ny = Math.max(0, y - EDGE_SEARCH_RADIUS); ny <= Math.min(height - 1, y + EDGE_SEARCH_RADIUS); ny++) {
      for (let nx = Math.max(0, x - EDGE_SEARCH_RADIUS); nx <= Math.min(width - 1, x + EDGE_SEARCH_RADIUS); nx++) {
        const l = exactLabel[ny * width + nx] as number;
        if (l >= 0 && !candidates.includes(l)) candidates.push(l);
      }
    }
    let label = snap > 0 ? blendLabel(r, g, b, candidates, colorOf, snap) : undefined;
    const key = (r << 16) | (g << 8) | b;
    if (label === undefined) {
      label = nearestCache.get(key);
      if (label === undefined) {
        label = nearestLabel(r, g, b, storable, snap) ?? -1;
        nearestCache.set(key, label);
      }
    }
    if (label >= 0) {
      out[i] = label;
    } else {
      const stats = unknown.get(key);
      if (stats) stats.count++;
      else unknown.set(key, { count: 1, firstX: x, firstY: y });
    }
  }
  if (options.strict && unknown.size > 0) {
    const colors = [...unknown.entries()]
      .sort((a, b) => b[1].count - a[1].count || a[0] - b[0])
      .map(([key, s]) => ({ hex: rgbToHex([key >> 16, (key >> 8) & 255, key & 255]), count: s.count, firstPixel: { x: s.firstX, y: s.firstY } }));
    const listed = colors.slice(0, MAX_REPORTED_UNKNOWN_COLORS);
    throw new PaintscapeError(
      ErrorCode.UnknownColor,
      `${colors.length} colour(s) are not in the ${set.id} palette, e.g. ${listed.slice(0, 3).map((c) => `${c.hex} at (${c.firstPixel.x}, ${c.firstPixel.y})`).join(', ')}`,
      { labelSet: set.id, colors: listed, distinctUnknownColors: colors.length },
    );
  }
  return map;
}

/** Squared distance from (r,g,b) to the segment a→b, and the blend position t ∈ [0,1]. */
function segmentDistanceSq(r: number, g: number, b: number, a: Rgb, c: Rgb): [number, number] {
  const vr = c[0] - a[0];
  const vg = c[1] - a[1];
  const vb = c[2] - a[2];
  const len = vr * vr + vg * vg + vb * vb;
  const t = len === 0 ? 0 : Math.min(1, Math.max(0, ((r - a[0]) * vr + (g - a[1]) * vg + (b - a[2]) * vb) / len));
  const dr = r - (a[0] + t * vr);
  const dg = g - (a[1] + t * vg);
  const db = b - (a[2] + t * vb);
  return [dr * dr + dg * dg + db * db, t];
}

/** The nearer end of the closest blend of two nearby classes, if the colour is such a blend. */
function blendLabel(r: number, g: number, b: number, candidates: readonly number[], colorOf: ReadonlyMap<number, Rgb>, maxDistanceSq: number): number | undefined {
  let best: number | undefined;
  let bestDistance = Infinity;
  for (let p = 0; p < candidates.length; p++) {
    for (let q = p; q < candidates.length; q++) {
      const la = candidates[p] as number;
      const lb = candidates[q] as number;
      const [d, t] = segmentDistanceSq(r, g, b, colorOf.get(la) as Rgb, colorOf.get(lb) as Rgb);
      if (d < bestDistance) {
        bestDistance = d;
        best = t <= 0.5 ? la : lb;
      }
    }
  }
  return bestDistance <= maxDistanceSq ? best : undefined;
}

function nearestLabel(r: number, g: number, b: number, classes: LabelSet['classes'], maxDistanceSq: number): number | undefined {
  let best: number | undefined;
  let bestDistance = Infinity;
  for (const cls of classes) {
    const dr = r - cls.color[0];
    const dg = g - cls.color[1];
    const db = b - cls.color[2];
    const d = dr * dr + dg * dg + db * db;
    if (d < bestDistance) {
      bestDistance = d;
      best = cls.index;
    }
  }
  return bestDistance <= maxDistanceSq ? best : undefined;
}

export interface SegMapToRgbaOptions {
  /** Paint unlabeled pixels (and labels outside the set) opaque in this colour instead of transparent. */
  unlabeledColor?: Rgb;
}

/** Paints a SegMap with the set's palette: RGBA, 4 bytes a pixel. Unlabeled → transparent black by default. */
export function segMapToRgba(map: SegMap, set: LabelSet, options: SegMapToRgbaOptions = {}): Uint8ClampedArray {
  const lut = new Uint8Array((map.data instanceof Uint16Array ? 65536 : 256) * 4);
  const fill = options.unlabeledColor;
  if (fill) {
    for (let i = 0; i < lut.length; i += 4) {
      lut[i] = fill[0];
      lut[i + 1] = fill[1];
      lut[i + 2] = fill[2];
      lut[i + 3] = 255;
    }
  }
  for (const cls of set.classes) {
    if (cls.index < 0 || cls.index * 4 >= lut.length) continue;
    lut.set([cls.color[0], cls.color[1], cls.color[2], 255], cls.index * 4);
  }
  const out = new Uint8ClampedArray(map.width * map.height * 4);
  const data = map.data;
  for (let i = 0; i < data.length; i++) {
    const o = (data[i] as number) * 4;
    const p = i * 4;
    out[p] = lut[o] as number;
    out[p + 1] = lut[o + 1] as number;
    out[p + 2] = lut[o + 2] as number;
    out[p + 3] = lut[o + 3] as number;
  }
  return out;
}
