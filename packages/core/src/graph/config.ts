/** Validation and derived sizes of GeneratorConfig / EncoderConfig (same rules as training/paintscape_train/models). */
import { ErrorCode, fail } from '../errors.js';
import type { EncoderConfig, GeneratorConfig, UpsamplingMode } from '../model-io/manifest.js';

export const UPSAMPLINGS: Readonly<Record<UpsamplingMode, number>> = { normal: 5, more: 6, most: 7 };
export const LEAKY_RELU_SLOPE = 0.2;
export const NORM_EPSILON = 1e-5;
export const ENCODER_LAYERS = 6;
/** layer6's instance norm needs more than one pixel: at 64 it sees 1×1 and outputs zeros. */
export const MIN_ENCODER_INPUT_SIZE = 128;

export type GeneratorBlockName = 'head_0' | 'G_middle_0' | 'G_middle_1' | 'up_0' | 'up_1' | 'up_2' | 'up_3' | 'up_4';

export interface GeneratorBlockSpec {
  name: GeneratorBlockName;
  fin: number;
  fout: number;
  fmiddle: number;
  hidden: number;
  /** The block runs at output size / 2^scaleExponent. */
  scaleExponent: number;
  /** A ×2 nearest upsampling precedes the block. */
  upsampleBefore: boolean;
}

function invalid(field: string, message: string, value: unknown): never {
  fail(ErrorCode.InvalidConfig, `${field}: ${message}`, { field, value });
}

function positiveInteger(field: string, value: unknown): void {
  if (typeof value !== 'number' || !Number.isInteger(value) || value <= 0) invalid(field, 'must be a positive integer', value);
}

export function semanticChannels(config: Pick<GeneratorConfig, 'labelChannels' | 'dontCareChannel' | 'instanceEdgeChannel'>): number {
  return config.labelChannels + (config.dontCareChannel ? 1 : 0) + (config.instanceEdgeChannel ? 1 : 0);
}

/** Python's round() (half to even), which the official latent size uses. */
function roundHalfEven(x: number): number {
  const floor = Math.floor(x);
  const diff = x - floor;
  if (diff > 0.5) return floor + 1;
  if (diff < 0.5) return floor;
  return floor % 2 === 0 ? floor : floor + 1;
}

export function validateGeneratorConfig(config: GeneratorConfig): void {
  if (typeof config !== 'object' || config === null) invalid('config', 'must be an object', config);
  positiveInteger('labelChannels', config.labelChannels);
  if (typeof config.dontCareChannel !== 'boolean') invalid('dontCareChannel', 'must be a boolean', config.dontCareChannel);
  if (typeof config.instanceEdgeChannel !== 'boolean') invalid('instanceEdgeChannel', 'must be a boolean', config.instanceEdgeChannel);
  positiveInteger('ngf', config.ngf);
  if (!(config.upsampling in UPSAMPLINGS)) invalid('upsampling', "must be 'normal', 'more' or 'most'", config.upsampling);
  if (config.upsampling === 'most' && config.ngf % 2 !== 0) invalid('ngf', "must be even for upsampling 'most' (up_4 has ngf/2 channels)", config.ngf);
  const hidden = config.spadeHidden;
  if (typeof hidden === 'number') positiveInteger('spadeHidden', hidden);
  else if (typeof hidden === 'object' && hidden !== null) {
    positiveInteger('spadeHidden.default', hidden.default);
    for (const [key, value] of Object.entries(hidden)) {
      if (key !== 'default' && !blockNames(config.upsampling).includes(key as GeneratorBlockName))
        invalid(`spadeHidden.${key}`, 'is not a block of this generator', value);
      positiveInteger(`spadeHidden.${key}`, value);
    }
  } else invalid('spadeHidden', 'must be a positive integer or an object with a default', hidden);
  if (typeof config.aspectRatio !== 'number' || !Number.isFinite(config.aspectRatio) || config.aspectRatio <= 0)
    invalid('aspectRatio', 'must be a positive number', config.aspectRatio);
  if (config.inputStage !== 'official' && config.inputStage !== 'conv') invalid('inputStage', "must be 'official' or 'conv'", config.inputStage);
  if (typeof config.zDim !== 'number' || !Number.isInteger(config.zDim) || config.zDim < 0) invalid('zDim', 'must be a non-negative integer', config.zDim);
  if (config.norm !== 'instance' && config.norm !== 'batch') invalid('norm', "must be 'instance' or 'batch'", config.norm);
  positiveInteger('cropSize', config.cropSize);
  if (config.inputStage === 'official') {
    const { sh, sw } = officialLatentSize(config);
    if (sw < 1 || sh < 1)
      invalid('cropSize', `too small for ${UPSAMPLINGS[config.upsampling]} upsamplings at aspect ratio ${config.aspectRatio}`, config.cropSize);
  }
}

