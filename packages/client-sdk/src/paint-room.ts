import {
  PaintDocument,
  PAINT_LIMITS,
  PaintscapeError,
  ErrorCode,
  decodeSegMapPng,
  getLabelSet,
  initRoom,
  isLabelSetId,
  resizeNearest,
  labelHistogram,
  unlabeledValue,
  roomContext,
  validateOp,
  type LabelSet,
  type LabelSetId,
  type PaintOp,
  type RoomMeta,
  type SegMap,
} from '@paintscape/core';
import { invalidArgument, type ConnectOptions } from './options.js';
import { RoomConnection } from './room.js';
import { onNextFrame } from './runtime.js';

/** A point: `{ x, y }` or `[x, y]`; lists may also be flat `[x0, y0, x1, y1, …]`. */
export type Point = { x: number; y: number } | readonly [number, number];
export type PointList = ArrayLike<number> | readonly Point[];

export interface BrushOptions {
  label: number;
  /** Disc radius in map pixels, integer 0–256. */
  radius: number;
}

export interface ShapeOptions {
  label: number;
  /** Filled shape (default) or an outline stroked with `radius`. */
  filled?: boolean;
  radius?: number;
}

/** How a room is created when the server has no document for it yet. */
export interface RoomCreateOptions {
  width: number;
  height: number;
  /** Default 'landscape'. */
  labelSet?: LabelSetId;
  /** Initial label of every pixel; default unlabeled. */
  fill?: number;
}

export interface RoomOptions extends ConnectOptions {
  /** Room layout used if the room does not exist yet. Default 256 × 256 landscape, unlabeled. */
  create?: RoomCreateOptions;
  /** Application user id written into this client's ops (≤ 128 UTF-8 bytes). Default user.name. */
  userId?: string;
}

export const ROOM_CREATE_DEFAULTS: Readonly<Required<Omit<RoomCreateOptions, 'fill'>>> = Object.freeze({
  width: 256,
  height: 256,
  labelSet: 'landscape',
});

function normalizePoints(points: PointList, map: SegMap, field = 'points'): number[] {
  const flat: number[] = [];
  const list = points as ArrayLike<unknown>;
  if (list === null || typeof list !== 'object' || typeof list.length !== 'number') throw invalidArgument(field, 'must be an array of points', points);
  const first = list.length > 0 ? list[0] : undefined;
  if (typeof first === 'number' || list.length === 0) {
    if (list.length % 2 !== 0) throw invalidArgument(field, `flat lists need x, y pairs, got ${list.length} numbers`, list.length);
    for (let i = 0; i < list.length; i += 2) flat.push(clampCoord(list[i], map.width - 1, `${field}[${i}]`), clampCoord(list[i + 1], map.height - 1, `${field}[${i + 1}]`));
  } else {
    for (let i = 0; i < list.length; i++) {
      const p = list[i] as Point;
      const [x, y] = Array.isArray(p) ? p : [(p as { x: number }).x, (p as { y: number }).y];
      flat.push(clampCoord(x, map.width - 1, `${field}[${i}].x`), clampCoord(y, map.height - 1, `${field}[${i}].y`));
    }
  }
  return flat;
}

/** Pointer coordinates may be fractional or just outside the canvas: round, then clamp inside. */
function clampCoord(value: unknown, max: number, field: string): number {
  if (typeof value !== 'number' || !Number.isFinite(value)) throw invalidArgument(field, 'must be a finite number', value);
  return Math.min(max, Math.max(0, Math.round(value)));
}

/** Removes consecutive duplicate points (pointermove often repeats the last position). */
function dropRepeats(flat: number[], previous: readonly [number, number] | null): number[] {
  const out: number[] = [];
  let px = previous?.[0];
  let py = previous?.[1];
  for (let i = 0; i < flat.length; i += 2) {
    if (flat[i] === px && flat[i + 1] === py) continue;
    px = flat[i]!;
    py = flat[i + 1]!;
    out.push(px, py);
  }
  return out;
}

/**
 * A brush (or eraser) stroke in progress. Points given to `extend()` are sent once per animation
 * frame (a ~16 ms timer in Node) as a stroke op that continues from the previous one, so peers see
 * the stroke grow before pointer-up without one update per pointermove. `end()` sends the rest;
 * the whole stroke is then one undo step.
 */
export class StrokeHandle {
  #pending: number[] = [];
  #last: [number, number] | null = null;
  #cancelFrame: (() => void) | null = null;
  #segments = 0;
  #ended = false;

  constructor(
    private readonly room: Room,
    private readonly kind: 'stroke' | 'erase',
    private readonly options: BrushOptions,
    private readonly onEnd: (handle: StrokeHandle, segments: number) => void,
  ) {}

  get ended(): boolean {
    return this.#ended;
  }

