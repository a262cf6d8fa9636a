import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createSegMap, type LabelSetId, type SegMap } from '@paintscape/core';
import { Emitter } from '../events.js';
import { Renderer, RENDERER_SCHEDULE_DEFAULTS } from './renderer.js';
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

/** A real (tiny) backend: every pixel's red channel is the label, green the seed. */
class LabelBackend implements RenderBackend {
  calls: RenderRequest[] = [];
  running = 0;
  maxRunning = 0;
  gate: Promise<void> | null = null;
  failWith: Error | null = null;
  constructor(readonly kind: string, readonly priority: number) {}
  async isAvailable(): Promise<boolean> {
    return true;
  }
  async render(request: RenderRequest): Promise<BackendImage> {
    this.calls.push(request);
    this.running++;
    this.maxRunning = Math.max(this.maxRunning, this.running);
    try {
      if (this.gate) await this.gate;
      if (this.failWith) throw this.failWith;
      const rgba = new Uint8ClampedArray(request.map.width * request.map.height * 4);
      for (let i = 0; i < request.map.data.length; i++) rgba.set([request.map.data[i]!, request.seed, 0, 255], i * 4);
      return { width: request.map.width, height: request.map.height, rgba };
    } finally {
      this.running--;
    }
  }
  dispose(): void {}
}

const red = (event: RenderEvent): number => (event.image as { rgba: Uint8ClampedArray }).rgba[0]!;

describe('Renderer scheduling', () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('debounces: a quick series of changes renders once, after debounceMs of quiet', async () => {
    const source = new MapSource();
    const backend = new LabelBackend('a', 1);
    const renderer = new Renderer(source, [backend], { debounceMs: 100, renderInitial: false });
    const renders: RenderEvent[] = [];
    renderer.on('render', (e) => renders.push(e));
    for (let i = 1; i <= 5; i++) {
      source.paint(i);
      await vi.advanceTimersByTimeAsync(50);
    }
    expect(backend.calls.length).toBe(0);
    await vi.advanceTimersByTimeAsync(100);
    expect(backend.calls.length).toBe(1);
    expect(renders.map((r) => [r.mapVersion, red(r)])).toEqual([[5, 5]]);
    renderer.dispose();
  });

  it('maxWaitMs bounds how long continuous changes postpone a render', async () => {
    const source = new MapSource();
    const backend = new LabelBackend('a', 1);
    const renderer = new Renderer(source, [backend], { debounceMs: 100, maxWaitMs: 300, renderInitial: false });
    for (let i = 1; i <= 8; i++) {
      source.paint(i);
      await vi.advanceTimersByTimeAsync(50);
    }
    // 400 ms of changes every 50 ms: the debounce alone would never fire; maxWait did once.
    expect(backend.calls.length).toBe(1);
    expect(backend.calls[0]!.mapVersion).toBeLessThan(8);
    renderer.dispose();
  });

  it('never runs two renders at once; changes during one collapse into one follow-up of the newest map', async () => {
    const source = new MapSource();
    const backend = new LabelBackend('a', 1);
    let release!: () => void;
    backend.gate = new Promise((resolve) => (release = resolve));
    const renderer = new Renderer(source, [backend], { debounceMs: 0, renderInitial: false });
    const renders: RenderEvent[] = [];
    renderer.on('render', (e) => renders.push(e));
    source.paint(1);
    await vi.advanceTimersByTimeAsync(1);
    for (let i = 2; i <= 20; i++) {
      source.paint(i);
      await vi.advanceTimersByTimeAsync(1);
    }
    backend.gate = null;
    release();
    await vi.advanceTimersByTimeAsync(1);
    expect(backend.maxRunning).toBe(1);
    expect(renders.map((r) => r.mapVersion)).toEqual([1, 20]);
    expect(red(renders[1]!)).toBe(20);
    renderer.dispose();
  });

  it('snapshots the map: a change during a render does not leak into that render', async () => {
    const source = new MapSource();
    const backend = new LabelBackend('a', 1);
    let release!: () => void;
    backend.gate = new Promise((resolve) => (release = resolve));
    const renderer = new Renderer(source, [backend], { debounceMs: 0, renderInitial: false });
    const first = renderer.renderNow();
    source.map.data.fill(9); // mutated in place, as the live document does
    release();
    const event = await first;
    expect(red(event)).toBe(0);
    renderer.dispose();
  });

  it('renderInitial renders the current map once the source is ready', async () => {
    const source = new MapSource();
    const backend = new LabelBackend('a', 1);
    const renderer = new Renderer(source, [backend], {});
    expect(RENDERER_SCHEDULE_DEFAULTS.renderInitial).toBe(true);
    await vi.advanceTimersByTimeAsync(1);
    expect(backend.calls.length).toBe(1);
    renderer.dispose();
  });
});

