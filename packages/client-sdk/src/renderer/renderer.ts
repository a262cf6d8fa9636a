import { PaintscapeError, type LabelSetId, type SegMap } from '@paintscape/core';
import { Emitter } from '../events.js';
import { SdkErrorCode, asPaintscapeError } from '../errors.js';
import { invalidArgument } from '../options.js';
import { decodePngToRgba, encodeImagePng, type RgbaImage } from '../png.js';
import { isBrowser, now } from '../runtime.js';
import type { BackendImage, BackendKind, RenderBackend, RenderEvent, RenderRequest } from './types.js';

/** What a renderer needs from a room (a `Room` satisfies it). */
export interface RenderSource {
  readonly map: SegMap;
  readonly mapVersion: number;
  readonly labelSet: LabelSetId;
  on(event: 'change', listener: (event: { mapVersion: number }) => void): () => void;
  /** Resolves when `map` may be read (a Room: synced and initialized). */
  whenReady?(): Promise<void>;
}

export interface RendererSchedule {
  /** Quiet time after the last change before rendering. Default 120 ms. */
  debounceMs?: number;
  /** Longest a continuous stream of changes may postpone a render. Default 1000 ms. */
  maxWaitMs?: number;
  /** How long a backend that failed is skipped before being tried again. Default 30 000 ms. */
  backendRetryMs?: number;
  /** Output size: a number for square, or { width, height }. Default: the backend's (model's) default. */
  size?: number | { width: number; height: number };
  /** Seed of the Gaussian style vector. Default 0. */
  seed?: number;
  /** Style vector (z); null = seeded. Default null. */
  style?: Float32Array | null;
  /** Render as soon as the renderer is created (the current map). Default true. */
  renderInitial?: boolean;
}

export const RENDERER_SCHEDULE_DEFAULTS = {
  debounceMs: 120,
  maxWaitMs: 1000,
  backendRetryMs: 30_000,
  seed: 0,
  renderInitial: true,
} as const;

export type RendererEvents = {
  render: (event: RenderEvent) => void;
  error: (error: PaintscapeError) => void;
  /** A backend failed and the next one is tried (the render is not lost). */
  fallback: (info: { from: BackendKind; error: PaintscapeError }) => void;
};

/** Largest seed accepted (seeds are unsigned 32-bit). */
export const MAX_SEED = 0xffff_ffff;

function normalizeSize(size: RendererSchedule['size']): RenderRequest['size'] {
  if (size === undefined) return undefined;
  const { width, height } = typeof size === 'number' ? { width: size, height: size } : size;
  if (!Number.isInteger(width) || width <= 0 || !Number.isInteger(height) || height <= 0) {
    throw invalidArgument('size', 'must be a positive integer or { width, height } of positive integers', size);
  }
  return { width, height };
}

function validateSeed(seed: number): number {
  if (!Number.isInteger(seed) || seed < 0 || seed > MAX_SEED) throw invalidArgument('seed', `must be an integer in [0, ${MAX_SEED}]`, seed);
  return seed;
}

/**
 * Renders a room's map whenever it changes: debounced (with a max wait so long strokes still
 * render), at most one render in flight; changes arriving meanwhile collapse into a single
 * follow-up render of the newest map. Backends are tried by priority with fallback.
 */
export class Renderer extends Emitter<RendererEvents> {
  readonly #source: RenderSource;
  readonly #backends: RenderBackend[] = [];
  readonly #failedUntil = new Map<RenderBackend, number>();
  readonly #debounceMs: number;
  readonly #maxWaitMs: number;
  readonly #backendRetryMs: number;
  #size: RenderRequest['size'];
  #seed: number;
  #style: Float32Array | null;
  #debounceTimer: ReturnType<typeof setTimeout> | null = null;
  #firstDirtyAt: number | null = null;
  #inFlight: Promise<void> | null = null;
  #queued = false;
  /** Bumped by setSeed/setStyle so an unchanged map still re-renders. */
  #settingsVersion = 0;
  #lastRendered: { mapVersion: number; settingsVersion: number } | null = null;
  #renderCount = 0;
  #ready = false;
  #requestedBeforeReady = false;
  #lastEvent: RenderEvent | null = null;
  #disposed = false;
  readonly #unsubscribe: () => void;
  readonly #waiters: Array<{ minVersion: number; resolve: (event: RenderEvent) => void; reject: (error: PaintscapeError) => void }> = [];

