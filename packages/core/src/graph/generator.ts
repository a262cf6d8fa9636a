/**
 * Builds the SPADE generator as ONNX from plain weights (no spectral norm; batch-norm running stats
 * are folded here). Reference: training/paintscape_train/models/generator.py.
 *
 * Graph: inputs `seg` [N, semanticChannels, H, W] (+ `z` [N, zDim] when zDim > 0), output `image`
 * [N, 3, H, W] float32 in [-1, 1]. Nodes and initializers are named after the checkpoint modules.
 */
import { ErrorCode, fail } from '../errors.js';
import type { GeneratorConfig } from '../model-io/manifest.js';
import {
  LEAKY_RELU_SLOPE,
  NORM_EPSILON,
  UPSAMPLINGS,
  generatorBlocks,
  generatorFixedSize,
  officialLatentSize,
  semanticChannels,
  validateGeneratorConfig,
} from './config.js';
import { GraphBuilder, type Precision } from './graph-builder.js';
import { OnnxDataType, floatAttr, type OnnxDim, type OnnxValueInfo } from './onnx.js';
import { requireWeight, type ParameterShapes, type WeightMap } from './weights.js';

export interface BuildOptions {
  /** float16 weights and compute; inputs and outputs stay float32 (Cast nodes at the edges). */
  fp16?: boolean;
  /** A symbolic batch dimension (default) or a fixed batch of 1. */
  batch?: 'dynamic' | 1;
}

/** The final Conv output is clamped to ±this before Tanh: tanh(±10) is ±1 in float32 and float16. */
export const OUTPUT_CLIP = 10;
export const GRAPH_PRODUCER = 'paintscape';

function addSpadeShapes(shapes: ParameterShapes, prefix: string, channels: number, hidden: number, labelNc: number, norm: GeneratorConfig['norm']): void {
  if (norm === 'batch') {
    shapes.set(`${prefix}.param_free_norm.running_mean`, [channels]);
    shapes.set(`${prefix}.param_free_norm.running_var`, [channels]);
  }
  shapes.set(`${prefix}.mlp_shared.0.weight`, [hidden, labelNc, 3, 3]);
  shapes.set(`${prefix}.mlp_shared.0.bias`, [hidden]);
  shapes.set(`${prefix}.mlp_gamma.weight`, [channels, hidden, 3, 3]);
  shapes.set(`${prefix}.mlp_gamma.bias`, [channels]);
  shapes.set(`${prefix}.mlp_beta.weight`, [channels, hidden, 3, 3]);
  shapes.set(`${prefix}.mlp_beta.bias`, [channels]);
}

/** Every weight buildGenerator reads, name → shape, in checkpoint order (running stats only for norm 'batch'). */
export function generatorParameterShapes(config: GeneratorConfig): ParameterShapes {
  validateGeneratorConfig(config);
  const labelNc = semanticChannels(config);
  const top = 16 * config.ngf;
  const shapes: ParameterShapes = new Map();
  if (config.inputStage === 'official' && config.zDim > 0) {
    const { sh, sw } = officialLatentSize(config);
    shapes.set('fc.weight', [top * sh * sw, config.zDim]);
    shapes.set('fc.bias', [top * sh * sw]);
  } else {
    shapes.set('fc.weight', [top, labelNc, 3, 3]);
    shapes.set('fc.bias', [top]);
  }
  if (config.inputStage === 'conv' && config.zDim > 0) {
    shapes.set('fc_z.weight', [top, config.zDim]);
    shapes.set('fc_z.bias', [top]);
  }
  for (const block of generatorBlocks(config)) {
    const p = block.name;
    shapes.set(`${p}.conv_0.weight`, [block.fmiddle, block.fin, 3, 3]);
    shapes.set(`${p}.conv_0.bias`, [block.fmiddle]);
    shapes.set(`${p}.conv_1.weight`, [block.fout, block.fmiddle, 3, 3]);
    shapes.set(`${p}.conv_1.bias`, [block.fout]);
    if (block.fin !== block.fout) shapes.set(`${p}.conv_s.weight`, [block.fout, block.fin, 1, 1]);
    addSpadeShapes(shapes, `${p}.norm_0`, block.fin, block.hidden, labelNc, config.norm);
    addSpadeShapes(shapes, `${p}.norm_1`, block.fmiddle, block.hidden, labelNc, config.norm);
    if (block.fin !== block.fout) addSpadeShapes(shapes, `${p}.norm_s`, block.fin, block.hidden, labelNc, config.norm);
  }
  const last = generatorBlocks(config).at(-1)!;
  shapes.set('conv_img.weight', [3, last.fout, 3, 3]);
  shapes.set('conv_img.bias', [3]);
  return shapes;
}