describe('Renderer backends', () => {
  it('tries backends by priority and hands a failed render to the next one', async () => {
    const source = new MapSource();
    const high = new LabelBackend('high', 30);
    const low = new LabelBackend('low', 10);
    high.failWith = new Error('adapter lost');
    const renderer = new Renderer(source, [low, high], { debounceMs: 0, renderInitial: false });
    expect(renderer.backends.map((b) => b.kind)).toEqual(['high', 'low']);
    source.paint(3);
    const event = await renderer.next(1);
    expect(event.backend).toBe('low');
    expect(red(event)).toBe(3);
    expect(event.fallbacks.map((f) => [f.backend, f.error.code])).toEqual([['high', 'backend_failed']]);
    expect(event.fallbacks[0]!.error.message).toContain('adapter lost');
    // The failed backend is demoted (tried last) for backendRetryMs.
    source.paint(4);
    expect((await renderer.next(2)).fallbacks).toEqual([]);
    expect(high.calls.length).toBe(1);
    renderer.dispose();
  });

  it('emits one render_failed error with every attempt when all backends fail', async () => {
    const source = new MapSource();
    const a = new LabelBackend('a', 2);
    const b = new LabelBackend('b', 1);
    a.failWith = new Error('boom a');
    b.failWith = new Error('boom b');
    const renderer = new Renderer(source, [a, b], { debounceMs: 0, renderInitial: false });
    const errors: unknown[] = [];
    renderer.on('error', (e) => errors.push(e));
    await expect(renderer.renderNow()).rejects.toMatchObject({ code: 'render_failed' });
    expect(errors).toHaveLength(1);
    expect((errors[0] as { details: { attempts: Array<{ backend: string }> } }).details.attempts.map((x) => x.backend)).toEqual(['a', 'b']);
    renderer.dispose();
  });

  it('setSeed re-renders the same map version with the new seed; bad seeds name the field', async () => {
    const source = new MapSource();
    const backend = new LabelBackend('a', 1);
    const renderer = new Renderer(source, [backend], { debounceMs: 0, renderInitial: false, seed: 1 });
    const first = await renderer.renderNow();
    const second = new Promise<RenderEvent>((resolve) => renderer.on('render', resolve));
    renderer.setSeed(7);
    const event = await second;
    expect([first.mapVersion, event.mapVersion, event.seed]).toEqual([0, 0, 7]);
    expect(() => renderer.setSeed(1.5)).toThrow(expect.objectContaining({ code: 'invalid_argument', details: expect.objectContaining({ field: 'seed' }) }));
    expect(() => renderer.setSeed(2 ** 32)).toThrow(expect.objectContaining({ code: 'invalid_argument' }));
    expect(() => new Renderer(source, [], { debounceMs: -1 })).toThrow(expect.objectContaining({ details: expect.objectContaining({ field: 'debounceMs' }) }));
    expect(() => new Renderer(source, [], { size: 0 })).toThrow(expect.objectContaining({ details: expect.objectContaining({ field: 'size' }) }));
    renderer.dispose();
  });

  it('setStyle takes a vector directly and rejects non-finite values', async () => {
    const source = new MapSource();
    const renderer = new Renderer(source, [new LabelBackend('a', 1)], { debounceMs: 0, renderInitial: false });
    await renderer.setStyle([0.5, -1, 2]);
    expect(Array.from(renderer.style!)).toEqual([0.5, -1, 2]);
    await expect(renderer.setStyle([Number.NaN])).rejects.toMatchObject({ code: 'invalid_argument' });
    await renderer.setStyle(null);
    expect(renderer.style).toBeNull();
    // An image needs a backend with an encoder: none here.
    await expect(renderer.setStyle({ width: 1, height: 1, rgba: new Uint8ClampedArray(4) })).rejects.toMatchObject({ code: 'render_failed' });
    renderer.dispose();
  });
});
