/**
 * Rendering for the whole server: loaded models, the queue, the PNG cache and metrics.
 * HTTP handlers and room renderers call `render`; nothing here blocks the sync path.
 */
import { createHash } from 'node:crypto';
import sharp from 'sharp';
import * as ort from 'onnxruntime-node';
import {
  decodeSegMapPng,
  encodePng,
  PaintscapeError,
  PngColorType,
  resizeNearest,
  rgbaToImageTensor,
  type SegMap,
} from '@paintscape/core';
import type { DeviceChoice } from '../config.js';
import { Histogram } from '../metrics.js';
import { LruCache } from './cache.js';
import { loadModel, resolveSize, type LoadedModel } from './model.js';
import { RenderQueue } from './queue.js';

export interface RenderRequest {
  /** Model name; null = the default (first) model. */
  model: string | null;
  map: SegMap;
  /** Output [width, height]; null = the model's default. */
  size: [number, number] | null;
  seed: number;
  style: Float32Array | null;
  coalesceKey: string | null;
}

export interface RenderResult {
  png: Uint8Array;
  model: string;
  width: number;
  height: number;
  seed: number;
  device: string;
  cached: boolean;
}

export interface RenderServiceOptions {
  device: DeviceChoice;
  concurrency: number;
  maxBatch: number;
  batchWindowMs: number;
  cacheEntries: number;
  maxMapPixels: number;
  log: (level: 'info' | 'warn' | 'error', message: string, fields?: Record<string, unknown>) => void;
}

export interface ModelLoadFailure {
  dir: string;
  error: string;
}

export class RenderService {
  readonly models = new Map<string, LoadedModel>();
  readonly failures: ModelLoadFailure[] = [];
  readonly cache: LruCache<Uint8Array>;
  readonly latency = new Histogram('paintscape_render_latency_seconds', 'Render latency (queue + model + PNG), by device', [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30]);
  readonly batchSizes = new Histogram('paintscape_render_batch_size', 'Maps per generator run', [1, 2, 4, 8, 16, 32]);
  private queue: RenderQueue | null = null;
  private defaultModel: LoadedModel | null = null;

  constructor(private readonly options: RenderServiceOptions) {
    this.cache = new LruCache<Uint8Array>(options.cacheEntries);
  }

  /** Loads every model folder; a folder that fails is logged and listed, the rest still serve. */
  async load(modelDirs: readonly string[]): Promise<void> {
    for (const dir of modelDirs) {
      try {
        const model = await loadModel(dir, this.options.device);
        this.models.set(model.name, model);
        this.defaultModel ??= model;
        this.options.log('info', 'model loaded', {
          model: model.name,
          dir: model.dir,
          device: model.generator.device,
          attempts: model.generator.attempts,
          batchDynamic: model.batchDynamic,
        });
      } catch (error) {
        this.failures.push({ dir, error: (error as Error).message });
        this.options.log('warn', 'model not loaded', { dir, error: (error as Error).message });
      }
    }
    const onGpu = [...this.models.values()].some((m) => m.generator.device !== 'cpu');
    const concurrency = this.options.concurrency > 0 ? this.options.concurrency : onGpu ? 4 : 1;
    this.queue = new RenderQueue({
      concurrency,
      maxBatch: this.options.maxBatch,
      batchWindowMs: this.options.batchWindowMs,
      onBatch: ({ size }) => this.batchSizes.observe(size),
    });
  }

  get queueDepth(): number {
    return this.queue?.depth ?? 0;
  }

  get queueStats(): RenderQueue['stats'] | null {
    return this.queue?.stats ?? null;
  }

  getModel(name: string | null): LoadedModel {
    const model = name === null ? this.defaultModel : this.models.get(name);
    if (!model) {
      if (name === null) throw new PaintscapeError('model_unavailable', 'no model is loaded', { field: 'model', failures: this.failures });
      throw new PaintscapeError('unknown_model', `unknown model '${name}'; loaded: ${[...this.models.keys()].join(', ') || 'none'}`, { field: 'model', value: name });
    }
    return model;
  }

  /** The first loaded model trained on `labelSetId` (rooms render with the matching model). */
  modelForLabelSet(labelSetId: string): LoadedModel {
    if (this.defaultModel?.manifest.labelSet === labelSetId) return this.defaultModel;
    for (const model of this.models.values()) if (model.manifest.labelSet === labelSetId) return model;
    throw new PaintscapeError('label_set_mismatch', `no loaded model uses label set '${labelSetId}'`, { field: 'labelSetId', value: labelSetId });
  }

  /** A room renders at its own map size when the model allows it, else at the model's default. */
  roomRenderSize(model: LoadedModel, width: number, height: number): [number, number] | null {
    try {
      return resolveSize(model, [width, height]);
    } catch {
      return null;
    }
  }

