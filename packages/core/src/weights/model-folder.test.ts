import { describe, expect, it } from 'vitest';
import { PaintscapeError } from '../errors.js';
import { buildEncoder, buildGenerator, encoderParameterShapes, generatorParameterShapes, type WeightMap } from '../graph/index.js';
import type { EncoderConfig, GeneratorConfig, ModelManifest } from '../model-io/manifest.js';
import { validateModelFolder } from './index.js';

const generatorConfig: GeneratorConfig = {
  labelChannels: 13,
  dontCareChannel: true,
  instanceEdgeChannel: false,
  ngf: 2,
  spadeHidden: 4,
  upsampling: 'normal',
  aspectRatio: 1,
  inputStage: 'conv',
  zDim: 8,
  norm: 'instance',
  cropSize: 256,
};
const encoderConfig: EncoderConfig = { ndf: 2, zDim: 8, inputSize: 128 };

function zeros(shapes: Map<string, number[]>): WeightMap {
  return new Map([...shapes].map(([k, shape]) => [k, { shape, data: new Float32Array(shape.reduce((a, b) => a * b, 1)) }]));
}

const generatorOnnx = buildGenerator(generatorConfig, zeros(generatorParameterShapes(generatorConfig)));
const encoderOnnx = buildEncoder(encoderConfig, zeros(encoderParameterShapes(encoderConfig)));

function manifest(): ModelManifest {
  return {
    format: 'paintscape-model',
    formatVersion: 1,
    name: 'tiny',
    labelSet: 'landscape',
    generator: {
      file: 'generator.onnx',
      config: { ...generatorConfig },
      inputs: { seg: { name: 'seg', layout: 'NCHW', channels: 14 }, z: { name: 'z', layout: 'NC', size: 8 } },
      output: { name: 'image', layout: 'NCHW', channels: 3, range: [-1, 1] },
      size: { multipleOf: 32, default: [64, 64], max: [256, 256] },
      precision: 'fp32',
    },
    encoder: {
      file: 'encoder.onnx',
      config: { ...encoderConfig },
      input: { name: 'image', layout: 'NCHW', size: [128, 128], range: [-1, 1] },
      outputs: { mu: 'mu', logvar: 'logvar' },
      precision: 'fp32',
    },
    provenance: { source: 'test', licence: 'CC0-1.0' },
  };
}

function mismatch(m: ModelManifest, encoder: Uint8Array | null = encoderOnnx): PaintscapeError {
  try {
    validateModelFolder(m, generatorOnnx, encoder ?? undefined);
  } catch (error) {
    expect(error).toBeInstanceOf(PaintscapeError);
    expect((error as PaintscapeError).code).toBe('model_mismatch');
    return error as PaintscapeError;
  }
  throw new Error('expected model_mismatch');
}

describe('validateModelFolder', () => {
  it('accepts a manifest that describes its graphs and lists their inputs and outputs', () => {
    const result = validateModelFolder(manifest(), generatorOnnx, encoderOnnx);
    expect(result.generator.inputs.map((v) => [v.name, v.shape])).toEqual([
      ['seg', ['batch', 14, 'height', 'width']],
      ['z', ['batch', 8]],
    ]);
    expect(result.encoder!.outputs.map((v) => v.name)).toEqual(['mu', 'logvar']);
  });

  it('names a wrong input name, channel count and z size', () => {
    const renamed = manifest();
    renamed.generator.inputs.seg.name = 'labels';
    expect(mismatch(renamed).message).toBe("generator: the ONNX graph has no input 'labels' (it has 'seg', 'z')");

    const channels = manifest();
    channels.generator.config.labelChannels = 14;
    channels.generator.inputs.seg.channels = 15;
    expect(mismatch(channels).message).toBe("generator: 'seg' has [batch, 14, height, width], the manifest says 15 at axis 1");

    const z = manifest();
    z.generator.config.zDim = 16;
    z.generator.inputs.z!.size = 16;
    z.encoder!.config.zDim = 16;
    expect(mismatch(z).message).toBe("generator: 'z' has [batch, 8], the manifest says 16 at axis 1");
  });

  it('requires the z input when zDim > 0 and refuses one when zDim = 0', () => {
    const noZ = manifest();
    delete noZ.generator.inputs.z;
    expect(mismatch(noZ).message).toBe('generator.inputs.z is missing but config.zDim is 8');
  });

  it('checks the encoder: its file, size and outputs', () => {
    expect(mismatch(manifest(), null).message).toContain('declares an encoder (encoder.onnx) but no encoder graph was given');
    const size = manifest();
    size.encoder!.input.size = [256, 256];
    expect(mismatch(size).message).toBe("encoder: 'image' has [batch, 3, 128, 128], the manifest says 256 at axis 2");
    const outputs = manifest();
    outputs.encoder!.outputs.logvar = 'log_var';
    expect(mismatch(outputs).message).toBe("encoder: the ONNX graph has no output 'log_var' (it has 'mu', 'logvar')");
    const none = manifest();
    delete none.encoder;
    expect(mismatch(none).message).toBe('an encoder graph was given but the manifest declares no encoder');
  });

  it('refuses bytes that are not ONNX', () => {
    expect(() => validateModelFolder(manifest(), new Uint8Array([1, 2, 3]), encoderOnnx)).toThrow(PaintscapeError);
  });
});
