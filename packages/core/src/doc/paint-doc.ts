import * as Y from 'yjs';
import { PaintscapeError, ErrorCode } from '../errors.js';
import type { SegMap } from '../segmap/segmap.js';
import { decodeOp, encodeOp, utf8Encode } from './encoding.js';
import { DEFAULT_DOC_TUNING, PAINT_LIMITS, type DocTuning } from './limits.js';
import { validateOp, type PaintOp, type PaintOpRecord } from './ops.js';
import { applyOp, unionRect, type Rect } from './raster.js';
import {
  ROOM_KEYS, createRoomRaster, rasterToBytes, readRoomBase, readRoomMeta, roomContext,
  type BaseSnapshotValue, type RoomMeta, type SkippedEntry,
} from './schema.js';

export interface PaintDocumentOptions {
  /** Application user id written into this client's ops ('' by default). */
  readonly userId?: string;
  /** Checkpoint tuning (speed/memory only; never changes the result). */
  readonly tuning?: Partial<DocTuning>;
}

/** Why the raster changed. */
export type DocChangeCause =
  /** ops appended at the end of the log, applied incrementally */
  | 'append'
  /** ops inserted/removed before the end (concurrent delivery, undo): replayed from a checkpoint */
  | 'reorder'
  /** the base snapshot changed (compaction): replayed from the new base */
  | 'base'
  /** the room meta appeared or changed: rebuilt from scratch */
  | 'meta';

export interface DocChangeEvent {
  /** The document's version after this change (monotonic, +1 per change event). */
  readonly version: number;
  /** Pixels that may differ from before this change; null if none do. */
  readonly dirty: Rect | null;
  readonly cause: DocChangeCause;
}

export type SkippedOpEvent = SkippedEntry;

export interface PaintDocumentEvents {
  change: (event: DocChangeEvent) => void;
  /** A malformed log entry or base snapshot was skipped (reported once per arrival). */
  skipped: (event: SkippedOpEvent) => void;
  /** An unexpected failure inside a Yjs observer or a listener (never thrown into Yjs). */
  error: (error: unknown) => void;
}

/** Work counters (diagnostics; they show that appends never replay and reorders use checkpoints). */
export interface DocStats {
  /** Ops rasterized in total (appends, checkpoint replays, rebuilds). */
  readonly opsApplied: number;
  /** Replays from the base (meta/base changes, or no checkpoint before the change). */
  readonly replaysFromBase: number;
  /** Replays that started from a checkpoint. */
  readonly replaysFromCheckpoint: number;
}

export interface CompactResult {
  /** Ops baked into the base. */
  readonly count: number;
  /** The new base epoch (total ops ever baked). */
  readonly epoch: number;
}

interface LogEntry {
  raw: unknown;
  /** undefined = not decoded yet; null = malformed (skipped). */
  record: PaintOpRecord | null | undefined;
}

interface Checkpoint {
  /** Number of log entries applied on top of the base. */
  count: number;
  readonly data: Uint8Array | Uint16Array;
}

/**
 * Live view of a room: keeps `raster` equal to replay(base, log) incrementally.
 * See PROTOCOL.md for the schema and the replay rules.
 */
export class PaintDocument {
  readonly ydoc: Y.Doc;
  /**
   * Transaction origin of this document's own paints (the UndoManager tracks only these). Wrap
   * several paint() calls in `ydoc.transact(fn, doc.origin)` to make them one undo step; paints
   * inside a transaction with another origin are not undoable by this document.
   */
  readonly origin: object = Object.freeze({ source: 'paintscape-paint-document' });
  readonly userId: string;

  private readonly compactOrigin: object = Object.freeze({ source: 'paintscape-compaction' });
  private readonly tuning: DocTuning;
  private readonly metaMap: Y.Map<unknown>;
  private readonly baseMap: Y.Map<unknown>;
  private readonly ops: Y.Array<unknown>;
  private readonly undoManager: Y.UndoManager;
  private readonly listeners: { [K in keyof PaintDocumentEvents]: Set<PaintDocumentEvents[K]> } = {
    change: new Set(), skipped: new Set(), error: new Set(),
  };

