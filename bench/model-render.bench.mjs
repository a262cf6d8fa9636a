#!/usr/bin/env node
// Median latency of one 256×256 SPADE render on onnxruntime-node CPU (graph from
// @paintscape/core buildGenerator) vs the PyTorch reference (training/paintscape_train, 2 threads)
// on the same weights in the same run, and the achieved GMAC/s as a fraction of this machine's
// measured peak (a large MatMul in onnxruntime, also in this run). Prints one JSON object.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as ort from 'onnxruntime-node';
import {
  OnnxDataType,
  buildGenerator,
  countMacs,
  countParams,
  encodeOnnxModel,
  generatorFixedSize,
  generatorParameterShapes,
  semanticChannels,
} from '@paintscape/core';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const PYTHON = '/usr/bin/python3';
const SIZE = 256;
const WARMUP_RUNS = 2;
const TIMED_RUNS = 7;
const THREADS = 2;
const GEMM_SIZE = 1024;
const SEED = 1234;

/** A default-ish config unless the trained landscape model exists. */
function loadConfig() {
  const manifestPath = join(ROOT, 'models', 'landscape', 'model.json');
  if (existsSync(manifestPath)) {
    const manifest = JSON.parse(readFileSync(manifestPath, 'utf8'));
    return { config: manifest.generator.config, source: 'models/landscape/model.json' };
  }
  return {
    source: 'bench default',
    config: {
      labelChannels: 13,
      dontCareChannel: false,
      instanceEdgeChannel: false,
      ngf: 16,
      spadeHidden: 32,
      upsampling: 'normal',
      aspectRatio: 1,
      inputStage: 'conv',
      zDim: 64,
      norm: 'instance',
      cropSize: SIZE,
    },
  };
}

function randomWeights(shapes) {
  let state = SEED;
  const next = () => {
    state = (state * 1103515245 + 12345) % 2147483648;
    return state / 2147483648 - 0.5;
  };
  const weights = new Map();
  for (const [name, shape] of shapes) {
    const size = shape.reduce((a, b) => a * b, 1);
    const fanIn = shape.length > 1 ? size / shape[0] : 1;
    const scale = name.endsWith('running_var') ? 0 : 2 / Math.sqrt(fanIn);
    weights.set(name, { shape, data: Float32Array.from({ length: size }, () => (name.endsWith('running_var') ? 1 : next() * scale)) });
  }
  return weights;
}

