/**
 * Renderer against a real server and real onnxruntime-web (wasm, in Node): renders carry the map
 * version they show, bursts coalesce, at most one render is in flight, a failing backend hands the
 * render to the next one, and local and server renders of the same map and seed agree.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ServerBackend,
  createRenderer,
  decodePngToRgba,
  encodeImagePng,
  type BackendImage,
  type NodeRenderImage,
  type RenderBackend,
  type RenderEvent,
  type RenderRequest,
  type Room,
} from '@paintscape/client-sdk';
import { PaintscapeError } from '@paintscape/core';
import { buildTinyModel, TINY_SIZE } from './tiny-model.js';
import { connectClient, meanAbsDiff, startTestServer, type TestServer } from './helpers.js';

const GRASS = 7;
const WATER = 6;
const tiny = buildTinyModel();
const localModel = { manifest: tiny.manifest, generator: tiny.generator, encoder: tiny.encoder };

/** A 128² reference image (the encoder's input size, so neither side resizes it). */
function styleImage(): { width: number; height: number; rgba: Uint8ClampedArray } {
  const rgba = new Uint8ClampedArray(128 * 128 * 4);
  for (let y = 0; y < 128; y++) {
    for (let x = 0; x < 128; x++) rgba.set([x * 2, y * 2, y < 64 ? 230 : 40, 255], (y * 128 + x) * 4);
  }
  return { width: 128, height: 128, rgba };
}

let server: TestServer;
const rooms: Room[] = [];
async function readyRoom(name: string): Promise<Room> {
  const room = connectClient(server.url, name, { create: { width: TINY_SIZE * 2, height: TINY_SIZE * 2, fill: 0 } });
  rooms.push(room);
  await room.whenReady();
  return room;
}

/** The server's own render of `room`'s current map, straight over HTTP. */
async function serverRenderOf(room: Room, seed: number): Promise<Uint8ClampedArray> {
  const map = room.map;
  const response = await fetch(`${server.url}/v1/render?width=${map.width}&height=${map.height}&seed=${seed}`, {
    method: 'POST',
    headers: { 'content-type': 'application/octet-stream' },
    body: map.data as unknown as BodyInit,
  });
  expect(response.status).toBe(200);
  return decodePngToRgba(new Uint8Array(await response.arrayBuffer())).rgba;
}

/** Wraps a real backend to count how many renders run at once (not a mock: it delegates). */
class ConcurrencyProbe implements RenderBackend {
  readonly kind: string;
  readonly priority: number;
  running = 0;
  maxRunning = 0;
  calls = 0;
  /** While set, renders wait for it before delegating (lets a test act during an in-flight render). */
  gate: Promise<void> | null = null;
  constructor(private readonly inner: RenderBackend) {
    this.kind = inner.kind;
    this.priority = inner.priority + 100;
  }
  isAvailable(): Promise<boolean> {
    return this.inner.isAvailable();
  }
  async render(request: RenderRequest): Promise<BackendImage> {
    this.calls++;
    this.running++;
    this.maxRunning = Math.max(this.maxRunning, this.running);
    try {
      if (this.gate) await this.gate;
      return await this.inner.render(request);
    } finally {
      this.running--;
    }
  }
  dispose(): void {}
}

beforeAll(async () => {
  // The server shares this process's event loop: its own room-render pushes would stretch the
  // "burst" below over seconds, so they are off here (they are not what these tests measure).
  server = await startTestServer({ roomRenders: false });
});

afterAll(async () => {
  for (const room of rooms) room.destroy();
  await server.cleanup();
});

