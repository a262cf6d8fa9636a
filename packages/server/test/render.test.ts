import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodePng, encodeSegMapPng, getLabelSet, segMapToRgba, encodePng, PngColorType, createSegMap } from '@paintscape/core';
import type { PaintscapeServer } from '../src/index.js';
import { startServer, tempDir } from './helpers.js';
import { writeTinyModel } from './model-fixture.js';

describe('HTTP render API (real onnxruntime, tiny model)', () => {
  let server: PaintscapeServer;
  const dir = tempDir();
  beforeAll(async () => {
    const model = await writeTinyModel(dir.path);
    server = await startServer({ modelDirs: [model], device: 'cpu', limits: { rendersPerSecond: 1000, renderBurst: 1000, maxMapPixels: 256 * 256 } });
  }, 60_000);
  afterAll(async () => {
    await server?.close();
    dir.remove();
  });

  function stripes(width: number, height: number) {
    const map = createSegMap(width, height, { fill: 0 });
    for (let y = Math.floor(height / 2); y < height; y++) map.data.fill(7, y * width, (y + 1) * width);
    return map;
  }

  it('lists the model', async () => {
    const res = await fetch(`${server.url}/v1/models`);
    const body = (await res.json()) as { models: Array<{ name: string; device: string; batchDynamic: boolean; hasEncoder: boolean }> };
    expect(res.status).toBe(200);
    expect(body.models[0]).toMatchObject({ name: 'tiny', device: 'cpu', batchDynamic: true, hasEncoder: true });
  });

  it('renders an indexed label PNG at the requested size', async () => {
    const png = encodeSegMapPng(stripes(32, 32), getLabelSet('landscape'));
    const res = await fetch(`${server.url}/v1/render?size=96x64&seed=3`, { method: 'POST', headers: { 'content-type': 'image/png' }, body: png });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('image/png');
    const image = decodePng(new Uint8Array(await res.arrayBuffer()));
    expect([image.width, image.height]).toEqual([96, 64]);
  });

  it('renders a palette-coloured PNG and raw labels the same way', async () => {
    const map = stripes(64, 64);
    const rgba = segMapToRgba(map, getLabelSet('landscape'));
    const colourPng = encodePng({ width: 64, height: 64, colorType: PngColorType.Rgba, bitDepth: 8, samples: rgba });
    const a = await fetch(`${server.url}/v1/render?seed=5`, { method: 'POST', headers: { 'content-type': 'image/png' }, body: colourPng });
    const b = await fetch(`${server.url}/v1/render?seed=5&width=64&height=64`, { method: 'POST', headers: { 'content-type': 'application/octet-stream' }, body: map.data });
    const c = await fetch(`${server.url}/v1/render`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ width: 64, height: 64, labels: Array.from(map.data), seed: 5 }) });
    expect([a.status, b.status, c.status]).toEqual([200, 200, 200]);
    const [pa, pb, pc] = await Promise.all([a, b, c].map(async (r) => Buffer.from(await r.arrayBuffer())));
    expect(pa!.equals(pb!)).toBe(true);
    expect(pa!.equals(pc!)).toBe(true);
    expect(b.headers.get('x-paintscape-cache')).toBe('hit'); // same (model, map, size, seed, style)
  });

  // Note: with inputStage 'conv' + instance norm, z is removed by the first norm, so seeds
  // cannot change this tiny model's output; the queue test checks z per batch item.
  it('accepts seeds and style vectors', async () => {
    const map = stripes(64, 64);
    const render = async (query: string) => {
      const res = await fetch(`${server.url}/v1/render?width=64&height=64&${query}`, { method: 'POST', headers: { 'content-type': 'application/octet-stream' }, body: map.data });
      expect(res.status).toBe(200);
      return Buffer.from(await res.arrayBuffer());
    };
    const plain = await render('seed=1');
    const styled = await render(`style=${Array.from({ length: 8 }, (_, i) => (i % 3) - 1).join(',')}`);
    expect(decodePng(new Uint8Array(styled)).width).toBe(64);
    expect(decodePng(new Uint8Array(plain)).width).toBe(64);
  });

  it('encodes a style from an image with the encoder', async () => {
    const rgba = new Uint8Array(80 * 60 * 4).map((_, i) => (i * 37) % 256);
    const png = encodePng({ width: 80, height: 60, colorType: PngColorType.Rgba, bitDepth: 8, samples: rgba });
    const res = await fetch(`${server.url}/v1/style`, { method: 'POST', headers: { 'content-type': 'image/png' }, body: png });
    const body = (await res.json()) as { style: number[]; model: string };
    expect(res.status).toBe(200);
    expect(body.style).toHaveLength(8);
    expect(body.style.every(Number.isFinite)).toBe(true);
  });

  it('answers bad requests with 4xx JSON naming the problem', async () => {
    const post = (query: string, body: Uint8Array | string, type: string) => fetch(`${server.url}/v1/render?${query}`, { method: 'POST', headers: { 'content-type': type }, body });
    const cases: Array<[Response, number, string]> = [
      [await post('size=63', new Uint8Array(16), 'application/octet-stream'), 400, 'invalid_argument'],
      [await post('width=4&height=4&size=63', new Uint8Array(16), 'application/octet-stream'), 400, 'invalid_argument'],
      [await post('width=4&height=5', new Uint8Array(16), 'application/octet-stream'), 400, 'size_mismatch'],
      [await post('', 'not a png', 'image/png'), 400, 'invalid_png'],
      [await post('model=nope&width=4&height=4', new Uint8Array(16), 'application/octet-stream'), 404, 'unknown_model'],
      [await post('width=4&height=4&seed=-1', new Uint8Array(16), 'application/octet-stream'), 400, 'invalid_argument'],
      [await post('width=4&height=4&style=1,2', new Uint8Array(16), 'application/octet-stream'), 400, 'invalid_argument'],
      [await post('width=4&height=4', Uint8Array.from({ length: 16 }, () => 99), 'application/octet-stream'), 400, 'label_out_of_range'],
    ];
    for (const [res, status, code] of cases) {
      expect(res.status).toBe(status);
      expect(((await res.json()) as { error: { code: string } }).error.code).toBe(code);
    }
  });

  it('refuses maps above maxMapPixels with 413', async () => {
    const res = await fetch(`${server.url}/v1/render?width=512&height=512`, { method: 'POST', headers: { 'content-type': 'application/octet-stream' }, body: new Uint8Array(512 * 512) });
    expect(res.status).toBe(413);
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe('map_too_large');
  });

  it('serves health and Prometheus metrics', async () => {
    const health = (await (await fetch(`${server.url}/healthz`)).json()) as { ok: boolean; models: unknown[] };
    expect(health.ok).toBe(true);
    expect(health.models).toHaveLength(1);
    const metrics = await (await fetch(`${server.url}/metrics`)).text();
    for (const name of ['paintscape_connections', 'paintscape_rooms', 'paintscape_updates_per_second', 'paintscape_render_queue_depth', 'paintscape_render_cache_hits_total']) {
      expect(metrics).toContain(`# TYPE ${name}`);
    }
    expect(metrics).toMatch(/paintscape_render_latency_seconds_bucket\{device="cpu",cache="miss",le="\+Inf"\} [1-9]/);
  });
});
