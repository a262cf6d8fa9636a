import { describe, expect, it } from 'vitest';
import { PaintscapeError } from '../errors.js';
import type { ModelManifest } from './manifest.js';
import { resolveRenderSize } from './render-size.js';
import { semanticChannels } from '../graph/config.js';
import { validateManifest } from './validate-manifest.js';

/** Our fully convolutional landscape model. */
function landscapeManifest(): ModelManifest {
  return {
    format: 'paintscape-model',
    formatVersion: 1,
    name: 'landscape-small',
    labelSet: 'landscape',
    generator: {
      file: 'generator.onnx',
      config: {
        labelChannels: 13,
        dontCareChannel: true,
        instanceEdgeChannel: false,
        ngf: 32,
        spadeHidden: { default: 64, up_3: 32 },
        upsampling: 'normal',
        aspectRatio: 1,
        inputStage: 'conv',
        zDim: 64,
        norm: 'instance',
        cropSize: 256,
      },
      inputs: { seg: { name: 'seg', layout: 'NCHW', channels: 14 }, z: { name: 'z', layout: 'NC', size: 64 } },
      output: { name: 'image', layout: 'NCHW', channels: 3, range: [-1, 1] },
      size: { multipleOf: 32, default: [256, 256], max: [1024, 512] },
      precision: 'fp32',
    },
    encoder: {
      file: 'encoder.onnx',
      config: { ndf: 32, zDim: 64, inputSize: 256 },
      input: { name: 'image', layout: 'NCHW', size: [256, 256], range: [-1, 1] },
      outputs: { mu: 'mu', logvar: 'logvar' },
      precision: 'fp32',
    },
    provenance: {
      source: 'paintscape training/train.py',
      licence: 'CC-BY-4.0',
      data: { description: 'procedural landscapes', licences: ['CC0-1.0'], seed: 1, size: 5000 },
      steps: 1000,
      metrics: { fid: 80.5 },
      extraNote: 'open provenance keys are kept',
    },
  };
}

/** The official SPADE COCO layout (converted). */
function cocoManifest(): ModelManifest {
  return {
    format: 'paintscape-model',
    formatVersion: 1,
    name: 'spade-coco',
    labelSet: 'coco-stuff',
    generator: {
      file: 'generator.onnx',
      config: { labelChannels: 182, dontCareChannel: true, instanceEdgeChannel: true, ngf: 64, spadeHidden: 128, upsampling: 'normal', aspectRatio: 1, inputStage: 'official', zDim: 0, norm: 'batch', cropSize: 256 },
      inputs: { seg: { name: 'seg', layout: 'NCHW', channels: 184 } },
      output: { name: 'image', layout: 'NCHW', channels: 3, range: [-1, 1] },
      size: { multipleOf: 32, default: [256, 256], fixed: [256, 256], max: [256, 256] },
      precision: 'fp16',
    },
    provenance: { source: 'NVlabs/SPADE coco (converted)', licence: 'CC BY-NC-SA 4.0' },
  };
}

type Mutable = Record<string, unknown>;
function mutate(manifest: ModelManifest, path: string, value: unknown): unknown {
  const copy = JSON.parse(JSON.stringify(manifest)) as Mutable;
  const parts = path.split('.');
  let node = copy;
  for (const p of parts.slice(0, -1)) node = node[p] as Mutable;
  const last = parts.at(-1)!;
  if (value === undefined) delete node[last];
  else node[last] = value;
  return copy;
}

function fieldOf(fn: () => unknown): string {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(PaintscapeError);
    expect((error as PaintscapeError).code).toBe('invalid_manifest');
    return (error as PaintscapeError).details!.field as string;
  }
  throw new Error('expected invalid_manifest');
}

