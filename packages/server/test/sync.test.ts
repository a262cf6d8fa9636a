import { afterEach, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import type { PaintscapeServer } from '../src/index.js';
import { connectClient, startServer, tempDir, waitFor, waitSynced, wsUrl, type TestClient } from './helpers.js';

describe('sync with stock y-websocket clients', () => {
  const cleanup: Array<() => unknown> = [];
  afterEach(async () => {
    for (const fn of cleanup.splice(0).reverse()) await fn();
  });

  async function setup(options = {}): Promise<PaintscapeServer> {
    const server = await startServer(options);
    cleanup.push(() => server.close());
    return server;
  }
  function client(server: PaintscapeServer, room: string, params: Record<string, string> = {}): TestClient {
    const c = connectClient(wsUrl(server), room, params);
    cleanup.push(() => c.destroy());
    return c;
  }

  it('two clients converge and a third joining later gets the full state', async () => {
    const server = await setup();
    const a = client(server, 'garden');
    const b = client(server, 'garden');
    await Promise.all([waitSynced(a), waitSynced(b)]);
    a.doc.getArray<number>('list').push([1, 2]);
    b.doc.getMap('meta').set('title', 'hello');
    a.doc.getText('t').insert(0, 'abc');
    b.doc.getText('t').insert(0, 'xyz');
    const same = (x: Y.Doc, y: Y.Doc): boolean =>
      JSON.stringify(x.getArray('list').toJSON()) === JSON.stringify(y.getArray('list').toJSON()) &&
      x.getMap('meta').get('title') === y.getMap('meta').get('title') &&
      x.getText('t').toString() === y.getText('t').toString();
    await waitFor(() => same(a.doc, b.doc) && b.doc.getText('t').length === 6 && a.doc.getMap('meta').get('title') === 'hello', 'a and b to converge');
    const c = client(server, 'garden');
    await waitSynced(c);
    await waitFor(() => same(a.doc, c.doc), 'late joiner to get the full state');
    expect(c.doc.getArray('list').toJSON()).toEqual([1, 2]);
    expect(c.doc.getText('t').toString()).toBe(a.doc.getText('t').toString());
  });

  it('keeps rooms separate', async () => {
    const server = await setup();
    const a = client(server, 'one');
    const b = client(server, 'two');
    await Promise.all([waitSynced(a), waitSynced(b)]);
    a.doc.getMap('m').set('k', 1);
    const a2 = client(server, 'one');
    await waitFor(() => a2.doc.getMap('m').get('k') === 1, 'same-room client to receive');
    expect(b.doc.getMap('m').get('k')).toBeUndefined();
  });

  it('relays awareness and removes it when the client leaves', async () => {
    const server = await setup();
    const a = client(server, 'aw');
    const b = client(server, 'aw');
    await Promise.all([waitSynced(a), waitSynced(b)]);
    a.provider.awareness.setLocalStateField('user', { name: 'ada' });
    await waitFor(() => (b.provider.awareness.getStates().get(a.doc.clientID) as { user?: { name: string } } | undefined)?.user?.name === 'ada', 'awareness to arrive');
    a.provider.disconnect();
    await waitFor(() => !b.provider.awareness.getStates().has(a.doc.clientID), 'awareness removal');
  });

  it('persists rooms in SQLite across server restarts and unloads empty rooms after the grace period', async () => {
    const dir = tempDir();
    cleanup.push(dir.remove);
    const first = await startServer({ dataDir: dir.path, roomGraceMs: 20, snapshotEveryUpdates: 5, snapshotIntervalMs: 10 });
    const a = connectClient(wsUrl(first), 'kept');
    await waitSynced(a);
    for (let i = 0; i < 12; i++) a.doc.getArray<number>('n').push([i]);
    await waitFor(() => first.rooms.get('kept')?.counters.acceptedUpdates === 12, 'updates accepted');
    a.destroy();
    await waitFor(() => first.rooms.size === 0, 'room unload after grace');
    expect(first.store.pendingUpdateCount('kept')).toBe(0); // merged into the snapshot on unload
    await first.close();

    const second = await setup({ dataDir: dir.path });
    const b = client(second, 'kept');
    await waitSynced(b);
    expect(b.doc.getArray('n').toJSON()).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11]);
  });
});
