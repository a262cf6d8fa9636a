import { PaintscapeError, fail, ErrorCode } from '../errors.js';
import type { EncoderConfig, GeneratorConfig, LabelSetId, UpsamplingMode } from '../model-io/manifest.js';
import { generatorParameterShapes, encoderParameterShapes } from '../graph/index.js';
import { toFloat32, type RawStateDict, type RawTensor } from './tensor.js';

/**
 * Conversion of official NVlabs/SPADE state dicts (and ours, which use the same names)
 * into the float32 weight map the graph builder takes: spectral norm folded, batch-norm
 * running stats kept (the builder folds them), `num_batches_tracked` dropped, then every
 * key and shape checked against the builder's expected parameter shapes.
 */

/** Same shape as graph's `WeightTensor` / `WeightMap` (kept structural to avoid a cycle). */
interface FoldedTensor {
  shape: number[];
  data: Float32Array;
}
type FoldedWeights = Map<string, FoldedTensor>;

/** Per label set: class count and how the official SPADE options treat it. */
export interface SpadeLabelSetDefaults {
  labelChannels: number;
  /** Which extra channel a single extra semantic channel means for this set. */
  singleExtraChannel: 'dontCare' | 'instanceEdge';
  upsampling: UpsamplingMode;
  aspectRatio: number;
  cropSize: number;
}

export const SPADE_LABEL_SET_DEFAULTS: Readonly<Record<LabelSetId, SpadeLabelSetDefaults>> = {
  landscape: { labelChannels: 13, singleExtraChannel: 'dontCare', upsampling: 'normal', aspectRatio: 1, cropSize: 256 },
  'coco-stuff': { labelChannels: 182, singleExtraChannel: 'dontCare', upsampling: 'normal', aspectRatio: 1, cropSize: 256 },
  ade20k: { labelChannels: 150, singleExtraChannel: 'dontCare', upsampling: 'normal', aspectRatio: 1, cropSize: 256 },
  cityscapes: { labelChannels: 35, singleExtraChannel: 'instanceEdge', upsampling: 'more', aspectRatio: 2, cropSize: 512 },
};

const UPSAMPLINGS: Readonly<Record<UpsamplingMode, number>> = { normal: 5, more: 6, most: 7 };
const GENERATOR_BLOCKS = ['head_0', 'G_middle_0', 'G_middle_1', 'up_0', 'up_1', 'up_2', 'up_3', 'up_4'] as const;

export interface InferGeneratorOptions {
  labelSet: LabelSetId;
  /** The weights cannot tell 'normal' from 'more' (same layers); defaults to the label set's. */
  upsampling?: UpsamplingMode;
  /** Default: 'official' when fc is a Linear (VAE checkpoints), else 'conv' (any size). */
  inputStage?: GeneratorConfig['inputStage'];
  aspectRatio?: number;
  /** Output width for the official stage; derived from fc's size when fc is a Linear. */
  cropSize?: number;
}

function shapeOf(sd: RawStateDict, ...names: string[]): number[] | undefined {
  for (const name of names) {
    const t = sd.get(name);
    if (t) return t.shape;
  }
  return undefined;
}

function requireShape(sd: RawStateDict, what: string, ...names: string[]): number[] {
  const shape = shapeOf(sd, ...names);
  if (!shape) {
    throw new PaintscapeError(ErrorCode.MissingWeight, `checkpoint has no ${names[0]} (needed to infer ${what})`, { key: names[0] });
  }
  return shape;
}

const formatShape = (shape: readonly number[] | undefined): string => (shape ? `[${shape.join(', ')}]` : 'none');

