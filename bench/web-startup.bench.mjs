#!/usr/bin/env node
// Web app startup: time from `next start` (spawned) to an interactive room page in headless
// Chromium (canvas shown, room synced), against the time from `next start` to the plain static
// home page in the same run; and the JavaScript shipped to the room page (onnxruntime-web's
// /ort/ files, .wasm and models excluded: they load only for in-browser rendering), against the
// home page's. Needs a built app (`pnpm --filter @paintscape/web build`). A tiny random-weight
// model serves the room (its renders are not what is measured). Prints one JSON object.
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { createServer } from '@paintscape/server';
import { buildGenerator, generatorParameterShapes, sampleGaussian, shapeSize, validateManifest } from '@paintscape/core';

const HERE = dirname(fileURLToPath(import.meta.url));
const ROOT = join(HERE, '..');
const WEB_DIR = join(ROOT, 'apps/web');
const REPS = Number(process.env.PAINTSCAPE_BENCH_REPS ?? 3);
const WEB_PORT = 3091;
const POLL_MS = 10;
const READY_TIMEOUT_MS = 120_000;
const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
// Playwright comes from the tests package (the bench package does not depend on it).
const { chromium } = createRequire(join(ROOT, 'tests/package.json'))('@playwright/test');

if (!existsSync(join(WEB_DIR, '.next/BUILD_ID'))) {
  process.stderr.write('web-startup: apps/web is not built; run `pnpm --filter @paintscape/web build` first\n');
  process.exit(1);
}

function tinyModel(dir) {
  const config = { labelChannels: 13, dontCareChannel: true, instanceEdgeChannel: false, ngf: 4, spadeHidden: 8, upsampling: 'normal', aspectRatio: 1, inputStage: 'conv', zDim: 8, norm: 'instance', cropSize: 32 };
  const weights = new Map();
  let index = 0;
  for (const [name, shape] of generatorParameterShapes(config)) {
    const count = shapeSize(shape);
    const data = sampleGaussian(`web-bench:${index++}`, count);
    const scale = 0.5 / Math.sqrt(shape.length > 1 ? count / shape[0] : 1);
    for (let i = 0; i < data.length; i++) data[i] *= scale;
    weights.set(name, { shape: [...shape], data });
  }
  const manifest = validateManifest({
    format: 'paintscape-model', formatVersion: 1, name: 'web-bench-tiny', description: 'random tiny generator (bench)', labelSet: 'landscape',
    generator: {
      file: 'generator.onnx', config,
      inputs: { seg: { name: 'seg', layout: 'NCHW', channels: 14 }, z: { name: 'z', layout: 'NC', size: 8 } },
      output: { name: 'image', layout: 'NCHW', channels: 3, range: [-1, 1] },
      size: { multipleOf: 32, default: [32, 32], max: [256, 256] }, precision: 'fp32',
    },
    provenance: { source: 'bench/web-startup.bench.mjs (random weights)', licence: 'Apache-2.0' },
  });
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'model.json'), JSON.stringify(manifest));
  writeFileSync(join(dir, 'generator.onnx'), buildGenerator(config, weights, { batch: 1 }));
  return dir;
}

const median = (values) => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
};
const round = (value, digits = 1) => Math.round(value * 10 ** digits) / 10 ** digits;

function startNext(serverUrl) {
  const child = spawn(process.execPath, [join(WEB_DIR, 'node_modules/next/dist/bin/next'), 'start', '-p', String(WEB_PORT)], {
    cwd: WEB_DIR,
    env: { ...process.env, PAINTSCAPE_SERVER: serverUrl, NEXT_TELEMETRY_DISABLED: '1' },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const exited = new Promise((resolve) => child.once('exit', resolve));
  return { child, stop: async () => { child.kill('SIGTERM'); await exited; } };
}

async function waitForHttp(url) {
  const deadline = Date.now() + READY_TIMEOUT_MS;
  for (;;) {
    try {
      const response = await fetch(url);
      if (response.ok) return;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) throw new Error(`${url} did not answer within ${READY_TIMEOUT_MS} ms`);
    await new Promise((r) => setTimeout(r, POLL_MS));
  }
}

const isShippedJs = (response) => {
  const url = response.url();
  return response.request().resourceType() === 'script' && !url.includes('/ort/') && !/\.(wasm|onnx)(\?|$)/.test(url);
};

/** Loads `path` in a fresh context; returns when `ready` resolves, with the JS it received. */
async function loadPage(browser, path, ready) {
  const context = await browser.newContext();
  const page = await context.newPage();
  const bodies = [];
  page.on('response', (response) => {
    if (isShippedJs(response)) bodies.push(response.body().then((b) => b, () => Buffer.alloc(0)));
  });
  await page.goto(`http://127.0.0.1:${WEB_PORT}${path}`);
  await ready(page);
  const buffers = await Promise.all(bodies);
  await context.close();
  return { files: buffers.length, bytes: buffers.reduce((n, b) => n + b.length, 0), gzipBytes: buffers.reduce((n, b) => n + gzipSync(b).length, 0) };
}

const modelsDir = mkdtempSync(join(tmpdir(), 'paintscape-web-bench-'));
const server = await createServer({ port: 0, host: '127.0.0.1', modelDirs: [tinyModel(join(modelsDir, 'tiny'))], dataDir: null, device: 'cpu', log: () => {} });
const browser = await chromium.launch({ executablePath: CHROMIUM_PATH, args: ['--no-sandbox', '--disable-background-networking', '--disable-dev-shm-usage'] });
const targets = {
  staticPage: { path: '/', ready: (page) => page.getByTestId('create-room').waitFor() },
  room: {
    path: null,
    ready: async (page) => {
      await page.getByTestId('paint-canvas').waitFor({ timeout: READY_TIMEOUT_MS });
      await page.locator('[data-testid="connection-status"][data-status="connected"]').waitFor({ timeout: READY_TIMEOUT_MS });
    },
  },
};
const times = { staticPage: [], room: [] };
const shipped = {};
try {
  for (let rep = 0; rep < REPS; rep++) {
    // Alternate the order so drift on the shared machine hits both sides.
    const order = rep % 2 === 0 ? ['staticPage', 'room'] : ['room', 'staticPage'];
    for (const name of order) {
      const target = targets[name];
      const path = target.path ?? `/room/bench-${rep}-${Date.now().toString(36)}`;
      const started = performance.now();
      const next = startNext(server.url);
      try {
        await waitForHttp(`http://127.0.0.1:${WEB_PORT}/`);
        const js = await loadPage(browser, path, target.ready);
        times[name].push(performance.now() - started);
        shipped[name] ??= js;
      } finally {
        await next.stop();
      }
    }
  }
} finally {
  await browser.close();
  await server.close();
  rmSync(modelsDir, { recursive: true, force: true });
}

const roomMs = median(times.room);
const staticMs = median(times.staticPage);
process.stdout.write(`${JSON.stringify({
  bench: 'web-startup',
  reps: REPS,
  nextStartToInteractiveRoomMs: round(roomMs),
  nextStartToStaticPageMs: round(staticMs),
  ratioRoomVsStaticPage: round(roomMs / staticMs, 2),
  roomPageJs: { ...shipped.room, excludes: 'onnxruntime-web (/ort/), .wasm, models' },
  staticPageJs: shipped.staticPage,
  ratioRoomJsVsStaticPageJs: round(shipped.room.bytes / shipped.staticPage.bytes, 2),
  samplesMs: { room: times.room.map((t) => round(t)), staticPage: times.staticPage.map((t) => round(t)) },
})}\n`);
