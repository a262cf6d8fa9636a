import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import * as encoding from 'lib0/encoding';
import * as decoding from 'lib0/decoding';
import * as syncProtocol from 'y-protocols/sync';
import { CommitBatcher } from '../persistence/commit-batcher.js';
import { MemoryRoomStore } from '../persistence/store.js';
import { CloseCode, MessageTag } from './protocol.js';
import { SyncRoom, type RoomTransport } from './room.js';

function updateMessage(update: Uint8Array): Uint8Array {
  const e = encoding.createEncoder();
  encoding.writeVarUint(e, MessageTag.Sync);
  syncProtocol.writeUpdate(e, update);
  return encoding.toUint8Array(e);
}

function setup(limits = { updatesPerSecond: 1000, updateBurst: 1000 }, now = () => 0) {
  const store = new MemoryRoomStore();
  const commits = new CommitBatcher(store);
  const sent: Array<{ to: number; data: Uint8Array; storedAtSend: number }> = [];
  const closed: Array<{ peer: number; code: number }> = [];
  const transport: RoomTransport = {
    send: (to, data) => sent.push({ to, data, storedAtSend: store.pendingUpdateCount('r') }),
    close: (peer, code) => closed.push({ peer, code }),
  };
  const room = new SyncRoom('r', store, commits, transport, limits, now);
  return { store, commits, sent, closed, room };
}

const tick = (): Promise<void> => new Promise((r) => setImmediate(r));

describe('SyncRoom (no sockets)', () => {
  it('greets a joining peer with sync step 1', () => {
    const { room, sent } = setup();
    room.join({ id: 1, canWrite: true, wantsRenders: false });
    const d = decoding.createDecoder(sent[0]!.data);
    expect(decoding.readVarUint(d)).toBe(MessageTag.Sync);
    expect(decoding.readVarUint(d)).toBe(syncProtocol.messageYjsSyncStep1);
  });

  it('stores an update durably before any other peer is sent it', async () => {
    const { room, sent, store } = setup();
    room.join({ id: 1, canWrite: true, wantsRenders: false });
    room.join({ id: 2, canWrite: true, wantsRenders: false });
    sent.length = 0;
    const doc = new Y.Doc();
    doc.getMap('m').set('k', 'v');
    room.receive(1, updateMessage(Y.encodeStateAsUpdate(doc)));
    expect(sent.filter((s) => s.to === 2)).toHaveLength(0); // not before the commit
    await tick();
    const toPeer2 = sent.filter((s) => s.to === 2);
    expect(toPeer2).toHaveLength(1);
    expect(toPeer2[0]!.storedAtSend).toBe(1);
    expect(sent.filter((s) => s.to === 1)).toHaveLength(0); // not echoed to the sender
    const reloaded = new Y.Doc();
    for (const u of store.load('r').updates) Y.applyUpdate(reloaded, u);
    expect(reloaded.getMap('m').get('k')).toBe('v');
    expect(room.version).toBe(1);
  });

  it('flushes pending updates before answering sync step 1', () => {
    const { room, sent, store } = setup();
    room.join({ id: 1, canWrite: true, wantsRenders: false });
    room.join({ id: 2, canWrite: true, wantsRenders: false });
    const doc = new Y.Doc();
    doc.getArray('a').push([1]);
    room.receive(1, updateMessage(Y.encodeStateAsUpdate(doc)));
    sent.length = 0;
    const e = encoding.createEncoder();
    encoding.writeVarUint(e, MessageTag.Sync);
    syncProtocol.writeSyncStep1(e, new Y.Doc());
    room.receive(2, encoding.toUint8Array(e));
    expect(store.pendingUpdateCount('r')).toBe(1);
    expect(sent.every((s) => s.storedAtSend === 1)).toBe(true);
  });

  it('closes a peer that sends a truncated update and leaves the document intact', async () => {
    const { room, closed } = setup();
    room.join({ id: 1, canWrite: true, wantsRenders: false });
    const doc = new Y.Doc();
    doc.getText('t').insert(0, 'hello world');
    const full = updateMessage(Y.encodeStateAsUpdate(doc));
    room.receive(1, full.subarray(0, full.length - 4));
    expect(closed).toEqual([{ peer: 1, code: CloseCode.MalformedMessage }]);
    await tick();
    expect(room.doc.getText('t').toString()).toBe('');
    room.join({ id: 2, canWrite: true, wantsRenders: false });
    room.receive(2, full);
    await tick();
    expect(room.doc.getText('t').toString()).toBe('hello world');
  });

  it('ignores unknown message types and closes read-only peers that write', () => {
    const { room, closed } = setup();
    room.join({ id: 1, canWrite: false, wantsRenders: false });
    room.receive(1, Uint8Array.of(77, 1, 2, 3));
    expect(closed).toEqual([]);
    expect(room.counters.unknownMessages).toBe(1);
    const doc = new Y.Doc();
    doc.getMap('m').set('x', 1);
    room.receive(1, updateMessage(Y.encodeStateAsUpdate(doc)));
    expect(closed).toEqual([{ peer: 1, code: CloseCode.Forbidden }]);
  });

  it('closes a peer over its update rate with 4429', async () => {
    const { room, closed } = setup({ updatesPerSecond: 1, updateBurst: 3 });
    room.join({ id: 1, canWrite: true, wantsRenders: false });
    const doc = new Y.Doc();
    let before = Y.encodeStateVector(doc);
    for (let i = 0; i < 4; i++) {
      doc.getArray('a').push([i]);
      room.receive(1, updateMessage(Y.encodeStateAsUpdate(doc, before)));
      before = Y.encodeStateVector(doc);
    }
    expect(closed).toEqual([{ peer: 1, code: CloseCode.RateLimited }]);
    await tick();
    expect(room.counters.acceptedUpdates).toBe(3);
  });

  it('closes everyone with 1011 when persistence fails, so nothing non-durable is seen', async () => {
    const { room, store, closed, sent } = setup();
    store.appendMany = () => {
      throw new Error('disk full');
    };
    room.join({ id: 1, canWrite: true, wantsRenders: false });
    room.join({ id: 2, canWrite: true, wantsRenders: false });
    sent.length = 0;
    const doc = new Y.Doc();
    doc.getMap('m').set('k', 1);
    room.receive(1, updateMessage(Y.encodeStateAsUpdate(doc)));
    await tick();
    expect(sent).toEqual([]);
    expect(closed.map((c) => c.code).sort()).toEqual([CloseCode.InternalError, CloseCode.InternalError]);
    expect(room.isFailed).toBe(true);
  });
});