/** Reads the generator architecture off a SPADE state dict's shapes. */
export function inferGeneratorConfig(sd: RawStateDict, options: InferGeneratorOptions): GeneratorConfig {
  const defaults = SPADE_LABEL_SET_DEFAULTS[options.labelSet];
  if (!defaults) fail(ErrorCode.UnknownLabelSet, `unknown label set ${String(options.labelSet)}`, { field: 'labelSet' });
  const head = requireShape(sd, 'ngf', 'head_0.conv_0.weight_orig', 'head_0.conv_0.weight');
  const ngf = head[0]! / 16;
  if (!Number.isInteger(ngf) || ngf < 1) fail(ErrorCode.InvalidCheckpoint, `head_0.conv_0 has ${head[0]} output channels: not 16·ngf`);
  const semanticChannels = requireShape(sd, 'the semantic channels', 'head_0.norm_0.mlp_shared.0.weight')[1]!;
  const extra = semanticChannels - defaults.labelChannels;
  if (extra < 0 || extra > 2) {
    throw new PaintscapeError(
      ErrorCode.ModelMismatch,
      `checkpoint expects ${semanticChannels} semantic channels but label set ${options.labelSet} has ${defaults.labelChannels} classes (allowed ${defaults.labelChannels}–${defaults.labelChannels + 2} with don't-care and instance-edge channels)`,
      { field: 'labelSet', semanticChannels, labelChannels: defaults.labelChannels },
    );
  }
  const dontCareChannel = extra === 2 || (extra === 1 && defaults.singleExtraChannel === 'dontCare');
  const instanceEdgeChannel = extra === 2 || (extra === 1 && defaults.singleExtraChannel === 'instanceEdge');
  const upsampling = sd.has('up_4.conv_0.weight_orig') || sd.has('up_4.conv_0.weight') ? 'most' : (options.upsampling ?? defaults.upsampling);
  const aspectRatio = options.aspectRatio ?? defaults.aspectRatio;

  const fc = requireShape(sd, 'the input stage', 'fc.weight');
  let zDim = 0;
  let inputStage: GeneratorConfig['inputStage'];
  let cropSize = options.cropSize ?? defaults.cropSize;
  if (fc.length === 2) {
    // Official VAE stage: Linear(zDim → 16·ngf·sh·sw).
    zDim = fc[1]!;
    inputStage = 'official';
    const cells = fc[0]! / (16 * ngf);
    const sw = Math.round(Math.sqrt(cells * aspectRatio));
    const sh = Math.round(sw / aspectRatio);
    if (sw * sh !== cells) {
      fail(ErrorCode.InvalidCheckpoint, `fc.weight ${formatShape(fc)} is not 16·ngf·sh·sw for aspect ratio ${aspectRatio}`, { key: 'fc.weight' });
    }
    const derived = sw * 2 ** UPSAMPLINGS[upsampling];
    if (options.cropSize !== undefined && options.cropSize !== derived) {
      fail(ErrorCode.ModelMismatch, `fc.weight ${formatShape(fc)} implies crop size ${derived}, not ${options.cropSize}`, { field: 'cropSize' });
    }
    cropSize = derived;
  } else {
    if (fc[1] !== semanticChannels) {
      fail(ErrorCode.WeightShapeMismatch, `fc.weight has ${fc[1]} input channels but mlp_shared has ${semanticChannels}`, { key: 'fc.weight' });
    }
    const fcZ = shapeOf(sd, 'fc_z.weight');
    if (fcZ) zDim = fcZ[1]!;
    inputStage = options.inputStage ?? 'conv';
  }
  if (options.inputStage && options.inputStage !== inputStage) {
    fail(ErrorCode.InvalidConfig, `inputStage ${options.inputStage} does not fit this checkpoint's fc layer (${inputStage})`, { field: 'inputStage' });
  }

  // mlp_shared widths per block: one number when uniform, else a per-block map.
  const widths = new Map<string, number>();
  for (const block of GENERATOR_BLOCKS) {
    const shared = shapeOf(sd, `${block}.norm_0.mlp_shared.0.weight`);
    if (shared) widths.set(block, shared[0]!);
  }
  const counts = new Map<number, number>();
  for (const w of widths.values()) counts.set(w, (counts.get(w) ?? 0) + 1);
  const common = [...counts].sort((a, b) => b[1] - a[1])[0]?.[0] ?? 128;
  let spadeHidden: GeneratorConfig['spadeHidden'] = common;
  if (counts.size > 1) {
    const perBlock: { default: number } & Partial<Record<string, number>> = { default: common };
    for (const [block, w] of widths) if (w !== common) perBlock[block] = w;
    spadeHidden = perBlock;
  }
  const norm = [...sd.keys()].some((k) => k.endsWith('param_free_norm.running_mean')) ? 'batch' : 'instance';
  return {
    labelChannels: defaults.labelChannels,
    dontCareChannel,
    instanceEdgeChannel,
    ngf,
    spadeHidden,
    upsampling,
    aspectRatio,
    inputStage,
    zDim,
    norm,
    cropSize,
  };
}

