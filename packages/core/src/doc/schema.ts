import * as Y from 'yjs';
import { PaintscapeError, ErrorCode } from '../errors.js';
import { createSegMap, type SegMap } from '../segmap/segmap.js';
import { decodeOp } from './encoding.js';
import { PAINT_LIMITS } from './limits.js';
import { isWideLabelCount, unlabeledValue, type OpContext, type PaintOpRecord } from './ops.js';
import { applyOp } from './raster.js';

/** Names of the shared types of a room in its Y.Doc (PROTOCOL.md §Schema). */
export const ROOM_KEYS = Object.freeze({
  /** Y.Map holding the single key `room` → RoomMeta (one key so concurrent inits cannot mix). */
  meta: 'meta',
  /** Key of the RoomMeta value inside the `meta` map. */
  metaRoom: 'room',
  /** Y.Map of compacted base rasters: key `snapshot:<clientID>` → BaseSnapshotValue. */
  base: 'base',
  /** Prefix of base snapshot keys; the suffix is the compacting doc's clientID. */
  baseSnapshotPrefix: 'snapshot:',
  /** Y.Array<Uint8Array> of encoded paint ops, in replay order. */
  ops: 'ops',
});

/** Immutable room description, stored as one value under `meta.room`. */
export interface RoomMeta {
  readonly schemaVersion: number;
  readonly width: number;
  readonly height: number;
  /** Id of the label set the labels index into (see the labels area). */
  readonly labelSetId: string;
  /** Labels 0..labelCount-1 are valid; > 255 makes the raster Uint16. */
  readonly labelCount: number;
  /** Label of every pixel of the initial (epoch 0) base raster. */
  readonly fill: number;
}

export interface RoomInit {
  readonly width: number;
  readonly height: number;
  readonly labelSetId: string;
  readonly labelCount: number;
  /** Initial label of every pixel; default the unlabeled value. */
  readonly fill?: number;
}

/** A compacted base raster as stored in the `base` map. */
export interface BaseSnapshotValue {
  /** Total number of ops ever baked into this raster (epoch 0 = the uniform `fill`). */
  readonly epoch: number;
  readonly width: number;
  readonly height: number;
  /** Row-major pixels; Uint16 rooms store each pixel as 2 bytes little-endian. */
  readonly raster: Uint8Array;
  /** clientID of the doc that compacted. */
  readonly compactedBy: number;
}

/** The base a replay starts from. */
export interface RoomBase {
  readonly epoch: number;
  readonly raster: SegMap;
  /** Key of the chosen snapshot in the `base` map, or null for the implicit epoch-0 fill. */
  readonly key: string | null;
}

/** An entry of the log that replay skips, with why. */
export interface SkippedEntry {
  /** Index in the ops array, or -1 for a base snapshot. */
  readonly index: number;
  readonly reason: string;
  readonly field?: string;
}

/** Everything needed to replay a room, read from a Y.Doc. */
export interface RoomState {
  readonly meta: RoomMeta;
  readonly base: RoomBase;
  /** Valid ops in log order (malformed entries are left out and listed in `skipped`). */
  readonly records: readonly PaintOpRecord[];
  readonly skipped: readonly SkippedEntry[];
}

function checkRoomInt(value: unknown, field: string, min: number, max: number, code: string): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    throw new PaintscapeError(code, `${field} must be an integer in [${min}, ${max}], got ${String(value)}`, { field, value });
  }
  return value;
}