describe('server renders', () => {
  it('arrive with the map version they show', async () => {
    const room = await readyRoom('render-version');
    const renderer = createRenderer(room, { mode: 'server', debounceMs: 20, seed: 5 });
    try {
      const first = await renderer.next();
      expect(first.backend).toBe('server');
      expect(first.mapVersion).toBe(room.mapVersion);

      room.rect(0, 0, 40, 30, { label: GRASS });
      room.brush([[10, 50], [60, 50]], { label: WATER, radius: 4 });
      const version = room.mapVersion;
      const render = await renderer.next(version);
      expect(render.mapVersion).toBe(version);
      expect(render.seed).toBe(5);
      const image = render.image as NodeRenderImage;
      expect([image.width, image.height]).toEqual([TINY_SIZE, TINY_SIZE]);
      expect(decodePngToRgba(image.png).rgba).toEqual(image.rgba);
      // Exactly the server's render of the map at that version (nothing changed since).
      expect(meanAbsDiff(image.rgba, await serverRenderOf(room, 5))).toBe(0);
      expect(meanAbsDiff(image.rgba, (first.image as NodeRenderImage).rgba)).toBeGreaterThan(0);
    } finally {
      renderer.dispose();
    }
  });

  it('coalesce a burst of 50 changes into few renders, never more than one in flight', async () => {
    const room = await readyRoom('render-burst');
    const probe = new ConcurrencyProbe(new ServerBackend({ httpUrl: server.url }));
    const renderer = createRenderer(room, { mode: 'server', debounceMs: 100, maxWaitMs: 2000, backends: [probe], renderInitial: false });
    const renders: RenderEvent[] = [];
    renderer.on('render', (event) => renders.push(event));
    try {
      for (let i = 0; i < 50; i++) {
        room.brush([[i, 5], [i, 60]], { label: i % 2 ? GRASS : WATER, radius: 1 });
        await new Promise((resolve) => setImmediate(resolve)); // separate tasks, as pointer events are
      }
      const last = await renderer.next(room.mapVersion);
      expect(last.mapVersion).toBe(room.mapVersion);
      expect(probe.calls).toBeLessThanOrEqual(5);
      expect(renders.length).toBe(probe.calls);
      expect(probe.maxRunning).toBe(1);
      // Versions only go forward.
      for (let i = 1; i < renders.length; i++) expect(renders[i]!.mapVersion).toBeGreaterThan(renders[i - 1]!.mapVersion);
    } finally {
      renderer.dispose();
    }
  });

  it('changes during an in-flight render collapse into one follow-up of the newest map', async () => {
    const room = await readyRoom('render-inflight');
    const probe = new ConcurrencyProbe(new ServerBackend({ httpUrl: server.url }));
    let release!: () => void;
    probe.gate = new Promise((resolve) => (release = resolve));
    const renderer = createRenderer(room, { mode: 'server', debounceMs: 0, backends: [probe], renderInitial: false });
    const renders: RenderEvent[] = [];
    renderer.on('render', (event) => renders.push(event));
    try {
      const firstVersion = room.mapVersion;
      const firstDone = renderer.renderNow();
      expect(renderer.busy).toBe(true);
      for (let i = 0; i < 10; i++) {
        room.rect(i, i, i + 5, i + 5, { label: GRASS });
        await new Promise((resolve) => setTimeout(resolve, 2)); // each change's debounce fires mid-render
      }
      probe.gate = null;
      release();
      expect((await firstDone).mapVersion).toBe(firstVersion);
      const last = await renderer.next(room.mapVersion);
      expect(last.mapVersion).toBe(room.mapVersion);
      expect(probe.maxRunning).toBe(1);
      expect(probe.calls).toBe(2); // the 10 queued changes became ONE follow-up render
      expect(renders.map((r) => r.mapVersion)).toEqual([firstVersion, room.mapVersion]);
    } finally {
      renderer.dispose();
    }
  });

  it('setSeed and shuffle re-render the same map with another style', async () => {
    const room = await readyRoom('render-seed');
    room.rect(0, 0, 63, 31, { label: GRASS });
    const renderer = createRenderer(room, { mode: 'server', debounceMs: 0, seed: 1 });
    try {
      const a = await renderer.next(room.mapVersion);
      renderer.setSeed(2);
      const b = await new Promise<RenderEvent>((resolve) => renderer.on('render', resolve));
      expect(b.seed).toBe(2);
      expect(b.mapVersion).toBe(a.mapVersion);
      expect(meanAbsDiff((a.image as NodeRenderImage).rgba, (b.image as NodeRenderImage).rgba)).toBeGreaterThan(0);
      const seed = renderer.shuffle();
      const c = await new Promise<RenderEvent>((resolve) => renderer.on('render', resolve));
      expect(c.seed).toBe(seed);
      expect(() => renderer.setSeed(-1)).toThrow(expect.objectContaining({ code: 'invalid_argument' }));
    } finally {
      renderer.dispose();
    }
  });
});

