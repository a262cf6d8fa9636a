import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSegMap, type SegMap } from '@paintscape/core';
import { tempDir } from '../../test/helpers.js';
import { writeTinyModel } from '../../test/model-fixture.js';
import { loadModel, type LoadedModel } from './model.js';
import { CoalescedError, RenderQueue, type RenderJob, type RenderOutput } from './queue.js';

describe('RenderQueue (real onnxruntime, tiny model)', () => {
  const dir = tempDir();
  let model: LoadedModel;
  beforeAll(async () => {
    model = await loadModel(await writeTinyModel(dir.path), 'cpu');
  }, 60_000);
  afterAll(async () => {
    await model?.generator.session.release();
    dir.remove();
  });

  function mapWith(label: number): SegMap {
    const map = createSegMap(64, 64, { fill: 0 });
    map.data.fill(label, 0, 64 * (label + 1));
    return map;
  }
  function job(map: SegMap, coalesceKey: string | null, seed = 0): RenderJob {
    return { model, map, width: 64, height: 64, seed, style: null, coalesceKey };
  }

  it('renders only the newest version when 20 updates arrive during one render', async () => {
    const renderedMaps: SegMap[] = [];
    const results: Array<Promise<RenderOutput>> = [];
    let queue: RenderQueue | null = null;
    let injected = false;
    queue = new RenderQueue({
      concurrency: 1,
      maxBatch: 8,
      batchWindowMs: 0,
      onDispatch: (jobs) => {
        renderedMaps.push(...jobs.map((j) => j.map));
        if (injected) return;
        injected = true;
        // The first render has left the queue: 20 newer versions of the same room arrive now.
        for (let v = 1; v <= 20; v++) {
          const pending = queue!.submit(job(mapWith(v % 12), 'room:a'));
          pending.catch(() => {}); // inspected below with allSettled
          results.push(pending);
        }
      },
    });
    const first = queue.submit(job(mapWith(0), 'room:a'));
    await first;
    const settled = await Promise.allSettled(results);
    expect(settled.slice(0, 19).every((r) => r.status === 'rejected' && r.reason instanceof CoalescedError)).toBe(true);
    expect(settled[19]!.status).toBe('fulfilled');
    expect(renderedMaps).toHaveLength(2);
    expect(renderedMaps[1]!.data).toEqual(mapWith(20 % 12).data);
    expect(queue.stats).toMatchObject({ rendered: 2, coalesced: 19, batches: 2 });
  });

  it('batches queued renders of different rooms into one run with the same pixels as batch 1', async () => {
    const batchSizes: number[] = [];
    const batched = new RenderQueue({ concurrency: 1, maxBatch: 8, batchWindowMs: 1, onBatch: ({ size }) => batchSizes.push(size) });
    const maps = [1, 3, 6, 8, 11].map(mapWith);
    const outputs = await Promise.all(maps.map((m, i) => batched.submit(job(m, `room:${i}`))));
    expect(batchSizes).toEqual([5]);
    expect(outputs.every((o) => o.batchSize === 5)).toBe(true);
    const single = new RenderQueue({ concurrency: 1, maxBatch: 1, batchWindowMs: 0 });
    for (let i = 0; i < maps.length; i++) {
      const alone = await single.submit(job(maps[i]!, null));
      expect(alone.batchSize).toBe(1);
      let maxDiff = 0;
      for (let p = 0; p < alone.rgba.length; p++) maxDiff = Math.max(maxDiff, Math.abs(alone.rgba[p]! - outputs[i]!.rgba[p]!));
      expect(maxDiff).toBeLessThanOrEqual(1);
    }
  });

  it('respects the concurrency limit and keeps rooms separate', async () => {
    let active = 0;
    let peak = 0;
    const queue = new RenderQueue({
      concurrency: 2,
      maxBatch: 1,
      batchWindowMs: 0,
      onDispatch: () => {
        active++;
        peak = Math.max(peak, active);
      },
      onBatch: () => {
        active--;
      },
    });
    await Promise.all(Array.from({ length: 6 }, (_, i) => queue.submit(job(mapWith(i), `room:${i}`))));
    expect(peak).toBe(2);
    expect(queue.stats.rendered).toBe(6);
  });
});
