/**
 * The embedding example (packages/client-sdk/examples/basic, plain HTML + the SDK bundle) in
 * Debian's Chromium against a real server: local renders on WebGPU (SwiftShader here) with a tiny
 * model, fallback to wasm when WebGPU is off, and local renders that match the server's.
 */
import { test, expect, chromium, type Browser, type Page } from '@playwright/test';
import { execFileSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { decodePngToRgba, type Room } from '@paintscape/client-sdk';
import { CHROMIUM_ARGS, CHROMIUM_PATH } from '../playwright.config.js';
import { startStaticServer, type StaticServer } from './static-server.js';
import { connectClient, meanAbsDiff, startTestServer, waitFor, type TestServer } from './helpers.js';
import { TINY_SIZE } from './tiny-model.js';

const sdkRoot = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'packages', 'client-sdk');
const WEBGPU_ARGS = ['--enable-unsafe-webgpu', '--enable-features=Vulkan', '--use-angle=swiftshader', '--use-vulkan=swiftshader'];
const NO_WEBGPU_ARGS = ['--disable-features=WebGPU'];

interface PageRender {
  mapVersion: number;
  backend: string;
  ms: number;
  width: number;
  height: number;
  fallbacks: string[];
}

// SwiftShader compiles every WebGPU shader on the CPU: the first local render takes about a minute
// on this 2-core machine (the tiny model's inference itself is milliseconds of work).
test.describe.configure({ timeout: 300_000 });

let paintscape: TestServer;
let site: StaticServer;
const clients: Room[] = [];

test.beforeAll(async () => {
  execFileSync(process.execPath, [join(sdkRoot, 'scripts', 'bundle.mjs')], { stdio: 'inherit' });
  paintscape = await startTestServer({ roomRenders: false });
  site = await startStaticServer({ '/': sdkRoot, '/models/tiny/': paintscape.modelDir });
});

test.afterAll(async () => {
  for (const client of clients) client.destroy();
  await site?.close();
  await paintscape?.cleanup();
});

async function openExample(browser: Browser, room: string, mode: string): Promise<Page> {
  const page = await browser.newPage();
  page.on('pageerror', (error) => console.error('[page error]', error.message));
  const query = new URLSearchParams({ server: paintscape.url, room, mode, model: '/models/tiny/', seed: '3', debounce: '20' });
  await page.goto(`${site.url}/examples/basic/index.html?${query}`);
  return page;
}

/** Paints a map from Node (another SDK client in the same room) and returns that client. */
async function paintFromNode(room: string): Promise<Room> {
  const client = connectClient(paintscape.url, room, { create: { width: TINY_SIZE * 2, height: TINY_SIZE * 2, fill: 0 } });
  clients.push(client);
  await client.whenReady();
  client.rect(0, 30, 63, 63, { label: 7 });
  client.brush([[0, 40], [63, 44]], { label: 6, radius: 5 });
  client.polygon([[10, 30], [30, 8], [50, 30]], { label: 2 });
  return client;
}

/** Waits until the page shows a render of the version its room is at, and returns it. */
async function renderOfCurrentMap(page: Page, painter: Room): Promise<{ render: PageRender; pixels: number[]; map: number[] }> {
  const mapBytes = Array.from(painter.map.data);
  const handle = await page.waitForFunction((expected) => {
    const example = (window as unknown as { paintscapeExample?: { room: { map: { data: Uint8Array }; mapVersion: number }; renders: PageRender[]; lastPixels: Uint8ClampedArray | null } }).paintscapeExample;
    if (!example || example.renders.length === 0) return null;
    let map: Uint8Array;
    try {
      map = example.room.map.data;
    } catch {
      return null;
    }
    if (map.length !== expected.length || map.some((v, i) => v !== expected[i])) return null;
    const last = example.renders[example.renders.length - 1]!;
    if (last.mapVersion !== example.room.mapVersion || !example.lastPixels) return null;
    return { render: last, pixels: Array.from(example.lastPixels), map: Array.from(map) };
  }, mapBytes, { timeout: 200_000, polling: 100 });
  return (await handle.jsonValue()) as { render: PageRender; pixels: number[]; map: number[] };
}