describe('local renders (onnxruntime-web wasm in Node)', () => {
  it('render locally and agree with the server on the same map and seed (mean abs diff ≤ 2/255)', async () => {
    const room = await readyRoom('render-local');
    room.rect(0, 0, 63, 20, { label: 0 });
    room.brush([[0, 40], [63, 45]], { label: WATER, radius: 6 });
    room.fill(5, 60, GRASS);
    const renderer = createRenderer(room, { mode: 'local', model: localModel, debounceMs: 0, seed: 9 });
    try {
      const render = await renderer.next(room.mapVersion);
      expect(render.backend).toBe('wasm'); // no navigator.gpu in Node
      expect(render.mapVersion).toBe(room.mapVersion);
      const local = (render.image as NodeRenderImage).rgba;
      const remote = await serverRenderOf(room, 9);
      const diff = meanAbsDiff(local, remote);
      expect(diff).toBeLessThanOrEqual(2);
    } finally {
      renderer.dispose();
    }
  });

  it("'local' without a model is refused with the field named", async () => {
    const room = await readyRoom('render-no-model');
    expect(() => createRenderer(room, { mode: 'local' })).toThrow(expect.objectContaining({ code: 'invalid_argument', details: expect.objectContaining({ field: 'model' }) }));
  });
});

describe('style', () => {
  it('setStyle(image) encodes on the server (POST /v1/style) or locally, to the same vector, and renders with it', async () => {
    const room = await readyRoom('render-style');
    room.rect(0, 0, 63, 40, { label: GRASS });
    const serverRenderer = createRenderer(room, { mode: 'server', debounceMs: 0, renderInitial: false });
    const localRenderer = createRenderer(room, { mode: 'local', model: localModel, debounceMs: 0, renderInitial: false });
    try {
      const png = encodeImagePng(styleImage());
      const serverRendered = new Promise<RenderEvent>((resolve) => serverRenderer.on('render', resolve));
      await serverRenderer.setStyle(png);
      await localRenderer.setStyle(styleImage());
      const fromServer = serverRenderer.style!;
      const fromLocal = localRenderer.style!;
      expect(fromServer.length).toBe(tiny.manifest.encoder!.config.zDim);
      for (let i = 0; i < fromServer.length; i++) expect(Math.abs(fromServer[i]! - fromLocal[i]!)).toBeLessThan(1e-3);

      // The style change re-rendered the map with that z: same as the server's render with ?style=.
      const render = await serverRendered;
      const map = room.map;
      const response = await fetch(`${server.url}/v1/render?width=${map.width}&height=${map.height}&style=${Array.from(fromServer).join(',')}`, {
        method: 'POST',
        headers: { 'content-type': 'application/octet-stream' },
        body: map.data as unknown as BodyInit,
      });
      const expected = decodePngToRgba(new Uint8Array(await response.arrayBuffer())).rgba;
      expect(meanAbsDiff((render.image as NodeRenderImage).rgba, expected)).toBe(0);
      expect(meanAbsDiff(expected, await serverRenderOf(room, 0))).toBeGreaterThan(0); // not the seeded z
    } finally {
      serverRenderer.dispose();
      localRenderer.dispose();
    }
  });
});

describe('fallback', () => {
  it("auto falls back from a failing server to local wasm without losing the render", async () => {
    const room = await readyRoom('render-fallback');
    room.rect(5, 5, 30, 30, { label: GRASS });
    const renderer = createRenderer(room, { mode: 'auto', model: localModel, serverModel: 'no-such-model', debounceMs: 0 });
    const fallbacks: string[] = [];
    renderer.on('fallback', ({ from }) => fallbacks.push(from));
    try {
      const render = await renderer.next(room.mapVersion);
      expect(render.backend).toBe('wasm');
      expect(render.mapVersion).toBe(room.mapVersion);
      expect(render.fallbacks.map((f) => f.backend)).toEqual(['server']);
      expect(render.fallbacks[0]!.error).toBeInstanceOf(PaintscapeError);
      expect(render.fallbacks[0]!.error.code).not.toBe('');
      expect(fallbacks).toEqual(['server']);
    } finally {
      renderer.dispose();
    }
  });

  it('emits one typed render_failed error listing every backend when all fail', async () => {
    const room = await readyRoom('render-all-fail');
    const renderer = createRenderer(room, { mode: 'server', serverModel: 'no-such-model', debounceMs: 0, renderInitial: false });
    try {
      const failed = renderer.once('error');
      const next = renderer.renderNow().catch((error: unknown) => error);
      const [error] = await failed;
      expect(error.code).toBe('render_failed');
      expect((error.details?.['attempts'] as Array<{ backend: string }>).map((a) => a.backend)).toEqual(['server']);
      expect(await next).toBe(error);
    } finally {
      renderer.dispose();
    }
  });
});