  async render(request: RenderRequest): Promise<RenderResult> {
    const started = performance.now();
    const model = this.getModel(request.model);
    const [width, height] = resolveSize(model, request.size);
    if (width * height > this.options.maxMapPixels || request.map.width * request.map.height > this.options.maxMapPixels) {
      throw new PaintscapeError('map_too_large', `maps and outputs are limited to ${this.options.maxMapPixels} pixels`, { field: 'size', limit: this.options.maxMapPixels });
    }
    if (request.style && request.style.length !== model.zSize) {
      throw new PaintscapeError('invalid_argument', `style must have ${model.zSize} values, got ${request.style.length}`, { field: 'style' });
    }
    const map = resizeNearest(request.map, width, height);
    const key = cacheKey(model.name, map, width, height, request.seed, request.style);
    const hit = this.cache.get(key);
    if (hit) {
      this.latency.observe((performance.now() - started) / 1000, { device: model.generator.device, cache: 'hit' });
      return { png: hit, model: model.name, width, height, seed: request.seed, device: model.generator.device, cached: true };
    }
    if (!this.queue) throw new PaintscapeError('model_unavailable', 'render service not started');
    const output = await this.queue.submit({ model, map, width, height, seed: request.seed, style: request.style, coalesceKey: request.coalesceKey });
    const png = encodePng({ width: output.width, height: output.height, colorType: PngColorType.Rgba, bitDepth: 8, samples: output.rgba });
    this.cache.set(key, png);
    this.latency.observe((performance.now() - started) / 1000, { device: output.device, cache: 'miss' });
    return { png, model: model.name, width: output.width, height: output.height, seed: request.seed, device: output.device, cached: false };
  }

  /** Image (PNG/JPEG/WebP bytes) → style vector (the encoder's mean). */
  async encodeStyle(modelName: string | null, image: Uint8Array): Promise<{ model: string; style: number[] }> {
    const model = this.getModel(modelName);
    const encoderSpec = model.manifest.encoder;
    if (!model.encoder || !encoderSpec) {
      throw new PaintscapeError('no_encoder', `model ${model.name} has no style encoder`, { field: 'model', value: model.name });
    }
    const [w, h] = encoderSpec.input.size;
    let decoded: { data: Buffer; info: { width: number; height: number } };
    try {
      const metadata = await sharp(image).metadata();
      const pixels = (metadata.width ?? 0) * (metadata.height ?? 0);
      if (pixels > this.options.maxMapPixels) {
        throw new PaintscapeError('map_too_large', `image has ${pixels} pixels; the limit is ${this.options.maxMapPixels}`, { field: 'body', limit: this.options.maxMapPixels });
      }
      decoded = await sharp(image).ensureAlpha().raw().toBuffer({ resolveWithObject: true });
    } catch (error) {
      if (error instanceof PaintscapeError) throw error;
      throw new PaintscapeError('invalid_image', `could not decode image: ${(error as Error).message}`, { field: 'body' });
    }
    const rgba = new Uint8Array(decoded.data.buffer, decoded.data.byteOffset, decoded.data.byteLength);
    const input = rgbaToImageTensor(rgba, decoded.info.width, decoded.info.height, [w, h]);
    const results = await model.encoder.session.run({ [encoderSpec.input.name]: new ort.Tensor('float32', input, [1, 3, h, w]) });
    const mu = results[encoderSpec.outputs.mu];
    if (!mu) throw new PaintscapeError('invalid_onnx', `encoder has no output '${encoderSpec.outputs.mu}'`);
    return { model: model.name, style: Array.from(mu.data as Float32Array) };
  }

  /** Decodes a label PNG with core's rules: indexed/grey = label values, RGB(A) = palette colours. */
  decodeLabelImage(modelName: string | null, bytes: Uint8Array): SegMap {
    const model = this.getModel(modelName);
    // Check IHDR's size before inflating anything (a small body can hold a huge image).
    if (bytes.length >= 24 && bytes[12] === 0x49 && bytes[13] === 0x48 && bytes[14] === 0x44 && bytes[15] === 0x52) {
      const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
      const pixels = view.getUint32(16) * view.getUint32(20);
      if (pixels > this.options.maxMapPixels) {
        throw new PaintscapeError('map_too_large', `label map has ${pixels} pixels; the limit is ${this.options.maxMapPixels}`, { field: 'body', limit: this.options.maxMapPixels });
      }
    }
    const map = decodeSegMapPng(bytes, model.labelSet);
    if (map.width * map.height > this.options.maxMapPixels) {
      throw new PaintscapeError('map_too_large', `label map has ${map.width * map.height} pixels; the limit is ${this.options.maxMapPixels}`, { field: 'body', limit: this.options.maxMapPixels });
    }
    return map;
  }

  listModels(): Array<Record<string, unknown>> {
    return [...this.models.values()].map((m) => ({
      name: m.name,
      default: m === this.defaultModel,
      labelSet: m.manifest.labelSet,
      description: m.manifest.description ?? null,
      device: m.generator.device,
      deviceAttempts: m.generator.attempts,
      size: m.manifest.generator.size,
      styleSize: m.zSize,
      hasEncoder: m.encoder !== null,
      batchDynamic: m.batchDynamic,
      provenance: { source: m.manifest.provenance?.source, licence: m.manifest.provenance?.licence },
    }));
  }

  async close(): Promise<void> {
    for (const model of this.models.values()) {
      await model.generator.session.release();
      await model.encoder?.session.release();
    }
  }
}

export function cacheKey(model: string, map: SegMap, width: number, height: number, seed: number, style: Float32Array | null): string {
  const hash = createHash('sha1');
  hash.update(new Uint8Array(map.data.buffer, map.data.byteOffset, map.data.byteLength));
  const styleHash = style ? createHash('sha1').update(new Uint8Array(style.buffer, style.byteOffset, style.byteLength)).digest('hex') : '-';
  return `${model}|${map.width}x${map.height}:${hash.digest('hex')}|${width}x${height}|${seed}|${styleHash}`;
}
