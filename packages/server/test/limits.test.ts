/** Access control and limits: each violation is refused as documented; others keep working. */
import { afterEach, describe, expect, it } from 'vitest';
import { CloseCode, mintToken, type PaintscapeServer, type ServerOptionsInput } from '../src/index.js';
import { connectClient, rawSocket, startServer, waitFor, waitSynced, wsUrl } from './helpers.js';

const SECRET = 'test-secret-0123456789';

describe('access control and limits', () => {
  const cleanup: Array<() => unknown> = [];
  afterEach(async () => {
    for (const fn of cleanup.splice(0).reverse()) await fn();
  });
  async function setup(options: ServerOptionsInput): Promise<PaintscapeServer> {
    const server = await startServer(options);
    cleanup.push(() => server.close());
    return server;
  }

  it('requires a valid token when a secret is set (4401 missing/invalid/expired, 4403 wrong room)', async () => {
    const server = await setup({ tokenSecret: SECRET });
    const url = wsUrl(server);
    expect((await rawSocket(`${url}/r1`).closed).code).toBe(CloseCode.Unauthorized);
    expect((await rawSocket(`${url}/r1?token=v1.abc.def`).closed).code).toBe(CloseCode.Unauthorized);
    const forged = mintToken('another-secret-0123456', { room: 'r1', scope: 'write', ttlSeconds: 60 });
    expect((await rawSocket(`${url}/r1?token=${forged}`).closed).code).toBe(CloseCode.Unauthorized);
    const expired = mintToken(SECRET, { room: 'r1', scope: 'write', ttlSeconds: 60 }, Date.now() - 120_000);
    expect((await rawSocket(`${url}/r1?token=${expired}`).closed).code).toBe(CloseCode.Unauthorized);
    const otherRoom = mintToken(SECRET, { room: 'r2', scope: 'write', ttlSeconds: 60 });
    expect((await rawSocket(`${url}/r1?token=${otherRoom}`).closed).code).toBe(CloseCode.Forbidden);

    const good = mintToken(SECRET, { room: 'r*', scope: 'write', ttlSeconds: 60 });
    const writer = connectClient(url, 'r1', { token: good });
    cleanup.push(() => writer.destroy());
    await waitSynced(writer);
    const header = rawSocket(`${url}/r1`, { headers: { authorization: `Bearer ${good}` } });
    await header.opened;
    header.ws.close();
  });

  it('lets read tokens sync down but closes them with 4403 when they write', async () => {
    const server = await setup({ tokenSecret: SECRET });
    const url = wsUrl(server);
    const writer = connectClient(url, 'doc', { token: mintToken(SECRET, { room: 'doc', scope: 'write', ttlSeconds: 60 }) });
    const reader = connectClient(url, 'doc', { token: mintToken(SECRET, { room: 'doc', scope: 'read', ttlSeconds: 60 }) });
    cleanup.push(() => writer.destroy(), () => reader.destroy());
    await Promise.all([waitSynced(writer), waitSynced(reader)]);
    writer.doc.getMap('m').set('a', 1);
    await waitFor(() => reader.doc.getMap('m').get('a') === 1, 'reader to receive');
    let closeCode = 0;
    reader.provider.on('connection-close', (event) => {
      closeCode = event?.code ?? closeCode;
    });
    reader.doc.getMap('m').set('b', 2);
    await waitFor(() => closeCode === CloseCode.Forbidden, 'read-only writer to be closed');
    expect(server.rooms.get('doc')!.doc.getMap('m').get('b')).toBeUndefined();
    writer.doc.getMap('m').set('c', 3);
    await waitFor(() => server.rooms.get('doc')!.doc.getMap('m').get('c') === 3, 'writer to keep working');
  });

  it('refuses origins outside the allow-list with 4403', async () => {
    const server = await setup({ allowedOrigins: ['https://paint.example'] });
    const url = wsUrl(server);
    expect((await rawSocket(`${url}/o`, { origin: 'https://evil.example' }).closed).code).toBe(CloseCode.Forbidden);
    expect((await rawSocket(`${url}/o`).closed).code).toBe(CloseCode.Forbidden);
    const ok = rawSocket(`${url}/o`, { origin: 'https://paint.example' });
    await ok.opened;
    ok.ws.close();
  });

  it('closes a socket whose message exceeds maxMessageBytes with 1009', async () => {
    const server = await setup({ limits: { maxMessageBytes: 1024 } });
    const url = wsUrl(server);
    const big = rawSocket(`${url}/m`);
    await big.opened;
    big.ws.send(new Uint8Array(2048));
    expect((await big.closed).code).toBe(CloseCode.MessageTooBig);
    const fine = connectClient(url, 'm');
    cleanup.push(() => fine.destroy());
    await waitSynced(fine);
  });

  it('closes the client beyond maxClientsPerRoom with 4503; other rooms still admit', async () => {
    const server = await setup({ limits: { maxClientsPerRoom: 2 } });
    const url = wsUrl(server);
    const a = rawSocket(`${url}/full`);
    const b = rawSocket(`${url}/full`);
    await Promise.all([a.opened, b.opened]);
    await waitFor(() => server.rooms.get('full')?.peerCount === 2, 'two peers');
    expect((await rawSocket(`${url}/full`).closed).code).toBe(CloseCode.RoomFull);
    const other = rawSocket(`${url}/other`);
    await other.opened;
    for (const s of [a, b, other]) s.ws.close();
  });

  it('closes a connection needing a room beyond maxRoomsInMemory with 4504', async () => {
    const server = await setup({ limits: { maxRoomsInMemory: 2 }, roomGraceMs: 60_000 });
    const url = wsUrl(server);
    const a = rawSocket(`${url}/ra`);
    const b = rawSocket(`${url}/rb`);
    await Promise.all([a.opened, b.opened]);
    await waitFor(() => server.rooms.size === 2, 'two rooms');
    expect((await rawSocket(`${url}/rc`).closed).code).toBe(CloseCode.ServerFull);
    // An empty room waiting out its grace period is evicted to make space.
    a.ws.close();
    await waitFor(() => server.rooms.get('ra')?.peerCount === 0, 'ra empty');
    const c = rawSocket(`${url}/rc`);
    await c.opened;
    expect(server.rooms.get('ra')).toBeUndefined();
    for (const s of [b, c]) s.ws.close();
  });

  it('closes a connection over its update rate with 4429 while others keep syncing', async () => {
    const server = await setup({ limits: { updatesPerSecond: 1, updateBurst: 5 } });
    const url = wsUrl(server);
    const flooder = connectClient(url, 'rate');
    const calm = connectClient(url, 'rate');
    cleanup.push(() => flooder.destroy(), () => calm.destroy());
    await Promise.all([waitSynced(flooder), waitSynced(calm)]);
    let closeCode = 0;
    flooder.provider.on('connection-close', (event) => {
      closeCode = event?.code ?? closeCode;
    });
    for (let i = 0; i < 20; i++) flooder.doc.getArray('a').push([i]);
    await waitFor(() => closeCode === CloseCode.RateLimited, 'flooder to be closed');
    calm.doc.getMap('m').set('still', 'here');
    await waitFor(() => server.rooms.get('rate')!.doc.getMap('m').get('still') === 'here', 'calm client to keep working');
  });

  it('closes a socket that stops reading once maxSendBufferBytes are queued (4508); others keep syncing', async () => {
    const server = await setup({ limits: { maxSendBufferBytes: 256 * 1024, updatesPerSecond: 1e6, updateBurst: 1e6 } });
    const url = wsUrl(server);
    const stalled = rawSocket(`${url}/slow`);
    await stalled.opened;
    (stalled.ws as unknown as { _socket: { pause: () => void } })._socket.pause();
    const writer = connectClient(url, 'slow');
    const reader = connectClient(url, 'slow');
    cleanup.push(() => writer.destroy(), () => reader.destroy());
    await Promise.all([waitSynced(writer), waitSynced(reader)]);
    const chunk = 'x'.repeat(64 * 1024);
    for (let i = 0; i < 400 && !server.rooms.get('slow')!.peerIds().every((id) => id !== 1); i++) {
      writer.doc.getArray('big').push([chunk]);
      await new Promise((r) => setTimeout(r, 2));
    }
    expect(server.rooms.get('slow')!.peerIds()).not.toContain(1);
    (stalled.ws as unknown as { _socket: { resume: () => void } })._socket.resume();
    expect((await stalled.closed).code).toBe(CloseCode.SlowConsumer);
    const count = writer.doc.getArray('big').length;
    await waitFor(() => reader.doc.getArray('big').length === count, 'reading client to keep up');
  }, 30_000);

  it('rejects unknown WebSocket paths with HTTP 404 and unknown HTTP routes with JSON 404', async () => {
    const server = await setup({});
    const bad = rawSocket(`ws://127.0.0.1:${server.port}/nope`);
    await expect(bad.opened).rejects.toThrow();
    const res = await fetch(`${server.url}/v1/nothing`);
    expect(res.status).toBe(404);
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe('not_found');
  });
});