/** Reads SPADE's ConvEncoder architecture off its state dict (`latest_net_E.pth`). */
export function inferEncoderConfig(sd: RawStateDict): EncoderConfig {
  const first = requireShape(sd, 'ndf', 'layer1.0.weight_orig', 'layer1.0.weight');
  const mu = requireShape(sd, 'zDim', 'fc_mu.weight');
  const ndf = first[0]!;
  const side = Math.sqrt(mu[1]! / (8 * ndf));
  if (!Number.isInteger(side)) {
    fail(ErrorCode.InvalidCheckpoint, `fc_mu.weight ${formatShape(mu)} is not [zDim, 8·ndf·s·s] for ndf ${ndf}`, { key: 'fc_mu.weight' });
  }
  // Six stride-2 convs: the input is 2^6 times the final grid.
  return { ndf, zDim: mu[0]!, inputSize: side * 64 };
}

/**
 * The weight-map name a state-dict entry becomes: `X.weight_orig` → `X.weight`; spectral-norm
 * vectors (`weight_u`, `weight_v`) and `num_batches_tracked` → undefined (dropped).
 */
export function convertedWeightName(name: string): string | undefined {
  if (name.endsWith('.num_batches_tracked') || name.endsWith('.weight_u') || name.endsWith('.weight_v')) return undefined;
  return name.endsWith('.weight_orig') ? name.slice(0, -'_orig'.length) : name;
}

/** Names and shapes of the converted weights, from shapes alone (no data needed). */
export function convertedWeightShapes(sd: ReadonlyMap<string, { shape: readonly number[] }>): Map<string, number[]> {
  const out = new Map<string, number[]>();
  for (const [name, tensor] of sd) {
    const converted = convertedWeightName(name);
    if (converted !== undefined) out.set(converted, [...tensor.shape]);
  }
  return out;
}

/**
 * Folds spectral norm (`X.weight_orig`, `X.weight_u`, `X.weight_v` → `X.weight` =
 * weight_orig / σ, σ = uᵀ·(W·v) with W = weight_orig as [out, in·k·k]), drops
 * `num_batches_tracked` and converts everything else to float32.
 */
export function foldSpectralNorm(sd: RawStateDict): FoldedWeights {
  const out: FoldedWeights = new Map();
  for (const [name, tensor] of sd) {
    const converted = convertedWeightName(name);
    if (converted === undefined) {
      if (name.endsWith('.weight_u') || name.endsWith('.weight_v')) {
        const orig = `${name.slice(0, -'_u'.length)}_orig`;
        if (!sd.has(orig)) fail(ErrorCode.UnexpectedWeight, `${name} has no matching ${orig}`, { key: name });
      }
      continue;
    }
    if (name.endsWith('.weight_orig')) {
      out.set(converted, { shape: [...tensor.shape], data: foldOne(converted, tensor, sd.get(`${converted}_u`), sd.get(`${converted}_v`)) });
    } else {
      out.set(converted, { shape: [...tensor.shape], data: toFloat32(tensor) });
    }
  }
  return out;
}

function foldOne(base: string, weight: RawTensor, u: RawTensor | undefined, v: RawTensor | undefined): Float32Array {
  if (!u) fail(ErrorCode.MissingWeight, `missing weight ${base}_u (spectral norm of ${base}_orig)`, { key: `${base}_u` });
  if (!v) fail(ErrorCode.MissingWeight, `missing weight ${base}_v (spectral norm of ${base}_orig)`, { key: `${base}_v` });
  const rows = weight.shape[0] ?? 1;
  const w = toFloat32(weight);
  const cols = w.length / rows;
  const uData = toFloat32(u);
  const vData = toFloat32(v);
  if (uData.length !== rows) {
    fail(ErrorCode.WeightShapeMismatch, `weight ${base}_u has shape ${formatShape(u.shape)}, expected [${rows}]`, { key: `${base}_u` });
  }
  if (vData.length !== cols) {
    fail(ErrorCode.WeightShapeMismatch, `weight ${base}_v has shape ${formatShape(v.shape)}, expected [${cols}]`, { key: `${base}_v` });
  }
  let sigma = 0;
  for (let r = 0; r < rows; r++) {
    let dot = 0;
    const rowStart = r * cols;
    for (let c = 0; c < cols; c++) dot += w[rowStart + c]! * vData[c]!;
    sigma += uData[r]! * dot;
  }
  if (!Number.isFinite(sigma) || sigma === 0) {
    fail(ErrorCode.InvalidCheckpoint, `spectral norm of ${base} is ${sigma}: cannot fold`, { key: base });
  }
  const out = new Float32Array(w.length);
  for (let i = 0; i < w.length; i++) out[i] = w[i]! / sigma;
  return out;
}