/** Validates a room description; `code` is invalid_argument for callers, invalid_document for stored data. */
function checkRoom(value: unknown, code: string): RoomMeta {
  if (value === null || typeof value !== 'object') throw new PaintscapeError(code, 'room meta must be an object', { field: 'meta' });
  const v = value as Record<string, unknown>;
  const width = checkRoomInt(v.width, 'width', 1, PAINT_LIMITS.maxMapSide, code);
  const height = checkRoomInt(v.height, 'height', 1, PAINT_LIMITS.maxMapSide, code);
  const labelCount = checkRoomInt(v.labelCount, 'labelCount', 1, PAINT_LIMITS.maxLabelCount, code);
  if (typeof v.labelSetId !== 'string' || v.labelSetId.length === 0 || v.labelSetId.length > 200) {
    throw new PaintscapeError(code, `labelSetId must be a non-empty string of at most 200 chars, got ${String(v.labelSetId)}`, { field: 'labelSetId', value: v.labelSetId });
  }
  const unlabeled = unlabeledValue(labelCount);
  const fill = checkRoomInt(v.fill ?? unlabeled, 'fill', 0, unlabeled, code);
  if (fill >= labelCount && fill !== unlabeled) {
    throw new PaintscapeError(code, `fill must be < labelCount ${labelCount} or the unlabeled value ${unlabeled}, got ${fill}`, { field: 'fill', value: fill });
  }
  const schemaVersion = v.schemaVersion ?? PAINT_LIMITS.schemaVersion;
  if (schemaVersion !== PAINT_LIMITS.schemaVersion) {
    throw new PaintscapeError(code, `schemaVersion ${String(schemaVersion)} is not supported (expected ${PAINT_LIMITS.schemaVersion})`, { field: 'schemaVersion', value: schemaVersion });
  }
  return { schemaVersion: PAINT_LIMITS.schemaVersion, width, height, labelSetId: v.labelSetId, labelCount, fill };
}

/** The op-validation context of a room. */
export function roomContext(meta: RoomMeta): OpContext {
  return { width: meta.width, height: meta.height, labelCount: meta.labelCount };
}

/** A blank raster of the room's size and data type, filled with `meta.fill`. */
export function createRoomRaster(meta: RoomMeta): SegMap {
  return createSegMap(meta.width, meta.height, { fill: meta.fill, wide: isWideLabelCount(meta.labelCount) });
}

/**
 * Initializes the room in `ydoc` unless it already is; returns the effective meta.
 * Idempotent. Concurrent inits by two peers both write `meta.room`; Yjs keeps exactly one of
 * the two values on every peer (map last-writer-wins), and because the whole description is
 * one value (and the initial base is implied by it) peers can never mix sizes. Peers rebuild
 * their raster when the winning value arrives. Recommended: the server initializes rooms.
 */
export function initRoom(ydoc: Y.Doc, init: RoomInit): RoomMeta {
  const meta = checkRoom({ ...init, schemaVersion: PAINT_LIMITS.schemaVersion }, ErrorCode.InvalidArgument);
  const existing = readRoomMeta(ydoc);
  if (existing) return existing;
  ydoc.transact(() => {
    ydoc.getMap(ROOM_KEYS.meta).set(ROOM_KEYS.metaRoom, { ...meta });
  });
  return meta;
}

/** The room's meta, or null if not initialized. Throws invalid_document if it is malformed. */
export function readRoomMeta(ydoc: Y.Doc): RoomMeta | null {
  const value = ydoc.getMap(ROOM_KEYS.meta).get(ROOM_KEYS.metaRoom);
  if (value === undefined) return null;
  return checkRoom(value, ErrorCode.InvalidDocument);
}

/** Encodes a raster as snapshot bytes (Uint16 → little-endian). */
export function rasterToBytes(raster: SegMap): Uint8Array {
  if (raster.data instanceof Uint8Array) return raster.data.slice();
  const out = new Uint8Array(raster.data.length * 2);
  for (let i = 0; i < raster.data.length; i++) {
    const v = raster.data[i]!;
    out[2 * i] = v & 0xff;
    out[2 * i + 1] = v >> 8;
  }
  return out;
}