describe('validateManifest', () => {
  it('accepts valid conv and official manifests and returns a copy', () => {
    const m = landscapeManifest();
    const out = validateManifest(m);
    expect(out).toEqual(m);
    expect(out).not.toBe(m);
    expect(validateManifest(cocoManifest())).toEqual(cocoManifest());
  });

  it('computes semantic channels as in SPADE', () => {
    expect(semanticChannels(cocoManifest().generator.config)).toBe(184);
    expect(semanticChannels({ labelChannels: 150, dontCareChannel: true, instanceEdgeChannel: false })).toBe(151);
    expect(semanticChannels({ labelChannels: 35, dontCareChannel: false, instanceEdgeChannel: true })).toBe(36);
  });

  it.each([
    ['format', 'other', 'format'],
    ['formatVersion', 2, 'formatVersion'],
    ['name', '', 'name'],
    ['labelSet', 'voc', 'labelSet'],
    ['typo', 1, 'typo'],
    ['generator.file', '../etc/passwd', 'generator.file'],
    ['generator.file', '/abs.onnx', 'generator.file'],
    ['generator.config.labelChannels', 12, 'generator.config.labelChannels'],
    ['generator.config.ngf', 0, 'generator.config.ngf'],
    ['generator.config.spadeHidden', { up_0: 64 }, 'generator.config.spadeHidden.default'],
    ['generator.config.spadeHidden', { default: 64, up_0: 1.5 }, 'generator.config.spadeHidden.up_0'],
    ['generator.config.upsampling', 'huge', 'generator.config.upsampling'],
    ['generator.config.aspectRatio', 0, 'generator.config.aspectRatio'],
    ['generator.config.dontCareChannel', 'yes', 'generator.config.dontCareChannel'],
    ['generator.config.zDim', -1, 'generator.config.zDim'],
    ['generator.inputs.seg.channels', 13, 'generator.inputs.seg.channels'],
    ['generator.inputs.z.size', 32, 'generator.inputs.z.size'],
    ['generator.inputs.z', undefined, 'generator.inputs.z'],
    ['generator.output.channels', 4, 'generator.output.channels'],
    ['generator.output.range', [1, -1], 'generator.output.range'],
    ['generator.size.multipleOf', 16, 'generator.size.multipleOf'],
    ['generator.size.multipleOf', 0, 'generator.size.multipleOf'],
    ['generator.size.default', [256, 250], 'generator.size.default'],
    ['generator.size.default', [2048, 256], 'generator.size.default'],
    ['generator.size.max', [1024], 'generator.size.max'],
    ['generator.size.fixed', [256, 256], 'generator.size.fixed'],
    ['generator.precision', 'int8', 'generator.precision'],
    ['encoder.config.zDim', 128, 'encoder.config.zDim'],
    ['encoder.input.size', [128, 128], 'encoder.input.size'],
    ['encoder.outputs.mu', 3, 'encoder.outputs.mu'],
    ['provenance.licence', undefined, 'provenance.licence'],
    ['provenance.data.licences', 'CC0', 'provenance.data.licences'],
    ['provenance.metrics', { fid: 'low' }, 'provenance.metrics.fid'],
  ])('rejects %s = %j naming %s', (path, value, field) => {
    expect(fieldOf(() => validateManifest(mutate(landscapeManifest(), path, value)))).toBe(field);
  });

  it('checks the official stage size rules', () => {
    const cityscapes = mutate(cocoManifest(), 'labelSet', 'cityscapes') as ModelManifest;
    Object.assign(cityscapes.generator.config, { labelChannels: 35, dontCareChannel: false, instanceEdgeChannel: true, upsampling: 'more', aspectRatio: 2, cropSize: 512 });
    cityscapes.generator.inputs.seg.channels = 36;
    cityscapes.generator.size = { multipleOf: 64, default: [512, 256], fixed: [512, 256], max: [512, 256] };
    expect(validateManifest(cityscapes).generator.size.fixed).toEqual([512, 256]);
    expect(fieldOf(() => validateManifest(mutate(cocoManifest(), 'generator.size.fixed', undefined)))).toBe('generator.size.fixed');
    expect(fieldOf(() => validateManifest(mutate(cocoManifest(), 'generator.size.fixed', [256, 128])))).toBe('generator.size.fixed');
    expect(fieldOf(() => validateManifest(mutate(cocoManifest(), 'generator.inputs.z', { name: 'z', layout: 'NC', size: 1 })))).toBe('generator.inputs.z');
  });

  it('rejects non-objects at the root with a readable message', () => {
    expect(() => validateManifest(null)).toThrow(/model\.json: \(root\) must be an object/);
    expect(() => validateManifest([])).toThrow(PaintscapeError);
  });

  it('names the field in the message', () => {
    expect(() => validateManifest(mutate(landscapeManifest(), 'generator.size.multipleOf', 16))).toThrow(/generator\.size\.multipleOf must be a multiple of 2\^upsamplings = 32/);
  });
});

describe('resolveRenderSize', () => {
  const conv = landscapeManifest();
  it('uses the default, accepts valid requests in both forms', () => {
    expect(resolveRenderSize(conv)).toEqual([256, 256]);
    expect(resolveRenderSize(conv, [512, 320])).toEqual([512, 320]);
    expect(resolveRenderSize(conv, { width: 1024, height: 512 })).toEqual([1024, 512]);
  });

  it('rejects sizes off the grid or above max, naming width/height', () => {
    expect(() => resolveRenderSize(conv, [500, 256])).toThrow(expect.objectContaining({ code: 'invalid_argument', details: expect.objectContaining({ field: 'width', multipleOf: 32 }) }));
    expect(() => resolveRenderSize(conv, [256, 1024])).toThrow(expect.objectContaining({ code: 'out_of_range', details: expect.objectContaining({ field: 'height', max: 512 }) }));
    expect(() => resolveRenderSize(conv, [0, 256])).toThrow(/positive integer/);
    expect(() => resolveRenderSize(conv, [-32, 256])).toThrow(/positive integer/);
  });

  it('official models render only at their fixed size', () => {
    const coco = cocoManifest();
    expect(resolveRenderSize(coco)).toEqual([256, 256]);
    expect(resolveRenderSize(coco, [256, 256])).toEqual([256, 256]);
    expect(() => resolveRenderSize(coco, [512, 512])).toThrow(/renders only at 256×256/);
  });
});