async function serverRender(map: number[], seed: number): Promise<Uint8ClampedArray> {
  const response = await fetch(`${paintscape.url}/v1/render?width=${TINY_SIZE * 2}&height=${TINY_SIZE * 2}&seed=${seed}`, {
    method: 'POST',
    headers: { 'content-type': 'application/octet-stream' },
    body: Uint8Array.from(map),
  });
  expect(response.status).toBe(200);
  return decodePngToRgba(new Uint8Array(await response.arrayBuffer())).rgba;
}

test('renders locally on WebGPU and matches the server render of the same map and seed', async () => {
  const browser = await chromium.launch({ executablePath: CHROMIUM_PATH, args: [...CHROMIUM_ARGS, ...WEBGPU_ARGS] });
  try {
    const painter = await paintFromNode('browser-webgpu');
    const page = await openExample(browser, 'browser-webgpu', 'local');
    expect(await page.evaluate(async () => !!(await (navigator as unknown as { gpu?: { requestAdapter(): Promise<unknown> } }).gpu?.requestAdapter()))).toBe(true);
    const { render, pixels, map } = await renderOfCurrentMap(page, painter);
    expect(render.backend).toBe('webgpu');
    expect(render.fallbacks).toEqual([]); // a NaN output would have thrown invalid_output and fallen back
    expect([render.width, render.height]).toEqual([TINY_SIZE, TINY_SIZE]);
    // The tiny model saturates (±1 → 0/255) in places: where the fused Conv+Tanh WGSL bug gives NaN.
    expect(pixels.filter((v, i) => i % 4 !== 3 && (v === 0 || v === 255)).length).toBeGreaterThan(0);
    const diff = meanAbsDiff(Uint8ClampedArray.from(pixels), await serverRender(map, 3));
    console.log(`webgpu vs server: mean abs diff ${diff.toFixed(3)} / 255, render ${render.ms.toFixed(0)} ms`);
    expect(diff).toBeLessThanOrEqual(2);
    expect(await page.evaluate(() => (window as unknown as { paintscapeExample: { errors: unknown[] } }).paintscapeExample.errors)).toEqual([]);

    // 'auto' picks local WebGPU here too (the session is shared with the page's renderer).
    const autoBackend = await page.evaluate(async () => {
      const sdk = await import(new URL('../../dist/browser/paintscape.js', location.href).href);
      const example = (window as unknown as { paintscapeExample: { room: unknown } }).paintscapeExample;
      const renderer = sdk.createRenderer(example.room, { mode: 'auto', model: '/models/tiny/', seed: 3, wasmPaths: new URL('../../dist/browser/ort/', location.href).href });
      const event = await renderer.next();
      renderer.dispose();
      return event.backend as string;
    });
    expect(autoBackend).toBe('webgpu');
  } finally {
    await browser.close();
  }
});

test('falls back to wasm (threaded, cross-origin isolated) when WebGPU is disabled, and matches the server', async () => {
  const browser = await chromium.launch({ executablePath: CHROMIUM_PATH, args: [...CHROMIUM_ARGS, ...NO_WEBGPU_ARGS] });
  try {
    const painter = await paintFromNode('browser-wasm');
    const page = await openExample(browser, 'browser-wasm', 'local');
    expect(await page.evaluate(() => crossOriginIsolated)).toBe(true);
    expect(await page.evaluate(async () => !!(await (navigator as unknown as { gpu?: { requestAdapter(): Promise<unknown> } }).gpu?.requestAdapter().catch(() => null)))).toBe(false);
    const { render, pixels, map } = await renderOfCurrentMap(page, painter);
    expect(render.backend).toBe('wasm');
    const diff = meanAbsDiff(Uint8ClampedArray.from(pixels), await serverRender(map, 3));
    console.log(`wasm vs server: mean abs diff ${diff.toFixed(3)} / 255, render ${render.ms.toFixed(0)} ms`);
    expect(diff).toBeLessThanOrEqual(2);

    // The page paints too: a snow stroke drawn with the mouse reaches the Node client.
    await page.click('#labels button[data-label="5"]');
    const box = (await page.locator('#map').boundingBox())!;
    await page.mouse.move(box.x + 10, box.y + 10);
    await page.mouse.down();
    for (let i = 1; i <= 10; i++) await page.mouse.move(box.x + 10 + i * 20, box.y + 10 + i * 5);
    await page.mouse.up();
    await waitFor(() => painter.map.data.includes(5), 'the page’s stroke to reach the Node client', 30_000);
  } finally {
    await browser.close();
  }
});