  private entries: LogEntry[] = [];
  private roomMeta: RoomMeta | null = null;
  private live: SegMap | null = null;
  private scratch: Uint8Array | Uint16Array | null = null;
  private baseRaster: SegMap | null = null;
  private baseEpoch = 0;
  private checkpoints: Checkpoint[] = [];
  private versionCounter = 0;
  private counters = { opsApplied: 0, replaysFromBase: 0, replaysFromCheckpoint: 0 };
  private destroyed = false;

  // Changes observed during the current transaction, processed in afterTransaction.
  private pendingMeta = false;
  private pendingBase = false;
  private pendingLog = false;
  /** Set while this document's own paint() transaction runs: the entry it appends. */
  private paintingEntry: LogEntry | null = null;
  /** Own paint() entries appended in the current transaction (the log changed in no other way). */
  private pendingOwnAppends: LogEntry[] = [];
  /** The log changed in a way only a diff against the Y.Array can tell (remote, undo, compaction). */
  private pendingDiff = false;

  private readonly onOps = (event: Y.YArrayEvent<unknown>): void => this.recordLogDelta(event);
  private readonly onBase = (): void => { this.pendingBase = true; };
  private readonly onMeta = (): void => { this.pendingMeta = true; };
  private readonly onAfterTransaction = (): void => this.flush();

  constructor(ydoc: Y.Doc, options: PaintDocumentOptions = {}) {
    const userId = options.userId ?? '';
    if (typeof userId !== 'string' || utf8Encode(userId).length > PAINT_LIMITS.maxUserIdBytes) {
      throw new PaintscapeError(ErrorCode.InvalidArgument, `userId must be a string of at most ${PAINT_LIMITS.maxUserIdBytes} UTF-8 bytes`, { field: 'userId' });
    }
    const tuning = { ...DEFAULT_DOC_TUNING, ...options.tuning };
    for (const field of ['checkpointInterval', 'maxCheckpoints', 'maxCheckpointBytes'] as const) {
      if (!Number.isInteger(tuning[field]) || tuning[field] < (field === 'maxCheckpointBytes' ? 0 : 1)) {
        throw new PaintscapeError(ErrorCode.InvalidArgument, `tuning.${field} must be a positive integer, got ${tuning[field]}`, { field: `tuning.${field}`, value: tuning[field] });
      }
    }
    this.ydoc = ydoc;
    this.userId = userId;
    this.tuning = tuning;
    this.metaMap = ydoc.getMap(ROOM_KEYS.meta);
    this.baseMap = ydoc.getMap(ROOM_KEYS.base);
    this.ops = ydoc.getArray(ROOM_KEYS.ops);
    this.entries = this.ops.toArray().map((raw) => ({ raw, record: undefined }));
    // captureTimeout 0: every paint() is its own undo step.
    this.undoManager = new Y.UndoManager(this.ops, { trackedOrigins: new Set([this.origin]), captureTimeout: 0 });
    this.ops.observe(this.onOps);
    this.baseMap.observe(this.onBase);
    this.metaMap.observe(this.onMeta);
    ydoc.on('afterTransaction', this.onAfterTransaction);
    this.pendingMeta = true;
    this.flush();
  }

  /** The room description, or null until the room is initialized (or if its meta is malformed). */
  get meta(): RoomMeta | null { return this.roomMeta; }
  /** The live raster (mutated in place; replaced only when the room size changes). Null until initialized. */
  get raster(): SegMap | null { return this.live; }
  /** Monotonic; +1 per 'change' event. */
  get version(): number { return this.versionCounter; }
  /** Ops baked into the current base. */
  get epoch(): number { return this.baseEpoch; }
  get stats(): DocStats { return { ...this.counters }; }
  /** Entries in the (uncompacted) log, including skipped ones. */
  get opCount(): number { return this.entries.length; }

  /** The decoded log: a record per entry, null where the entry is malformed and skipped. */
  records(): (PaintOpRecord | null)[] {
    return this.entries.map((e) => e.record ?? null);
  }