  /** Ops sent so far. */
  get segments(): number {
    return this.#segments;
  }

  /** Adds points (map pixels; rounded and clamped into the map). */
  extend(points: PointList): this {
    if (this.#ended) throw new PaintscapeError(ErrorCode.InvalidOperation, 'stroke already ended', { field: 'stroke' });
    const tail = this.#pending.length >= 2 ? ([this.#pending[this.#pending.length - 2]!, this.#pending[this.#pending.length - 1]!] as const) : this.#last;
    this.#pending.push(...dropRepeats(normalizePoints(points, this.room.map), tail));
    if (this.#pending.length > 0 && this.#cancelFrame === null) {
      this.#cancelFrame = onNextFrame(() => {
        this.#cancelFrame = null;
        try {
          this.#flush();
        } catch (error) {
          // Nobody can catch a throw from a frame callback: report it on the room instead.
          this.room.reportError(error, ErrorCode.InvalidOperation, 'could not paint the stroke');
        }
      });
    }
    return this;
  }

  /** Sends the remaining points and closes the stroke. Returns the number of ops it took. */
  end(): number {
    if (this.#ended) return this.#segments;
    this.#cancelFrame?.();
    this.#cancelFrame = null;
    this.#flush();
    this.#ended = true;
    this.onEnd(this, this.#segments);
    return this.#segments;
  }

  #flush(): void {
    if (this.#pending.length === 0 || this.room.destroyed) return;
    // Continue from the last sent point so consecutive segments join without a gap.
    let points = this.#last ? [...this.#last, ...this.#pending] : this.#pending;
    this.#pending = [];
    const max = PAINT_LIMITS.maxPointsPerOp * 2;
    while (points.length > 0) {
      const chunk = points.slice(0, max);
      points = points.length > max ? points.slice(max - 2) : [];
      this.room.paintOp(this.kind === 'erase'
        ? { kind: 'erase', radius: this.options.radius, points: chunk }
        : { kind: 'stroke', label: this.options.label, radius: this.options.radius, points: chunk });
      this.#segments++;
      this.#last = [chunk[chunk.length - 2]!, chunk[chunk.length - 1]!];
      if (points.length === 2) break; // only the overlap point is left
    }
  }
}

/**
 * A joined room: connection (see RoomConnection) + the live paint document. Create one with
 * `connect()`. Painting methods throw PaintscapeError `invalid_document` until the room has
 * synced and is initialized (`await room.whenReady()`).
 */
export class Room extends RoomConnection {
  readonly document: PaintDocument;
  readonly #create: RoomCreateOptions;
  #localDepth = 0;
  #activeStroke: StrokeHandle | null = null;
  /** Own ops per undo step (a streamed stroke is several ops but one step). */
  readonly #undoGroups: number[] = [];
  readonly #redoGroups: number[] = [];
  #ready: Promise<void> | null = null;

  constructor(options: RoomOptions) {
    super(options);
    const create = options.create ?? ROOM_CREATE_DEFAULTS;
    const labelSet = create.labelSet ?? ROOM_CREATE_DEFAULTS.labelSet;
    if (!isLabelSetId(labelSet)) throw invalidArgument('create.labelSet', 'is not a known label set', labelSet);
    for (const field of ['width', 'height'] as const) {
      const value = create[field];
      if (!Number.isInteger(value) || value < 1 || value > PAINT_LIMITS.maxMapSide) throw invalidArgument(`create.${field}`, `must be an integer in [1, ${PAINT_LIMITS.maxMapSide}]`, value);
    }
    this.#create = { ...create, labelSet };
    this.document = new PaintDocument(this.ydoc, { userId: options.userId ?? options.user.name });
    this.document.on('change', (event) => {
      const region = event.dirty ? { x: event.dirty.x, y: event.dirty.y, width: event.dirty.width, height: event.dirty.height } : undefined;
      this.emitEvent('change', { mapVersion: event.version, local: this.#localDepth > 0, ...(region ? { region } : {}) });
    });
    this.document.on('skipped', (skipped) => {
      this.emitEvent('error', new PaintscapeError(ErrorCode.InvalidOperation, `skipped a malformed entry from a peer: ${skipped.reason}`, { ...skipped }));
    });
    this.document.on('error', (error) => this.reportError(error, ErrorCode.InvalidDocument, 'the paint document failed'));
  }

  /** Resolves once synced with the server and the room is initialized (creating it if needed). */
  whenReady(): Promise<void> {
    this.#ready ??= this.whenSynced().then(() => {
      if (this.document.meta === null) {
        const set = getLabelSet(this.#create.labelSet!);
        initRoom(this.ydoc, {
          width: this.#create.width,
          height: this.#create.height,
          labelSetId: set.id,
          labelCount: set.classes.filter((c) => c.index >= 0).length,
          ...(this.#create.fill !== undefined ? { fill: this.#create.fill } : {}),
        });
      }
      if (this.document.meta === null) throw new PaintscapeError(ErrorCode.InvalidDocument, `room ${this.name} has a malformed description (meta.room)`, { field: 'meta' });
    });
    return this.#ready;
  }

  get meta(): RoomMeta | null {
    return this.document.meta;
  }

  /** The live map (updated in place on every change). */
  get map(): SegMap {
    const raster = this.document.raster;
    if (!raster) throw new PaintscapeError(ErrorCode.InvalidDocument, `room ${this.name} is not ready yet: await room.whenReady()`, { field: 'map' });
    return raster;
  }

  /** +1 per map change (local or remote); renders report the version they show. */
  get mapVersion(): number {
    return this.document.version;
  }

  get labelSet(): LabelSetId {
    const meta = this.document.meta;
    if (!meta) throw new PaintscapeError(ErrorCode.InvalidDocument, `room ${this.name} is not ready yet: await room.whenReady()`, { field: 'labelSet' });
    return meta.labelSetId as LabelSetId;
  }

  /** The room's label set (names, palette colours). */
  get labels(): LabelSet {
    return getLabelSet(this.labelSet);
  }

  /** Label value of unpainted pixels (255, or 65535 for sets with more than 255 classes). */
  get unlabeled(): number {
    const meta = this.document.meta;
    return meta ? unlabeledValue(meta.labelCount) : 255;
  }

  canUndo(): boolean {
    return this.#undoGroups.length > 0 && this.document.canUndo();
  }

  canRedo(): boolean {
    return this.#redoGroups.length > 0 && this.document.canRedo();
  }

  // ---- painting -------------------------------------------------------------------------

  /** Starts a live brush stroke (see StrokeHandle). */
  beginStroke(options: BrushOptions): StrokeHandle {
    return this.#begin('stroke', options);
  }

  /** Starts a live eraser stroke (paints the unlabeled value). */
  beginErase(options: { radius: number }): StrokeHandle {
    return this.#begin('erase', { label: this.unlabeled, radius: options.radius });
  }

  /** Paints a whole brush stroke at once (one undo step). */
  brush(points: PointList, options: BrushOptions): void {
    this.#paintPolyline('stroke', points, options);
  }

  erase(points: PointList, options: { radius: number }): void {
    this.#paintPolyline('erase', points, { label: this.unlabeled, radius: options.radius });
  }

  line(x0: number, y0: number, x1: number, y1: number, options: BrushOptions): void {
    const [a, b, c, d] = normalizePoints([x0, y0, x1, y1], this.map);
    this.#single({ kind: 'line', label: options.label, radius: options.radius, x0: a!, y0: b!, x1: c!, y1: d! });
  }

  /** Rectangle with inclusive corners; filled unless `filled: false`. */
  rect(x0: number, y0: number, x1: number, y1: number, options: ShapeOptions): void {
    const [a, b, c, d] = normalizePoints([x0, y0, x1, y1], this.map);
    const filled = options.filled ?? true;
    this.#single({ kind: 'rect', label: options.label, filled, radius: filled ? 0 : options.radius ?? 1, x0: a!, y0: b!, x1: c!, y1: d! });
  }

  polygon(points: PointList, options: ShapeOptions): void {
    const filled = options.filled ?? true;
    this.#single({ kind: 'polygon', label: options.label, filled, radius: filled ? 0 : options.radius ?? 1, points: normalizePoints(points, this.map) });
  }

  /** Flood-fills the 4-connected region around (x, y) with `label`. */
  fill(x: number, y: number, label: number): void {
    const [a, b] = normalizePoints([x, y], this.map);
    this.#single({ kind: 'fill', label, x: a!, y: b! });
  }

  /** Sets every pixel to `label` (default: unlabeled). */
  clear(label: number = this.unlabeled): void {
    this.#single({ kind: 'clear', label });
  }

  /**
   * Replaces the map with a label PNG (indexed, or RGB in the room's palette; resized nearest
   * if its size differs) or a SegMap. Sent as one transaction: a clear plus filled rectangles,
   * one undo step.
   */
  importMap(source: Uint8Array | SegMap): number {
    const target = this.map;
    let map: SegMap = source instanceof Uint8Array ? decodeSegMapPng(source, this.labels) : source;
    if (!map || typeof map.width !== 'number' || !map.data) throw invalidArgument('source', 'must be PNG bytes or a SegMap', source);
    if (map.width !== target.width || map.height !== target.height) map = resizeNearest(map, target.width, target.height);
    const ops = segMapToOps(map);
    this.#group(ops);
    return ops.length;
  }

  /** Undoes this user's last step (a whole stroke, shape or import); false if none. */
  undo(): boolean {
    this.#activeStroke?.end();
    const steps = this.#undoGroups.pop();
    if (steps === undefined) return false;
    let done = 0;
    this.#local(() => {
      while (done < steps && this.document.undo()) done++;
    });
    if (done > 0) this.#redoGroups.push(done);
    return done > 0;
  }

  redo(): boolean {
    this.#activeStroke?.end();
    const steps = this.#redoGroups.pop();
    if (steps === undefined) return false;
    let done = 0;
    this.#local(() => {
      while (done < steps && this.document.redo()) done++;
    });
    if (done > 0) this.#undoGroups.push(done);
    return done > 0;
  }

  override destroy(): void {
    this.#activeStroke?.end();
    this.document.destroy();
    super.destroy();
  }

  /** @internal Paints one op as this user (used by StrokeHandle). */
  paintOp(op: PaintOp): void {
    this.#local(() => this.document.paint(op));
    this.#redoGroups.length = 0; // a new own op clears Y.UndoManager's redo stack too
  }

  #begin(kind: 'stroke' | 'erase', options: BrushOptions): StrokeHandle {
    const meta = this.document.meta;
    this.map; // throws when not ready
    // Validate label and radius now, not at the first frame flush where nobody could catch it.
    validateOp(kind === 'erase' ? { kind, radius: options?.radius, points: [0, 0] } : { kind, label: options?.label, radius: options?.radius, points: [0, 0] }, roomContext(meta!));
    this.#activeStroke?.end();
    const handle = new StrokeHandle(this, kind, options, (ended, segments) => {
      if (this.#activeStroke === ended) this.#activeStroke = null;
      if (segments > 0) this.#undoGroups.push(segments);
    });
    this.#activeStroke = handle;
    return handle;
  }

  #paintPolyline(kind: 'stroke' | 'erase', points: PointList, options: BrushOptions): void {
    const flat = dropRepeats(normalizePoints(points, this.map), null);
    if (flat.length === 0) throw invalidArgument('points', 'must hold at least one point', points);
    const max = PAINT_LIMITS.maxPointsPerOp * 2;
    const ops: PaintOp[] = [];
    for (let start = 0; start < flat.length; start += max - 2) {
      const chunk = flat.slice(start, start + max);
      ops.push(kind === 'erase' ? { kind: 'erase', radius: options.radius, points: chunk } : { kind: 'stroke', label: options.label, radius: options.radius, points: chunk });
      if (start + max >= flat.length) break;
    }
    this.#group(ops);
  }

  #single(op: PaintOp): void {
    this.#group([op]);
  }

  /** Paints ops in ONE transaction with the document's origin: one update, one undo step. */
  #group(ops: PaintOp[]): void {
    this.map; // throws when not ready
    this.#activeStroke?.end();
    this.#local(() => {
      this.ydoc.transact(() => {
        for (const op of ops) this.document.paint(op);
      }, this.document.origin);
    });
    this.#undoGroups.push(1);
    this.#redoGroups.length = 0;
  }

  #local(action: () => void): void {
    this.#localDepth++;
    try {
      action();
    } finally {
      this.#localDepth--;
    }
  }
}

