import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import * as encoding from 'lib0/encoding';
import * as decoding from 'lib0/decoding';
import * as syncProtocol from 'y-protocols/sync';
import { MemoryRoomStore } from '../persistence/store.js';
import { MessageTag } from './protocol.js';
import { RoomManager } from './room-manager.js';
import type { RoomTransport } from './room.js';

const transport = (sent: Array<{ to: number; data: Uint8Array }> = []): RoomTransport => ({
  send: (to, data) => sent.push({ to, data }),
  close: () => {},
});
const limits = { updatesPerSecond: 1e6, updateBurst: 1e6 };
const tick = (): Promise<void> => new Promise((r) => setImmediate(r));

function updateMessage(update: Uint8Array): Uint8Array {
  const e = encoding.createEncoder();
  encoding.writeVarUint(e, MessageTag.Sync);
  syncProtocol.writeUpdate(e, update);
  return encoding.toUint8Array(e);
}

describe('RoomManager (no sockets)', () => {
  it('loads stored state before the first sync step is sent', () => {
    const store = new MemoryRoomStore();
    const source = new Y.Doc();
    source.getArray('a').push(['stored']);
    store.append('r', Y.encodeStateAsUpdate(source));
    const sent: Array<{ to: number; data: Uint8Array }> = [];
    const rooms = new RoomManager(store, transport(sent), { maxRooms: 10, graceMs: 1000, snapshotEveryUpdates: 100, snapshotIntervalMs: 0, limits });
    rooms.acquire('r').join({ id: 1, canWrite: true, wantsRenders: false });
    const decoder = decoding.createDecoder(sent[0]!.data);
    expect(decoding.readVarUint(decoder)).toBe(MessageTag.Sync);
    expect(decoding.readVarUint(decoder)).toBe(syncProtocol.messageYjsSyncStep1);
    const stateVector = Y.decodeStateVector(decoding.readVarUint8Array(decoder));
    expect(stateVector.get(source.clientID)).toBe(1);
  });

  it('merges the update log into a snapshot in the background', async () => {
    const store = new MemoryRoomStore();
    const rooms = new RoomManager(store, transport(), { maxRooms: 10, graceMs: 60_000, snapshotEveryUpdates: 5, snapshotIntervalMs: 5, limits });
    const room = rooms.acquire('r');
    room.join({ id: 1, canWrite: true, wantsRenders: false });
    const doc = new Y.Doc();
    for (let i = 0; i < 12; i++) {
      const before = Y.encodeStateVector(doc);
      doc.getArray('a').push([i]);
      room.receive(1, updateMessage(Y.encodeStateAsUpdate(doc, before)));
      await tick();
    }
    expect(store.pendingUpdateCount('r')).toBeGreaterThan(0);
    const deadline = Date.now() + 5000;
    while (store.pendingUpdateCount('r') >= 5 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 5));
    expect(store.pendingUpdateCount('r')).toBeLessThan(5);
    const stored = store.load('r');
    const reloaded = new Y.Doc();
    Y.applyUpdate(reloaded, stored.snapshot!);
    for (const u of stored.updates) Y.applyUpdate(reloaded, u);
    expect(reloaded.getArray('a').toJSON()).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11]);
    rooms.closeAll(1001, 'test');
  });

  it('unloads an empty room after the grace period, writing its snapshot', async () => {
    const store = new MemoryRoomStore();
    const rooms = new RoomManager(store, transport(), { maxRooms: 10, graceMs: 10, snapshotEveryUpdates: 1000, snapshotIntervalMs: 0, limits });
    const room = rooms.acquire('r');
    room.join({ id: 1, canWrite: true, wantsRenders: false });
    const doc = new Y.Doc();
    doc.getMap('m').set('k', 1);
    room.receive(1, updateMessage(Y.encodeStateAsUpdate(doc)));
    await tick();
    room.leave(1);
    rooms.released('r');
    expect(rooms.size).toBe(1);
    const deadline = Date.now() + 5000;
    while (rooms.size > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 5));
    expect(rooms.size).toBe(0);
    expect(store.pendingUpdateCount('r')).toBe(0);
    expect(store.load('r').snapshot).not.toBeNull();
  });
});
