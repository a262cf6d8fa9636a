/**
 * A deliberately tiny SPADE generator (a few MMAC at 32²) built by core's graph builder with
 * seeded random weights: fast on wasm, and on SwiftShader WebGPU (see shared/notes/webgpu-here.md).
 * Weights are scaled so the output saturates at ±1 in places: that is where the fused Conv+Tanh
 * WGSL bug would show NaN.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  buildEncoder,
  buildGenerator,
  encoderParameterShapes,
  countMacs,
  generatorParameterShapes,
  sampleGaussian,
  shapeSize,
  validateManifest,
  type EncoderConfig,
  type GeneratorConfig,
  type ModelManifest,
  type WeightMap,
} from '@paintscape/core';

export const TINY_SIZE = 64;

export const TINY_CONFIG: GeneratorConfig = {
  labelChannels: 13,
  dontCareChannel: true,
  instanceEdgeChannel: false,
  ngf: 2,
  spadeHidden: 4,
  upsampling: 'normal',
  aspectRatio: 1,
  inputStage: 'official',
  zDim: 8,
  norm: 'instance',
  cropSize: TINY_SIZE,
};

/** The smallest style encoder core allows (input 128², 6 stride-2 convs). */
export const TINY_ENCODER_CONFIG: EncoderConfig = { ndf: 2, zDim: TINY_CONFIG.zDim, inputSize: 128 };

export interface TinyModel {
  manifest: ModelManifest;
  generator: Uint8Array;
  encoder: Uint8Array;
  macs: number;
}

function randomWeights(shapes: Map<string, number[]>, seed: string, weightScale: number): WeightMap {
  const weights: WeightMap = new Map();
  let index = 0;
  for (const [name, shape] of shapes) {
    const count = shapeSize(shape);
    const fanIn = shape.length > 1 ? count / shape[0]! : 1;
    const data = sampleGaussian(`${seed}:${index++}:${name}`, count);
    const scale = name.endsWith('.bias') ? 0.1 : weightScale / Math.sqrt(fanIn);
    for (let i = 0; i < data.length; i++) data[i] = data[i]! * scale;
    weights.set(name, { shape: [...shape], data });
  }
  return weights;
}

export function buildTinyModel(seed = 7, weightScale = 1.5): TinyModel {
  const generator = buildGenerator(TINY_CONFIG, randomWeights(generatorParameterShapes(TINY_CONFIG), `${seed}`, weightScale), { batch: 1 });
  const encoder = buildEncoder(TINY_ENCODER_CONFIG, randomWeights(encoderParameterShapes(TINY_ENCODER_CONFIG), `${seed}:encoder`, 1), { batch: 1 });
  const manifest = validateManifest({
    format: 'paintscape-model',
    formatVersion: 1,
    name: 'tiny-test',
    description: 'random tiny generator for tests',
    labelSet: 'landscape',
    generator: {
      file: 'generator.onnx',
      config: TINY_CONFIG,
      inputs: {
        seg: { name: 'seg', layout: 'NCHW', channels: 14 },
        z: { name: 'z', layout: 'NC', size: TINY_CONFIG.zDim },
      },
      output: { name: 'image', layout: 'NCHW', channels: 3, range: [-1, 1] },
      size: { multipleOf: 32, default: [TINY_SIZE, TINY_SIZE], fixed: [TINY_SIZE, TINY_SIZE], max: [TINY_SIZE, TINY_SIZE] },
      precision: 'fp32',
    },
    encoder: {
      file: 'encoder.onnx',
      config: TINY_ENCODER_CONFIG,
      input: { name: 'image', layout: 'NCHW', size: [128, 128], range: [-1, 1] },
      outputs: { mu: 'mu', logvar: 'logvar' },
      precision: 'fp32',
    },
    provenance: { source: 'tests/sdk/tiny-model.ts (random weights)', licence: 'Apache-2.0' },
  });
  return { manifest, generator, encoder, macs: countMacs(TINY_CONFIG, TINY_SIZE, TINY_SIZE) };
}

/** Writes the model folder (model.json + generator.onnx + encoder.onnx) and returns its path. */
export function writeTinyModel(dir: string, model: TinyModel = buildTinyModel()): string {
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'model.json'), JSON.stringify(model.manifest, null, 2));
  writeFileSync(join(dir, 'generator.onnx'), model.generator);
  writeFileSync(join(dir, 'encoder.onnx'), model.encoder);
  return dir;
}
