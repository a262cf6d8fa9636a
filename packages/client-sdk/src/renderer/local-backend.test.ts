import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { createSegMap, type LabelSetId, type ModelManifest, type PaintscapeError, type SegMap } from '@paintscape/core';
import { Emitter } from '../events.js';
import type { Room } from '../paint-room.js';
import { backendsForMode } from './create-renderer.js';
import { LOCAL_BACKEND_DEFAULTS, LocalBackend, withDeadline } from './local-backend.js';
import { loadOrt, type Ort } from './ort-loader.js';
import { Renderer } from './renderer.js';
import type { BackendImage, RenderBackend, RenderEvent, RenderRequest } from './types.js';

/** An in-memory map source with the Room's render-relevant surface. */
class MapSource extends Emitter<{ change: (event: { mapVersion: number }) => void }> {
  map: SegMap = createSegMap(4, 4, { fill: 0 });
  mapVersion = 0;
  readonly labelSet: LabelSetId = 'landscape';
  paint(label: number): void {
    this.map.data.fill(label);
    this.mapVersion++;
    this.emit('change', { mapVersion: this.mapVersion });
  }
}

/** A real (tiny) backend standing in for the server: every pixel's red channel is the label. */
class LabelBackend implements RenderBackend {
  readonly calls: RenderRequest[] = [];
  constructor(readonly kind: string, readonly priority: number) {}
  async isAvailable(): Promise<boolean> {
    return true;
  }
  async render(request: RenderRequest): Promise<BackendImage> {
    this.calls.push(request);
    const rgba = new Uint8ClampedArray(request.map.width * request.map.height * 4);
    for (let i = 0; i < request.map.data.length; i++) rgba.set([request.map.data[i]!, 0, 0, 255], i * 4);
    return { width: request.map.width, height: request.map.height, rgba };
  }
  dispose(): void {}
}

/** The loader seam: an onnxruntime-web whose worker never comes up (what a missing .mjs looks like). */
const neverLoadingRuntime = (): Promise<Ort> => new Promise<Ort>(() => {});
/** Never read: the backend times out before it needs the model. */
const unusedModel = { manifest: {} as ModelManifest, generator: new Uint8Array(0) };

const red = (event: RenderEvent): number => (event.image as { rgba: Uint8ClampedArray }).rgba[0]!;

describe('LocalBackend deadlines (load-runtime)', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it('a runtime that never loads fails with local_backend_timeout and the same render falls back to the next backend', async () => {
    vi.useFakeTimers();
    const source = new MapSource();
    const initTimeoutMs = 5_000;
    const local = new LocalBackend('wasm', { model: unusedModel, priority: 30, initTimeoutMs, loadRuntime: neverLoadingRuntime });
    const server = new LabelBackend('server', 20);
    const renderer = new Renderer(source, [server, local], { debounceMs: 0, renderInitial: false });
    const fallbacks: Array<{ from: string; error: PaintscapeError }> = [];
    renderer.on('fallback', (info) => fallbacks.push(info));
    source.paint(7);
    const rendered = renderer.next(1);
    await vi.advanceTimersByTimeAsync(initTimeoutMs - 1);
    expect(server.calls).toHaveLength(0); // still waiting on the local backend
    await vi.advanceTimersByTimeAsync(1);
    const event = await rendered;
    expect(event.backend).toBe('server');
    expect([event.mapVersion, red(event)]).toEqual([1, 7]); // the render is not lost
    expect(event.fallbacks.map((f) => [f.backend, f.error.code, f.error.details?.stage])).toEqual([['wasm', 'local_backend_timeout', 'load-runtime']]);
    expect(fallbacks.map((f) => f.error.code)).toEqual(['local_backend_timeout']);
    expect(fallbacks[0]!.error.details).toMatchObject({ backend: 'wasm', stage: 'load-runtime', timeoutMs: initTimeoutMs });
    renderer.dispose();
  });

  it('with no other backend the timeout is emitted as an error event (render_failed listing it), not a hang', async () => {
    vi.useFakeTimers();
    const source = new MapSource();
    const local = new LocalBackend('wasm', { model: unusedModel, initTimeoutMs: 1_000, loadRuntime: neverLoadingRuntime });
    const renderer = new Renderer(source, [local], { debounceMs: 0, renderInitial: false });
    const errors: PaintscapeError[] = [];
    renderer.on('error', (error) => errors.push(error));
    const rendered = renderer.renderNow();
    const settled = expect(rendered).rejects.toMatchObject({ code: 'render_failed' });
    await vi.advanceTimersByTimeAsync(1_000);
    await settled;
    expect(errors).toHaveLength(1);
    expect(errors[0]!.details?.attempts).toEqual([expect.objectContaining({ backend: 'wasm', code: 'local_backend_timeout' })]);
    // The backend is not wedged: the next attempt runs (and is bounded) again.
    const again = expect(renderer.renderNow()).rejects.toMatchObject({ code: 'render_failed' });
    await vi.advanceTimersByTimeAsync(1_000);
    await again;
    expect(errors).toHaveLength(2);
    renderer.dispose();
  });
});