  on<K extends keyof PaintDocumentEvents>(event: K, listener: PaintDocumentEvents[K]): () => void {
    this.listeners[event].add(listener);
    return () => { this.listeners[event].delete(listener); };
  }

  /**
   * Validates and appends an op (as this client / userId); the raster updates before this
   * returns (unless called inside an enclosing Yjs transaction, then at its end).
   * Throws PaintscapeError invalid_operation naming the field.
   */
  paint(op: PaintOp): void {
    this.assertUsable();
    const meta = this.roomMeta;
    if (!meta) throw new PaintscapeError(ErrorCode.InvalidDocument, 'the room is not initialized (no valid meta.room)', { field: 'meta' });
    if (this.entries.length >= PAINT_LIMITS.maxLogOps) {
      throw new PaintscapeError(ErrorCode.InvalidOperation, `the log holds ${this.entries.length} ops (maxLogOps ${PAINT_LIMITS.maxLogOps}); compact() first`, { field: 'log', value: this.entries.length });
    }
    const normalized = validateOp(op, roomContext(meta));
    const bytes = encodeOp({ op: normalized, clientId: this.ydoc.clientID, userId: this.userId });
    if (bytes.length > PAINT_LIMITS.maxOpBytes) {
      throw new PaintscapeError(ErrorCode.InvalidOperation, `encoded op has ${bytes.length} bytes, more than maxOpBytes ${PAINT_LIMITS.maxOpBytes}`, { field: 'op', value: bytes.length });
    }
    this.paintingEntry = { raw: bytes, record: { op: normalized, clientId: this.ydoc.clientID, userId: this.userId } };
    try {
      this.ydoc.transact(() => { this.ops.push([bytes]); }, this.origin);
    } finally {
      this.paintingEntry = null;
    }
  }

  /** Undoes this document's most recent own op still in the log; false if none. */
  undo(): boolean {
    this.assertUsable();
    return this.undoManager.undo() !== null;
  }

  redo(): boolean {
    this.assertUsable();
    return this.undoManager.redo() !== null;
  }

  canUndo(): boolean { return this.undoManager.canUndo(); }
  canRedo(): boolean { return this.undoManager.canRedo(); }

  /**
   * Bakes the first `count` log entries (default: all) into a new base snapshot and deletes
   * them, in ONE transaction. Ops appended concurrently by peers that have not seen this are
   * not touched (Yjs deletes only the items this doc has seen) and replay after the new base.
   * Baked ops can no longer be undone.
   */
  compact(count: number = this.entries.length): CompactResult {
    this.assertUsable();
    const meta = this.roomMeta;
    if (!meta || !this.baseRaster) throw new PaintscapeError(ErrorCode.InvalidDocument, 'the room is not initialized (no valid meta.room)', { field: 'meta' });
    if (!Number.isInteger(count) || count < 0 || count > this.entries.length) {
      throw new PaintscapeError(ErrorCode.InvalidArgument, `count must be an integer in [0, ${this.entries.length}], got ${count}`, { field: 'count', value: count });
    }
    if (this.ydoc._transaction !== null || this.entries.length !== this.ops.length) {
      // Inside a transaction our view of the log is not final yet; baking it could drop ops.
      throw new PaintscapeError(ErrorCode.InvalidDocument, 'compact() cannot run inside a Yjs transaction', { field: 'transaction' });
    }
    if (count === 0) return { count: 0, epoch: this.baseEpoch };
    const raster = createRoomRaster(meta);
    const start = this.latestCheckpoint(count);
    raster.data.set(start ? start.data : this.baseRaster.data);
    for (let i = start ? start.count : 0; i < count; i++) {
      const record = this.entries[i]!.record;
      if (record) applyOp(raster, record.op);
    }
    const epoch = this.baseEpoch + count;
    const key = ROOM_KEYS.baseSnapshotPrefix + String(this.ydoc.clientID);
    const value: BaseSnapshotValue = { epoch, width: meta.width, height: meta.height, raster: rasterToBytes(raster), compactedBy: this.ydoc.clientID };
    this.ydoc.transact(() => {
      // Older snapshots this doc has seen are superseded; concurrent unseen ones survive and
      // the highest epoch wins on every peer.
      for (const other of [...this.baseMap.keys()]) if (other !== key) this.baseMap.delete(other);
      this.baseMap.set(key, value);
      this.ops.delete(0, count);
    }, this.compactOrigin);
    return { count, epoch };
  }

