import { PaintscapeError, ErrorCode } from '../errors.js';
import { PAINT_LIMITS } from './limits.js';

/**
 * Paint operations. All coordinates are INTEGER map pixel coordinates: (x, y) names the pixel
 * whose centre is at (x, y); (0, 0) is the top-left pixel. Point lists are flat
 * `[x0, y0, x1, y1, …]`. See PROTOCOL.md for the exact rasterization rules.
 */
export type PaintOp =
  | StrokeOp
  | LineOp
  | RectOp
  | PolygonOp
  | FloodFillOp
  | EraseOp
  | ClearOp;

export type PaintOpKind = PaintOp['kind'];

/** Union of discs of `radius` swept along the polyline through `points` (1+ points). */
export interface StrokeOp {
  readonly kind: 'stroke';
  readonly label: number;
  readonly radius: number;
  readonly points: ArrayLike<number>;
}

/** A single swept-disc segment from (x0, y0) to (x1, y1). */
export interface LineOp {
  readonly kind: 'line';
  readonly label: number;
  readonly radius: number;
  readonly x0: number;
  readonly y0: number;
  readonly x1: number;
  readonly y1: number;
}

/**
 * Axis-aligned rectangle with INCLUSIVE corners. Filled: every pixel between the corners.
 * Outline: a closed stroke of `radius` through the four corners.
 */
export interface RectOp {
  readonly kind: 'rect';
  readonly label: number;
  readonly filled: boolean;
  /** Outline radius; ignored (and stored as 0) when `filled`. */
  readonly radius?: number;
  readonly x0: number;
  readonly y0: number;
  readonly x1: number;
  readonly y1: number;
}

/** Polygon through 3+ points. Filled: even-odd scanline rule. Outline: closed stroke of `radius`. */
export interface PolygonOp {
  readonly kind: 'polygon';
  readonly label: number;
  readonly filled: boolean;
  /** Outline radius; ignored (and stored as 0) when `filled`. */
  readonly radius?: number;
  readonly points: ArrayLike<number>;
}

/** 4-connected flood fill of the region that has the label found at (x, y) at this point of the log. */
export interface FloodFillOp {
  readonly kind: 'fill';
  readonly label: number;
  readonly x: number;
  readonly y: number;
}

/** A stroke that writes the UNLABELED value (255 for Uint8 rooms, 65535 for Uint16 rooms). */
export interface EraseOp {
  readonly kind: 'erase';
  readonly radius: number;
  readonly points: ArrayLike<number>;
}

/** Sets the whole map to `label` (which may be the unlabeled value). */
export interface ClearOp {
  readonly kind: 'clear';
  readonly label: number;
}

/** An op as stored in the log, with its author (for attribution; undo uses Yjs origins). */
export interface PaintOpRecord {
  readonly op: PaintOp;
  /** Yjs clientID of the doc that appended the op. */
  readonly clientId: number;
  /** Application user id ('' if none). */
  readonly userId: string;
}

/** What an op is validated against: the room's geometry and label range. */
export interface OpContext {
  readonly width: number;
  readonly height: number;
  /** Labels 0..labelCount-1 are valid, plus the unlabeled value. */
  readonly labelCount: number;
}

export const PAINT_OP_KINDS: readonly PaintOpKind[] = Object.freeze([
  'stroke', 'line', 'rect', 'polygon', 'fill', 'erase', 'clear',
]);

/** Unlabeled value for a room with `labelCount` labels: 255 (Uint8 raster) or 65535 (Uint16). */
export function unlabeledValue(labelCount: number): number {
  return labelCount > 255 ? 65535 : 255;
}

/** Whether a room with `labelCount` labels uses a Uint16 raster. */
export function isWideLabelCount(labelCount: number): boolean {
  return labelCount > 255;
}

function invalid(field: string, message: string, value?: unknown): never {
  throw new PaintscapeError(ErrorCode.InvalidOperation, `invalid paint op: ${field} ${message}`, { field, value });
}

function checkInt(value: unknown, field: string, min: number, max: number): number {
  if (typeof value !== 'number' || !Number.isInteger(value)) invalid(field, `must be an integer, got ${String(value)}`, value);
  if (value < min || value > max) invalid(field, `must be in [${min}, ${max}], got ${value}`, value);
  return value;
}