function bytesToRaster(bytes: Uint8Array, meta: RoomMeta): SegMap {
  const raster = createRoomRaster(meta);
  if (raster.data instanceof Uint8Array) raster.data.set(bytes);
  else for (let i = 0; i < raster.data.length; i++) raster.data[i] = bytes[2 * i]! | (bytes[2 * i + 1]! << 8);
  return raster;
}

/** Why a stored snapshot value cannot be used with `meta`, or null if it can. */
function snapshotProblem(value: unknown, meta: RoomMeta): { reason: string; field: string } | null {
  if (value === null || typeof value !== 'object') return { reason: 'snapshot must be an object', field: 'snapshot' };
  const v = value as Record<string, unknown>;
  if (typeof v.epoch !== 'number' || !Number.isSafeInteger(v.epoch) || v.epoch < 1) return { reason: `snapshot epoch must be a positive integer, got ${String(v.epoch)}`, field: 'epoch' };
  if (v.width !== meta.width || v.height !== meta.height) return { reason: `snapshot size ${String(v.width)}x${String(v.height)} does not match room ${meta.width}x${meta.height}`, field: 'width' };
  const bytesPerPixel = isWideLabelCount(meta.labelCount) ? 2 : 1;
  if (!(v.raster instanceof Uint8Array) || v.raster.length !== meta.width * meta.height * bytesPerPixel) {
    return { reason: `snapshot raster must be a Uint8Array of ${meta.width * meta.height * bytesPerPixel} bytes`, field: 'raster' };
  }
  return null;
}

/**
 * Picks the base snapshot: the valid entry with the highest epoch (ties: the larger key), so
 * that concurrent compactions resolve identically on every peer. Invalid entries are reported
 * in `skipped` and ignored; no valid entry means the implicit epoch-0 raster of `meta.fill`.
 */
export function readRoomBase(ydoc: Y.Doc, meta: RoomMeta, skipped?: SkippedEntry[]): RoomBase {
  const map = ydoc.getMap(ROOM_KEYS.base);
  let bestKey: string | null = null;
  let best: BaseSnapshotValue | null = null;
  for (const [key, value] of map.entries()) {
    if (!key.startsWith(ROOM_KEYS.baseSnapshotPrefix)) continue;
    const problem = snapshotProblem(value, meta);
    if (problem) {
      skipped?.push({ index: -1, reason: `base ${key}: ${problem.reason}`, field: problem.field });
      continue;
    }
    const snap = value as BaseSnapshotValue;
    if (best === null || snap.epoch > best.epoch || (snap.epoch === best.epoch && key > bestKey!)) {
      best = snap;
      bestKey = key;
    }
  }
  if (best === null) return { epoch: 0, raster: createRoomRaster(meta), key: null };
  return { epoch: best.epoch, raster: bytesToRaster(best.raster, meta), key: bestKey };
}

/** Reads meta, base and the decoded log of a room (null if not initialized). */
export function readRoomState(ydoc: Y.Doc): RoomState | null {
  const meta = readRoomMeta(ydoc);
  if (!meta) return null;
  const skipped: SkippedEntry[] = [];
  const base = readRoomBase(ydoc, meta, skipped);
  const ctx = roomContext(meta);
  const records: PaintOpRecord[] = [];
  ydoc.getArray<unknown>(ROOM_KEYS.ops).toArray().forEach((entry, index) => {
    try {
      records.push(decodeOp(entry, ctx));
    } catch (error) {
      const field = error instanceof PaintscapeError ? (error.details?.field as string | undefined) : undefined;
      skipped.push({ index, reason: error instanceof Error ? error.message : String(error), ...(field ? { field } : {}) });
    }
  });
  return { meta, base, records, skipped };
}

/** A fresh full replay of the room (base + every valid op); null if not initialized. */
export function replayRoom(ydoc: Y.Doc): SegMap | null {
  const state = readRoomState(ydoc);
  if (!state) return null;
  const raster = state.base.raster;
  for (const record of state.records) applyOp(raster, record.op);
  return raster;
}