  /** Detaches from the Y.Doc; the document is unusable afterwards. */
  destroy(): void {
    if (this.destroyed) return;
    this.destroyed = true;
    this.ops.unobserve(this.onOps);
    this.baseMap.unobserve(this.onBase);
    this.metaMap.unobserve(this.onMeta);
    this.ydoc.off('afterTransaction', this.onAfterTransaction);
    this.undoManager.destroy();
    this.checkpoints = [];
    for (const set of Object.values(this.listeners)) set.clear();
  }

  private assertUsable(): void {
    if (this.destroyed) throw new PaintscapeError(ErrorCode.InvalidDocument, 'the PaintDocument was destroyed', { field: 'document' });
  }

  /**
   * Notes a log change. A transaction started by this document's own paint() only appends its
   * one entry (fast path). Anything else is found by diffing the array against `entries` by
   * reference in flush(): Yjs's `event.changes` is quadratic for large inserts.
   */
  private recordLogDelta(event: Y.YArrayEvent<unknown>): void {
    this.pendingLog = true;
    if (event.transaction.origin === this.origin && this.paintingEntry && !this.pendingDiff) {
      this.pendingOwnAppends.push(this.paintingEntry);
    } else {
      this.pendingDiff = true;
    }
  }

  /**
   * Brings `entries` in line with the Y.Array; returns the first changed index and whether the
   * change only appended at the end.
   */
  private syncEntries(): { firstChange: number; onlyAppends: boolean } {
    const old = this.entries;
    if (!this.pendingDiff) {
      const firstChange = old.length;
      for (const entry of this.pendingOwnAppends) old.push(entry);
      this.pendingOwnAppends = [];
      return { firstChange, onlyAppends: true };
    }
    this.pendingDiff = false;
    this.pendingOwnAppends = [];
    const now = this.ops.toArray();
    let prefix = 0;
    while (prefix < old.length && prefix < now.length && sameEntry(old[prefix]!, now[prefix])) prefix++;
    let suffix = 0;
    while (suffix < old.length - prefix && suffix < now.length - prefix && sameEntry(old[old.length - 1 - suffix]!, now[now.length - 1 - suffix])) suffix++;
    const middle = now.slice(prefix, now.length - suffix).map((raw): LogEntry => ({ raw, record: undefined }));
    this.entries = old.slice(0, prefix).concat(middle, old.slice(old.length - suffix));
    return { firstChange: prefix, onlyAppends: prefix === old.length };
  }

  private emit<K extends keyof PaintDocumentEvents>(event: K, payload: Parameters<PaintDocumentEvents[K]>[0]): void {
    for (const listener of this.listeners[event]) {
      try {
        (listener as (p: typeof payload) => void)(payload);
      } catch (error) {
        if (event !== 'error') this.emit('error', error);
      }
    }
  }

  /** Processes everything observed in the finished transaction. Never throws into Yjs. */
  private flush(): void {
    if (!this.pendingMeta && !this.pendingBase && !this.pendingLog) return;
    const metaChanged = this.pendingMeta;
    const baseChanged = this.pendingBase;
    const logChanged = this.pendingLog;
    this.pendingMeta = this.pendingBase = this.pendingLog = false;
    try {
      const { firstChange, onlyAppends } = logChanged ? this.syncEntries() : { firstChange: Infinity, onlyAppends: true };
      if (metaChanged) {
        if (this.reloadMeta()) this.rebuild('meta');
      } else if (!this.roomMeta) {
        return;
      } else if (baseChanged) {
        this.reloadBase();
        this.rebuild('base');
      } else if (logChanged) {
        this.decodePending(firstChange);
        if (onlyAppends) this.applyAppended(firstChange);
        else this.replayFrom(firstChange);
      }
    } catch (error) {
      this.emit('error', error);
    }
  }

