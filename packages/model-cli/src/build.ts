import { basename } from 'node:path';
import {
  PaintscapeError,
  ErrorCode,
  buildEncoder,
  buildGenerator,
  convertSpadeEncoderStateDict,
  convertSpadeStateDict,
  getLabelSet,
  validateGeneratorConfig,
  validateEncoderConfig,
  type EncoderConfig,
  type GeneratorConfig,
  type LabelSetId,
  type ModelManifest,
  type RawStateDict,
  type UpsamplingMode,
} from '@paintscape/core';
import { parseStateDict, readFileWithProgress, readJsonFile } from './files.js';
import { createManifest, writeModelFolder, type LoadedModelFolder } from './model-folder.js';
import { createProgress, type Progress } from './progress.js';

/**
 * `build --config cfg.json`: the config file's schema (documented in README.md).
 * Weights come separately (--weights / --encoder-weights).
 */
export interface BuildConfigFile {
  name: string;
  description?: string;
  labelSet: LabelSetId;
  generator: GeneratorConfig;
  encoder?: EncoderConfig;
  /** Key of the state dict inside a wrapping .pth checkpoint. */
  weightsKey?: string;
  encoderWeightsKey?: string;
  size?: { default?: [number, number]; max?: [number, number] };
  provenance?: Partial<ModelManifest['provenance']>;
}

function field(path: string, name: string, message: string): never {
  throw new PaintscapeError(ErrorCode.InvalidConfig, `${path}: ${name} ${message}`, { field: name });
}

function isSize(value: unknown): value is [number, number] {
  return Array.isArray(value) && value.length === 2 && value.every((v) => Number.isInteger(v) && v > 0);
}

export function parseBuildConfig(value: unknown, path: string): BuildConfigFile {
  if (!value || typeof value !== 'object' || Array.isArray(value)) field(path, '(root)', 'must be a JSON object');
  const cfg = value as Record<string, unknown>;
  if (typeof cfg['name'] !== 'string' || cfg['name'] === '') field(path, 'name', 'must be a non-empty string');
  if (cfg['description'] !== undefined && typeof cfg['description'] !== 'string') field(path, 'description', 'must be a string');
  getLabelSet(String(cfg['labelSet']));
  if (!cfg['generator'] || typeof cfg['generator'] !== 'object') field(path, 'generator', 'must be a GeneratorConfig object');
  validateGeneratorConfig(cfg['generator'] as GeneratorConfig);
  if (cfg['encoder'] !== undefined) validateEncoderConfig(cfg['encoder'] as EncoderConfig);
  for (const key of ['weightsKey', 'encoderWeightsKey']) {
    if (cfg[key] !== undefined && typeof cfg[key] !== 'string') field(path, key, 'must be a string');
  }
  const size = cfg['size'] as BuildConfigFile['size'];
  if (size !== undefined) {
    if (typeof size !== 'object' || size === null) field(path, 'size', 'must be an object');
    if (size.default !== undefined && !isSize(size.default)) field(path, 'size.default', 'must be [width, height]');
    if (size.max !== undefined && !isSize(size.max)) field(path, 'size.max', 'must be [width, height]');
  }
  if (cfg['provenance'] !== undefined && (typeof cfg['provenance'] !== 'object' || cfg['provenance'] === null)) field(path, 'provenance', 'must be an object');
  return cfg as unknown as BuildConfigFile;
}

export interface BuildModelInput {
  name: string;
  description?: string;
  labelSet: LabelSetId;
  /** Generator state dict: plain weights or with spectral norm (folded here). */
  generatorWeights: RawStateDict;
  /** Omit to infer the config from the weights' shapes (converting official checkpoints). */
  generatorConfig?: GeneratorConfig;
  upsampling?: UpsamplingMode;
  encoderWeights?: RawStateDict;
  encoderConfig?: EncoderConfig;
  fp16?: boolean;
  defaultSize?: [number, number];
  maxSize?: [number, number];
  provenance: ModelManifest['provenance'];
  progress?: Progress;
}

