import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { PaintscapeError } from '../errors.js';
import {
  PAINT_LIMITS, PaintDocument, ROOM_KEYS, decodeOp, encodeOp, initRoom, readRoomMeta, readRoomState,
  replayRoom, type DocChangeEvent, type PaintOp, type SkippedOpEvent,
} from './index.js';

const ROOM = { width: 16, height: 12, labelSetId: 'test', labelCount: 10 } as const;

function syncAll(...docs: Y.Doc[]): void {
  for (const from of docs) for (const to of docs) if (from !== to) Y.applyUpdate(to, Y.encodeStateAsUpdate(from, Y.encodeStateVector(to)));
}

function codeAndField(fn: () => unknown): { code: string; field: unknown } {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(PaintscapeError);
    const e = error as PaintscapeError;
    return { code: e.code, field: e.details?.field };
  }
  throw new Error('expected a PaintscapeError');
}

function freshEqualsLive(doc: PaintDocument): void {
  expect(Array.from(doc.raster!.data)).toEqual(Array.from(replayRoom(doc.ydoc)!.data));
}

describe('initRoom', () => {
  it('initializes once and is idempotent', () => {
    const ydoc = new Y.Doc();
    const meta = initRoom(ydoc, ROOM);
    expect(meta).toEqual({ schemaVersion: 1, width: 16, height: 12, labelSetId: 'test', labelCount: 10, fill: 255 });
    expect(initRoom(ydoc, { ...ROOM, width: 99 })).toEqual(meta);
    expect(readRoomMeta(ydoc)).toEqual(meta);
  });

  it('rejects bad arguments naming the field', () => {
    const ydoc = new Y.Doc();
    expect(codeAndField(() => initRoom(ydoc, { ...ROOM, width: 0 }))).toEqual({ code: 'invalid_argument', field: 'width' });
    expect(codeAndField(() => initRoom(ydoc, { ...ROOM, height: PAINT_LIMITS.maxMapSide + 1 }))).toEqual({ code: 'invalid_argument', field: 'height' });
    expect(codeAndField(() => initRoom(ydoc, { ...ROOM, labelCount: 0 }))).toEqual({ code: 'invalid_argument', field: 'labelCount' });
    expect(codeAndField(() => initRoom(ydoc, { ...ROOM, labelCount: PAINT_LIMITS.maxLabelCount + 1 }))).toEqual({ code: 'invalid_argument', field: 'labelCount' });
    expect(codeAndField(() => initRoom(ydoc, { ...ROOM, fill: 10 }))).toEqual({ code: 'invalid_argument', field: 'fill' });
    expect(codeAndField(() => initRoom(ydoc, { ...ROOM, labelSetId: '' }))).toEqual({ code: 'invalid_argument', field: 'labelSetId' });
    expect(readRoomMeta(ydoc)).toBeNull();
    expect(initRoom(ydoc, { ...ROOM, width: PAINT_LIMITS.maxMapSide, height: 1 }).width).toBe(PAINT_LIMITS.maxMapSide);
  });

  it('concurrent inits with different sizes converge to one room on every peer', () => {
    const a = new Y.Doc(), b = new Y.Doc();
    const docA = new PaintDocument(a), docB = new PaintDocument(b);
    initRoom(a, { ...ROOM, width: 8, fill: 1 });
    initRoom(b, { ...ROOM, width: 20, fill: 2 });
    docA.paint({ kind: 'stroke', label: 3, radius: 1, points: [7, 5] });
    docB.paint({ kind: 'stroke', label: 4, radius: 1, points: [19, 5] });
    syncAll(a, b);
    expect(docA.meta).toEqual(docB.meta);
    expect(docA.raster!.width).toBe(docB.meta!.width);
    expect(Array.from(docA.raster!.data)).toEqual(Array.from(docB.raster!.data));
    freshEqualsLive(docA);
    // the op outside the winning size is skipped, never painted out of bounds
    const state = readRoomState(a)!;
    expect(state.records.length + state.skipped.length).toBe(2);
  });

  it('uses Uint16 rasters for more than 255 labels', () => {
    const ydoc = new Y.Doc();
    initRoom(ydoc, { ...ROOM, labelCount: 300, fill: 299 });
    const doc = new PaintDocument(ydoc);
    expect(doc.raster!.data).toBeInstanceOf(Uint16Array);
    doc.paint({ kind: 'stroke', label: 290, radius: 0, points: [1, 1] });
    doc.paint({ kind: 'erase', radius: 0, points: [2, 2] });
    expect(doc.raster!.data[1 * 16 + 1]).toBe(290);
    expect(doc.raster!.data[2 * 16 + 2]).toBe(65535);
    doc.compact();
    expect(doc.epoch).toBe(2);
    freshEqualsLive(doc);
    expect(doc.raster!.data[1 * 16 + 1]).toBe(290);
  });
});