  /** Re-reads meta; returns whether the raster must be rebuilt. */
  private reloadMeta(): boolean {
    let meta: RoomMeta | null = null;
    try {
      meta = readRoomMeta(this.ydoc);
    } catch (error) {
      this.emit('skipped', { index: -1, reason: error instanceof Error ? error.message : String(error), field: 'meta' });
    }
    const old = this.roomMeta;
    if (meta && old && JSON.stringify(meta) === JSON.stringify(old)) {
      // Same meta re-written (e.g. a concurrent identical init): nothing to rebuild unless base/log changed too.
      this.reloadBase();
      return true;
    }
    this.roomMeta = meta;
    for (const entry of this.entries) entry.record = undefined;
    if (!meta) {
      this.live = null;
      this.baseRaster = null;
      this.checkpoints = [];
      return old !== null;
    }
    this.reloadBase();
    return true;
  }

  private reloadBase(): void {
    const meta = this.roomMeta!;
    const skipped: SkippedEntry[] = [];
    const base = readRoomBase(this.ydoc, meta, skipped);
    for (const s of skipped) this.emit('skipped', s);
    this.baseRaster = base.raster;
    this.baseEpoch = base.epoch;
    this.checkpoints = [];
  }

  /** Decodes entries that arrived since the last flush, reporting malformed ones. */
  private decodePending(from = 0): void {
    const ctx = roomContext(this.roomMeta!);
    for (let index = from; index < this.entries.length; index++) {
      const entry = this.entries[index]!;
      if (entry.record !== undefined) continue;
      try {
        entry.record = decodeOp(entry.raw, ctx);
      } catch (error) {
        entry.record = null;
        const field = error instanceof PaintscapeError ? (error.details?.field as string | undefined) : undefined;
        this.emit('skipped', { index, reason: error instanceof Error ? error.message : String(error), ...(field ? { field } : {}) });
      }
    }
  }

  private bump(dirty: Rect | null, cause: DocChangeCause): void {
    this.versionCounter++;
    this.emit('change', { version: this.versionCounter, dirty, cause });
  }

  /** Applies entries[from..] on top of the live raster (they were appended at the end). */
  private applyAppended(from: number): void {
    const raster = this.live!;
    let dirty: Rect | null = null;
    for (let i = from; i < this.entries.length; i++) {
      const record = this.entries[i]!.record;
      if (record) { dirty = unionRect(dirty, applyOp(raster, record.op)); this.counters.opsApplied++; }
      this.maybeCheckpoint(i + 1);
    }
    this.bump(dirty, 'append');
  }

  /** Restores the latest checkpoint at or before `firstChange` and replays the rest of the log. */
  private replayFrom(firstChange: number): void {
    this.checkpoints = this.checkpoints.filter((c) => c.count <= firstChange);
    const raster = this.live!;
    const previous = this.snapshotForDiff(raster);
    const start = this.latestCheckpoint(firstChange);
    raster.data.set(start ? start.data : this.baseRaster!.data);
    if (start) this.counters.replaysFromCheckpoint++;
    else this.counters.replaysFromBase++;
    this.replayEntries(start ? start.count : 0);
    this.bump(diffRect(previous, raster), 'reorder');
  }

  /** Rebuilds the live raster from the base (keeps the raster object when the size is unchanged). */
  private rebuild(cause: DocChangeCause): void {
    const meta = this.roomMeta;
    if (!meta) {
      this.bump(null, cause);
      return;
    }
    this.decodePending();
    this.checkpoints = [];
    this.counters.replaysFromBase++;
    const old = this.live;
    let dirty: Rect | null;
    if (old && old.width === meta.width && old.height === meta.height && old.data.constructor === this.baseRaster!.data.constructor) {
      const previous = this.snapshotForDiff(old);
      old.data.set(this.baseRaster!.data);
      this.replayEntries(0);
      dirty = diffRect(previous, old);
    } else {
      this.live = createRoomRaster(meta);
      this.scratch = null;
      this.live.data.set(this.baseRaster!.data);
      this.replayEntries(0);
      dirty = { x: 0, y: 0, width: meta.width, height: meta.height };
    }
    this.bump(dirty, cause);
  }