/** Converts, builds the ONNX graphs and writes a checked model folder. */
export async function buildModelFolder(out: string, input: BuildModelInput): Promise<LoadedModelFolder> {
  const progress = input.progress ?? createProgress(undefined);
  let step = progress.step('converting weights');
  const convertOptions: Parameters<typeof convertSpadeStateDict>[1] = { labelSet: input.labelSet };
  if (input.generatorConfig) convertOptions.config = input.generatorConfig;
  if (input.upsampling) convertOptions.upsampling = input.upsampling;
  const generator = convertSpadeStateDict(input.generatorWeights, convertOptions);
  let encoder: ReturnType<typeof convertSpadeEncoderStateDict> | undefined;
  if (input.encoderWeights) {
    if (generator.config.zDim === 0) {
      throw new PaintscapeError(ErrorCode.ModelMismatch, 'an encoder was given but the generator takes no style vector (zDim 0)', { field: 'encoder' });
    }
    encoder = convertSpadeEncoderStateDict(input.encoderWeights, input.encoderConfig ? { config: input.encoderConfig } : {});
    if (encoder.config.zDim !== generator.config.zDim) {
      throw new PaintscapeError(
        ErrorCode.ModelMismatch,
        `the encoder outputs z of size ${encoder.config.zDim} but the generator takes ${generator.config.zDim}`,
        { field: 'encoder', expected: generator.config.zDim, actual: encoder.config.zDim },
      );
    }
  }
  step.done(`${generator.weights.size} generator tensors${encoder ? `, ${encoder.weights.size} encoder tensors` : ''}`);

  step = progress.step('building generator.onnx');
  const fp16 = input.fp16 === true;
  const generatorOnnx = buildGenerator(generator.config, generator.weights, { fp16 });
  step.done(`${(generatorOnnx.length / 1e6).toFixed(1)} MB`);
  let encoderOnnx: Uint8Array | undefined;
  if (encoder) {
    step = progress.step('building encoder.onnx');
    encoderOnnx = buildEncoder(encoder.config, encoder.weights, { fp16 });
    step.done(`${(encoderOnnx.length / 1e6).toFixed(1)} MB`);
  }

  step = progress.step(`writing ${out}`);
  const manifestInput: Parameters<typeof createManifest>[0] = {
    name: input.name,
    labelSet: input.labelSet,
    config: generator.config,
    generatorOnnx,
    precision: fp16 ? 'fp16' : 'fp32',
    provenance: { createdAt: new Date().toISOString(), ...input.provenance },
  };
  if (input.description) manifestInput.description = input.description;
  if (encoder && encoderOnnx) manifestInput.encoder = { config: encoder.config, onnx: encoderOnnx };
  if (input.defaultSize) manifestInput.defaultSize = input.defaultSize;
  if (input.maxSize) manifestInput.maxSize = input.maxSize;
  const manifest = createManifest(manifestInput);
  const folder = await writeModelFolder(out, manifest, generatorOnnx, encoderOnnx);
  step.done();
  return folder;
}

/** Reads a weights file with a progress bar. */
export async function readStateDictFile(path: string, progress: Progress, key?: string): Promise<RawStateDict> {
  const step = progress.step(`reading ${basename(path)}`);
  const bytes = await readFileWithProgress(path, step);
  const sd = parseStateDict(bytes, path, key !== undefined ? { key } : {});
  step.done(`${sd.size} tensors`);
  return sd;
}

/** Provenance: the defaults, then the config's, then `--manifest-extra` (later wins). */
export async function mergeProvenance(
  defaults: ModelManifest['provenance'],
  fromConfig: Partial<ModelManifest['provenance']> | undefined,
  extraPath: string | undefined,
): Promise<ModelManifest['provenance']> {
  let extra: Record<string, unknown> = {};
  if (extraPath) {
    const value = await readJsonFile(extraPath, 'manifest extra');
    if (!value || typeof value !== 'object' || Array.isArray(value)) {
      throw new PaintscapeError(ErrorCode.InvalidArgument, `${extraPath}: must be a JSON object of provenance fields`, { field: 'manifest-extra' });
    }
    extra = value as Record<string, unknown>;
  }
  const merged = { ...defaults, ...fromConfig, ...extra } as ModelManifest['provenance'];
  for (const key of ['source', 'licence'] as const) {
    if (typeof merged[key] !== 'string' || merged[key] === '') {
      throw new PaintscapeError(ErrorCode.InvalidManifest, `provenance.${key} must be a non-empty string`, { field: `provenance.${key}` });
    }
  }
  return merged;
}