describe('LocalBackend deadlines (create-session, real onnxruntime-web and a real stalled HTTP server)', () => {
  let server: Server;
  let baseUrl: string;
  const manifestRequests: string[] = [];
  const stalled: ServerResponse[] = [];

  beforeAll(async () => {
    await loadOrt(); // the real runtime, imported once up front so only the model download stalls
    server = createServer((request: IncomingMessage, response: ServerResponse) => {
      if (request.url?.endsWith('/model.json')) manifestRequests.push(request.url);
      if (manifestRequests.length === 1) {
        stalled.push(response); // the first download never answers
        return;
      }
      response.writeHead(404).end('gone');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  afterAll(async () => {
    for (const response of stalled) response.destroy();
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  it('times out a stuck session creation, then discards it: the next attempt starts a new one', async () => {
    const local = new LocalBackend('wasm', { model: `${baseUrl}/stuck-model/`, initTimeoutMs: 300 });
    const request: RenderRequest = { map: createSegMap(4, 4, { fill: 0 }), mapVersion: 1, labelSet: 'landscape', size: undefined, seed: 0, style: null };
    await expect(local.render(request)).rejects.toMatchObject({ code: 'local_backend_timeout', details: { stage: 'create-session', backend: 'wasm' } });
    // Not reused: a fresh download is made (and this time the server answers, with a 404).
    await expect(local.render(request)).rejects.toMatchObject({ code: 'model_load_failed' });
    expect(manifestRequests).toEqual(['/stuck-model/model.json', '/stuck-model/model.json']);
  });
});

describe('withDeadline (the bound on each stage, including run)', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it('rejects a never-settling stage with local_backend_timeout naming it, after calling onTimeout', async () => {
    vi.useFakeTimers();
    let discarded = 0;
    const bounded = withDeadline(new Promise<never>(() => {}), 2_000, 'run', 'webgpu', () => discarded++);
    const settled = expect(bounded).rejects.toMatchObject({ code: 'local_backend_timeout', details: { stage: 'run', backend: 'webgpu', timeoutMs: 2_000 } });
    await vi.advanceTimersByTimeAsync(1_999);
    expect(discarded).toBe(0);
    await vi.advanceTimersByTimeAsync(1);
    await settled;
    expect(discarded).toBe(1);
  });

  it('passes a result or error through unchanged and leaves no timer behind', async () => {
    vi.useFakeTimers();
    await expect(withDeadline(Promise.resolve(42), 2_000, 'run', 'wasm')).resolves.toBe(42);
    await expect(withDeadline(Promise.reject(new Error('kernel failed')), 2_000, 'run', 'wasm')).rejects.toThrow('kernel failed');
    expect(vi.getTimerCount()).toBe(0);
  });
});

describe('local timeout options', () => {
  const model = unusedModel;
  const noRoom = {} as Room; // mode 'local' uses no room internals

  it('default to LOCAL_BACKEND_DEFAULTS and reach both local backends from createRenderer options', () => {
    expect(LOCAL_BACKEND_DEFAULTS).toEqual({ initTimeoutMs: 120_000, runTimeoutMs: 120_000 });
    const defaults = backendsForMode(noRoom, { mode: 'local', model }) as LocalBackend[];
    expect(defaults.map((b) => [b.kind, b.initTimeoutMs, b.runTimeoutMs])).toEqual([
      ['webgpu', 120_000, 120_000],
      ['wasm', 120_000, 120_000],
    ]);
    const custom = backendsForMode(noRoom, { mode: 'local', model, localInitTimeoutMs: 5_000, localRunTimeoutMs: 7_000 }) as LocalBackend[];
    expect(custom.map((b) => [b.initTimeoutMs, b.runTimeoutMs])).toEqual([
      [5_000, 7_000],
      [5_000, 7_000],
    ]);
  });

  it('reject unusable values naming the field', () => {
    for (const [field, value] of [
      ['localInitTimeoutMs', 0],
      ['localInitTimeoutMs', Number.POSITIVE_INFINITY],
      ['localRunTimeoutMs', -1],
      ['localRunTimeoutMs', 2 ** 31],
    ] as const) {
      expect(() => backendsForMode(noRoom, { mode: 'local', model, [field]: value })).toThrow(
        expect.objectContaining({ code: 'invalid_argument', details: expect.objectContaining({ field }) }),
      );
    }
    expect(() => new LocalBackend('wasm', { model, runTimeoutMs: Number.NaN })).toThrow(expect.objectContaining({ details: expect.objectContaining({ field: 'runTimeoutMs' }) }));
  });
});