/** Output [width, height] for MAC counting: the fixed size ('official') or the given one ('conv'). */
function resolveSize(config: GeneratorConfig, width: number | undefined, height: number | undefined): [number, number] {
  const fixed = generatorFixedSize(config);
  const multiple = 2 ** UPSAMPLINGS[config.upsampling];
  if (fixed) {
    if ((width !== undefined && width !== fixed[0]) || (height !== undefined && height !== fixed[1]))
      fail(ErrorCode.SizeMismatch, `the 'official' stage renders ${fixed[0]}×${fixed[1]} only, got ${width}×${height}`, { field: 'size', value: [width, height] });
    return fixed;
  }
  for (const [field, value] of [['width', width], ['height', height]] as const) {
    if (value === undefined || !Number.isInteger(value) || value <= 0 || value % multiple !== 0)
      fail(ErrorCode.InvalidArgument, `${field} must be a positive multiple of ${multiple}, got ${value}`, { field, value });
  }
  return [width!, height!];
}

/** Multiply-accumulates of one render (convolutions and linear layers; norms and activations excluded). */
export function countMacs(config: GeneratorConfig, width?: number, height?: number): number {
  validateGeneratorConfig(config);
  const [w, h] = resolveSize(config, width, height);
  const labelNc = semanticChannels(config);
  const n = UPSAMPLINGS[config.upsampling];
  const top = 16 * config.ngf;
  const pixelsAt = (e: number): number => (w / 2 ** e) * (h / 2 ** e);
  let macs = 0;
  if (config.inputStage === 'official' && config.zDim > 0) {
    const { sh, sw } = officialLatentSize(config);
    macs += config.zDim * top * sh * sw;
  } else macs += top * labelNc * 9 * pixelsAt(n);
  if (config.inputStage === 'conv' && config.zDim > 0) macs += config.zDim * top;
  for (const b of generatorBlocks(config)) {
    const px = pixelsAt(b.scaleExponent);
    const spade = (c: number): number => (labelNc * b.hidden * 9 + 2 * b.hidden * c * 9) * px;
    macs += spade(b.fin) + spade(b.fmiddle) + (b.fin * b.fmiddle * 9 + b.fmiddle * b.fout * 9) * px;
    if (b.fin !== b.fout) macs += spade(b.fin) + b.fin * b.fout * px;
  }
  macs += generatorBlocks(config).at(-1)!.fout * 3 * 9 * w * h;
  return macs;
}

