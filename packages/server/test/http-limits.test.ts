/** HTTP limits, room render access control, and graceful shutdown. */
import { afterEach, describe, expect, it } from 'vitest';
import { CloseCode, mintToken, type PaintscapeServer, type ServerOptionsInput } from '../src/index.js';
import { connectClient, rawSocket, startServer, tempDir, waitFor, waitSynced, wsUrl } from './helpers.js';
import { writeTinyModel } from './model-fixture.js';

describe('HTTP limits and shutdown', () => {
  const cleanup: Array<() => unknown> = [];
  afterEach(async () => {
    for (const fn of cleanup.splice(0).reverse()) await fn();
  });
  async function setup(options: ServerOptionsInput = {}): Promise<PaintscapeServer> {
    const dir = tempDir();
    cleanup.push(dir.remove);
    const server = await startServer({ modelDirs: [await writeTinyModel(dir.path, 'tiny', { encoder: false })], device: 'cpu', ...options });
    cleanup.push(() => server.close());
    return server;
  }
  const renderRequest = (server: PaintscapeServer, body = new Uint8Array(64 * 64)) =>
    fetch(`${server.url}/v1/render?width=64&height=64`, { method: 'POST', headers: { 'content-type': 'application/octet-stream' }, body });

  it('answers 429 beyond the per-client render rate', async () => {
    const server = await setup({ limits: { rendersPerSecond: 0.001, renderBurst: 2 } });
    const statuses = [];
    for (let i = 0; i < 3; i++) statuses.push((await renderRequest(server)).status);
    expect(statuses).toEqual([200, 200, 429]);
    const res = await renderRequest(server);
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe('rate_limited');
    expect((await fetch(`${server.url}/healthz`)).status).toBe(200);
  });

  it('answers 413 for bodies above maxBodyBytes', async () => {
    const server = await setup({ limits: { maxBodyBytes: 1000 } });
    const res = await renderRequest(server);
    expect(res.status).toBe(413);
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe('body_too_large');
    const style = await fetch(`${server.url}/v1/style`, { method: 'POST', body: new Uint8Array(5000) });
    expect(style.status).toBe(413);
  });

  it('answers 400 no_encoder for /v1/style on a model without encoder, 405 for wrong methods', async () => {
    const server = await setup();
    const style = await fetch(`${server.url}/v1/style`, { method: 'POST', body: new Uint8Array(10) });
    expect(style.status).toBe(400);
    expect(((await style.json()) as { error: { code: string } }).error.code).toBe('no_encoder');
    expect((await fetch(`${server.url}/v1/render`)).status).toBe(405);
  });

  it('answers CORS preflights for allowed origins only', async () => {
    const server = await setup({ allowedOrigins: ['http://app.example'] });
    const allowed = await fetch(`${server.url}/v1/render`, { method: 'OPTIONS', headers: { origin: 'http://app.example', 'access-control-request-method': 'POST' } });
    expect(allowed.status).toBe(204);
    expect(allowed.headers.get('access-control-allow-origin')).toBe('http://app.example');
    expect(allowed.headers.get('access-control-allow-headers')).toContain('content-type');
    const other = await fetch(`${server.url}/healthz`, { headers: { origin: 'http://evil.example' } });
    expect(other.headers.get('access-control-allow-origin')).toBeNull();
  });

  it('protects room renders with tokens when a secret is set', async () => {
    const secret = 'room-render-secret-123';
    const server = await setup({ tokenSecret: secret });
    const noToken = await fetch(`${server.url}/v1/rooms/x/render.png`);
    expect(noToken.status).toBe(401);
    const wrongRoom = await fetch(`${server.url}/v1/rooms/x/render.png?token=${mintToken(secret, { room: 'y', scope: 'read', ttlSeconds: 60 })}`);
    expect(wrongRoom.status).toBe(403);
    const ok = await fetch(`${server.url}/v1/rooms/x/render.png`, { headers: { authorization: `Bearer ${mintToken(secret, { room: 'x', scope: 'read', ttlSeconds: 60 })}` } });
    expect(ok.status).toBe(404); // authorized; no render yet
    expect(((await ok.json()) as { error: { code: string } }).error.code).toBe('no_render');
  });

  it('on close: stops accepting, flushes persistence and closes sockets with 1001', async () => {
    const dir = tempDir();
    cleanup.push(dir.remove);
    const server = await startServer({ dataDir: dir.path });
    const client = connectClient(wsUrl(server), 'bye');
    cleanup.push(() => client.destroy());
    await waitSynced(client);
    const raw = rawSocket(`${wsUrl(server)}/bye`);
    await raw.opened;
    client.doc.getArray('a').push([1, 2, 3]);
    await waitFor(() => server.rooms.get('bye')?.counters.acceptedUpdates === 1, 'update accepted');
    client.provider.shouldConnect = false;
    await server.close();
    expect((await raw.closed).code).toBe(CloseCode.GoingAway);
    const again = await startServer({ dataDir: dir.path });
    cleanup.push(() => again.close());
    const reader = connectClient(wsUrl(again), 'bye');
    cleanup.push(() => reader.destroy());
    await waitSynced(reader);
    expect(reader.doc.getArray('a').toJSON()).toEqual([1, 2, 3]);
  });
});
