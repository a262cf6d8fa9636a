import { PaintscapeError, ErrorCode } from '../errors.js';
import { getLabelSet, isLabelSetId } from '../labels/registry.js';
// Channel and size arithmetic has one home, the graph builder's config, so that the manifest
// check and the ONNX graph can never disagree.
import { generatorFixedSize, semanticChannels, UPSAMPLINGS } from '../graph/config.js';
import type { GeneratorConfig, ModelManifest } from './manifest.js';

type Json = Record<string, unknown>;

function fail(path: string, message: string, value?: unknown): never {
  throw new PaintscapeError(ErrorCode.InvalidManifest, `model.json: ${path} ${message}`, { field: path, value });
}

const describe = (value: unknown): string => (value === undefined ? 'missing' : `got ${JSON.stringify(value)}`);

function object(value: unknown, path: string): Json {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) fail(path, `must be an object, ${describe(value)}`, value);
  return value as Json;
}

function onlyKeys(obj: Json, path: string, allowed: readonly string[]): void {
  for (const key of Object.keys(obj)) {
    if (!allowed.includes(key)) fail(path ? `${path}.${key}` : key, `is not a known field (known: ${allowed.join(', ')})`, obj[key]);
  }
}

function string(value: unknown, path: string): string {
  if (typeof value !== 'string' || value.length === 0) fail(path, `must be a non-empty string, ${describe(value)}`, value);
  return value;
}

function optionalString(value: unknown, path: string): void {
  if (value !== undefined) string(value, path);
}

function boolean(value: unknown, path: string): boolean {
  if (typeof value !== 'boolean') fail(path, `must be true or false, ${describe(value)}`, value);
  return value;
}

function integer(value: unknown, path: string, min: number): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min) fail(path, `must be an integer ≥ ${min}, ${describe(value)}`, value);
  return value;
}

function finiteNumber(value: unknown, path: string): number {
  if (typeof value !== 'number' || !Number.isFinite(value)) fail(path, `must be a finite number, ${describe(value)}`, value);
  return value;
}

function oneOf<T extends string | number>(value: unknown, path: string, allowed: readonly T[]): T {
  if (!allowed.includes(value as T)) fail(path, `must be one of ${allowed.map((a) => JSON.stringify(a)).join(', ')}, ${describe(value)}`, value);
  return value as T;
}

function size(value: unknown, path: string, multipleOf?: number): [number, number] {
  if (!Array.isArray(value) || value.length !== 2) fail(path, `must be [width, height], ${describe(value)}`, value);
  const w = integer(value[0], `${path}[0]`, 1);
  const h = integer(value[1], `${path}[1]`, 1);
  if (multipleOf !== undefined && (w % multipleOf !== 0 || h % multipleOf !== 0)) fail(path, `must be multiples of size.multipleOf (${multipleOf}), ${describe(value)}`, value);
  return [w, h];
}

function range(value: unknown, path: string): void {
  if (!Array.isArray(value) || value.length !== 2) fail(path, `must be [min, max], ${describe(value)}`, value);
  const lo = finiteNumber(value[0], `${path}[0]`);
  const hi = finiteNumber(value[1], `${path}[1]`);
  if (!(lo < hi)) fail(path, `must have min < max, ${describe(value)}`, value);
}

/** A file beside model.json: relative, no directory escapes. */
function fileName(value: unknown, path: string): void {
  const name = string(value, path);
  if (name.startsWith('/') || name.includes('\\') || name.split('/').some((part) => part === '..' || part === '')) {
    fail(path, `must be a relative path inside the model directory, ${describe(value)}`, value);
  }
}

function tensorSpec(value: unknown, path: string, extraKeys: readonly string[]): Json {
  const spec = object(value, path);
  onlyKeys(spec, path, ['name', 'layout', ...extraKeys]);
  string(spec.name, `${path}.name`);
  string(spec.layout, `${path}.layout`);
  return spec;
}