/** Builds generator.onnx. Throws invalid_config, missing_weight or weight_shape_mismatch (naming the key). */
export function buildGenerator(config: GeneratorConfig, weights: WeightMap, options: BuildOptions = {}): Uint8Array {
  const shapes = generatorParameterShapes(config);
  for (const [name, shape] of shapes) requireWeight(weights, name, shape);
  const precision: Precision = options.fp16 ? 'fp16' : 'fp32';
  const g = new GraphBuilder(precision);
  const weight = (name: string): string => g.floatConst(name, shapes.get(name)!, weights.get(name)!.data);
  const labelNc = semanticChannels(config);
  const n = UPSAMPLINGS[config.upsampling];
  const top = 16 * config.ngf;

  const batchDim: OnnxDim = options.batch === 1 ? 1 : 'batch';
  const fixed = generatorFixedSize(config);
  const heightDim: OnnxDim = fixed ? fixed[1] : 'height';
  const widthDim: OnnxDim = fixed ? fixed[0] : 'width';
  const toCompute = (input: string): string =>
    precision === 'fp16' ? g.node('Cast', `${input}_fp16`, [input], { to: OnnxDataType.FLOAT16 }) : input;
  const seg = toCompute('seg');
  const z = config.zDim > 0 ? toCompute('z') : undefined;

  // Each resolution's nearest-downsampled label map, computed once and shared by all SPADE layers
  // there. Slice with step 2^e picks rows/cols 0, 2^e, …: exactly PyTorch's nearest for integer factors.
  const segAt = new Map<number, string>([[0, seg]]);
  const segForExponent = (e: number): string => {
    let value = segAt.get(e);
    if (!value) {
      const step = 2 ** e;
      value = g.node('Slice', `seg_down_${step}`, [
        seg,
        g.int64Const(`seg_down_${step}.starts`, [0, 0]),
        g.int64Const(`seg_down_${step}.ends`, [2n ** 63n - 1n, 2n ** 63n - 1n]),
        g.int64Const(`seg_down_${step}.axes`, [2, 3]),
        g.int64Const(`seg_down_${step}.steps`, [step, step]),
      ]);
      segAt.set(e, value);
    }
    return value;
  };

  const instanceNormConsts = new Map<number, [string, string]>();
  const spade = (prefix: string, x: string, channels: number, hidden: number, exponent: number): string => {
    const shared = g.node('Relu', `${prefix}.mlp_shared.1`, [
      g.conv(`${prefix}.mlp_shared.0`, segForExponent(exponent), weight(`${prefix}.mlp_shared.0.weight`), weight(`${prefix}.mlp_shared.0.bias`), 3),
    ]);
    const gammaW = weights.get(`${prefix}.mlp_gamma.weight`)!.data;
    const gammaB = weights.get(`${prefix}.mlp_gamma.bias`)!.data;
    const betaW = weights.get(`${prefix}.mlp_beta.weight`)!.data;
    const betaB = weights.get(`${prefix}.mlp_beta.bias`)!.data;
    const perChannel = gammaW.length / channels;
    // norm(x)·(1+γ)+β: the "+1" is folded into γ's bias.
    const foldedGammaW = new Float32Array(gammaW);
    const foldedGammaB = gammaB.map((b) => b + 1);
    const foldedBetaW = new Float32Array(betaW);
    const foldedBetaB = new Float32Array(betaB);
    let normalized = x;
    if (config.norm === 'batch') {
      // Eval batch norm is x·a + b per channel; (x·a + b)(1+γ) + β = x·[a(1+γ)] + [b(1+γ) + β],
      // so a and b fold into the γ and β convolutions and no per-image op remains.
      const mean = weights.get(`${prefix}.param_free_norm.running_mean`)!.data;
      const variance = weights.get(`${prefix}.param_free_norm.running_var`)!.data;
      for (let c = 0; c < channels; c++) {
        const a = 1 / Math.sqrt(variance[c]! + NORM_EPSILON);
        const b = -mean[c]! * a;
        for (let k = c * perChannel; k < (c + 1) * perChannel; k++) {
          foldedBetaW[k] = betaW[k]! + b * gammaW[k]!;
          foldedGammaW[k] = a * gammaW[k]!;
        }
        foldedBetaB[c] = betaB[c]! + b * foldedGammaB[c]!;
        foldedGammaB[c] = a * foldedGammaB[c]!;
      }
    } else {
      let consts = instanceNormConsts.get(channels);
      if (!consts) {
        consts = [
          g.floatConst(`instance_norm.scale_${channels}`, [channels], new Float32Array(channels).fill(1)),
          g.floatConst(`instance_norm.bias_${channels}`, [channels], new Float32Array(channels)),
        ];
        instanceNormConsts.set(channels, consts);
      }
      normalized = g.node('InstanceNormalization', `${prefix}.param_free_norm`, [x, ...consts], { epsilon: floatAttr(NORM_EPSILON) });
    }
    const suffix = config.norm === 'batch' ? 'bn_folded' : 'plus_one';
    const wShape = [channels, hidden, 3, 3];
    const gamma = g.conv(`${prefix}.mlp_gamma`, shared, g.floatConst(`${prefix}.mlp_gamma.weight${config.norm === 'batch' ? '_bn_folded' : ''}`, wShape, foldedGammaW), g.floatConst(`${prefix}.mlp_gamma.bias_${suffix}`, [channels], foldedGammaB), 3);
    const beta = config.norm === 'batch'
      ? g.conv(`${prefix}.mlp_beta`, shared, g.floatConst(`${prefix}.mlp_beta.weight_bn_folded`, wShape, foldedBetaW), g.floatConst(`${prefix}.mlp_beta.bias_bn_folded`, [channels], foldedBetaB), 3)
      : g.conv(`${prefix}.mlp_beta`, shared, weight(`${prefix}.mlp_beta.weight`), weight(`${prefix}.mlp_beta.bias`), 3);
    return g.node('Add', prefix, [g.node('Mul', `${prefix}.scale`, [normalized, gamma]), beta]);
  };

  // Input stage.
  let x: string;
  if (config.inputStage === 'official' && z) {
    const { sh, sw } = officialLatentSize(config);
    const fc = g.linear('fc', z, weight('fc.weight'), weight('fc.bias'));
    x = g.node('Reshape', 'fc.reshape', [fc, g.int64Const('fc.reshape.shape', [-1, top, sh, sw])]);
  } else {
    x = g.conv('fc', segForExponent(n), weight('fc.weight'), weight('fc.bias'), 3);
    if (z) {
      const style = g.linear('fc_z', z, weight('fc_z.weight'), weight('fc_z.bias'));
      const perPosition = g.node('Reshape', 'fc_z.reshape', [style, g.int64Const('fc_z.reshape.shape', [-1, top, 1, 1])]);
      x = g.node('Add', 'fc.plus_z', [x, perPosition]);
    }
  }

  let upsampleScales: string | undefined;
  for (const block of generatorBlocks(config)) {
    const p = block.name;
    if (block.upsampleBefore) {
      upsampleScales ??= g.float32Const('upsample.scales', [4], Float32Array.from([1, 1, 2, 2]));
      x = g.node('Resize', `${p}.upsample`, [x, '', upsampleScales], {
        mode: 'nearest',
        coordinate_transformation_mode: 'asymmetric',
        nearest_mode: 'floor',
      });
    }
    const e = block.scaleExponent;
    const shortcut =
      block.fin !== block.fout
        ? g.conv(`${p}.conv_s`, spade(`${p}.norm_s`, x, block.fin, block.hidden, e), weight(`${p}.conv_s.weight`), undefined, 1)
        : x;
    let dx = g.leakyRelu(`${p}.actvn_0`, spade(`${p}.norm_0`, x, block.fin, block.hidden, e), LEAKY_RELU_SLOPE);
    dx = g.conv(`${p}.conv_0`, dx, weight(`${p}.conv_0.weight`), weight(`${p}.conv_0.bias`), 3);
    dx = g.leakyRelu(`${p}.actvn_1`, spade(`${p}.norm_1`, dx, block.fmiddle, block.hidden, e), LEAKY_RELU_SLOPE);
    dx = g.conv(`${p}.conv_1`, dx, weight(`${p}.conv_1.weight`), weight(`${p}.conv_1.bias`), 3);
    x = g.node('Add', p, [shortcut, dx]);
  }

  x = g.leakyRelu('conv_img.actvn', x, LEAKY_RELU_SLOPE);
  x = g.conv('conv_img', x, weight('conv_img.weight'), weight('conv_img.bias'), 3);
  // Never Conv directly followed by Tanh: onnxruntime's webgpu EP fuses that pair into WGSL tanh(),
  // which is NaN where the output saturates. Max/Min (a clamp to ±10, where tanh is ±1 in float32
  // and float16 anyway) are not activation-fusable ops. A Clip is not enough: onnxruntime 1.30
  // fuses Conv+Clip and then Tanh into the same FusedConv, dropping the Clip (seen in webgpu.test.ts).
  const lower = g.floatConst('conv_img.clamp_min', [], Float32Array.of(-OUTPUT_CLIP));
  const upper = g.floatConst('conv_img.clamp_max', [], Float32Array.of(OUTPUT_CLIP));
  x = g.node('Min', 'conv_img.clamp_upper', [g.node('Max', 'conv_img.clamp_lower', [x, lower]), upper]);
  if (precision === 'fp16') g.node('Cast', 'image', [g.node('Tanh', 'tanh', [x], undefined, 'image_fp16')], { to: OnnxDataType.FLOAT });
  else g.node('Tanh', 'tanh', [x], undefined, 'image');

  const inputs: OnnxValueInfo[] = [{ name: 'seg', elemType: OnnxDataType.FLOAT, shape: [batchDim, labelNc, heightDim, widthDim] }];
  if (config.zDim > 0) inputs.push({ name: 'z', elemType: OnnxDataType.FLOAT, shape: [batchDim, config.zDim] });
  return g.finish(
    {
      graphName: 'paintscape_spade_generator',
      producerName: GRAPH_PRODUCER,
      docString: 'SPADE generator (Park et al. 2019) built by @paintscape/core buildGenerator',
      metadata: { 'paintscape.generator_config': JSON.stringify(config), 'paintscape.precision': precision },
    },
    inputs,
    [{ name: 'image', elemType: OnnxDataType.FLOAT, shape: [batchDim, 3, heightDim, widthDim] }],
  );
}
