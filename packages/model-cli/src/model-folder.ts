import { mkdir, readFile, writeFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import {
  PaintscapeError,
  ErrorCode,
  UPSAMPLINGS,
  generatorFixedSize,
  readOnnxSummary,
  semanticChannels,
  validateManifest,
  validateModelFolder,
  type EncoderConfig,
  type GeneratorConfig,
  type LabelSetId,
  type ModelManifest,
  type OnnxSummary,
} from '@paintscape/core';
import { fileError } from './files.js';

export const MANIFEST_FILE = 'model.json';
export const GENERATOR_FILE = 'generator.onnx';
export const ENCODER_FILE = 'encoder.onnx';
/** Largest render size written into manifests unless the build config says otherwise. */
export const DEFAULT_MAX_RENDER_SIZE = 1024;

export interface LoadedModelFolder {
  dir: string;
  manifest: ModelManifest;
  generatorOnnx: Uint8Array;
  encoderOnnx?: Uint8Array;
  generator: OnnxSummary;
  encoder?: OnnxSummary;
}

async function readBytes(path: string): Promise<Uint8Array> {
  try {
    return new Uint8Array(await readFile(path));
  } catch (error) {
    throw fileError(path, error);
  }
}

/** Reads `model.json` + `generator.onnx` (+ `encoder.onnx`) and checks they agree. */
export async function loadModelFolder(dir: string): Promise<LoadedModelFolder> {
  const manifestPath = join(dir, MANIFEST_FILE);
  let text: string;
  try {
    text = await readFile(manifestPath, 'utf8');
  } catch (error) {
    throw fileError(manifestPath, error);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new PaintscapeError(ErrorCode.InvalidManifest, `${manifestPath} is not valid JSON: ${(error as Error).message}`, { field: '(root)' });
  }
  const manifest = validateManifest(json);
  const generatorOnnx = await readBytes(join(dir, manifest.generator.file));
  const encoderOnnx = manifest.encoder ? await readBytes(join(dir, manifest.encoder.file)) : undefined;
  const checked = validateModelFolder(manifest, generatorOnnx, encoderOnnx);
  const loaded: LoadedModelFolder = { dir, manifest, generatorOnnx, generator: checked.generator };
  if (encoderOnnx && checked.encoder) {
    loaded.encoderOnnx = encoderOnnx;
    loaded.encoder = checked.encoder;
  }
  return loaded;
}

export interface CreateManifestInput {
  name: string;
  description?: string;
  labelSet: LabelSetId;
  config: GeneratorConfig;
  generatorOnnx: Uint8Array;
  precision: 'fp32' | 'fp16';
  encoder?: { config: EncoderConfig; onnx: Uint8Array };
  /** [width, height]; default: the fixed size, else cropSize × cropSize / aspectRatio. */
  defaultSize?: [number, number];
  maxSize?: [number, number];
  provenance: ModelManifest['provenance'];
}

function valueInfo(summary: OnnxSummary, list: 'inputs' | 'outputs', rank: number, what: string): string {
  const found = summary[list].find((v) => v.shape.length === rank);
  if (!found) throw new PaintscapeError(ErrorCode.InvalidOnnx, `${what}: the graph has no rank-${rank} ${list.slice(0, -1)}`);
  return found.name;
}

/** The manifest for freshly built graphs; tensor names are read from the graphs themselves. */
export function createManifest(input: CreateManifestInput): ModelManifest {
  const { config } = input;
  const summary = readOnnxSummary(input.generatorOnnx);
  const multipleOf = 2 ** UPSAMPLINGS[config.upsampling];
  const fixed = generatorFixedSize(config);
  const naturalSize: [number, number] = [config.cropSize, Math.round(config.cropSize / config.aspectRatio / multipleOf) * multipleOf];
  const size: ModelManifest['generator']['size'] = {
    multipleOf,
    default: fixed ?? input.defaultSize ?? naturalSize,
    max: fixed ?? input.maxSize ?? [DEFAULT_MAX_RENDER_SIZE, DEFAULT_MAX_RENDER_SIZE],
  };
  if (fixed) size.fixed = fixed;
  const manifest: ModelManifest = {
    format: 'paintscape-model',
    formatVersion: 1,
    name: input.name,
    labelSet: input.labelSet,
    generator: {
      file: GENERATOR_FILE,
      config,
      inputs: { seg: { name: valueInfo(summary, 'inputs', 4, 'generator'), layout: 'NCHW', channels: semanticChannels(config) } },
      output: { name: valueInfo(summary, 'outputs', 4, 'generator'), layout: 'NCHW', channels: 3, range: [-1, 1] },
      size,
      precision: input.precision,
    },
    provenance: input.provenance,
  };
  if (input.description) manifest.description = input.description;
  if (config.zDim > 0) {
    manifest.generator.inputs.z = { name: valueInfo(summary, 'inputs', 2, 'generator'), layout: 'NC', size: config.zDim };
  }
  if (input.encoder) {
    const enc = readOnnxSummary(input.encoder.onnx);
    const outputs = enc.outputs.map((o) => o.name);
    const mu = outputs.find((n) => n === 'mu') ?? outputs[0];
    const logvar = outputs.find((n) => n === 'logvar') ?? outputs[1];
    if (!mu || !logvar) throw new PaintscapeError(ErrorCode.InvalidOnnx, 'encoder: the graph needs two outputs (mu, logvar)');
    manifest.encoder = {
      file: ENCODER_FILE,
      config: input.encoder.config,
      input: {
        name: valueInfo(enc, 'inputs', 4, 'encoder'),
        layout: 'NCHW',
        size: [input.encoder.config.inputSize, input.encoder.config.inputSize],
        range: [-1, 1],
      },
      outputs: { mu, logvar },
      precision: input.precision,
    };
  }
  return manifest;
}

/** Writes the folder, then reloads it so a manifest that disagrees with its graphs never ships. */
export async function writeModelFolder(
  dir: string,
  manifest: ModelManifest,
  generatorOnnx: Uint8Array,
  encoderOnnx?: Uint8Array,
): Promise<LoadedModelFolder> {
  validateManifest(manifest);
  validateModelFolder(manifest, generatorOnnx, encoderOnnx);
  try {
    await mkdir(dir, { recursive: true });
    if ((await stat(dir)).isDirectory() === false) throw new Error('not a directory');
    await writeFile(join(dir, manifest.generator.file), generatorOnnx);
    if (manifest.encoder && encoderOnnx) await writeFile(join(dir, manifest.encoder.file), encoderOnnx);
    await writeFile(join(dir, MANIFEST_FILE), JSON.stringify(manifest, null, 2) + '\n');
  } catch (error) {
    throw new PaintscapeError(ErrorCode.InvalidArgument, `cannot write model folder ${dir}: ${(error as Error).message}`, { field: 'out' });
  }
  return loadModelFolder(dir);
}