/** sw = cropSize // 2^n, sh = round(sw / aspectRatio) (the official compute_latent_vector_size). */
export function officialLatentSize(config: GeneratorConfig): { sh: number; sw: number } {
  const sw = Math.floor(config.cropSize / 2 ** UPSAMPLINGS[config.upsampling]);
  return { sw, sh: roundHalfEven(sw / config.aspectRatio) };
}

/** [width, height] of an 'official' stage generator's fixed output, undefined for 'conv'. */
export function generatorFixedSize(config: GeneratorConfig): [number, number] | undefined {
  if (config.inputStage !== 'official') return undefined;
  const scale = 2 ** UPSAMPLINGS[config.upsampling];
  const { sh, sw } = officialLatentSize(config);
  return [sw * scale, sh * scale];
}

export function blockNames(upsampling: UpsamplingMode): GeneratorBlockName[] {
  const names: GeneratorBlockName[] = ['head_0', 'G_middle_0', 'G_middle_1', 'up_0', 'up_1', 'up_2', 'up_3'];
  if (upsampling === 'most') names.push('up_4');
  return names;
}

export function spadeHiddenFor(config: GeneratorConfig, block: GeneratorBlockName): number {
  const hidden = config.spadeHidden;
  return typeof hidden === 'number' ? hidden : (hidden[block] ?? hidden.default);
}

/** The residual blocks in forward order with widths and resolutions. */
export function generatorBlocks(config: GeneratorConfig): GeneratorBlockSpec[] {
  const ngf = config.ngf;
  const widths: Record<GeneratorBlockName, [number, number]> = {
    head_0: [16 * ngf, 16 * ngf],
    G_middle_0: [16 * ngf, 16 * ngf],
    G_middle_1: [16 * ngf, 16 * ngf],
    up_0: [16 * ngf, 8 * ngf],
    up_1: [8 * ngf, 4 * ngf],
    up_2: [4 * ngf, 2 * ngf],
    up_3: [2 * ngf, ngf],
    up_4: [ngf, ngf / 2],
  };
  let exponent = UPSAMPLINGS[config.upsampling];
  return blockNames(config.upsampling).map((name) => {
    const upsampleBefore = name !== 'head_0' && (name !== 'G_middle_1' || config.upsampling !== 'normal');
    if (upsampleBefore) exponent--;
    const [fin, fout] = widths[name];
    return { name, fin, fout, fmiddle: Math.min(fin, fout), hidden: spadeHiddenFor(config, name), scaleExponent: exponent, upsampleBefore };
  });
}

export function validateEncoderConfig(config: EncoderConfig): void {
  if (typeof config !== 'object' || config === null) invalid('config', 'must be an object', config);
  positiveInteger('ndf', config.ndf);
  positiveInteger('zDim', config.zDim);
  positiveInteger('inputSize', config.inputSize);
  if (config.inputSize < MIN_ENCODER_INPUT_SIZE)
    invalid('inputSize', `must be at least ${MIN_ENCODER_INPUT_SIZE} (layer6's instance norm would see 1×1)`, config.inputSize);
  if (config.inputSize % 2 ** ENCODER_LAYERS !== 0) invalid('inputSize', `must be a multiple of ${2 ** ENCODER_LAYERS}`, config.inputSize);
}

export function encoderWidths(ndf: number): number[] {
  return [3, ndf, 2 * ndf, 4 * ndf, 8 * ndf, 8 * ndf, 8 * ndf];
}