  constructor(source: RenderSource, backends: RenderBackend[], schedule: RendererSchedule = {}) {
    super();
    this.#source = source;
    const debounceMs = schedule.debounceMs ?? RENDERER_SCHEDULE_DEFAULTS.debounceMs;
    const maxWaitMs = schedule.maxWaitMs ?? RENDERER_SCHEDULE_DEFAULTS.maxWaitMs;
    const backendRetryMs = schedule.backendRetryMs ?? RENDERER_SCHEDULE_DEFAULTS.backendRetryMs;
    for (const [field, value] of Object.entries({ debounceMs, maxWaitMs, backendRetryMs })) {
      if (!(Number.isFinite(value) && value >= 0)) throw invalidArgument(field, 'must be a non-negative number', value);
    }
    this.#debounceMs = debounceMs;
    this.#maxWaitMs = maxWaitMs;
    this.#backendRetryMs = backendRetryMs;
    this.#size = normalizeSize(schedule.size);
    this.#seed = validateSeed(schedule.seed ?? RENDERER_SCHEDULE_DEFAULTS.seed);
    this.#style = schedule.style ?? null;
    for (const backend of backends) this.registerBackend(backend);
    this.#unsubscribe = source.on('change', () => this.#markDirty());
    const renderInitial = schedule.renderInitial ?? RENDERER_SCHEDULE_DEFAULTS.renderInitial;
    try {
      void source.map; // a ready source can be rendered right away (renderNow() starts at once)
      this.#ready = true;
    } catch {
      // not ready yet: requests wait for whenReady()
    }
    const ready = source.whenReady ? source.whenReady() : Promise.resolve();
    ready.then(
      () => {
        this.#ready = true;
        if (renderInitial || this.#requestedBeforeReady) this.#request();
      },
      (error: unknown) => this.emit('error', asPaintscapeError(error, SdkErrorCode.RenderFailed, 'the room never became ready')),
    );
  }

  /** Backends in the order they are tried. */
  get backends(): readonly RenderBackend[] {
    return this.#backends;
  }

  get seed(): number {
    return this.#seed;
  }

  get style(): Float32Array | null {
    return this.#style;
  }

  /** Renders finished so far (for tests and stats). */
  get renderCount(): number {
    return this.#renderCount;
  }

  get busy(): boolean {
    return this.#inFlight !== null;
  }

  /** Adds a backend; higher priority is tried first (stable for equal priorities). */
  registerBackend(backend: RenderBackend): void {
    this.#backends.push(backend);
    this.#backends.sort((a, b) => b.priority - a.priority);
  }

  setSeed(seed: number): void {
    this.#seed = validateSeed(seed);
    this.#settingsChanged();
  }

  /** Sets the style vector (null returns to seeded z). Images go through `Paintscape.setStyle`. */
  setStyleVector(style: Float32Array | null): void {
    if (style !== null && !(style instanceof Float32Array && style.every(Number.isFinite))) {
      throw invalidArgument('style', 'must be a Float32Array of finite numbers or null', style);
    }
    this.#style = style;
    this.#settingsChanged();
  }

  /**
   * Sets the style from a vector (used as z directly) or a reference image (PNG bytes, ImageData,
   * { width, height, rgba }, or in browsers any CanvasImageSource), encoded to z by the first
   * backend with an encoder (local model or server). null returns to seeded z.
   */
  async setStyle(style: StyleInput): Promise<void> {
    if (style === null) return this.setStyleVector(null);
    if (style instanceof Float32Array || Array.isArray(style)) return this.setStyleVector(Float32Array.from(style as ArrayLike<number>));
    const image = await toRgbaImage(style as Exclude<StyleInput, null | Float32Array | readonly number[]>);
    this.setStyleVector(await this.encodeStyle(image));
  }

  /** New random seed (and back to seeded z); re-renders. Returns the seed. */
  shuffle(): number {
    const seed = Math.floor(Math.random() * MAX_SEED);
    this.#style = null;
    this.setSeed(seed);
    return seed;
  }

  setSize(size: RendererSchedule['size']): void {
    this.#size = normalizeSize(size);
    this.#settingsChanged();
  }

  /**
   * Resolves with the first render showing map version ≥ `minVersion` (default: the current
   * version), requesting one if nothing is scheduled.
   */
  next(minVersion = this.#source.mapVersion): Promise<RenderEvent> {
    const promise = this.#wait(minVersion);
    if (this.#inFlight === null && this.#debounceTimer === null) this.#request();
    return promise;
  }

  /** Renders the current map now (skipping the debounce) and resolves with that render. */
  renderNow(): Promise<RenderEvent> {
    this.#settingsVersion++;
    const promise = this.#wait(this.#source.mapVersion);
    this.#request();
    return promise;
  }

  #wait(minVersion: number): Promise<RenderEvent> {
    return new Promise((resolve, reject) => {
      if (this.#disposed) return reject(new PaintscapeError(SdkErrorCode.Destroyed, 'renderer was disposed'));
      this.#waiters.push({ minVersion, resolve, reject });
    });
  }

  /** Encodes a reference image to a style vector with the first backend that can. */
  async encodeStyle(image: { width: number; height: number; rgba: Uint8ClampedArray }): Promise<Float32Array> {
    const errors: Array<{ backend: BackendKind; error: PaintscapeError }> = [];
    for (const backend of this.#backends) {
      if (!backend.encodeStyle || !(await backend.isAvailable())) continue;
      try {
        return await backend.encodeStyle(image);
      } catch (error) {
        errors.push({ backend: backend.kind, error: asPaintscapeError(error, SdkErrorCode.BackendFailed, `${backend.kind} style encoding failed`) });
      }
    }
    throw new PaintscapeError(SdkErrorCode.RenderFailed, `no backend could encode the style image${errors.length ? `: ${errors.map((e) => `${e.backend}: ${e.error.message}`).join('; ')}` : ' (none has an encoder)'}`, { attempts: errors });
  }

  dispose(): void {
    if (this.#disposed) return;
    this.#disposed = true;
    this.#unsubscribe();
    if (this.#debounceTimer !== null) clearTimeout(this.#debounceTimer);
    this.#debounceTimer = null;
    for (const waiter of this.#waiters.splice(0)) waiter.reject(new PaintscapeError(SdkErrorCode.Destroyed, 'renderer was disposed'));
    for (const backend of this.#backends) backend.dispose();
    this.removeAllListeners();
  }

  #settingsChanged(): void {
    this.#settingsVersion++;
    this.#request();
  }

  #markDirty(): void {
    if (this.#disposed) return;
    const time = now();
    this.#firstDirtyAt ??= time;
    if (this.#debounceTimer !== null) clearTimeout(this.#debounceTimer);
    const wait = Math.min(this.#debounceMs, Math.max(0, this.#firstDirtyAt + this.#maxWaitMs - time));
    this.#debounceTimer = setTimeout(() => {
      this.#debounceTimer = null;
      this.#firstDirtyAt = null;
      this.#request();
    }, wait);
  }

  #request(): void {
    if (this.#disposed) return;
    if (!this.#ready) {
      this.#requestedBeforeReady = true;
      return;
    }
    if (this.#inFlight !== null) {
      this.#queued = true; // the follow-up snapshots the newest map when it starts
      return;
    }
    const version = { mapVersion: this.#source.mapVersion, settingsVersion: this.#settingsVersion };
    const last = this.#lastRendered;
    if (last && last.mapVersion === version.mapVersion && last.settingsVersion === version.settingsVersion) {
      this.#settleWaiters(null);
      return;
    }
    this.#inFlight = this.#run().finally(() => {
      this.#inFlight = null;
      if (this.#queued) {
        this.#queued = false;
        this.#request();
      }
    });
  }

  async #run(): Promise<void> {
    const started = now();
    const map = this.#source.map;
    const request: RenderRequest = {
      map: { width: map.width, height: map.height, data: map.data.slice() },
      mapVersion: this.#source.mapVersion,
      labelSet: this.#source.labelSet,
      size: this.#size,
      seed: this.#seed,
      style: this.#style,
    };
    const settingsVersion = this.#settingsVersion;
    const fallbacks: RenderEvent['fallbacks'] = [];
    // Backends that failed recently are demoted, not dropped: tried last, after the healthy ones.
    const time = now();
    const coolingDown = (backend: RenderBackend): boolean => (this.#failedUntil.get(backend) ?? -Infinity) > time;
    const order = [...this.#backends.filter((b) => !coolingDown(b)), ...this.#backends.filter(coolingDown)];
    for (const backend of order) {
      if (this.#disposed) return;
      if (!(await backend.isAvailable())) continue;
      let image: BackendImage;
      try {
        image = await backend.render(request);
      } catch (error) {
        const wrapped = asPaintscapeError(error, SdkErrorCode.BackendFailed, `${backend.kind} render failed`, { backend: backend.kind });
        fallbacks.push({ backend: backend.kind, error: wrapped });
        this.#failedUntil.set(backend, now() + this.#backendRetryMs);
        this.emit('fallback', { from: backend.kind, error: wrapped });
        continue;
      }
      this.#failedUntil.delete(backend);
      const output = await toOutputImage(image);
      if (this.#disposed) return;
      const event: RenderEvent = {
        image: output,
        width: image.width,
        height: image.height,
        mapVersion: request.mapVersion,
        backend: backend.kind,
        ms: now() - started,
        seed: request.seed,
        fallbacks,
      };
      this.#lastRendered = { mapVersion: request.mapVersion, settingsVersion };
      this.#lastEvent = event;
      this.#renderCount++;
      this.emit('render', event);
      this.#settleWaiters(event);
      return;
    }
    const error = new PaintscapeError(
      SdkErrorCode.RenderFailed,
      fallbacks.length
        ? `every render backend failed: ${fallbacks.map((f) => `${f.backend}: ${f.error.message}`).join('; ')}`
        : 'no render backend is available (see the renderer mode and model options)',
      { mapVersion: request.mapVersion, attempts: fallbacks.map((f) => ({ backend: f.backend, code: f.error.code, message: f.error.message })) },
    );
    this.emit('error', error);
    for (const waiter of this.#waiters.splice(0)) waiter.reject(error);
  }

  /** Resolves waiters satisfied by `event` (null: nothing new to render, answer with the last render). */
  #settleWaiters(event: RenderEvent | null): void {
    event ??= this.#lastEvent;
    if (event === null) return;
    for (let i = this.#waiters.length - 1; i >= 0; i--) {
      const waiter = this.#waiters[i]!;
      if (event.mapVersion >= waiter.minVersion) {
        this.#waiters.splice(i, 1);
        waiter.resolve(event);
      }
    }
  }
}

/** What `setStyle` accepts. */
export type StyleInput =
  | Float32Array
  | readonly number[]
  | Uint8Array
  | RgbaImage
  | { width: number; height: number; data: Uint8ClampedArray }
  | CanvasImageSource
  | null;

async function toRgbaImage(input: Exclude<StyleInput, null | Float32Array | readonly number[]>): Promise<RgbaImage> {
  if (input instanceof Uint8Array) return decodePngToRgba(input);
  const record = input as { width?: unknown; height?: unknown; rgba?: unknown; data?: unknown };
  if (typeof record.width === 'number' && typeof record.height === 'number') {
    const pixels = record.rgba ?? record.data;
    if (pixels instanceof Uint8ClampedArray || pixels instanceof Uint8Array) {
      return { width: record.width, height: record.height, rgba: new Uint8ClampedArray(pixels.buffer, pixels.byteOffset, pixels.byteLength) };
    }
  }
  if (typeof OffscreenCanvas === 'function') {
    const source = input as CanvasImageSource & { width: number; height: number };
    const canvas = new OffscreenCanvas(Number(source.width), Number(source.height));
    const context = canvas.getContext('2d');
    if (context) {
      context.drawImage(source, 0, 0);
      const data = context.getImageData(0, 0, canvas.width, canvas.height);
      return { width: data.width, height: data.height, rgba: data.data };
    }
  }
  throw invalidArgument('style', 'must be a style vector, PNG bytes, ImageData, { width, height, rgba } or (in browsers) an image', input);
}

async function toOutputImage(image: BackendImage): Promise<RenderEvent['image']> {
  if (isBrowser && typeof globalThis.createImageBitmap === 'function') {
    return globalThis.createImageBitmap(new ImageData(new Uint8ClampedArray(image.rgba), image.width, image.height));
  }
  const png = image.png ?? encodeImagePng(image);
  return { width: image.width, height: image.height, rgba: image.rgba, png };
}
