/**
 * Tiny SPADE models for tests and benchmarks: core's graph builder with seeded random weights,
 * written as a real model folder by model-cli (a few MMAC, so renders take milliseconds).
 */
import { join } from 'node:path';
import {
  buildEncoder,
  buildGenerator,
  encoderParameterShapes,
  generatorParameterShapes,
  type EncoderConfig,
  type GeneratorConfig,
  type WeightMap,
} from '@paintscape/core';
import { createManifest, writeModelFolder } from '@paintscape/model-cli';
import { seededRandom } from './helpers.js';

export const TINY_GENERATOR: GeneratorConfig = {
  labelChannels: 13,
  dontCareChannel: true,
  instanceEdgeChannel: false,
  ngf: 4,
  spadeHidden: 8,
  upsampling: 'normal',
  aspectRatio: 1,
  inputStage: 'conv',
  zDim: 8,
  norm: 'instance',
  cropSize: 64,
};

export const TINY_ENCODER: EncoderConfig = { ndf: 4, zDim: 8, inputSize: 128 };

function randomWeights(shapes: Map<string, number[]>, seed: number): WeightMap {
  const random = seededRandom(seed);
  const weights: WeightMap = new Map();
  for (const [name, shape] of shapes) {
    const size = shape.reduce((a, b) => a * b, 1);
    const data = new Float32Array(size);
    const scale = name.endsWith('bias') ? 0.01 : 0.2;
    for (let i = 0; i < size; i++) data[i] = (random() * 2 - 1) * scale;
    if (name.endsWith('running_var')) data.fill(1);
    weights.set(name, { shape, data });
  }
  return weights;
}

/** Writes a tiny landscape model (dynamic batch, with encoder) to `parent/<name>`; returns the folder. */
export async function writeTinyModel(parent: string, name = 'tiny', options: { batch?: 'dynamic' | 1; encoder?: boolean } = {}): Promise<string> {
  const generatorOnnx = buildGenerator(TINY_GENERATOR, randomWeights(generatorParameterShapes(TINY_GENERATOR), 1), { batch: options.batch ?? 'dynamic' });
  const withEncoder = options.encoder ?? true;
  const encoderOnnx = withEncoder ? buildEncoder(TINY_ENCODER, randomWeights(encoderParameterShapes(TINY_ENCODER), 2)) : undefined;
  const manifest = createManifest({
    name,
    labelSet: 'landscape',
    config: TINY_GENERATOR,
    generatorOnnx,
    precision: 'fp32',
    ...(encoderOnnx ? { encoder: { config: TINY_ENCODER, onnx: encoderOnnx } } : {}),
    defaultSize: [64, 64],
    maxSize: [256, 256],
    provenance: { source: 'random weights (server tests)', licence: 'CC0-1.0' },
  });
  const dir = join(parent, name);
  await writeModelFolder(dir, manifest, generatorOnnx, encoderOnnx);
  return dir;
}
