// Parity of the built ONNX graphs with the PyTorch reference (training/paintscape_train/models),
// on fixtures written by training/scripts/gen_parity_fixture.py, in onnxruntime-node (CPU) and
// onnxruntime-web (wasm, in node).
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import * as ortNode from 'onnxruntime-node';
import * as ortWeb from 'onnxruntime-web';
import { describe, expect, it } from 'vitest';
import type { EncoderConfig, GeneratorConfig } from '../model-io/manifest.js';
import { buildEncoder } from './encoder.js';
import { buildGenerator } from './generator.js';
import { readOnnxSummary } from './onnx.js';
import type { WeightMap } from './weights.js';

const FIXTURES = fileURLToPath(new URL('../../test-fixtures/parity/', import.meta.url));
const TOLERANCE = 1e-4;
const FP16_TOLERANCE = 0.05;
/** First onnxruntime-web session compiles the wasm module: seconds on a busy 2-core machine. */
const SESSION_TIMEOUT_MS = 120_000;

interface Cases {
  generators: Record<string, { config: GeneratorConfig; runs: number }>;
  encoder: { name: string; config: EncoderConfig; runs: number };
}
const cases = JSON.parse(readFileSync(`${FIXTURES}cases.json`, 'utf8')) as Cases;

interface RawTensor {
  dtype: string;
  shape: number[];
  bytes: Uint8Array;
}

/** A small safetensors reader for the fixtures (F32, F16, U8, I64). */
function readSafetensors(path: string): Map<string, RawTensor> {
  const file = new Uint8Array(readFileSync(path));
  const headerLength = Number(new DataView(file.buffer, file.byteOffset).getBigUint64(0, true));
  const header = JSON.parse(new TextDecoder().decode(file.subarray(8, 8 + headerLength))) as Record<
    string,
    { dtype: string; shape: number[]; data_offsets: [number, number] }
  >;
  const body = file.subarray(8 + headerLength);
  const out = new Map<string, RawTensor>();
  for (const [name, info] of Object.entries(header)) {
    if (name === '__metadata__') continue;
    out.set(name, { dtype: info.dtype, shape: info.shape, bytes: body.slice(info.data_offsets[0], info.data_offsets[1]) });
  }
  return out;
}

function float16ToFloat32(bits: number): number {
  const sign = bits & 0x8000 ? -1 : 1;
  const exponent = (bits >> 10) & 0x1f;
  const mantissa = bits & 0x3ff;
  if (exponent === 0) return sign * mantissa * 2 ** -24;
  if (exponent === 0x1f) return mantissa ? NaN : sign * Infinity;
  return sign * (1 + mantissa / 1024) * 2 ** (exponent - 15);
}

function toFloat32(t: RawTensor): Float32Array {
  const view = new DataView(t.bytes.buffer, t.bytes.byteOffset, t.bytes.byteLength);
  if (t.dtype === 'F32') return new Float32Array(t.bytes.buffer, t.bytes.byteOffset, t.bytes.byteLength / 4);
  if (t.dtype === 'F16') return Float32Array.from({ length: t.bytes.length / 2 }, (_, i) => float16ToFloat32(view.getUint16(2 * i, true)));
  if (t.dtype === 'U8') return Float32Array.from(t.bytes);
  throw new Error(`unsupported dtype ${t.dtype}`);
}

function loadWeights(name: string): WeightMap {
  const weights: WeightMap = new Map();
  for (const [key, t] of readSafetensors(`${FIXTURES}${name}.weights.safetensors`)) {
    if (t.dtype === 'I64') continue; // num_batches_tracked
    weights.set(key, { shape: t.shape, data: toFloat32(t) });
  }
  return weights;
}

function oneHot(labels: RawTensor, channels: number): Float32Array {
  const [n, h, w] = labels.shape as [number, number, number];
  const out = new Float32Array(n * channels * h * w);
  for (let b = 0; b < n; b++)
    for (let p = 0; p < h * w; p++) out[(b * channels + labels.bytes[b * h * w + p]!) * h * w + p] = 1;
  return out;
}

function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  expect(a.length).toBe(b.length);
  let max = 0;
  for (let i = 0; i < a.length; i++) {
    const d = Math.abs(a[i]! - b[i]!);
    if (!(d <= max)) max = Number.isNaN(d) ? Infinity : d;
  }
  return max;
}

type Runtime = 'onnxruntime-node' | 'onnxruntime-web';
async function run(runtime: Runtime, model: Uint8Array, feeds: Record<string, { data: Float32Array; dims: number[] }>): Promise<Record<string, Float32Array>> {
  const ort = runtime === 'onnxruntime-node' ? ortNode : ortWeb;
  if (runtime === 'onnxruntime-web') ortWeb.env.wasm.numThreads = 1;
  const session = await ort.InferenceSession.create(model, runtime === 'onnxruntime-web' ? { executionProviders: ['wasm'] } : {});
  try {
    const inputs: Record<string, ortNode.Tensor> = {};
    for (const [name, { data, dims }] of Object.entries(feeds)) inputs[name] = new ort.Tensor('float32', data, dims) as ortNode.Tensor;
    const results = await session.run(inputs);
    const out: Record<string, Float32Array> = {};
    for (const name of session.outputNames) out[name] = results[name]!.data as Float32Array;
    return out;
  } finally {
    await session.release();
  }
}