export interface WeightProblem {
  kind: 'missing' | 'unexpected' | 'shape';
  key: string;
  expected?: number[];
  actual?: number[];
}

/**
 * Checks a weight map against the expected parameter shapes. Throws one error naming the
 * first problem (missing_weight / unexpected_weight / weight_shape_mismatch) with the
 * full list in `details.problems`.
 */
export function validateWeightShapes(
  weights: ReadonlyMap<string, { shape: readonly number[] }>,
  expected: ReadonlyMap<string, readonly number[]>,
  what = 'generator',
): void {
  const problems: WeightProblem[] = [];
  for (const [key, shape] of expected) {
    const got = weights.get(key);
    if (!got) problems.push({ kind: 'missing', key, expected: [...shape] });
    else if (got.shape.length !== shape.length || got.shape.some((d, i) => d !== shape[i])) {
      problems.push({ kind: 'shape', key, expected: [...shape], actual: [...got.shape] });
    }
  }
  for (const [key, got] of weights) if (!expected.has(key)) problems.push({ kind: 'unexpected', key, actual: [...got.shape] });
  const first = problems[0];
  if (!first) return;
  const more = problems.length > 1 ? ` (and ${problems.length - 1} more problem${problems.length > 2 ? 's' : ''})` : '';
  const details = { key: first.key, expected: first.expected, actual: first.actual, problems };
  switch (first.kind) {
    case 'missing':
      throw new PaintscapeError(ErrorCode.MissingWeight, `${what}: missing weight ${first.key} (expected shape ${formatShape(first.expected)})${more}`, details);
    case 'unexpected':
      throw new PaintscapeError(ErrorCode.UnexpectedWeight, `${what}: unexpected weight ${first.key} ${formatShape(first.actual)}${more}`, details);
    case 'shape':
      throw new PaintscapeError(
        ErrorCode.WeightShapeMismatch,
        `${what}: weight ${first.key} has shape ${formatShape(first.actual)}, expected ${formatShape(first.expected)}${more}`,
        details,
      );
  }
}

export interface ConvertSpadeGeneratorOptions extends InferGeneratorOptions {
  /** Expected shapes for a config; default: the graph builder's `generatorParameterShapes`. */
  parameterShapes?: (config: GeneratorConfig) => ReadonlyMap<string, readonly number[]>;
  /** Use this config instead of inferring one (still validated against the weights). */
  config?: GeneratorConfig;
}

/** State dict → (config, validated float32 weights) for `buildGenerator`. */
export function convertSpadeStateDict(
  sd: RawStateDict,
  options: ConvertSpadeGeneratorOptions,
): { config: GeneratorConfig; weights: FoldedWeights } {
  const config = options.config ?? inferGeneratorConfig(sd, options);
  const weights = foldSpectralNorm(sd);
  validateWeightShapes(weights, (options.parameterShapes ?? generatorParameterShapes)(config), 'generator');
  return { config, weights };
}

export interface ConvertSpadeEncoderOptions {
  /** Default: the graph builder's `encoderParameterShapes`. */
  parameterShapes?: (config: EncoderConfig) => ReadonlyMap<string, readonly number[]>;
  config?: EncoderConfig;
}

/** Encoder state dict (`latest_net_E.pth`) → (config, validated float32 weights) for `buildEncoder`. */
export function convertSpadeEncoderStateDict(
  sd: RawStateDict,
  options: ConvertSpadeEncoderOptions = {},
): { config: EncoderConfig; weights: FoldedWeights } {
  const config = options.config ?? inferEncoderConfig(sd);
  const weights = foldSpectralNorm(sd);
  validateWeightShapes(weights, (options.parameterShapes ?? encoderParameterShapes)(config), 'encoder');
  return { config, weights };
}