function checkLabel(value: unknown, ctx: OpContext, field = 'label'): number {
  const label = checkInt(value, field, 0, unlabeledValue(ctx.labelCount));
  if (label >= ctx.labelCount && label !== unlabeledValue(ctx.labelCount)) {
    invalid(field, `must be < labelCount ${ctx.labelCount} or the unlabeled value ${unlabeledValue(ctx.labelCount)}, got ${label}`, label);
  }
  return label;
}

function checkRadius(value: unknown, field = 'radius'): number {
  return checkInt(value, field, 0, PAINT_LIMITS.maxRadius);
}

function checkPoints(value: unknown, ctx: OpContext, minPoints: number): Int32Array {
  if (value === null || typeof value !== 'object' || typeof (value as ArrayLike<number>).length !== 'number') {
    invalid('points', 'must be a flat array of x, y integers', undefined);
  }
  const list = value as ArrayLike<unknown>;
  if (list.length % 2 !== 0) invalid('points', `must have an even length (x, y pairs), got ${list.length}`, list.length);
  const count = list.length / 2;
  if (count < minPoints) invalid('points', `must have at least ${minPoints} point(s), got ${count}`, count);
  if (count > PAINT_LIMITS.maxPointsPerOp) invalid('points', `must have at most ${PAINT_LIMITS.maxPointsPerOp} points, got ${count}`, count);
  const out = new Int32Array(list.length);
  const maxX = ctx.width - 1;
  const maxY = ctx.height - 1;
  for (let i = 0; i < list.length; i++) {
    const v = list[i];
    const max = (i & 1) === 0 ? maxX : maxY;
    // Hot loop: the field name is only built on failure.
    if (typeof v !== 'number' || !Number.isInteger(v) || v < 0 || v > max) checkInt(v, `points[${i}]`, 0, max);
    out[i] = v as number;
  }
  return out;
}

function checkFilled(value: unknown): boolean {
  if (typeof value !== 'boolean') invalid('filled', `must be a boolean, got ${String(value)}`, value);
  return value;
}

/**
 * Validates `op` against the room and returns a normalized copy (points as Int32Array, outline
 * radius 0 for filled shapes). Throws PaintscapeError `invalid_operation` with `details.field`.
 */
export function validateOp(op: unknown, ctx: OpContext): PaintOp {
  if (op === null || typeof op !== 'object') invalid('op', 'must be an object', op);
  const o = op as Record<string, unknown>;
  const x = (field: string): number => checkInt(o[field], field, 0, ctx.width - 1);
  const y = (field: string): number => checkInt(o[field], field, 0, ctx.height - 1);
  switch (o.kind) {
    case 'stroke':
      return { kind: 'stroke', label: checkLabel(o.label, ctx), radius: checkRadius(o.radius), points: checkPoints(o.points, ctx, 1) };
    case 'erase':
      return { kind: 'erase', radius: checkRadius(o.radius), points: checkPoints(o.points, ctx, 1) };
    case 'line':
      return { kind: 'line', label: checkLabel(o.label, ctx), radius: checkRadius(o.radius), x0: x('x0'), y0: y('y0'), x1: x('x1'), y1: y('y1') };
    case 'rect': {
      const filled = checkFilled(o.filled);
      const radius = filled ? 0 : checkRadius(o.radius ?? 0);
      return { kind: 'rect', label: checkLabel(o.label, ctx), filled, radius, x0: x('x0'), y0: y('y0'), x1: x('x1'), y1: y('y1') };
    }
    case 'polygon': {
      const filled = checkFilled(o.filled);
      const radius = filled ? 0 : checkRadius(o.radius ?? 0);
      return { kind: 'polygon', label: checkLabel(o.label, ctx), filled, radius, points: checkPoints(o.points, ctx, 3) };
    }
    case 'fill':
      return { kind: 'fill', label: checkLabel(o.label, ctx), x: x('x'), y: y('y') };
    case 'clear':
      return { kind: 'clear', label: checkLabel(o.label, ctx) };
    default:
      return invalid('kind', `must be one of ${PAINT_OP_KINDS.join(', ')}, got ${String(o.kind)}`, o.kind);
  }
}