/** safetensors bytes (float32) for the Python side. */
function safetensors(tensors) {
  const header = {};
  let offset = 0;
  for (const [name, t] of tensors) {
    header[name] = { dtype: 'F32', shape: t.shape, data_offsets: [offset, offset + t.data.byteLength] };
    offset += t.data.byteLength;
  }
  let json = JSON.stringify(header);
  json += ' '.repeat((8 - (json.length % 8)) % 8);
  const head = Buffer.from(json, 'utf8');
  const out = Buffer.alloc(8 + head.length + offset);
  out.writeBigUInt64LE(BigInt(head.length), 0);
  head.copy(out, 8);
  let pos = 8 + head.length;
  for (const t of tensors.values()) {
    Buffer.from(t.data.buffer, t.data.byteOffset, t.data.byteLength).copy(out, pos);
    pos += t.data.byteLength;
  }
  return out;
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

async function timeSession(session, feeds) {
  for (let i = 0; i < WARMUP_RUNS; i++) await session.run(feeds);
  const times = [];
  let last;
  for (let i = 0; i < TIMED_RUNS; i++) {
    const t0 = performance.now();
    last = await session.run(feeds);
    times.push(performance.now() - t0);
  }
  return { medianMs: median(times), last };
}

const sessionOptions = { intraOpNumThreads: THREADS, interOpNumThreads: 1, executionProviders: ['cpu'] };

async function measurePeak() {
  const n = GEMM_SIZE;
  const b = Float32Array.from({ length: n * n }, (_, i) => ((i * 7919) % 1000) / 1000 - 0.5);
  const model = encodeOnnxModel({
    graphName: 'gemm_peak',
    producerName: 'bench',
    nodes: [{ opType: 'MatMul', name: 'matmul', inputs: ['a', 'b'], outputs: ['c'] }],
    initializers: [{ name: 'b', dataType: OnnxDataType.FLOAT, dims: [n, n], rawData: new Uint8Array(b.buffer) }],
    inputs: [{ name: 'a', elemType: OnnxDataType.FLOAT, shape: [n, n] }],
    outputs: [{ name: 'c', elemType: OnnxDataType.FLOAT, shape: [n, n] }],
  });
  const session = await ort.InferenceSession.create(model, sessionOptions);
  const { medianMs } = await timeSession(session, { a: new ort.Tensor('float32', b.slice(), [n, n]) });
  await session.release();
  return { gemmSize: n, medianMs, gmacPerSecond: n ** 3 / 1e9 / (medianMs / 1000) };
}

const PY_SCRIPT = `
import json, sys, time
import numpy as np, torch
sys.path.insert(0, sys.argv[1] + '/training')
from paintscape_train.models import SPADEGenerator
from paintscape_train import safetensors_io
import warnings
warnings.simplefilter('ignore')
torch.set_num_threads(${THREADS})
work = sys.argv[2]
cfg = json.load(open(work + '/config.json'))
g = SPADEGenerator(cfg).eval()
safetensors_io.load_state_dict(g, work + '/weights.safetensors', strict=False)
io = safetensors_io.load_file(work + '/inputs.safetensors')
args = [torch.from_numpy(io['seg'])] + ([torch.from_numpy(io['z'])] if 'z' in io else [])
times = []
with torch.no_grad():
    for i in range(${WARMUP_RUNS} + ${TIMED_RUNS}):
        t0 = time.perf_counter(); out = g(*args); dt = (time.perf_counter() - t0) * 1000
        if i >= ${WARMUP_RUNS}: times.append(dt)
np.save(work + '/torch_out.npy', out.numpy())
print(json.dumps({'medianMs': float(np.median(times)), 'torch': torch.__version__}))
`;

async function main() {
  const { config, source } = loadConfig();
  const width = config.inputStage === 'official' ? undefined : SIZE;
  const shapes = generatorParameterShapes(config);
  const weights = randomWeights(shapes);
  const macs = countMacs(config, width, width);
  const channels = semanticChannels(config);
  const [w, h] = generatorFixedSize(config) ?? [SIZE, SIZE];
  const seg = new Float32Array(channels * h * w);
  for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) seg[(((x >> 5) + 3 * (y >> 6)) % channels) * h * w + y * w + x] = 1;
  const z = Float32Array.from({ length: config.zDim }, (_, i) => Math.sin(i));
  const feeds = { seg: new ort.Tensor('float32', seg, [1, channels, h, w]) };
  if (config.zDim > 0) feeds.z = new ort.Tensor('float32', z, [1, config.zDim]);

  const peak = await measurePeak();

  const session = await ort.InferenceSession.create(buildGenerator(config, weights), sessionOptions);
  const ortTiming = await timeSession(session, feeds);
  const ortImage = ortTiming.last.image.data;
  await session.release();

  const work = mkdtempSync(join(tmpdir(), 'paintscape-bench-'));
  let torch;
  try {
    writeFileSync(join(work, 'config.json'), JSON.stringify(config));
    writeFileSync(join(work, 'weights.safetensors'), safetensors(weights));
    const inputs = new Map([['seg', { shape: [1, channels, h, w], data: seg }]]);
    if (config.zDim > 0) inputs.set('z', { shape: [1, config.zDim], data: z });
    writeFileSync(join(work, 'inputs.safetensors'), safetensors(inputs));
    const py = spawnSync(PYTHON, ['-c', PY_SCRIPT, ROOT, work], { encoding: 'utf8', timeout: 10 * 60_000 });
    if (py.status !== 0) throw new Error(`PyTorch reference failed: ${py.stderr.slice(-1500)}`);
    torch = JSON.parse(py.stdout.trim().split('\n').pop());
    // .npy: a small header, then float32 data (C order) — the last 4·N bytes.
    const npy = readFileSync(join(work, 'torch_out.npy'));
    const torchImage = new Float32Array(npy.buffer.slice(npy.byteOffset + npy.length - ortImage.length * 4, npy.byteOffset + npy.length));
    torch.maxAbsDiff = torchImage.reduce((m, v, i) => Math.max(m, Math.abs(v - ortImage[i])), 0);
  } finally {
    rmSync(work, { recursive: true, force: true });
  }

  const ortGmacPerSecond = macs / 1e9 / (ortTiming.medianMs / 1000);
  console.log(
    JSON.stringify({
      configSource: source,
      config,
      size: [w, h],
      params: countParams(shapes),
      gmacs: macs / 1e9,
      threads: THREADS,
      onnxruntimeNode: { medianMs: ortTiming.medianMs, gmacPerSecond: ortGmacPerSecond },
      pytorch: { medianMs: torch.medianMs, version: torch.torch, maxAbsDiffVsOnnx: torch.maxAbsDiff },
      peakGemm: peak,
      ratios: {
        pytorchOverOnnxruntimeTime: torch.medianMs / ortTiming.medianMs,
        fractionOfPeakGemm: ortGmacPerSecond / peak.gmacPerSecond,
      },
    }),
  );
}

await main();
