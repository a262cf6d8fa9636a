import { PaintscapeError, ErrorCode } from '../errors.js';
import type { ModelManifest } from '../model-io/manifest.js';
import { readOnnxSummary, type OnnxSummary, type OnnxValueInfo, type OnnxDim } from '../graph/onnx.js';

/**
 * Checks that a model folder's manifest describes its ONNX graphs: input/output names,
 * channel counts, z size, fixed sizes and the encoder's outputs. Pure: the caller reads
 * the files (model-cli's `loadModelFolder` does).
 */

export interface ValidatedModelFolder {
  generator: OnnxSummary;
  encoder?: OnnxSummary;
}

function mismatch(message: string, field: string, details: Record<string, unknown> = {}): never {
  throw new PaintscapeError(ErrorCode.ModelMismatch, message, { field, ...details });
}

const dimText = (shape: readonly OnnxDim[]): string => `[${shape.join(', ')}]`;

function findValue(list: readonly OnnxValueInfo[], name: string, what: string, field: string): OnnxValueInfo {
  const found = list.find((v) => v.name === name);
  if (!found) {
    mismatch(`${what}: the ONNX graph has no ${field.endsWith('output') || field.includes('outputs') ? 'output' : 'input'} '${name}' (it has ${list.map((v) => `'${v.name}'`).join(', ') || 'none'})`, field, {
      expected: name,
      actual: list.map((v) => v.name),
    });
  }
  return found;
}

/** A numeric dimension must equal `expected`; a symbolic one accepts anything. */
function expectDim(value: OnnxValueInfo, axis: number, expected: number, what: string, field: string): void {
  const dim = value.shape[axis];
  if (typeof dim === 'number' && dim !== expected) {
    mismatch(`${what}: '${value.name}' has ${dimText(value.shape)}, the manifest says ${expected} at axis ${axis}`, field, {
      expected,
      actual: dim,
    });
  }
}

function expectRank(value: OnnxValueInfo, rank: number, what: string, field: string): void {
  if (value.shape.length !== rank) {
    mismatch(`${what}: '${value.name}' has rank ${value.shape.length} ${dimText(value.shape)}, expected rank ${rank}`, field, {
      expected: rank,
      actual: value.shape.length,
    });
  }
}

export function validateModelFolder(
  manifest: ModelManifest,
  generatorOnnx: Uint8Array,
  encoderOnnx?: Uint8Array,
): ValidatedModelFolder {
  const gen = manifest.generator;
  const config = gen.config;
  const generator = readOnnxSummary(generatorOnnx);
  const what = 'generator';

  const semantic = config.labelChannels + (config.dontCareChannel ? 1 : 0) + (config.instanceEdgeChannel ? 1 : 0);
  if (gen.inputs.seg.channels !== semantic) {
    mismatch(
      `generator.inputs.seg.channels is ${gen.inputs.seg.channels} but the config has ${semantic} semantic channels`,
      'generator.inputs.seg.channels',
      { expected: semantic, actual: gen.inputs.seg.channels },
    );
  }
  const seg = findValue(generator.inputs, gen.inputs.seg.name, what, 'generator.inputs.seg.name');
  expectRank(seg, 4, what, 'generator.inputs.seg');
  expectDim(seg, 1, gen.inputs.seg.channels, what, 'generator.inputs.seg.channels');
  if (gen.size.fixed) {
    expectDim(seg, 2, gen.size.fixed[1], what, 'generator.size.fixed');
    expectDim(seg, 3, gen.size.fixed[0], what, 'generator.size.fixed');
  }

  const declared = new Set([gen.inputs.seg.name]);
  if (config.zDim > 0) {
    if (!gen.inputs.z) mismatch(`generator.inputs.z is missing but config.zDim is ${config.zDim}`, 'generator.inputs.z');
    if (gen.inputs.z.size !== config.zDim) {
      mismatch(`generator.inputs.z.size is ${gen.inputs.z.size} but config.zDim is ${config.zDim}`, 'generator.inputs.z.size', {
        expected: config.zDim,
        actual: gen.inputs.z.size,
      });
    }
    const z = findValue(generator.inputs, gen.inputs.z.name, what, 'generator.inputs.z.name');
    expectRank(z, 2, what, 'generator.inputs.z');
    expectDim(z, 1, config.zDim, what, 'generator.inputs.z.size');
    declared.add(gen.inputs.z.name);
  } else if (gen.inputs.z) {
    mismatch('generator.inputs.z is present but config.zDim is 0', 'generator.inputs.z');
  }
  const undeclared = generator.inputs.filter((v) => !declared.has(v.name));
  if (undeclared.length > 0) {
    mismatch(`generator: the ONNX graph has input '${undeclared[0]!.name}' that the manifest does not declare`, 'generator.inputs', {
      actual: undeclared.map((v) => v.name),
    });
  }
  const out = findValue(generator.outputs, gen.output.name, what, 'generator.output.name');
  expectRank(out, 4, what, 'generator.output');
  expectDim(out, 1, 3, what, 'generator.output.channels');

  const result: ValidatedModelFolder = { generator };
  if (manifest.encoder) {
    const enc = manifest.encoder;
    if (!encoderOnnx) mismatch(`the manifest declares an encoder (${enc.file}) but no encoder graph was given`, 'encoder.file');
    if (config.zDim === 0) mismatch('the manifest declares an encoder but the generator has no z input (zDim 0)', 'encoder');
    if (enc.config.zDim !== config.zDim) {
      mismatch(`encoder.config.zDim is ${enc.config.zDim} but generator.config.zDim is ${config.zDim}`, 'encoder.config.zDim', {
        expected: config.zDim,
        actual: enc.config.zDim,
      });
    }
    const encoder = readOnnxSummary(encoderOnnx);
    const input = findValue(encoder.inputs, enc.input.name, 'encoder', 'encoder.input.name');
    expectRank(input, 4, 'encoder', 'encoder.input');
    expectDim(input, 1, 3, 'encoder', 'encoder.input');
    expectDim(input, 2, enc.input.size[1], 'encoder', 'encoder.input.size');
    expectDim(input, 3, enc.input.size[0], 'encoder', 'encoder.input.size');
    for (const key of ['mu', 'logvar'] as const) {
      const value = findValue(encoder.outputs, enc.outputs[key], 'encoder', `encoder.outputs.${key}`);
      expectRank(value, 2, 'encoder', `encoder.outputs.${key}`);
      expectDim(value, 1, enc.config.zDim, 'encoder', `encoder.outputs.${key}`);
    }
    result.encoder = encoder;
  } else if (encoderOnnx) {
    mismatch('an encoder graph was given but the manifest declares no encoder', 'encoder');
  }
  return result;
}