  private replayEntries(from: number): void {
    const raster = this.live!;
    for (let i = from; i < this.entries.length; i++) {
      const record = this.entries[i]!.record;
      if (record) { applyOp(raster, record.op); this.counters.opsApplied++; }
      this.maybeCheckpoint(i + 1);
    }
  }

  private snapshotForDiff(raster: SegMap): SegMap {
    if (!this.scratch || this.scratch.length !== raster.data.length || this.scratch.constructor !== raster.data.constructor) {
      this.scratch = raster.data.slice();
    } else {
      this.scratch.set(raster.data);
    }
    return { width: raster.width, height: raster.height, data: this.scratch };
  }

  private latestCheckpoint(atOrBefore: number): Checkpoint | null {
    for (let i = this.checkpoints.length - 1; i >= 0; i--) {
      const c = this.checkpoints[i]!;
      if (c.count <= atOrBefore) return c;
    }
    return null;
  }

  private maybeCheckpoint(count: number): void {
    if (count % this.tuning.checkpointInterval !== 0) return;
    const last = this.checkpoints[this.checkpoints.length - 1];
    if (last && last.count >= count) return;
    const live = this.live!.data;
    const limit = Math.min(this.tuning.maxCheckpoints, Math.floor(this.tuning.maxCheckpointBytes / live.byteLength));
    if (limit < 1) return;
    while (this.checkpoints.length > limit) this.checkpoints.shift();
    if (this.checkpoints.length >= limit) {
      // Reuse the oldest checkpoint's buffer instead of allocating (no GC churn while painting).
      const oldest = this.checkpoints.shift()!;
      if (oldest.data.length === live.length && oldest.data.constructor === live.constructor) {
        oldest.data.set(live);
        this.checkpoints.push({ count, data: oldest.data });
        return;
      }
    }
    this.checkpoints.push({ count, data: live.slice() });
  }
}

/**
 * Whether a known entry holds `raw`. Usually the same reference; our own paints hold the bytes we
 * pushed while Yjs stores a copy, so equal bytes also match (equal bytes replay identically) and
 * the entry adopts the stored reference so the next diff matches by identity.
 */
function sameEntry(entry: LogEntry, raw: unknown): boolean {
  if (entry.raw === raw) return true;
  const a = entry.raw;
  if (!(a instanceof Uint8Array) || !(raw instanceof Uint8Array) || a.length !== raw.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== raw[i]) return false;
  entry.raw = raw;
  return true;
}

/** Bounding box of the pixels that differ between two same-size rasters (null if identical). */
export function diffRect(a: SegMap, b: SegMap): Rect | null {
  const { width, height } = a;
  const da = a.data;
  const db = b.data;
  let top = -1;
  for (let y = 0; y < height && top < 0; y++) {
    for (let i = y * width, end = i + width; i < end; i++) if (da[i] !== db[i]) { top = y; break; }
  }
  if (top < 0) return null;
  let bottom = top;
  for (let y = height - 1; y > top; y--) {
    let differs = false;
    for (let i = y * width, end = i + width; i < end; i++) if (da[i] !== db[i]) { differs = true; break; }
    if (differs) { bottom = y; break; }
  }
  let left = width;
  let right = -1;
  for (let y = top; y <= bottom; y++) {
    const row = y * width;
    for (let x = 0; x < left; x++) if (da[row + x] !== db[row + x]) { left = x; break; }
    for (let x = width - 1; x > right; x--) if (da[row + x] !== db[row + x]) { right = x; break; }
  }
  return { x: left, y: top, width: right - left + 1, height: bottom - top + 1 };
}
