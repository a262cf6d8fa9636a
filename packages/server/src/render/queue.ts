/**
 * Render queue: a global concurrency limit, coalescing per key (a room keeps only its newest
 * queued request; older ones are rejected with `CoalescedError`), and dynamic batching of
 * queued requests that share model and size when the model's batch dimension is dynamic.
 */
import * as ort from 'onnxruntime-node';
import { imageTensorToRgba, sampleGaussian, segMapToOneHot, type SegMap } from '@paintscape/core';
import type { LoadedModel } from './model.js';

export interface RenderJob {
  model: LoadedModel;
  /** Label map already at the output size. */
  map: SegMap;
  width: number;
  height: number;
  seed: number;
  /** Style vector (zSize floats); null samples one from `seed`. */
  style: Float32Array | null;
  /** Jobs with the same key replace each other while queued (e.g. `room:<name>`). */
  coalesceKey: string | null;
}

export interface RenderOutput {
  /** Opaque 8-bit RGBA. */
  rgba: Uint8ClampedArray;
  width: number;
  height: number;
  device: string;
  /** Maps in the batch this one ran in. */
  batchSize: number;
  /** Model time of the batch, ms. */
  runMs: number;
}

export class CoalescedError extends Error {
  constructor() {
    super('superseded by a newer render request');
  }
}

interface Entry {
  job: RenderJob;
  resolve: (output: RenderOutput) => void;
  reject: (error: unknown) => void;
}

export interface RenderQueueOptions {
  concurrency: number;
  maxBatch: number;
  batchWindowMs: number;
  /** Called when a batch leaves the queue, before the model runs (tests hook in here). */
  onDispatch?: (jobs: readonly RenderJob[]) => void;
  /** Observes every finished batch (metrics). */
  onBatch?: (info: { device: string; size: number; runMs: number }) => void;
}

export class RenderQueue {
  private pending: Entry[] = [];
  private readonly byKey = new Map<string, Entry>();
  private running = 0;
  private timer: NodeJS.Timeout | null = null;
  readonly stats = { batches: 0, rendered: 0, coalesced: 0, failed: 0 };

  constructor(private readonly options: RenderQueueOptions) {}

  get depth(): number {
    return this.pending.length;
  }

  get active(): number {
    return this.running;
  }

  submit(job: RenderJob): Promise<RenderOutput> {
    return new Promise<RenderOutput>((resolve, reject) => {
      const entry: Entry = { job, resolve, reject };
      if (job.coalesceKey !== null) {
        const older = this.byKey.get(job.coalesceKey);
        if (older) {
          this.pending = this.pending.filter((e) => e !== older);
          this.stats.coalesced++;
          older.reject(new CoalescedError());
        }
        this.byKey.set(job.coalesceKey, entry);
      }
      this.pending.push(entry);
      this.schedule();
    });
  }

  private schedule(): void {
    if (this.timer || this.running >= this.options.concurrency || this.pending.length === 0) return;
    // A short window lets a burst arrive before the batch is cut.
    this.timer = setTimeout(() => {
      this.timer = null;
      this.dispatch();
    }, this.options.batchWindowMs);
  }

  private dispatch(): void {
    while (this.running < this.options.concurrency && this.pending.length > 0) {
      const first = this.pending[0]!;
      const limit = first.job.model.batchDynamic ? this.options.maxBatch : 1;
      const batch: Entry[] = [];
      const rest: Entry[] = [];
      for (const entry of this.pending) {
        if (batch.length < limit && compatible(first.job, entry.job)) batch.push(entry);
        else rest.push(entry);
      }
      this.pending = rest;
      for (const entry of batch) {
        if (entry.job.coalesceKey !== null && this.byKey.get(entry.job.coalesceKey) === entry) this.byKey.delete(entry.job.coalesceKey);
      }
      this.running++;
      this.options.onDispatch?.(batch.map((e) => e.job));
      void this.run(batch).finally(() => {
        this.running--;
        this.schedule();
      });
    }
  }

  private async run(batch: Entry[]): Promise<void> {
    const { model, width, height } = batch[0]!.job;
    const n = batch.length;
    try {
      const config = model.manifest.generator.config;
      const itemSize = model.channels * width * height;
      const seg = new Float32Array(n * itemSize);
      batch.forEach((entry, i) => {
        const oneHot = segMapToOneHot(entry.job.map, {
          channels: model.channels,
          labelChannels: config.labelChannels,
          dontCare: config.dontCareChannel,
          instanceEdge: config.instanceEdgeChannel,
          width,
          height,
        });
        seg.set(oneHot, i * itemSize);
      });
      const feeds: Record<string, ort.Tensor> = { [model.segInput]: new ort.Tensor('float32', seg, [n, model.channels, height, width]) };
      if (model.zInput) {
        const z = new Float32Array(n * model.zSize);
        batch.forEach((entry, i) => z.set(entry.job.style ?? sampleGaussian(entry.job.seed, model.zSize), i * model.zSize));
        feeds[model.zInput] = new ort.Tensor('float32', z, [n, model.zSize]);
      }
      const started = performance.now();
      const results = await model.generator.session.run(feeds);
      const runMs = performance.now() - started;
      const output = results[model.outputName];
      if (!output) throw new Error(`generator has no output '${model.outputName}'`);
      const data = output.data as Float32Array;
      const outH = output.dims[2] ?? height;
      const outW = output.dims[3] ?? width;
      this.stats.batches++;
      this.stats.rendered += n;
      this.options.onBatch?.({ device: model.generator.device, size: n, runMs });
      batch.forEach((entry, i) => {
        entry.resolve({ rgba: imageTensorToRgba(data, outW, outH, i), width: outW, height: outH, device: model.generator.device, batchSize: n, runMs });
      });
    } catch (error) {
      this.stats.failed += n;
      for (const entry of batch) entry.reject(error);
    }
  }
}

function compatible(a: RenderJob, b: RenderJob): boolean {
  return a.model === b.model && a.width === b.width && a.height === b.height;
}
