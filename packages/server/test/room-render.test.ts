/**
 * Rooms with core's paint document: the server keeps a live raster, skips malformed ops,
 * compacts the log, renders the newest map and pushes it as tag-100 messages (never into
 * the Y.Doc); the latest is served at GET /v1/rooms/<room>/render.png.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as decoding from 'lib0/decoding';
import { decodePng, initRoom, PaintDocument, replayRoom, ROOM_KEYS } from '@paintscape/core';
import { CloseCode, decodeRenderMessage, MessageTag, type PaintscapeServer, type RenderMessage } from '../src/index.js';
import { connectClient, startServer, tempDir, waitFor, waitSynced, wsUrl, type TestClient } from './helpers.js';
import { writeTinyModel } from './model-fixture.js';

function listenForRenders(client: TestClient): RenderMessage[] {
  const received: RenderMessage[] = [];
  // Stock provider, one extra handler: how a client opts into the render push.
  client.provider.messageHandlers[MessageTag.Render] = (_encoder, decoder: decoding.Decoder) => {
    received.push(decodeRenderMessage(new Uint8Array(decoder.arr.buffer, decoder.arr.byteOffset, decoder.arr.byteLength)));
  };
  return received;
}

describe('room rendering', () => {
  let server: PaintscapeServer;
  const dir = tempDir();
  const clients: TestClient[] = [];
  beforeAll(async () => {
    const model = await writeTinyModel(dir.path);
    server = await startServer({ modelDirs: [model], device: 'cpu', roomRenderDelayMs: 20, compactAfterOps: 30, limits: { maxMapPixels: 128 * 128 } });
  }, 60_000);
  afterAll(async () => {
    for (const c of clients) c.destroy();
    await server?.close();
    dir.remove();
  });
  function client(room: string): TestClient {
    const c = connectClient(wsUrl(server), room);
    clients.push(c);
    return c;
  }

  it('renders the newest map, pushes it to clients and serves it over HTTP', async () => {
    const painter = client('paint-1');
    const watcher = client('paint-1');
    const pushed = listenForRenders(watcher);
    await Promise.all([waitSynced(painter), waitSynced(watcher)]);
    initRoom(painter.doc, { width: 64, height: 64, labelSetId: 'landscape', labelCount: 13, fill: 0 });
    const paint = new PaintDocument(painter.doc);
    for (let i = 0; i < 20; i++) paint.paint({ kind: 'rect', label: 7, filled: true, x0: 0, y0: 40 + (i % 20), x1: 63, y1: 63 });
    const serverPaint = (): PaintDocument | null => server.painters.get('paint-1')?.document ?? null;
    await waitFor(() => serverPaint()?.opCount === 20 || (serverPaint()?.epoch ?? 0) > 0, 'server to see all ops');
    const finalVersion = (): number => serverPaint()!.version;
    await waitFor(() => pushed.some((m) => m.kind === 0 && m.mapVersion === finalVersion()), 'a render of the newest version');
    const images = pushed.filter((m) => m.kind === 0);
    expect(images.length).toBeLessThan(21); // coalesced, not one render per update
    const last = images.at(-1)!;
    if (last.kind !== 0) throw new Error('unreachable');
    expect([last.width, last.height]).toEqual([64, 64]);
    expect(decodePng(last.png).width).toBe(64);
    const res = await fetch(`${server.url}/v1/rooms/paint-1/render.png`);
    expect(res.status).toBe(200);
    expect(Buffer.from(await res.arrayBuffer()).equals(Buffer.from(last.png))).toBe(true);
    // A client joining later is sent the latest render right away.
    const late = client('paint-1');
    const latePushed = listenForRenders(late);
    await waitFor(() => latePushed.some((m) => m.kind === 0 && m.mapVersion === last.mapVersion), 'latest render for a late joiner');
    // Renders never enter the shared document.
    expect([...painter.doc.share.keys()].sort()).toEqual([ROOM_KEYS.base, ROOM_KEYS.meta, ROOM_KEYS.ops].sort());
    paint.destroy();
  });

  it('skips malformed ops without harming the room and compacts long logs', async () => {
    const a = client('paint-2');
    await waitSynced(a);
    initRoom(a.doc, { width: 32, height: 32, labelSetId: 'landscape', labelCount: 13, fill: 0 });
    const paint = new PaintDocument(a.doc);
    // Garbage straight into the op log (not through PaintDocument's validation).
    a.doc.getArray(ROOM_KEYS.ops).push([new Uint8Array([9, 9, 9]), 'not bytes', 42]);
    for (let i = 0; i < 40; i++) paint.paint({ kind: 'rect', label: i % 13, filled: true, x0: i % 32, y0: 0, x1: i % 32, y1: 31 });
    await waitFor(() => (server.painters.get('paint-2')?.document?.epoch ?? 0) > 0, 'server compaction');
    const serverRaster = (): string => JSON.stringify(server.painters.get('paint-2')?.document?.raster?.data);
    await waitFor(() => serverRaster() === JSON.stringify(paint.raster?.data), 'server raster to match the painter');
    expect(a.provider.wsconnected).toBe(true);
    await waitFor(() => a.doc.getArray(ROOM_KEYS.ops).length < 43, 'compaction to reach the client');
    const late = client('paint-2');
    await waitSynced(late);
    await waitFor(() => JSON.stringify(replayRoom(late.doc)?.data) === JSON.stringify(paint.raster?.data), 'late joiner raster to match');
    paint.destroy();
  });

  it('refuses a room description above maxMapPixels with close code 4413', async () => {
    const a = client('huge');
    await waitSynced(a);
    let code = 0;
    a.provider.on('connection-close', (event) => {
      code = event?.code ?? code;
    });
    initRoom(a.doc, { width: 4096, height: 4096, labelSetId: 'landscape', labelCount: 13 });
    await waitFor(() => code === CloseCode.PayloadTooLarge, 'oversized room to be refused');
    expect(server.rooms.get('huge')?.doc.getMap(ROOM_KEYS.meta).size ?? 0).toBe(0);
  });
});