function generatorFeeds(name: string, config: GeneratorConfig, runIndex: number) {
  const io = readSafetensors(`${FIXTURES}${name}.io.safetensors`);
  const labels = io.get(`labels_${runIndex}`)!;
  const channels = config.labelChannels + (config.dontCareChannel ? 1 : 0) + (config.instanceEdgeChannel ? 1 : 0);
  const [n, h, w] = labels.shape as [number, number, number];
  const feeds: Record<string, { data: Float32Array; dims: number[] }> = { seg: { data: oneHot(labels, channels), dims: [n, channels, h, w] } };
  const z = io.get(`z_${runIndex}`);
  if (z) feeds.z = { data: toFloat32(z), dims: z.shape };
  return { feeds, expected: toFloat32(io.get(`image_${runIndex}`)!) };
}

const runtimes: Runtime[] = ['onnxruntime-node', 'onnxruntime-web'];

describe.each(runtimes)('generator parity with PyTorch on %s', (runtime) => {
  for (const [name, { config, runs }] of Object.entries(cases.generators)) {
    it(`${name} (${config.inputStage}, ${config.upsampling}, zDim ${config.zDim}, norm ${config.norm})`, async () => {
      const model = buildGenerator(config, loadWeights(name));
      for (let r = 0; r < runs; r++) {
        const { feeds, expected } = generatorFeeds(name, config, r);
        const { image } = await run(runtime, model, feeds);
        const diff = maxAbsDiff(image!, expected);
        expect(diff, `${name} run ${r}: max |Δ| ${diff}`).toBeLessThanOrEqual(TOLERANCE);
        // The fixture must exercise the whole range, or parity would be trivially met.
        expect(Math.max(...expected.map(Math.abs))).toBeGreaterThan(0.05);
      }
    }, SESSION_TIMEOUT_MS);
  }
});

describe.each(runtimes)('encoder parity with PyTorch on %s', (runtime) => {
  it(`${cases.encoder.name} (ndf ${cases.encoder.config.ndf}, ${cases.encoder.config.inputSize}²)`, async () => {
    const { name, config } = cases.encoder;
    const io = readSafetensors(`${FIXTURES}${name}.io.safetensors`);
    const rgb = io.get('rgb_0')!;
    const image = toFloat32(rgb).map((v) => v / 127.5 - 1);
    const out = await run(runtime, buildEncoder(config, loadWeights(name)), { image: { data: image, dims: rgb.shape } });
    expect(maxAbsDiff(out.mu!, toFloat32(io.get('mu_0')!))).toBeLessThanOrEqual(TOLERANCE);
    expect(maxAbsDiff(out.logvar!, toFloat32(io.get('logvar_0')!))).toBeLessThanOrEqual(TOLERANCE);
  }, SESSION_TIMEOUT_MS);
});

describe('graph structure', () => {
  it('names initializers and nodes after the checkpoint modules and shares each downsampled seg map', () => {
    const { config } = cases.generators.conv_z!;
    const summary = readOnnxSummary(buildGenerator(config, loadWeights('conv_z')));
    const initializers = summary.initializers.map((t) => t.name);
    expect(initializers).toContain('up_0.norm_0.mlp_shared.0.weight');
    expect(initializers).toContain('up_0.norm_0.mlp_gamma.bias_plus_one');
    expect(summary.nodes.map((n) => n.name)).toContain('up_0.norm_0.mlp_shared.0');
    const slices = summary.nodes.filter((n) => n.opType === 'Slice');
    // One per resolution below full size: 1/32 (fc and head_0) … 1/2 (up_2).
    expect(slices.map((n) => n.name).sort()).toEqual(['seg_down_16', 'seg_down_2', 'seg_down_32', 'seg_down_4', 'seg_down_8']);
    expect(summary.nodes.some((n) => n.opType === 'BatchNormalization')).toBe(false);
    expect(summary.inputs.map((i) => [i.name, i.shape])).toEqual([
      ['seg', ['batch', 13, 'height', 'width']],
      ['z', ['batch', 8]],
    ]);
  });

  it('folds batch norm into the γ/β convolutions (no per-image norm op)', () => {
    const { config } = cases.generators.official_batch!;
    const summary = readOnnxSummary(buildGenerator(config, loadWeights('official_batch'), { batch: 1 }));
    expect(summary.nodes.filter((n) => ['InstanceNormalization', 'BatchNormalization'].includes(n.opType))).toEqual([]);
    expect(summary.inputs).toEqual([{ name: 'seg', elemType: 1, shape: [1, 13, 128, 128] }]);
    expect(summary.initializers.map((t) => t.name)).toContain('up_4.norm_1.mlp_beta.weight_bn_folded');
  });
});

describe('fp16 graphs', () => {
  it('keep float32 inputs/outputs and stay close to the reference on onnxruntime-web wasm', async () => {
    const name = 'conv_z';
    const { config } = cases.generators[name]!;
    const model = buildGenerator(config, loadWeights(name), { fp16: true });
    const summary = readOnnxSummary(model);
    expect(summary.inputs.every((i) => i.elemType === 1)).toBe(true);
    expect(summary.initializers.find((t) => t.name === 'fc.weight')!.dataType).toBe(10);
    const { feeds, expected } = generatorFeeds(name, config, 0);
    const { image } = await run('onnxruntime-web', model, feeds);
    expect(maxAbsDiff(image!, expected)).toBeLessThanOrEqual(FP16_TOLERANCE);
  }, SESSION_TIMEOUT_MS);
});
