// onnxruntime-node's webgpu provider (SwiftShader Vulkan here, see shared/notes/webgpu-here.md):
// a fused Conv+Tanh returns NaN where the output saturates; the generator's output stage must not.
// The provider needs LD_LIBRARY_PATH/VK_ICD_FILENAMES at process start, so it runs in a child node.
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import * as ort from 'onnxruntime-node';
import { afterAll, describe, expect, it } from 'vitest';
import type { GeneratorConfig } from '../model-io/manifest.js';
import { buildGenerator, generatorParameterShapes } from './generator.js';
import { OnnxDataType, encodeOnnxModel } from './onnx.js';
import type { WeightMap } from './weights.js';

const WEBGPU_ENV = {
  LD_LIBRARY_PATH: '/usr/lib/chromium',
  VK_ICD_FILENAMES: '/usr/lib/chromium/vk_swiftshader_icd.json',
};
const WEBGPU_TIMEOUT_MS = 240_000;
const PACKAGE_DIR = fileURLToPath(new URL('../../', import.meta.url));
const work = mkdtempSync(join(tmpdir(), 'paintscape-webgpu-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

// Runs model.onnx on the webgpu provider (default 'all' optimizations, like a real app) with the
// float32 inputs in inputs.json and writes each output as raw float32 to <name>.bin.
const CHILD = `
import * as ort from 'onnxruntime-node';
import { readFileSync, writeFileSync } from 'node:fs';
const dir = process.argv[1];
const session = await ort.InferenceSession.create(readFileSync(dir + '/model.onnx'), { executionProviders: ['webgpu'] });
const spec = JSON.parse(readFileSync(dir + '/inputs.json', 'utf8'));
const feeds = {};
for (const [name, { dims, data }] of Object.entries(spec)) feeds[name] = new ort.Tensor('float32', Float32Array.from(data), dims);
const results = await session.run(feeds);
for (const name of session.outputNames) writeFileSync(dir + '/' + name + '.bin', results[name].data);
`;

type Feeds = Record<string, { dims: number[]; data: Float32Array }>;

async function runWebgpu(model: Uint8Array, feeds: Feeds, outputs: string[]): Promise<Record<string, Float32Array>> {
  writeFileSync(join(work, 'model.onnx'), model);
  const spec = Object.fromEntries(Object.entries(feeds).map(([k, v]) => [k, { dims: v.dims, data: Array.from(v.data) }]));
  writeFileSync(join(work, 'inputs.json'), JSON.stringify(spec));
  await promisify(execFile)(process.execPath, ['--input-type=module', '-e', CHILD, work], {
    cwd: PACKAGE_DIR,
    env: { ...process.env, ...WEBGPU_ENV },
    timeout: WEBGPU_TIMEOUT_MS,
  });
  const out: Record<string, Float32Array> = {};
  for (const name of outputs) {
    const bytes = readFileSync(join(work, `${name}.bin`));
    out[name] = new Float32Array(bytes.buffer, bytes.byteOffset, bytes.byteLength / 4);
  }
  return out;
}

async function runCpu(model: Uint8Array, feeds: Feeds): Promise<Record<string, Float32Array>> {
  const session = await ort.InferenceSession.create(model);
  const inputs = Object.fromEntries(Object.entries(feeds).map(([k, v]) => [k, new ort.Tensor('float32', v.data, v.dims)]));
  const results = await session.run(inputs);
  const out = Object.fromEntries(session.outputNames.map((n) => [n, results[n]!.data as Float32Array]));
  await session.release();
  return out;
}

function randomWeights(config: GeneratorConfig): WeightMap {
  let state = 7;
  const next = (): number => {
    state = (state * 1103515245 + 12345) % 2147483648;
    return state / 2147483648 - 0.5;
  };
  const weights: WeightMap = new Map();
  for (const [name, shape] of generatorParameterShapes(config)) {
    // conv_img ×1000: nearly every output pixel saturates at ±1.
    const scale = name.startsWith('conv_img') ? 1000 : 0.5;
    weights.set(name, { shape, data: Float32Array.from({ length: shape.reduce((a, b) => a * b, 1) }, () => next() * scale) });
  }
  return weights;
}

const countNaN = (data: Float32Array): number => data.reduce((n, v) => n + (Number.isNaN(v) ? 1 : 0), 0);

describe('webgpu provider (onnxruntime-node, SwiftShader)', () => {
  const config: GeneratorConfig = {
    labelChannels: 4,
    dontCareChannel: false,
    instanceEdgeChannel: false,
    ngf: 2,
    spadeHidden: 4,
    upsampling: 'normal',
    aspectRatio: 1,
    inputStage: 'conv',
    zDim: 4,
    norm: 'instance',
    cropSize: 32,
  };
  const seg = new Float32Array(4 * 32 * 32);
  for (let p = 0; p < 32 * 32; p++) seg[(Math.floor(p / 128) % 4) * 1024 + p] = 1;
  const feeds: Feeds = { seg: { dims: [1, 4, 32, 32], data: seg }, z: { dims: [1, 4], data: Float32Array.of(0.3, -1, 2, 0) } };

  it('a saturating generator gives no NaN and matches the CPU provider', async () => {
    const model = buildGenerator(config, randomWeights(config));
    const cpu = (await runCpu(model, feeds)).image!;
    const saturated = cpu.filter((v) => Math.abs(v) === 1).length;
    expect(saturated / cpu.length).toBeGreaterThan(0.5);
    const gpu = (await runWebgpu(model, feeds, ['image'])).image!;
    expect(countNaN(gpu)).toBe(0);
    let maxDiff = 0;
    for (let i = 0; i < cpu.length; i++) maxDiff = Math.max(maxDiff, Math.abs(cpu[i]! - gpu[i]!));
    expect(maxDiff).toBeLessThanOrEqual(1e-2);
  }, WEBGPU_TIMEOUT_MS);

  it('control: a plain Conv → Tanh output stage does give NaN there (the hazard the builder avoids)', async () => {
    const weight = Float32Array.from({ length: 3 * 4 * 9 }, (_, i) => ((i % 7) - 3) * 100);
    const model = encodeOnnxModel({
      graphName: 'conv_tanh',
      producerName: 'test',
      nodes: [
        { opType: 'Conv', name: 'conv', inputs: ['seg', 'w'], outputs: ['c'], attributes: { kernel_shape: [3, 3], pads: [1, 1, 1, 1] } },
        { opType: 'Tanh', name: 'tanh', inputs: ['c'], outputs: ['image'] },
      ],
      initializers: [{ name: 'w', dataType: OnnxDataType.FLOAT, dims: [3, 4, 3, 3], rawData: new Uint8Array(weight.buffer) }],
      inputs: [{ name: 'seg', elemType: OnnxDataType.FLOAT, shape: [1, 4, 32, 32] }],
      outputs: [{ name: 'image', elemType: OnnxDataType.FLOAT, shape: [1, 3, 32, 32] }],
    });
    const gpu = (await runWebgpu(model, { seg: feeds.seg! }, ['image'])).image!;
    expect(countNaN(gpu)).toBeGreaterThan(0);
  }, WEBGPU_TIMEOUT_MS);
});