function generatorConfig(value: unknown, path: string, labelSetId: string): GeneratorConfig {
  const c = object(value, path);
  onlyKeys(c, path, ['labelChannels', 'dontCareChannel', 'instanceEdgeChannel', 'ngf', 'spadeHidden', 'upsampling', 'aspectRatio', 'inputStage', 'zDim', 'norm', 'cropSize']);
  const labelChannels = integer(c.labelChannels, `${path}.labelChannels`, 1);
  // classes.length, not the max index: cityscapes' 35 includes id −1, as SPADE's label_nc 35 does.
  const expectedClasses = getLabelSet(labelSetId).classes.length;
  if (labelChannels !== expectedClasses) fail(`${path}.labelChannels`, `must be ${expectedClasses} for label set ${labelSetId}, got ${labelChannels}`, labelChannels);
  boolean(c.dontCareChannel, `${path}.dontCareChannel`);
  boolean(c.instanceEdgeChannel, `${path}.instanceEdgeChannel`);
  integer(c.ngf, `${path}.ngf`, 1);
  if (typeof c.spadeHidden === 'number') {
    integer(c.spadeHidden, `${path}.spadeHidden`, 1);
  } else {
    const hidden = object(c.spadeHidden, `${path}.spadeHidden`);
    integer(hidden.default, `${path}.spadeHidden.default`, 1);
    for (const [block, width] of Object.entries(hidden)) integer(width, `${path}.spadeHidden.${block}`, 1);
  }
  oneOf(c.upsampling, `${path}.upsampling`, ['normal', 'more', 'most']);
  const aspect = finiteNumber(c.aspectRatio, `${path}.aspectRatio`);
  if (aspect <= 0) fail(`${path}.aspectRatio`, `must be > 0, got ${aspect}`, aspect);
  oneOf(c.inputStage, `${path}.inputStage`, ['official', 'conv']);
  integer(c.zDim, `${path}.zDim`, 0);
  oneOf(c.norm, `${path}.norm`, ['instance', 'batch']);
  integer(c.cropSize, `${path}.cropSize`, 1);
  return c as unknown as GeneratorConfig;
}

/**
 * Checks `model.json` against the ModelManifest contract and its internal consistency (channel
 * counts, z size, size rules, encoder/generator agreement). Throws `invalid_manifest` naming the
 * field path, e.g. `generator.size.multipleOf`. Unknown fields are rejected (typos would
 * otherwise silently fall back to defaults), except inside `provenance`, which is open.
 * Returns a deep copy typed as ModelManifest.
 */