describe('PaintDocument', () => {
  it('paints incrementally with versions and dirty rectangles', () => {
    const ydoc = new Y.Doc();
    initRoom(ydoc, ROOM);
    const doc = new PaintDocument(ydoc, { userId: 'alice' });
    const events: DocChangeEvent[] = [];
    doc.on('change', (e) => events.push(e));
    const v0 = doc.version;
    doc.paint({ kind: 'stroke', label: 1, radius: 1, points: [3, 3, 6, 3] });
    expect(events).toEqual([{ version: v0 + 1, dirty: { x: 2, y: 2, width: 6, height: 3 }, cause: 'append' }]);
    expect(doc.raster!.data[3 * 16 + 4]).toBe(1);
    expect(doc.records()[0]).toMatchObject({ userId: 'alice', clientId: ydoc.clientID });
    expect(doc.opCount).toBe(1);
    freshEqualsLive(doc);
  });

  it('validates paint() input and names the field', () => {
    const ydoc = new Y.Doc();
    const doc = new PaintDocument(ydoc);
    expect(codeAndField(() => doc.paint({ kind: 'clear', label: 1 }))).toEqual({ code: 'invalid_document', field: 'meta' });
    initRoom(ydoc, ROOM);
    const cases: [unknown, string][] = [
      [{ kind: 'blob', label: 1 }, 'kind'],
      [{ kind: 'stroke', label: 10, radius: 1, points: [1, 1] }, 'label'],
      [{ kind: 'stroke', label: 1.5, radius: 1, points: [1, 1] }, 'label'],
      [{ kind: 'stroke', label: 1, radius: PAINT_LIMITS.maxRadius + 1, points: [1, 1] }, 'radius'],
      [{ kind: 'stroke', label: 1, radius: -1, points: [1, 1] }, 'radius'],
      [{ kind: 'stroke', label: 1, radius: 1, points: [16, 1] }, 'points[0]'],
      [{ kind: 'stroke', label: 1, radius: 1, points: [1, -1] }, 'points[1]'],
      [{ kind: 'stroke', label: 1, radius: 1, points: [1] }, 'points'],
      [{ kind: 'stroke', label: 1, radius: 1, points: [] }, 'points'],
      [{ kind: 'stroke', label: 1, radius: 1, points: 'nope' }, 'points'],
      [{ kind: 'polygon', label: 1, filled: true, points: [1, 1, 2, 2] }, 'points'],
      [{ kind: 'polygon', label: 1, filled: 'yes', points: [1, 1, 2, 2, 3, 1] }, 'filled'],
      [{ kind: 'line', label: 1, radius: 1, x0: 0, y0: 0, x1: 0, y1: 12 }, 'y1'],
      [{ kind: 'rect', label: 1, filled: true, x0: 0, y0: 0, x1: 16, y1: 1 }, 'x1'],
      [{ kind: 'fill', label: 1, x: 0, y: Number.NaN }, 'y'],
      [{ kind: 'erase', radius: 1, points: [1, 1, 2] }, 'points'],
      [null, 'op'],
    ];
    for (const [op, field] of cases) expect(codeAndField(() => doc.paint(op as PaintOp)), JSON.stringify(op)).toEqual({ code: 'invalid_operation', field });
    expect(doc.opCount).toBe(0);
  });

  it('enforces maxPointsPerOp, maxRadius and maxUserIdBytes at the limit', () => {
    const ydoc = new Y.Doc();
    initRoom(ydoc, { ...ROOM, width: 512, height: 512 });
    const doc = new PaintDocument(ydoc, { userId: 'é'.repeat(PAINT_LIMITS.maxUserIdBytes / 2) });
    const points = (n: number) => Array.from({ length: 2 * n }, (_, i) => (i * 37) % 512);
    doc.paint({ kind: 'stroke', label: 1, radius: PAINT_LIMITS.maxRadius, points: points(PAINT_LIMITS.maxPointsPerOp) });
    expect(codeAndField(() => doc.paint({ kind: 'stroke', label: 1, radius: 1, points: points(PAINT_LIMITS.maxPointsPerOp + 1) }))).toEqual({ code: 'invalid_operation', field: 'points' });
    expect(doc.opCount).toBe(1);
    expect(doc.records()[0]!.userId).toBe('é'.repeat(64));
    expect(codeAndField(() => new PaintDocument(ydoc, { userId: 'x'.repeat(PAINT_LIMITS.maxUserIdBytes + 1) }))).toEqual({ code: 'invalid_argument', field: 'userId' });
    expect(codeAndField(() => new PaintDocument(ydoc, { tuning: { checkpointInterval: 0 } }))).toEqual({ code: 'invalid_argument', field: 'tuning.checkpointInterval' });
  }, 60_000);

  it('refuses to paint once the log holds maxLogOps ops', () => {
    const ydoc = new Y.Doc();
    initRoom(ydoc, { ...ROOM, width: 2, height: 2 });
    const doc = new PaintDocument(ydoc);
    const clear = encodeOp({ op: { kind: 'clear', label: 1 }, clientId: 1, userId: '' });
    ydoc.getArray(ROOM_KEYS.ops).push(new Array<Uint8Array>(PAINT_LIMITS.maxLogOps - 1).fill(clear));
    doc.paint({ kind: 'clear', label: 2 });
    expect(codeAndField(() => doc.paint({ kind: 'clear', label: 3 }))).toEqual({ code: 'invalid_operation', field: 'log' });
    doc.compact();
    doc.paint({ kind: 'clear', label: 3 });
    expect(doc.raster!.data[0]).toBe(3);
  }, 60_000);

  it('skips malformed ops from other clients with a reason, never corrupting the raster', () => {
    const ydoc = new Y.Doc();
    initRoom(ydoc, ROOM);
    const doc = new PaintDocument(ydoc);
    const skipped: SkippedOpEvent[] = [];
    const errors: unknown[] = [];
    doc.on('skipped', (e) => skipped.push(e));
    doc.on('error', (e) => errors.push(e));
    doc.paint({ kind: 'stroke', label: 1, radius: 2, points: [5, 5] });

    // A remote peer writes junk straight into the shared array.
    const remote = new Y.Doc();
    Y.applyUpdate(remote, Y.encodeStateAsUpdate(ydoc));
    const valid = encodeOp({ op: { kind: 'fill', label: 2, x: 0, y: 0 }, clientId: 9, userId: 'bob' });
    const enc = (op: Record<string, unknown>) => encodeOp({ op: op as unknown as PaintOp, clientId: 9, userId: '' });
    const hugeRadius = enc({ kind: 'stroke', label: 1, radius: 100_000, points: [1, 1] });
    const badLabel = enc({ kind: 'stroke', label: 200, radius: 1, points: [1, 1] });
    const outside = enc({ kind: 'line', label: 1, radius: 1, x0: 0, y0: 0, x1: 400, y1: 3 });
    const tooMany = enc({ kind: 'stroke', label: 1, radius: 1, points: new Array(2 * (PAINT_LIMITS.maxPointsPerOp + 1)).fill(1) });
    const junk: unknown[] = [
      'not bytes', 42, { kind: 'clear', label: 1 }, new Uint8Array([]), new Uint8Array([2, 1]), new Uint8Array([1, 99]),
      valid.subarray(0, valid.length - 1), Uint8Array.from([...valid, 0]), hugeRadius, badLabel, outside, tooMany,
      new Uint8Array(PAINT_LIMITS.maxOpBytes + 1),
    ];
    remote.getArray(ROOM_KEYS.ops).push(junk);
    remote.getArray(ROOM_KEYS.ops).push([valid]);
    syncAll(remote, ydoc);

    expect(errors).toEqual([]);
    expect(skipped.map((s) => s.index)).toEqual(junk.map((_, i) => i + 1));
    expect(skipped.map((s) => s.field)).toEqual([
      'entry', 'entry', 'entry', 'format', 'format', 'kind', 'y', 'op', 'radius', 'label', 'x1', 'points', 'entry',
    ]);
    // only the two valid ops applied: the disc, then the fill of the unlabeled background
    expect(doc.raster!.data[0]).toBe(2);
    expect(doc.raster!.data[5 * 16 + 5]).toBe(1);
    freshEqualsLive(doc);
    expect(readRoomState(ydoc)!.skipped).toHaveLength(junk.length);
  });

  it('skips a malformed base snapshot and a malformed meta without throwing', () => {
    const ydoc = new Y.Doc();
    initRoom(ydoc, ROOM);
    const doc = new PaintDocument(ydoc);
    const skipped: SkippedOpEvent[] = [];
    doc.on('skipped', (e) => skipped.push(e));
    ydoc.getMap(ROOM_KEYS.base).set('snapshot:1', { epoch: 5, width: 16, height: 12, raster: new Uint8Array(3), compactedBy: 1 });
    expect(skipped.map((s) => s.field)).toEqual(['raster']);
    expect(doc.epoch).toBe(0);
    ydoc.getMap(ROOM_KEYS.meta).set(ROOM_KEYS.metaRoom, { width: -1 });
    expect(doc.meta).toBeNull();
    expect(doc.raster).toBeNull();
    expect(skipped.at(-1)!.field).toBe('meta');
  });

  it('undo/redo affect only this client’s own ops', () => {
    const a = new Y.Doc(), b = new Y.Doc();
    initRoom(a, ROOM);
    syncAll(a, b);
    const docA = new PaintDocument(a), docB = new PaintDocument(b);
    docA.paint({ kind: 'rect', label: 1, filled: true, x0: 0, y0: 0, x1: 5, y1: 5 });
    syncAll(a, b);
    docB.paint({ kind: 'rect', label: 2, filled: true, x0: 3, y0: 3, x1: 8, y1: 8 });
    docA.paint({ kind: 'stroke', label: 3, radius: 0, points: [15, 11] });
    syncAll(a, b);
    expect(docA.canUndo()).toBe(true);
    expect(docA.undo()).toBe(true);
    expect(docA.undo()).toBe(true);
    expect(docA.undo()).toBe(false);
    syncAll(a, b);
    expect(docB.records().map((r) => r!.op.kind)).toEqual(['rect']);
    expect(docB.records()[0]!.clientId).toBe(b.clientID);
    expect(Array.from(docA.raster!.data)).toEqual(Array.from(docB.raster!.data));
    expect(docA.raster!.data[0]).toBe(255);
    expect(docA.redo()).toBe(true);
    syncAll(a, b);
    expect(docB.raster!.data[0]).toBe(1);
    // the redone rect went back BEFORE B's rect (its original position): B's rect paints over it
    expect(docB.raster!.data[4 * 16 + 4]).toBe(2);
    freshEqualsLive(docA);
    freshEqualsLive(docB);
  });

  it('replays from a checkpoint when an op is inserted or removed mid-log', () => {
    const a = new Y.Doc(), b = new Y.Doc();
    initRoom(a, ROOM);
    syncAll(a, b);
    const docA = new PaintDocument(a, { tuning: { checkpointInterval: 4 } });
    const docB = new PaintDocument(b);
    docB.paint({ kind: 'fill', label: 7, x: 0, y: 0 });
    for (let i = 0; i < 20; i++) docA.paint({ kind: 'stroke', label: i % 5, radius: 1, points: [i % 16, i % 12] });
    const causes: string[] = [];
    docA.on('change', (e) => causes.push(e.cause));
    const before = docA.stats;
    expect(before).toMatchObject({ opsApplied: 20, replaysFromCheckpoint: 0 });
    // B's op lands before or after A's 20 (Yjs orders concurrent inserts by client id)
    syncAll(a, b);
    freshEqualsLive(docA);
    freshEqualsLive(docB);
    expect(Array.from(docA.raster!.data)).toEqual(Array.from(docB.raster!.data));
    expect(causes.length).toBe(1);
    // Undo of A's last op: replays from the checkpoint at 20 (or 16), not the whole log
    const beforeUndo = docA.stats;
    docA.undo();
    freshEqualsLive(docA);
    const after = docA.stats;
    expect(after.replaysFromCheckpoint).toBe(beforeUndo.replaysFromCheckpoint + 1);
    expect(after.opsApplied - beforeUndo.opsApplied).toBeLessThanOrEqual(4);
  });

  it('bounds checkpoint memory by maxCheckpointBytes', () => {
    const ydoc = new Y.Doc();
    initRoom(ydoc, ROOM);
    // 16×12 Uint8 raster = 192 bytes: a 200-byte budget allows one checkpoint, 100 bytes none
    for (const [budget, fromCheckpoint] of [[200, 1], [100, 0]] as const) {
      const doc = new PaintDocument(ydoc, { tuning: { checkpointInterval: 2, maxCheckpointBytes: budget } });
      const start = doc.opCount;
      // 7 ops: checkpoints after 2, 4, 6 ops; only the newest fits the budget, and undoing op 7 can use it
      for (let i = 0; i < 7; i++) doc.paint({ kind: 'stroke', label: 1, radius: 0, points: [i, 0] });
      expect(doc.opCount).toBe(start + 7);
      const before = doc.stats;
      doc.undo();
      expect(doc.stats.replaysFromCheckpoint - before.replaysFromCheckpoint).toBe(fromCheckpoint);
      expect(doc.stats.replaysFromBase - before.replaysFromBase).toBe(1 - fromCheckpoint);
      freshEqualsLive(doc);
      doc.destroy();
    }
    expect(codeAndField(() => new PaintDocument(ydoc, { tuning: { maxCheckpointBytes: -1 } }))).toEqual({ code: 'invalid_argument', field: 'tuning.maxCheckpointBytes' });
  });

  it('two concurrent compactions of nested prefixes converge without losing ops', () => {
    const a = new Y.Doc(), b = new Y.Doc();
    initRoom(a, ROOM);
    syncAll(a, b);
    const docA = new PaintDocument(a), docB = new PaintDocument(b);
    for (let i = 0; i < 6; i++) docA.paint({ kind: 'stroke', label: i % 3, radius: 1, points: [i * 2, i] });
    syncAll(a, b);
    const expected = Array.from(docA.raster!.data);
    docA.compact(2);
    docB.compact(5);
    docB.paint({ kind: 'stroke', label: 9, radius: 0, points: [15, 11] });
    syncAll(a, b);
    expected[11 * 16 + 15] = 9;
    for (const doc of [docA, docB]) {
      expect(doc.epoch).toBe(5);
      expect(doc.opCount).toBe(2);
      expect(Array.from(doc.raster!.data)).toEqual(expected);
      freshEqualsLive(doc);
    }
  });

  it('compact bakes a prefix in one transaction and keeps concurrent appends after it', () => {
    const a = new Y.Doc(), b = new Y.Doc();
    initRoom(a, ROOM);
    syncAll(a, b);
    const docA = new PaintDocument(a), docB = new PaintDocument(b);
    docA.paint({ kind: 'clear', label: 1 });
    docA.paint({ kind: 'rect', label: 2, filled: true, x0: 0, y0: 0, x1: 3, y1: 3 });
    syncAll(a, b);
    let transactions = 0;
    a.on('afterTransaction', () => transactions++);
    const before = Array.from(docA.raster!.data);
    // B appends concurrently with A's compaction (B has not seen it)
    docB.paint({ kind: 'fill', label: 3, x: 0, y: 0 });
    expect(docA.compact()).toEqual({ count: 2, epoch: 2 });
    expect(transactions).toBe(1);
    expect(Array.from(docA.raster!.data)).toEqual(before);
    expect(docA.opCount).toBe(0);
    syncAll(a, b);
    for (const doc of [docA, docB]) {
      expect(doc.epoch).toBe(2);
      expect(doc.records().map((r) => r!.op.kind)).toEqual(['fill']);
      // the fill applied after the baked prefix: it recolours the rect (label 2) region
      expect(doc.raster!.data[0]).toBe(3);
      expect(doc.raster!.data[5 * 16 + 5]).toBe(1);
      freshEqualsLive(doc);
    }
    expect(codeAndField(() => docA.compact(5))).toEqual({ code: 'invalid_argument', field: 'count' });
  });

  it('handles several paints inside one enclosing transaction, and refuses compact() there', () => {
    const ydoc = new Y.Doc();
    initRoom(ydoc, ROOM);
    const doc = new PaintDocument(ydoc);
    const events: DocChangeEvent[] = [];
    doc.on('change', (e) => events.push(e));
    ydoc.transact(() => {
      doc.paint({ kind: 'clear', label: 1 });
      doc.paint({ kind: 'stroke', label: 2, radius: 0, points: [0, 0] });
      expect(codeAndField(() => doc.compact())).toEqual({ code: 'invalid_document', field: 'transaction' });
    }, doc.origin); // with the document's origin the batch is one undo step

    expect(events).toHaveLength(1);
    expect(doc.opCount).toBe(2);
    expect(doc.raster!.data[0]).toBe(2);
    expect(doc.raster!.data[1]).toBe(1);
    freshEqualsLive(doc);
    expect(doc.undo()).toBe(true);
    expect(doc.opCount).toBe(0);
    freshEqualsLive(doc);
  });

  it('allows painting from inside a change listener', () => {
    const ydoc = new Y.Doc();
    initRoom(ydoc, ROOM);
    const doc = new PaintDocument(ydoc);
    const errors: unknown[] = [];
    doc.on('error', (e) => errors.push(e));
    let echoed = false;
    doc.on('change', () => {
      if (echoed || doc.opCount !== 1) return;
      echoed = true;
      doc.paint({ kind: 'stroke', label: 4, radius: 0, points: [1, 1] });
    });
    doc.paint({ kind: 'clear', label: 2 });
    expect(errors).toEqual([]);
    expect(doc.opCount).toBe(2);
    expect(doc.raster!.data[17]).toBe(4);
    freshEqualsLive(doc);
  });

  it('reports listener exceptions as error events, not into Yjs', () => {
    const ydoc = new Y.Doc();
    initRoom(ydoc, ROOM);
    const doc = new PaintDocument(ydoc);
    const errors: unknown[] = [];
    doc.on('change', () => { throw new Error('listener bug'); });
    doc.on('error', (e) => errors.push(e));
    doc.paint({ kind: 'clear', label: 1 });
    expect(errors).toHaveLength(1);
    expect(doc.raster!.data[0]).toBe(1);
  });

  it('destroy detaches', () => {
    const ydoc = new Y.Doc();
    initRoom(ydoc, ROOM);
    const doc = new PaintDocument(ydoc);
    const events: unknown[] = [];
    doc.on('change', (e) => events.push(e));
    doc.destroy();
    ydoc.getArray(ROOM_KEYS.ops).push([encodeOp({ op: { kind: 'clear', label: 1 }, clientId: 1, userId: '' })]);
    expect(events).toEqual([]);
    expect(codeAndField(() => doc.paint({ kind: 'clear', label: 1 }))).toEqual({ code: 'invalid_document', field: 'document' });
  });

  it('encodes ops compactly and round-trips them', () => {
    const ctx = { width: 512, height: 512, labelCount: 20 };
    const points = Array.from({ length: 64 }, (_, i) => 200 + (i % 2 === 0 ? i : i >> 1));
    const record = { op: { kind: 'stroke', label: 3, radius: 12, points } as PaintOp, clientId: 123456789, userId: 'ü' };
    const bytes = encodeOp(record);
    expect(bytes.length).toBeLessThan(90);
    const back = decodeOp(bytes, ctx);
    expect(back.clientId).toBe(123456789);
    expect(back.userId).toBe('ü');
    expect(back.op.kind === 'stroke' && Array.from(back.op.points)).toEqual(points);
    expect(encodeOp(back)).toEqual(bytes);
  });
});
