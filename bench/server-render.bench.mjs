#!/usr/bin/env node
// Server render throughput: a burst of 32 POST /v1/render requests (distinct maps) against a
// server with dynamic batching (maxBatch 8) vs the same server with batch 1 (baseline, same
// run, same model), plus cache-hit latency vs miss latency. Loopback only; a small SPADE
// generator built by core with random weights (the real default model is not needed).
// Prints one JSON object.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { buildGenerator, generatorParameterShapes } from '@paintscape/core';
import { createServer } from '@paintscape/server';

// model-cli (the model-folder writer) is a dependency of the server package.
const serverDir = dirname(dirname(fileURLToPath(import.meta.resolve('@paintscape/server'))));
const { createManifest, writeModelFolder } = await import(pathToFileURL(join(serverDir, 'node_modules/@paintscape/model-cli/dist/index.js')).href);

const BURST = 32;
const SIZE = 128;
const config = {
  labelChannels: 13, dontCareChannel: true, instanceEdgeChannel: false, ngf: 8, spadeHidden: 16,
  upsampling: 'normal', aspectRatio: 1, inputStage: 'conv', zDim: 8, norm: 'instance', cropSize: SIZE,
};

function seeded(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = Math.imul(a ^ (a >>> 15), a | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
function weights() {
  const random = seeded(1);
  const map = new Map();
  for (const [name, shape] of generatorParameterShapes(config)) {
    const data = new Float32Array(shape.reduce((a, b) => a * b, 1));
    for (let i = 0; i < data.length; i++) data[i] = (random() * 2 - 1) * (name.endsWith('bias') ? 0.01 : 0.2);
    map.set(name, { shape, data });
  }
  return map;
}
const percentile = (values, p) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
};
const round = (x, d = 2) => Math.round(x * 10 ** d) / 10 ** d;

function labelMap(i) {
  const data = new Uint8Array(SIZE * SIZE);
  for (let y = 0; y < SIZE; y++) data.fill((i + (y >> 4)) % 13, y * SIZE, (y + 1) * SIZE);
  // The first pixels spell i in base 13, so every i is a distinct map (no accidental cache hits).
  for (let k = 0, v = i; k < 4; k++, v = Math.floor(v / 13)) data[k] = v % 13;
  return data;
}

async function renderOnce(server, body, seed = 0) {
  const started = performance.now();
  const res = await fetch(`${server.url}/v1/render?width=${SIZE}&height=${SIZE}&seed=${seed}`, {
    method: 'POST', headers: { 'content-type': 'application/octet-stream' }, body,
  });
  if (res.status !== 200) throw new Error(`render failed: ${res.status} ${await res.text()}`);
  await res.arrayBuffer();
  return { ms: performance.now() - started, cache: res.headers.get('x-paintscape-cache') };
}

async function burst(server, offset) {
  const started = performance.now();
  const latencies = (await Promise.all(Array.from({ length: BURST }, (_, i) => renderOnce(server, labelMap(offset + i))))).map((r) => r.ms);
  const wall = performance.now() - started;
  return { rendersPerSecond: round(BURST / (wall / 1000)), p50Ms: round(percentile(latencies, 50)), p95Ms: round(percentile(latencies, 95)), wallMs: round(wall) };
}

const dir = mkdtempSync(join(tmpdir(), 'paintscape-bench-render-'));
try {
  const generatorOnnx = buildGenerator(config, weights(), { batch: 'dynamic' });
  const manifest = createManifest({
    name: 'bench', labelSet: 'landscape', config, generatorOnnx, precision: 'fp32',
    defaultSize: [SIZE, SIZE], maxSize: [512, 512], provenance: { source: 'random weights (benchmark)', licence: 'CC0-1.0' },
  });
  await writeModelFolder(join(dir, 'bench'), manifest, generatorOnnx);
  const common = {
    port: 0, host: '127.0.0.1', dataDir: null, modelDirs: [join(dir, 'bench')], device: 'cpu', renderConcurrency: 1,
    limits: { rendersPerSecond: 1e6, renderBurst: 1e6 }, log: () => {},
  };
  const single = await createServer({ ...common, maxBatch: 1, renderCacheEntries: 1 });
  const batched = await createServer({ ...common, maxBatch: 8, batchWindowMs: 2 });
  // Warm-up (session init, allocator) on both.
  await renderOnce(single, labelMap(1000));
  await renderOnce(batched, labelMap(1000));
  const batch1 = await burst(single, 0);
  const dynamic = await burst(batched, 100);
  // Cache: the same request again and again (hit) vs a new map each time (miss).
  const missMs = [];
  for (let i = 0; i < 8; i++) {
    const r = await renderOnce(batched, labelMap(500 + i));
    if (r.cache !== 'miss') throw new Error('expected a cache miss');
    missMs.push(r.ms);
  }
  const hitMs = [];
  for (let i = 0; i < 32; i++) {
    const r = await renderOnce(batched, labelMap(500));
    if (r.cache !== 'hit') throw new Error('expected a cache hit');
    hitMs.push(r.ms);
  }
  await single.close();
  await batched.close();
  const cacheHitP50 = percentile(hitMs, 50);
  const missP50 = percentile(missMs, 50);
  process.stdout.write(JSON.stringify({
    model: { ngf: config.ngf, size: `${SIZE}x${SIZE}`, device: 'cpu' },
    burst: BURST,
    batch1,
    dynamicBatching: { maxBatch: 8, ...dynamic },
    cache: { hitP50Ms: round(cacheHitP50), missP50Ms: round(missP50) },
    ratios: {
      throughputDynamicVsBatch1: round(dynamic.rendersPerSecond / batch1.rendersPerSecond),
      p95DynamicVsBatch1: round(dynamic.p95Ms / batch1.p95Ms),
      cacheHitVsMissLatency: round(cacheHitP50 / missP50, 3),
    },
  }) + '\n');
} finally {
  rmSync(dir, { recursive: true, force: true });
}