/** Encodes a map as ops: clear to its most common label, then filled rectangles for the rest. */
export function segMapToOps(map: SegMap): PaintOp[] {
  const histogram = labelHistogram(map);
  let background = map.data[0] ?? 0;
  let best = -1;
  for (const [label, count] of histogram) {
    if (count > best) {
      best = count;
      background = label;
    }
  }
  const ops: PaintOp[] = [{ kind: 'clear', label: background }];
  // Runs of equal labels per row; a run identical to one in the row above extends its rectangle.
  let open = new Map<string, { x0: number; x1: number; y0: number; label: number }>();
  const closeRect = (r: { x0: number; x1: number; y0: number; label: number }, y1: number): void => {
    ops.push({ kind: 'rect', label: r.label, filled: true, radius: 0, x0: r.x0, y0: r.y0, x1: r.x1, y1 });
  };
  for (let y = 0; y < map.height; y++) {
    const next = new Map<string, { x0: number; x1: number; y0: number; label: number }>();
    let x = 0;
    while (x < map.width) {
      const label = map.data[y * map.width + x]!;
      let end = x;
      while (end + 1 < map.width && map.data[y * map.width + end + 1] === label) end++;
      if (label !== background) {
        const key = `${x}:${end}:${label}`;
        next.set(key, open.get(key) ?? { x0: x, x1: end, y0: y, label });
        open.delete(key);
      }
      x = end + 1;
    }
    for (const rect of open.values()) closeRect(rect, y - 1);
    open = next;
  }
  for (const rect of open.values()) closeRect(rect, map.height - 1);
  return ops;
}