export function validateManifest(json: unknown): ModelManifest {
  const m = object(json, '(root)');
  onlyKeys(m, '', ['format', 'formatVersion', 'name', 'description', 'labelSet', 'generator', 'encoder', 'provenance']);
  oneOf(m.format, 'format', ['paintscape-model']);
  oneOf(m.formatVersion, 'formatVersion', [1]);
  string(m.name, 'name');
  optionalString(m.description, 'description');
  if (typeof m.labelSet !== 'string' || !isLabelSetId(m.labelSet)) fail('labelSet', `must be one of landscape, coco-stuff, ade20k, cityscapes, ${describe(m.labelSet)}`, m.labelSet);

  const g = object(m.generator, 'generator');
  onlyKeys(g, 'generator', ['file', 'config', 'inputs', 'output', 'size', 'precision']);
  fileName(g.file, 'generator.file');
  const config = generatorConfig(g.config, 'generator.config', m.labelSet);
  const inputs = object(g.inputs, 'generator.inputs');
  onlyKeys(inputs, 'generator.inputs', ['seg', 'z']);
  const seg = tensorSpec(inputs.seg, 'generator.inputs.seg', ['channels']);
  const channels = integer(seg.channels, 'generator.inputs.seg.channels', 1);
  if (channels !== semanticChannels(config)) {
    fail('generator.inputs.seg.channels', `must equal labelChannels + dontCareChannel + instanceEdgeChannel = ${semanticChannels(config)}, got ${channels}`, channels);
  }
  if (config.zDim > 0) {
    const z = tensorSpec(inputs.z, 'generator.inputs.z', ['size']);
    const zSize = integer(z.size, 'generator.inputs.z.size', 1);
    if (zSize !== config.zDim) fail('generator.inputs.z.size', `must equal generator.config.zDim (${config.zDim}), got ${zSize}`, zSize);
  } else if (inputs.z !== undefined) {
    fail('generator.inputs.z', 'must be absent when generator.config.zDim is 0', inputs.z);
  }
  const output = tensorSpec(g.output, 'generator.output', ['channels', 'range']);
  oneOf(output.channels, 'generator.output.channels', [3]);
  range(output.range, 'generator.output.range');

  const s = object(g.size, 'generator.size');
  onlyKeys(s, 'generator.size', ['multipleOf', 'default', 'fixed', 'max']);
  const multipleOf = integer(s.multipleOf, 'generator.size.multipleOf', 1);
  const grid = 2 ** (UPSAMPLINGS[config.upsampling] as number);
  if (config.inputStage === 'conv' && multipleOf % grid !== 0) {
    fail('generator.size.multipleOf', `must be a multiple of 2^upsamplings = ${grid} for the conv input stage, got ${multipleOf}`, multipleOf);
  }
  const max = size(s.max, 'generator.size.max', multipleOf);
  const def = size(s.default, 'generator.size.default', multipleOf);
  if (def[0] > max[0] || def[1] > max[1]) fail('generator.size.default', `must not exceed generator.size.max [${max.join(', ')}], got [${def.join(', ')}]`, def);
  if (config.inputStage === 'official') {
    const fixed = size(s.fixed, 'generator.size.fixed');
    const expected = generatorFixedSize(config) as [number, number];
    if (fixed[0] !== expected[0] || fixed[1] !== expected[1]) {
      fail('generator.size.fixed', `must be the official stage's output size [${expected.join(', ')}] (latent grid × 2^upsamplings), got [${fixed.join(', ')}]`, fixed);
    }
    if (def[0] !== fixed[0] || def[1] !== fixed[1]) fail('generator.size.default', `must equal generator.size.fixed [${fixed.join(', ')}], got [${def.join(', ')}]`, def);
  } else if (s.fixed !== undefined) {
    fail('generator.size.fixed', "must be absent for the 'conv' input stage (any size that is a multiple of multipleOf works)", s.fixed);
  }
  oneOf(g.precision, 'generator.precision', ['fp32', 'fp16']);

  if (m.encoder !== undefined) {
    const e = object(m.encoder, 'encoder');
    onlyKeys(e, 'encoder', ['file', 'config', 'input', 'outputs', 'precision']);
    fileName(e.file, 'encoder.file');
    const ec = object(e.config, 'encoder.config');
    onlyKeys(ec, 'encoder.config', ['ndf', 'zDim', 'inputSize']);
    integer(ec.ndf, 'encoder.config.ndf', 1);
    const encZ = integer(ec.zDim, 'encoder.config.zDim', 1);
    if (encZ !== config.zDim) fail('encoder.config.zDim', `must equal generator.config.zDim (${config.zDim}), got ${encZ}`, encZ);
    const inputSize = integer(ec.inputSize, 'encoder.config.inputSize', 1);
    const input = tensorSpec(e.input, 'encoder.input', ['size', 'range']);
    const inSize = size(input.size, 'encoder.input.size');
    if (inSize[0] !== inputSize || inSize[1] !== inputSize) fail('encoder.input.size', `must be [inputSize, inputSize] = [${inputSize}, ${inputSize}], got [${inSize.join(', ')}]`, inSize);
    range(input.range, 'encoder.input.range');
    const outs = object(e.outputs, 'encoder.outputs');
    onlyKeys(outs, 'encoder.outputs', ['mu', 'logvar']);
    string(outs.mu, 'encoder.outputs.mu');
    string(outs.logvar, 'encoder.outputs.logvar');
    oneOf(e.precision, 'encoder.precision', ['fp32', 'fp16']);
  }

  const p = object(m.provenance, 'provenance');
  string(p.source, 'provenance.source');
  string(p.licence, 'provenance.licence');
  if (p.data !== undefined) {
    const d = object(p.data, 'provenance.data');
    string(d.description, 'provenance.data.description');
    if (!Array.isArray(d.licences)) fail('provenance.data.licences', `must be an array of strings, ${describe(d.licences)}`, d.licences);
    d.licences.forEach((l, i) => string(l, `provenance.data.licences[${i}]`));
    if (d.seed !== undefined) integer(d.seed, 'provenance.data.seed', 0);
    if (d.size !== undefined) integer(d.size, 'provenance.data.size', 0);
  }
  if (p.steps !== undefined) integer(p.steps, 'provenance.steps', 0);
  if (p.wallTimeSeconds !== undefined && finiteNumber(p.wallTimeSeconds, 'provenance.wallTimeSeconds') < 0) fail('provenance.wallTimeSeconds', 'must be ≥ 0', p.wallTimeSeconds);
  optionalString(p.hardware, 'provenance.hardware');
  optionalString(p.createdAt, 'provenance.createdAt');
  if (p.metrics !== undefined) {
    const metrics = object(p.metrics, 'provenance.metrics');
    for (const [key, v] of Object.entries(metrics)) finiteNumber(v, `provenance.metrics.${key}`);
  }
  return JSON.parse(JSON.stringify(m)) as ModelManifest;
}
