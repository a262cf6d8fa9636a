// Builder errors, sizes, the ONNX writer/reader, and fp16 conversion. Real onnxruntime-node, no mocks.
import * as ort from 'onnxruntime-node';
import { describe, expect, it } from 'vitest';
import { PaintscapeError } from '../errors.js';
import { catchPaintscapeError } from '../../test/catch-error.js';
import type { EncoderConfig, GeneratorConfig } from '../model-io/manifest.js';
import { MIN_ENCODER_INPUT_SIZE, generatorFixedSize } from './config.js';
import { buildEncoder, countEncoderMacs, encoderParameterShapes } from './encoder.js';
import { buildGenerator, countMacs, generatorParameterShapes } from './generator.js';
import { OnnxDataType, encodeOnnxModel, floatAttr, readOnnxSummary } from './onnx.js';
import { countParams, float32ToFloat16Bits, type ParameterShapes, type WeightMap } from './weights.js';

const tiny: GeneratorConfig = {
  labelChannels: 5,
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

/** Deterministic pseudo-random weights for every expected parameter. */
function randomWeights(shapes: ParameterShapes, seed = 1): WeightMap {
  let state = seed;
  const next = (): number => {
    state = (state * 1103515245 + 12345) % 2147483648;
    return state / 2147483648 - 0.5;
  };
  const weights: WeightMap = new Map();
  for (const [name, shape] of shapes) {
    const size = shape.reduce((a, b) => a * b, 1);
    const data = Float32Array.from({ length: size }, () => (name.endsWith('running_var') ? 1 + next() : next() * 0.5));
    weights.set(name, { shape: [...shape], data });
  }
  return weights;
}

describe('weight validation errors', () => {
  it('names a missing key', () => {
    const weights = randomWeights(generatorParameterShapes(tiny));
    weights.delete('up_1.norm_s.mlp_gamma.weight');
    const error = catchPaintscapeError(() => buildGenerator(tiny, weights));
    expect(error.code).toBe('missing_weight');
    expect(error.message).toContain("'up_1.norm_s.mlp_gamma.weight'");
    expect(error.message).toContain('[16, 4, 3, 3]');
  });

  it('names a key with the wrong shape and both shapes', () => {
    const weights = randomWeights(generatorParameterShapes(tiny));
    weights.set('conv_img.weight', { shape: [3, 4, 3, 3], data: new Float32Array(108) });
    const error = catchPaintscapeError(() => buildGenerator(tiny, weights));
    expect(error.code).toBe('weight_shape_mismatch');
    expect(error.message).toBe("weight 'conv_img.weight' has shape [3, 4, 3, 3], expected [3, 2, 3, 3]");
  });

  it('rejects data whose length does not match the declared shape', () => {
    const weights = randomWeights(encoderParameterShapes({ ndf: 2, zDim: 4, inputSize: 128 }));
    weights.set('fc_mu.bias', { shape: [4], data: new Float32Array(3) });
    const error = catchPaintscapeError(() => buildEncoder({ ndf: 2, zDim: 4, inputSize: 128 }, weights));
    expect(error.code).toBe('weight_shape_mismatch');
    expect(error.message).toContain("'fc_mu.bias' has 3 values");
  });

  it('requires running statistics for norm batch', () => {
    const config: GeneratorConfig = { ...tiny, norm: 'batch' };
    const weights = randomWeights(generatorParameterShapes(tiny));
    const error = catchPaintscapeError(() => buildGenerator(config, weights));
    expect(error.code).toBe('missing_weight');
    expect(error.message).toContain("'head_0.norm_0.param_free_norm.running_mean'");
  });
});

describe('config validation', () => {
  it.each([
    [{ ngf: 0 }, 'ngf'],
    [{ ngf: 3, upsampling: 'most' }, 'ngf'],
    [{ upsampling: 'extra' }, 'upsampling'],
    [{ spadeHidden: { default: 4, up_9: 2 } }, 'spadeHidden.up_9'],
    [{ spadeHidden: { default: 0 } }, 'spadeHidden.default'],
    [{ zDim: -1 }, 'zDim'],
    [{ norm: 'group' }, 'norm'],
    [{ aspectRatio: 0 }, 'aspectRatio'],
    [{ inputStage: 'official', cropSize: 16 }, 'cropSize'],
  ] as [Partial<GeneratorConfig>, string][])('%j → invalid_config naming %s', (patch, field) => {
    const error = catchPaintscapeError(() => generatorParameterShapes({ ...tiny, ...patch } as GeneratorConfig));
    expect(error.code).toBe('invalid_config');
    expect(error.details?.field).toBe(field);
    expect(error.message.startsWith(`${field}:`)).toBe(true);
  });

  it('rejects encoder sizes below the minimum and non-multiples of 64', () => {
    const small = catchPaintscapeError(() => encoderParameterShapes({ ndf: 2, zDim: 4, inputSize: MIN_ENCODER_INPUT_SIZE - 64 }));
    expect(small.details?.field).toBe('inputSize');
    expect(catchPaintscapeError(() => encoderParameterShapes({ ndf: 2, zDim: 4, inputSize: 160 })).message).toContain('multiple of 64');
  });

  it('countMacs checks the size', () => {
    expect(catchPaintscapeError(() => countMacs(tiny, 48, 32)).details?.field).toBe('width');
    const official: GeneratorConfig = { ...tiny, inputStage: 'official', cropSize: 64 };
    expect(catchPaintscapeError(() => countMacs(official, 128, 128)).code).toBe('size_mismatch');
    expect(countMacs(official)).toBe(countMacs({ ...official, inputStage: 'conv', zDim: 0 }, 64, 64) + 4 * 32 * 2 * 2 - 32 * 5 * 9 * 4);
  });
});

describe('sizes of the official models (spade-reference.md)', () => {
  const coco: GeneratorConfig = {
    labelChannels: 182,
    dontCareChannel: true,
    instanceEdgeChannel: true,
    ngf: 64,
    spadeHidden: 128,
    upsampling: 'normal',
    aspectRatio: 1,
    inputStage: 'official',
    zDim: 0,
    norm: 'batch',
    cropSize: 256,
  };

  it('COCO-Stuff generator: ~97.5M parameters, ~191 GMAC per 256², 234 checkpoint keys', () => {
    const shapes = generatorParameterShapes(coco);
    expect(shapes.get('fc.weight')).toEqual([1024, 184, 3, 3]);
    expect(countParams(shapes) / 1e6).toBeCloseTo(97.5, 0);
    expect(countMacs(coco, 256, 256) / 1e9).toBeGreaterThan(185);
    expect(countMacs(coco, 256, 256) / 1e9).toBeLessThan(197);
    // The checkpoint's 234 keys include weight_u/weight_v (spectral norm, 3 extra per conv: 2 for the
    // bias-less conv_s) and num_batches_tracked (1 per SPADE), which plain weights do not have.
    const convs = [...shapes.keys()].filter((k) => /\.conv_[01s]\.weight$/.test(k)).length;
    const spades = [...shapes.keys()].filter((k) => k.endsWith('.mlp_shared.0.weight')).length;
    expect(shapes.size + 2 * convs + spades).toBe(234);
  });

  it('Cityscapes (aspect 2, more) renders 512×256 and the VAE fc is Linear(256 → 16384·4·8)', () => {
    const city: GeneratorConfig = { ...coco, labelChannels: 35, dontCareChannel: false, upsampling: 'more', aspectRatio: 2, cropSize: 512, zDim: 256 };
    expect(generatorFixedSize(city)).toEqual([512, 256]);
    expect(generatorParameterShapes(city).get('fc.weight')).toEqual([1024 * 4 * 8, 256]);
  });

  it('official encoder: 8192-feature fc', () => {
    const config: EncoderConfig = { ndf: 64, zDim: 256, inputSize: 256 };
    expect(encoderParameterShapes(config).get('fc_mu.weight')).toEqual([256, 8192]);
    expect(countEncoderMacs(config)).toBeGreaterThan(0);
  });
});

describe('ONNX writer and reader', () => {
  it('round-trips inputs, outputs, initializers, attributes and metadata, and runs in onnxruntime', async () => {
    const bytes = encodeOnnxModel({
      graphName: 'g',
      producerName: 'test',
      nodes: [
        { opType: 'LeakyRelu', name: 'act', inputs: ['x'], outputs: ['a'], attributes: { alpha: floatAttr(2) } },
        { opType: 'Add', name: 'add', inputs: ['a', 'b'], outputs: ['y'] },
        { opType: 'Unsqueeze', name: 'uns', inputs: ['y', 'axes'], outputs: ['u'] },
      ],
      initializers: [
        { name: 'b', dataType: OnnxDataType.FLOAT, dims: [3], rawData: new Uint8Array(Float32Array.of(1, 2, 300).buffer) },
        { name: 'axes', dataType: OnnxDataType.INT64, dims: [1], rawData: new Uint8Array(BigInt64Array.of(-1n).buffer) },
      ],
      inputs: [{ name: 'x', elemType: OnnxDataType.FLOAT, shape: ['n', 3] }],
      outputs: [{ name: 'u', elemType: OnnxDataType.FLOAT, shape: ['n', 3, 1] }],
      metadata: { 'paintscape.key': 'välue' },
    });
    const summary = readOnnxSummary(bytes);
    expect(summary).toMatchObject({ irVersion: 8, opsetVersion: 17, producerName: 'test', graphName: 'g', metadata: { 'paintscape.key': 'välue' } });
    expect(summary.inputs).toEqual([{ name: 'x', elemType: 1, shape: ['n', 3] }]);
    expect(summary.initializers.map((t) => [t.name, t.dataType, t.dims, t.rawData?.length])).toEqual([
      ['b', 1, [3], 12],
      ['axes', 7, [1], 8],
    ]);
    expect(summary.nodes.map((n) => n.opType)).toEqual(['LeakyRelu', 'Add', 'Unsqueeze']);

    const session = await ort.InferenceSession.create(bytes);
    const { u } = await session.run({ x: new ort.Tensor('float32', Float32Array.of(-1, 0, 1, 2, 3, 4), [2, 3]) });
    expect(u!.dims).toEqual([2, 3, 1]);
    expect(Array.from(u!.data as Float32Array)).toEqual([-1, 2, 301, 3, 5, 304]);
    await session.release();
  });

  it('rejects bytes that are not an ONNX model', () => {
    expect(catchPaintscapeError(() => readOnnxSummary(new Uint8Array([0x08, 0x96]))).code).toBe('invalid_onnx');
    expect(catchPaintscapeError(() => readOnnxSummary(Uint8Array.from([0x3a, 0x05, 0x01]))).code).toBe('invalid_onnx');
    expect(catchPaintscapeError(() => readOnnxSummary(new Uint8Array([0x12, 0x01, 0x61]))).message).toContain('no ir_version or graph');
  });
});

describe('float16 conversion', () => {
  it.each([
    [0, 0x0000],
    [-0, 0x8000],
    [1, 0x3c00],
    [-2, 0xc000],
    [65504, 0x7bff],
    [65520, 0x7c00], // rounds up to inf
    [1e9, 0x7c00],
    [2 ** -24, 0x0001], // smallest subnormal
    [2 ** -25, 0x0000], // halfway → even (0)
    [3 * 2 ** -25, 0x0002], // halfway → even (2)
    [1 + 2 ** -11, 0x3c00], // halfway → even
    [1 + 3 * 2 ** -11, 0x3c02],
    [Infinity, 0x7c00],
  ])('%d → %i', (value, bits) => {
    expect(float32ToFloat16Bits(value)).toBe(bits);
  });

  it('NaN stays NaN', () => {
    const bits = float32ToFloat16Bits(NaN);
    expect(bits & 0x7c00).toBe(0x7c00);
    expect(bits & 0x3ff).not.toBe(0);
  });
});

describe('built graphs in onnxruntime-node', () => {
  it('a conv-stage generator renders several sizes and batch sizes from one graph', async () => {
    const session = await ort.InferenceSession.create(buildGenerator(tiny, randomWeights(generatorParameterShapes(tiny))));
    for (const [n, h, w] of [[1, 32, 32], [2, 64, 96]] as const) {
      const seg = new Float32Array(n * 5 * h * w);
      for (let p = 0; p < n * h * w; p++) seg[(Math.floor(p / (h * w)) * 5 + (p % 5)) * h * w + (p % (h * w))] = 1;
      const { image } = await session.run({
        seg: new ort.Tensor('float32', seg, [n, 5, h, w]),
        z: new ort.Tensor('float32', new Float32Array(n * 4).fill(0.5), [n, 4]),
      });
      expect(image!.dims).toEqual([n, 3, h, w]);
      const data = image!.data as Float32Array;
      expect(data.every((v) => v >= -1 && v <= 1)).toBe(true);
    }
    await session.release();
  });

  it('an fp16 encoder and generator run on the CPU provider with float32 interfaces', async () => {
    const config: EncoderConfig = { ndf: 2, zDim: 4, inputSize: 128 };
    const session = await ort.InferenceSession.create(buildEncoder(config, randomWeights(encoderParameterShapes(config)), { fp16: true, batch: 1 }));
    const { mu, logvar } = await session.run({ image: new ort.Tensor('float32', new Float32Array(3 * 128 * 128).fill(0.25), [1, 3, 128, 128]) });
    expect(mu!.type).toBe('float32');
    expect(logvar!.dims).toEqual([1, 4]);
    await session.release();

    const weights = randomWeights(generatorParameterShapes(tiny));
    const feeds = {
      seg: new ort.Tensor('float32', new Float32Array(5 * 32 * 32).fill(0.2), [1, 5, 32, 32]),
      z: new ort.Tensor('float32', Float32Array.of(1, 0, -1, 0.5), [1, 4]),
    };
    const half = await ort.InferenceSession.create(buildGenerator(tiny, weights, { fp16: true }));
    const full = await ort.InferenceSession.create(buildGenerator(tiny, weights));
    const a = (await half.run(feeds)).image!;
    const b = (await full.run(feeds)).image!;
    expect(a.type).toBe('float32');
    const diff = (a.data as Float32Array).reduce((m, v, i) => Math.max(m, Math.abs(v - (b.data as Float32Array)[i]!)), 0);
    expect(diff).toBeLessThan(0.05);
    await half.release();
    await full.release();
  });
});
