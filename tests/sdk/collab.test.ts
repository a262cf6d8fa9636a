/**
 * Two (or three) SDK clients in Node against a real @paintscape/server over real sockets:
 * concurrent painting converges, undo is per user, strokes stream before pointer-up, presence
 * is shared and throttled, and local edits survive a server restart.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PaintscapeError, replayRoom, segMapsEqual } from '@paintscape/core';
import { SdkErrorCode, connect, decodePngToRgba, type Room, type StatusEvent } from '@paintscape/client-sdk';
import { mintToken } from '@paintscape/server';
import WebSocket from 'ws';
import { connectClient, countLabel, mapsEqual, startTestServer, waitFor, type TestServer } from './helpers.js';

const SKY = 0;
const WATER = 6;
const GRASS = 7;
const TREE = 8;
const SAND = 11;

let server: TestServer;
const rooms: Room[] = [];
function join(room: string, options: Parameters<typeof connectClient>[2] = {}): Room {
  const client = connectClient(server.url, room, options);
  rooms.push(client);
  return client;
}

beforeAll(async () => {
  server = await startTestServer();
});

afterAll(async () => {
  for (const room of rooms) room.destroy();
  await server.cleanup();
});

describe('two clients painting concurrently', () => {
  it('converge to identical maps through brush, streamed strokes, shapes, fill and undo', async () => {
    const a = join('converge', { create: { width: 96, height: 64, labelSet: 'landscape', fill: SKY } });
    await a.whenReady();
    const b = join('converge');
    await b.whenReady();
    expect(b.meta).toEqual(a.meta);

    // Interleaved without waiting for the other side: the ops cross on the wire.
    const stroke = a.beginStroke({ label: GRASS, radius: 3 });
    stroke.extend([[5, 40], [20, 42], [35, 45]]);
    b.rect(50, 10, 80, 30, { label: WATER });
    b.brush([{ x: 10, y: 10 }, { x: 60, y: 50 }], { label: TREE, radius: 2 });
    await new Promise((resolve) => setTimeout(resolve, 40));
    stroke.extend([[50, 50], [70, 55]]);
    a.fill(2, 2, SAND);
    b.fill(90, 60, WATER);
    stroke.end();
    a.polygon([[10, 60], [30, 50], [40, 63]], { label: TREE });
    b.undo(); // undoes B's fill only
    a.line(0, 0, 95, 63, { label: GRASS, radius: 1 });

    await waitFor(() => a.synced && b.synced && mapsEqual(a, b) && a.document.opCount === b.document.opCount, 'both maps to converge');
    expect(segMapsEqual(a.map, b.map)).toBe(true);
    // Equal to a fresh replay of the document as well (not just to each other).
    const replayed = replayRoom(a.ydoc);
    expect(replayed && segMapsEqual(replayed, a.map)).toBe(true);

    // A third client joining later gets the same map from the server.
    const c = join('converge');
    await c.whenReady();
    await waitFor(() => mapsEqual(a, c), 'the late joiner to converge');
  });

  it('undo and redo touch only the caller’s own operations', async () => {
    const a = join('undo-own', { create: { width: 40, height: 40, fill: SKY } });
    await a.whenReady();
    const b = join('undo-own');
    await b.whenReady();
    a.rect(0, 0, 9, 9, { label: GRASS });
    b.rect(20, 20, 29, 29, { label: WATER });
    await waitFor(() => countLabel(a, WATER) === 100 && countLabel(b, GRASS) === 100, 'both rects on both sides');

    expect(b.undo()).toBe(true);
    expect(b.undo()).toBe(false); // B has nothing else of its own; A's rect is not B's to undo
    await waitFor(() => countLabel(a, WATER) === 0, "B's undo to reach A");
    expect(countLabel(a, GRASS)).toBe(100);
    expect(countLabel(b, GRASS)).toBe(100);

    expect(b.redo()).toBe(true);
    await waitFor(() => countLabel(a, WATER) === 100, "B's redo to reach A");
    await waitFor(() => mapsEqual(a, b), 'convergence after undo/redo');
  });

  it('a streamed stroke is one undo step however many frames it took', async () => {
    const a = join('undo-stroke', { create: { width: 64, height: 64, fill: SKY } });
    await a.whenReady();
    const stroke = a.beginStroke({ label: TREE, radius: 2 });
    for (let frame = 0; frame < 4; frame++) {
      stroke.extend([[5 + frame * 10, 10], [10 + frame * 10, 20]]);
      await new Promise((resolve) => setTimeout(resolve, 40));
    }
    expect(stroke.end()).toBeGreaterThan(1);
    expect(countLabel(a, TREE)).toBeGreaterThan(0);
    expect(a.undo()).toBe(true);
    expect(countLabel(a, TREE)).toBe(0);
    expect(a.redo()).toBe(true);
    expect(countLabel(a, TREE)).toBeGreaterThan(0);
  });
});

describe('live strokes', () => {
  it('peers see a stroke before pointer-up; points of one frame go out as one op', async () => {
    const a = join('streaming', { create: { width: 128, height: 64, fill: SKY } });
    await a.whenReady();
    const b = join('streaming');
    await b.whenReady();
    const opsBefore = a.document.opCount;

    const stroke = a.beginStroke({ label: GRASS, radius: 2 });
    for (let x = 4; x < 60; x++) stroke.extend([[x, 30]]); // 56 pointermoves within one frame
    await waitFor(() => countLabel(b, GRASS) > 0, 'the in-progress stroke to reach the peer');
    expect(stroke.ended).toBe(false);
    expect(a.document.opCount - opsBefore).toBe(1);

    for (let x = 60; x < 120; x++) stroke.extend([[x, 30]]);
    stroke.end();
    expect(a.document.opCount - opsBefore).toBe(2);
    await waitFor(() => mapsEqual(a, b), 'the finished stroke to converge');
    // The two segments join: the whole 4..119 line is painted.
    for (let x = 4; x < 120; x++) expect(b.map.data[30 * 128 + x]).toBe(GRASS);
  });
});

describe('presence', () => {
  it('shares name, colour, cursor, tool and label, throttled', async () => {
    const a = join('presence', { user: { name: 'Ada', color: '#ff0000' }, awarenessThrottleMs: 200 });
    await a.whenReady();
    const b = join('presence', { user: { name: 'Bo', color: '#00ff00' } });
    await b.whenReady();

    let localStates = 0;
    a.provider.awareness.on('update', (_: unknown, origin: unknown) => {
      if (origin === 'local') localStates++;
    });
    for (let i = 0; i < 100; i++) a.setPresence({ cursor: { x: i, y: 2 * i }, tool: 'brush', label: GRASS });
    expect(localStates).toBeLessThanOrEqual(1); // leading edge only; the rest merge into one trailing update

    await waitFor(() => [...b.peers.values()].some((p) => p.user.name === 'Ada' && p.cursor?.x === 99), 'B to see A’s last cursor');
    const ada = [...b.peers.values()].find((p) => p.user.name === 'Ada')!;
    expect(ada).toMatchObject({ user: { name: 'Ada', color: '#ff0000' }, cursor: { x: 99, y: 198 }, tool: 'brush', label: GRASS });
    expect(localStates).toBe(2);
    expect([...a.peers.values()].map((p) => p.user.name)).toContain('Bo');
  });
});

describe('reconnect', () => {
  it('keeps strokes painted while the server is down and syncs them after it restarts', async () => {
    const a = join('restart', { create: { width: 64, height: 64, fill: SKY } });
    await a.whenReady();
    const b = join('restart');
    await b.whenReady();
    a.rect(0, 0, 15, 15, { label: GRASS });
    await waitFor(() => countLabel(b, GRASS) === 256, 'the first rect to sync');

    const statuses: StatusEvent[] = [];
    a.on('status', (event) => statuses.push(event));
    await server.stop();
    await waitFor(() => a.status !== 'connected' && b.status !== 'connected', 'both clients to notice the server is gone');

    // Painted offline: nowhere but in A's document.
    a.brush([[30, 30], [60, 30]], { label: WATER, radius: 2 });
    const offline = a.beginStroke({ label: TREE, radius: 1 });
    offline.extend([[5, 50], [50, 50]]);
    offline.end();
    expect(countLabel(b, WATER)).toBe(0);

    await server.restart();
    await waitFor(() => a.status === 'connected' && a.synced && b.synced, 'reconnect and resync');
    await waitFor(() => mapsEqual(a, b) && countLabel(b, WATER) > 0 && countLabel(b, TREE) > 0, 'offline strokes to reach B');
    expect(statuses.some((s) => s.status === 'disconnected')).toBe(true);
    expect(statuses.at(-1)?.reconnects).toBeGreaterThanOrEqual(1);

    // And they were persisted by the new server: a fresh client sees them.
    const c = join('restart');
    await c.whenReady();
    await waitFor(() => mapsEqual(a, c), 'a fresh client to see the offline strokes');
  });
});

describe('server-pushed renders', () => {
  it("arrive as the room's 'render' event (socket message tag 100) after a change", async () => {
    const a = join('pushed', { create: { width: 64, height: 64, fill: SKY } });
    await a.whenReady();
    const pushed = a.once('render');
    a.rect(0, 32, 63, 63, { label: GRASS });
    const [render] = await pushed;
    expect(render.model).toBe('tiny-test');
    const image = decodePngToRgba(render.png);
    expect([image.width, image.height]).toEqual([render.width, render.height]);
    expect(render.serverMapVersion).toBeGreaterThan(0);
  });
});

describe('errors', () => {
  it('rejects bad options with a PaintscapeError naming the field', () => {
    const attempt = (options: Record<string, unknown>): unknown => {
      try {
        connect({ server: server.url, room: 'ok', user: { name: 'x', color: '#000' }, WebSocket: WebSocket as never, ...options } as never);
      } catch (error) {
        return error;
      }
      return null;
    };
    for (const [options, field] of [
      [{ room: 'bad room/name' }, 'room'],
      [{ server: 'localhost:1' }, 'server'],
      [{ user: { name: '', color: '#000' } }, 'user.name'],
      [{ awarenessThrottleMs: -1 }, 'awarenessThrottleMs'],
      [{ create: { width: 0, height: 10 } }, 'create.width'],
    ] as const) {
      const error = attempt(options);
      expect(error).toBeInstanceOf(PaintscapeError);
      expect((error as PaintscapeError).code).toBe('invalid_argument');
      expect((error as PaintscapeError).details?.['field']).toBe(field);
    }
  });

  it('paint ops out of range throw invalid_operation; painting before ready throws invalid_document', async () => {
    const a = join('bad-ops', { create: { width: 16, height: 16 } });
    expect(() => a.fill(1, 1, 3)).toThrow(expect.objectContaining({ code: 'invalid_document' }));
    await a.whenReady();
    expect(() => a.fill(1, 1, 200)).toThrow(expect.objectContaining({ code: 'invalid_operation' }));
    expect(() => a.brush([[1, 1]], { label: 1, radius: 999 })).toThrow(expect.objectContaining({ code: 'invalid_operation' }));
    expect(() => a.brush([1, 2, 3], { label: 1, radius: 2 })).toThrow(expect.objectContaining({ code: 'invalid_argument' }));
    // A live stroke validates label and radius when it starts, not at its first frame.
    expect(() => a.beginStroke({ label: 1, radius: 2.5 })).toThrow(expect.objectContaining({ code: 'invalid_operation', details: expect.objectContaining({ field: 'radius' }) }));
    expect(() => a.beginStroke({ label: 99, radius: 2 })).toThrow(expect.objectContaining({ code: 'invalid_operation', details: expect.objectContaining({ field: 'label' }) }));
  });

  it('surfaces a refused connection (bad token) as a typed error event', async () => {
    const secured = await startTestServer({ tokenSecret: 'test-secret-of-32-characters-long' });
    try {
      const room = connectClient(secured.url, 'locked');
      rooms.push(room);
      const [error] = await room.once('error');
      const refused = error.code === SdkErrorCode.ConnectionRefused ? error : (await room.once('error'))[0];
      expect(refused).toBeInstanceOf(PaintscapeError);
      expect(refused.code).toBe(SdkErrorCode.ConnectionRefused);
      expect(refused.details?.['code']).toBeGreaterThanOrEqual(4400);
      expect(room.status).toBe('closed');

      // The same room with a token minted from the server's secret works.
      const token = mintToken('test-secret-of-32-characters-long', { room: 'locked', scope: 'write', ttlSeconds: 60 });
      const allowed = connectClient(secured.url, 'locked', { token, create: { width: 8, height: 8 } });
      rooms.push(allowed);
      await allowed.whenReady();
      allowed.fill(0, 0, GRASS);
      expect(countLabel(allowed, GRASS)).toBe(64);
    } finally {
      await secured.cleanup();
    }
  });
});
