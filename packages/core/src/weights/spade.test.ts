import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { PaintscapeError } from '../errors.js';
import { catchPaintscapeError } from '../../test/catch-error.js';
import * as ort from 'onnxruntime-node';
import { buildGenerator, generatorParameterShapes } from '../graph/index.js';
import {
  readPth,
  inferGeneratorConfig,
  inferEncoderConfig,
  convertSpadeStateDict,
  convertSpadeEncoderStateDict,
  convertedWeightShapes,
  foldSpectralNorm,
  validateWeightShapes,
  type RawStateDict,
} from './index.js';

const SCRIPT = fileURLToPath(new URL('../../../../training/scripts/gen_checkpoint_fixtures.py', import.meta.url));
/** Debian's python with torch (the `python3` on PATH has none); $PYTHON overrides. */
const PYTHON = process.env['PYTHON'] ?? '/usr/bin/python3';

let dir: string;
let generator: RawStateDict;
let vaeGenerator: RawStateDict;
let encoder: RawStateDict;
let folded: Record<string, { shape: number[]; values: number[] }>;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'paintscape-spade-'));
  // Official key sets and shapes at ngf/ndf 8 (the ngf 64 one is exercised in model-cli's tests).
  execFileSync(PYTHON, [SCRIPT, '--official-coco', join(dir, 'g.pth'), '--ngf', '8', '--legacy', '--folded-json', join(dir, 'folded.json')]);
  execFileSync(PYTHON, [SCRIPT, '--vae-generator', join(dir, 'gv.pth'), '--ngf', '8']);
  execFileSync(PYTHON, [SCRIPT, '--official-encoder', join(dir, 'e.pth'), '--ndf', '8']);
  generator = readPth(new Uint8Array(readFileSync(join(dir, 'g.pth'))));
  vaeGenerator = readPth(new Uint8Array(readFileSync(join(dir, 'gv.pth'))));
  encoder = readPth(new Uint8Array(readFileSync(join(dir, 'e.pth'))));
  folded = JSON.parse(readFileSync(join(dir, 'folded.json'), 'utf8'));
  execFileSync(PYTHON, [SCRIPT, '--parity', join(dir, 'parity'), '--ngf', '8']);
  execFileSync(PYTHON, [SCRIPT, '--reference-coco-shapes', join(dir, 'shapes64.json')]);
}, 180_000);

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('SPADE state dict conversion', () => {
  it('reads all 234 official keys and infers the COCO-Stuff config', () => {
    expect(generator.size).toBe(234);
    expect(inferGeneratorConfig(generator, { labelSet: 'coco-stuff' })).toEqual({
      labelChannels: 182,
      dontCareChannel: true,
      instanceEdgeChannel: true,
      ngf: 8,
      spadeHidden: 128,
      upsampling: 'normal',
      aspectRatio: 1,
      inputStage: 'conv',
      zDim: 0,
      norm: 'batch',
      cropSize: 256,
    });
  });

  it('full-size official key set (ngf 64, shapes only): 234 keys, config inferred, every shape matches the builder', () => {
    const shapes = JSON.parse(readFileSync(join(dir, 'shapes64.json'), 'utf8')) as Record<string, number[]>;
    // Shapes only: inference and validation never touch the data.
    const sd: RawStateDict = new Map(Object.entries(shapes).map(([k, shape]) => [k, { dtype: 'float32', shape, data: new Float32Array(0) }]));
    expect(sd.size).toBe(234);
    const config = inferGeneratorConfig(sd, { labelSet: 'coco-stuff' });
    expect(config).toMatchObject({ ngf: 64, labelChannels: 182, dontCareChannel: true, instanceEdgeChannel: true, spadeHidden: 128, norm: 'batch', zDim: 0 });
    // The generator's expected set equals the converted official keys: nothing missing, nothing extra.
    const converted = new Map([...convertedWeightShapes(sd)].map(([k, shape]) => [k, { shape }]));
    expect(converted.size).toBe(180);
    validateWeightShapes(converted, generatorParameterShapes(config));
    expect(sd.get('fc.weight')!.shape).toEqual([1024, 184, 3, 3]);
    expect(sd.get('up_0.conv_s.weight_orig')!.shape).toEqual([512, 1024, 1, 1]);
  });

  it('folds spectral norm exactly as torch does in eval mode', () => {
    const weights = foldSpectralNorm(generator);
    expect(Object.keys(folded).length).toBeGreaterThan(0);
    for (const [name, want] of Object.entries(folded)) {
      const got = weights.get(name)!;
      expect(got.shape, name).toEqual(want.shape);
      for (let i = 0; i < want.values.length; i++) expect(got.data[i]!, `${name}[${i}]`).toBeCloseTo(want.values[i]!, 5);
    }
    expect([...weights.keys()].some((k) => /weight_(orig|u|v)$|num_batches_tracked$/.test(k))).toBe(false);
  });

  it('validates every key against the graph builder: exactly the expected set', () => {
    const { config, weights } = convertSpadeStateDict(generator, { labelSet: 'coco-stuff' });
    expect([...weights.keys()].sort()).toEqual([...generatorParameterShapes(config).keys()].sort());
    expect(weights.get('up_0.norm_0.param_free_norm.running_var')!.shape).toEqual([128]);
  });

  it('infers zDim and the crop size from a VAE generator fc Linear', () => {
    const config = inferGeneratorConfig(vaeGenerator, { labelSet: 'coco-stuff' });
    expect(config).toMatchObject({ zDim: 256, inputStage: 'official', cropSize: 256, ngf: 8 });
    convertSpadeStateDict(vaeGenerator, { labelSet: 'coco-stuff' });
  });

  it('refuses a label set whose class count does not fit the checkpoint', () => {
    const error = catchPaintscapeError(() => inferGeneratorConfig(generator, { labelSet: 'cityscapes' }));
    expect(error.code).toBe('model_mismatch');
    expect(error.message).toContain('184 semantic channels');
    expect(error.message).toContain('35 classes');
  });

  it('names a missing key with its expected shape', () => {
    const broken = new Map(generator);
    broken.delete('up_2.norm_1.mlp_beta.bias');
    const error = catchPaintscapeError(() => convertSpadeStateDict(broken, { labelSet: 'coco-stuff' }));
    expect(error.code).toBe('missing_weight');
    expect(error.message).toContain('up_2.norm_1.mlp_beta.bias (expected shape [16])');
  });

  it('names an unexpected key', () => {
    const broken = new Map(generator);
    broken.set('up_9.conv_0.bias', { dtype: 'float32', shape: [3], data: new Float32Array(3) });
    const error = catchPaintscapeError(() => convertSpadeStateDict(broken, { labelSet: 'coco-stuff' }));
    expect(error.code).toBe('unexpected_weight');
    expect(error.message).toContain('up_9.conv_0.bias [3]');
  });

  it('names a wrong shape with expected and actual', () => {
    const broken = new Map(generator);
    broken.set('conv_img.bias', { dtype: 'float32', shape: [4], data: new Float32Array(4) });
    const error = catchPaintscapeError(() => convertSpadeStateDict(broken, { labelSet: 'coco-stuff' }));
    expect(error.code).toBe('weight_shape_mismatch');
    expect(error.message).toContain('conv_img.bias has shape [4], expected [3]');
    expect(error.details).toMatchObject({ key: 'conv_img.bias', expected: [3], actual: [4] });
  });

  it('refuses a spectral-norm weight without its u vector', () => {
    const broken = new Map(generator);
    broken.delete('head_0.conv_1.weight_u');
    const error = catchPaintscapeError(() => foldSpectralNorm(broken));
    expect(error.code).toBe('missing_weight');
    expect(error.message).toContain('head_0.conv_1.weight_u');
  });

  it('matches the PyTorch reference (spectral norm + batch norm, eval) after conversion and ONNX build', async () => {
    const floats = (name: string): Float32Array => {
      const bytes = readFileSync(join(dir, 'parity', name));
      return new Float32Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength));
    };
    const { config, weights } = convertSpadeStateDict(readPth(new Uint8Array(readFileSync(join(dir, 'parity', 'parity_G.pth')))), {
      labelSet: 'coco-stuff',
    });
    const session = await ort.InferenceSession.create(buildGenerator(config, weights));
    try {
      const result = await session.run({ seg: new ort.Tensor('float32', floats('parity_seg.f32'), [1, 184, 64, 64]) });
      const got = result['image']!.data as Float32Array;
      const want = floats('parity_out.f32');
      expect(got.length).toBe(want.length);
      let maxDiff = 0;
      let maxAbs = 0;
      for (let i = 0; i < want.length; i++) {
        maxDiff = Math.max(maxDiff, Math.abs(got[i]! - want[i]!));
        maxAbs = Math.max(maxAbs, Math.abs(want[i]!));
      }
      expect(maxAbs).toBeGreaterThan(0.3); // the reference output is not a flat (or saturated) image
      expect(maxAbs).toBeLessThan(0.99);
      expect(maxDiff).toBeLessThan(1e-4);
    } finally {
      await session.release();
    }
  }, 60_000);

  it('converts the official encoder (latest_net_E.pth)', () => {
    expect(inferEncoderConfig(encoder)).toEqual({ ndf: 8, zDim: 256, inputSize: 256 });
    const { weights } = convertSpadeEncoderStateDict(encoder);
    expect(weights.get('layer6.0.weight')!.shape).toEqual([64, 64, 3, 3]);
    expect(weights.get('fc_mu.weight')!.shape).toEqual([256, 1024]);
  });
});
