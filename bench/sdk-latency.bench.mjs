#!/usr/bin/env node
// Stroke-to-render latency of @paintscape/client-sdk: from pointer-up (StrokeHandle.end()) to the
// renderer's image of that map version, in 'server' mode (a Paintscape server in a child process,
// onnxruntime-node CPU) and 'local' mode (onnxruntime-web wasm in this Node process), with the
// default model (models/landscape) when it exists, else a stand-in of the same architecture with
// random weights. Ratio: local wasm vs server, measured in the same run. WebGPU vs wasm needs a
// browser with a real GPU: reported as "not measured here" (SwiftShader WebGPU is CPU-emulated;
// see shared/notes/webgpu-here.md). Prints one JSON object.
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir, cpus } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import WebSocket from 'ws';
import { connect, createRenderer, RENDERER_SCHEDULE_DEFAULTS } from '@paintscape/client-sdk';
import {
  buildGenerator,
  countMacs,
  generatorParameterShapes,
  sampleGaussian,
  shapeSize,
  validateManifest,
} from '@paintscape/core';

const HERE = dirname(fileURLToPath(import.meta.url));
const ROOT = join(HERE, '..');
const STROKES = 6;
const WARMUP_STROKES = 1;
const STAND_IN_SIZE = 128;

function standInModel(dir) {
  const config = {
    labelChannels: 13, dontCareChannel: true, instanceEdgeChannel: false, ngf: 16, spadeHidden: 32,
    upsampling: 'normal', aspectRatio: 1, inputStage: 'conv', zDim: 64, norm: 'instance', cropSize: STAND_IN_SIZE,
  };
  const weights = new Map();
  let index = 0;
  for (const [name, shape] of generatorParameterShapes(config)) {
    const count = shapeSize(shape);
    const data = sampleGaussian(`bench:${index++}`, count);
    const scale = name.endsWith('.bias') ? 0.05 : 1 / Math.sqrt(shape.length > 1 ? count / shape[0] : 1);
    for (let i = 0; i < data.length; i++) data[i] *= scale;
    weights.set(name, { shape, data });
  }
  const manifest = validateManifest({
    format: 'paintscape-model', formatVersion: 1, name: 'bench-stand-in', labelSet: 'landscape',
    generator: {
      file: 'generator.onnx', config,
      inputs: { seg: { name: 'seg', layout: 'NCHW', channels: 14 }, z: { name: 'z', layout: 'NC', size: 64 } },
      output: { name: 'image', layout: 'NCHW', channels: 3, range: [-1, 1] },
      size: { multipleOf: 32, default: [STAND_IN_SIZE, STAND_IN_SIZE], max: [512, 512] },
      precision: 'fp32',
    },
    provenance: { source: 'bench/sdk-latency.bench.mjs (random weights)', licence: 'Apache-2.0' },
  });
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'model.json'), JSON.stringify(manifest));
  writeFileSync(join(dir, 'generator.onnx'), buildGenerator(config, weights, { batch: 1 }));
  return dir;
}

function startServerProcess(modelDir) {
  const code = `
    import { createServer } from '@paintscape/server';
    const server = await createServer({ port: 0, host: '127.0.0.1', dataDir: null, modelDirs: [${JSON.stringify(modelDir)}],
      device: 'cpu', roomRenders: false, log: () => {}, limits: { rendersPerSecond: 1000, renderBurst: 1000 } });
    process.stdout.write(JSON.stringify({ port: server.port }) + '\\n');
    process.on('SIGTERM', () => server.close().then(() => process.exit(0)));`;
  const child = spawn(process.execPath, ['--input-type=module', '-e', code], { cwd: HERE, stdio: ['ignore', 'pipe', 'inherit'] });
  return new Promise((resolve, reject) => {
    let buffer = '';
    child.stdout.on('data', (chunk) => {
      buffer += chunk;
      const line = buffer.split('\n')[0];
      if (buffer.includes('\n')) resolve({ child, port: JSON.parse(line).port });
    });
    child.on('exit', (status) => reject(new Error(`server process exited with ${status}`)));
  });
}

const median = (values) => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
};

async function measure(serverUrl, roomName, rendererOptions) {
  const room = connect({
    server: serverUrl, room: roomName, user: { name: 'bench', color: '#000' }, WebSocket,
    create: { width: 256, height: 256, labelSet: 'landscape', fill: 0 },
  });
  await room.whenReady();
  const renderer = createRenderer(room, { ...rendererOptions, renderInitial: false });
  const samples = [];
  let backend = null;
  try {
    for (let i = 0; i < WARMUP_STROKES + STROKES; i++) {
      const stroke = room.beginStroke({ label: 2 + (i % 10), radius: 12 });
      for (let frame = 0; frame < 3; frame++) {
        stroke.extend([[20 + frame * 60, 40 + i * 30], [50 + frame * 60, 60 + i * 25]]);
        await new Promise((resolve) => setTimeout(resolve, 16));
      }
      const pointerUp = performance.now();
      stroke.end();
      const render = await renderer.next(room.mapVersion);
      const latency = performance.now() - pointerUp;
      backend = render.backend;
      if (i >= WARMUP_STROKES) samples.push(latency);
    }
  } finally {
    renderer.dispose();
    room.destroy();
  }
  return { backend, strokes: samples.length, p50Ms: median(samples), minMs: Math.min(...samples), maxMs: Math.max(...samples) };
}

const work = mkdtempSync(join(tmpdir(), 'paintscape-sdk-bench-'));
let server;
try {
  const defaultModel = join(ROOT, 'models', 'landscape');
  const haveDefault = existsSync(join(defaultModel, 'model.json'));
  const modelDir = haveDefault ? defaultModel : standInModel(join(work, 'model'));
  const manifest = JSON.parse(readFileSync(join(modelDir, 'model.json'), 'utf8'));
  const [width, height] = manifest.generator.size.fixed ?? manifest.generator.size.default;
  server = await startServerProcess(modelDir);
  const url = `http://127.0.0.1:${server.port}`;
  const localModel = { manifest, generator: new Uint8Array(readFileSync(join(modelDir, manifest.generator.file))) };

  const serverMode = await measure(url, 'bench-server', { mode: 'server' });
  const localWasm = await measure(url, 'bench-local', { mode: 'local', model: localModel });
  console.log(JSON.stringify({
    bench: 'sdk-latency',
    model: haveDefault ? 'models/landscape (default model)' : `stand-in with random weights (models/landscape missing): ngf ${manifest.generator.config.ngf}`,
    renderSize: [width, height],
    gmacs: countMacs(manifest.generator.config, width, height) / 1e9,
    debounceMs: RENDERER_SCHEDULE_DEFAULTS.debounceMs,
    note: 'pointer-up (StrokeHandle.end) to the render of that map version, renderer defaults (debounce included); server in a child process on the same machine',
    cpus: cpus().length,
    server: serverMode,
    localWasm,
    ratios: { localWasmVsServerP50: localWasm.p50Ms / serverMode.p50Ms },
    webgpuVsWasm: 'not measured here (no GPU on this machine; SwiftShader WebGPU is CPU-emulated, see shared/notes/webgpu-here.md)',
  }));
} finally {
  server?.child.kill('SIGTERM');
  rmSync(work, { recursive: true, force: true });
}
