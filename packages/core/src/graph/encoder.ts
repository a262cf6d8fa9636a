/**
 * Builds SPADE's ConvEncoder as ONNX: `image` [N, 3, S, S] in [-1, 1] → `mu`, `logvar` [N, zDim].
 * Reference: training/paintscape_train/models/encoder.py.
 */
import type { EncoderConfig } from '../model-io/manifest.js';
import { ENCODER_LAYERS, LEAKY_RELU_SLOPE, NORM_EPSILON, encoderWidths, validateEncoderConfig } from './config.js';
import type { BuildOptions } from './generator.js';
import { GRAPH_PRODUCER } from './generator.js';
import { GraphBuilder, type Precision } from './graph-builder.js';
import { OnnxDataType, floatAttr, type OnnxDim } from './onnx.js';
import { requireWeight, type ParameterShapes, type WeightMap } from './weights.js';

export function encoderParameterShapes(config: EncoderConfig): ParameterShapes {
  validateEncoderConfig(config);
  const widths = encoderWidths(config.ndf);
  const shapes: ParameterShapes = new Map();
  for (let i = 0; i < ENCODER_LAYERS; i++) shapes.set(`layer${i + 1}.0.weight`, [widths[i + 1]!, widths[i]!, 3, 3]);
  const finalSize = config.inputSize / 2 ** ENCODER_LAYERS;
  const features = widths[ENCODER_LAYERS]! * finalSize * finalSize;
  for (const head of ['fc_mu', 'fc_var']) {
    shapes.set(`${head}.weight`, [config.zDim, features]);
    shapes.set(`${head}.bias`, [config.zDim]);
  }
  return shapes;
}

export function countEncoderMacs(config: EncoderConfig): number {
  validateEncoderConfig(config);
  const widths = encoderWidths(config.ndf);
  let macs = 0;
  for (let i = 0; i < ENCODER_LAYERS; i++) macs += widths[i]! * widths[i + 1]! * 9 * (config.inputSize / 2 ** (i + 1)) ** 2;
  const finalSize = config.inputSize / 2 ** ENCODER_LAYERS;
  return macs + 2 * widths[ENCODER_LAYERS]! * finalSize * finalSize * config.zDim;
}

/** Builds encoder.onnx. Throws invalid_config, missing_weight or weight_shape_mismatch (naming the key). */
export function buildEncoder(config: EncoderConfig, weights: WeightMap, options: BuildOptions = {}): Uint8Array {
  const shapes = encoderParameterShapes(config);
  for (const [name, shape] of shapes) requireWeight(weights, name, shape);
  const precision: Precision = options.fp16 ? 'fp16' : 'fp32';
  const g = new GraphBuilder(precision);
  const weight = (name: string): string => g.floatConst(name, shapes.get(name)!, weights.get(name)!.data);
  const widths = encoderWidths(config.ndf);
  const batchDim: OnnxDim = options.batch === 1 ? 1 : 'batch';

  let x = precision === 'fp16' ? g.node('Cast', 'image_fp16', ['image'], { to: OnnxDataType.FLOAT16 }) : 'image';
  const normConsts = new Map<number, [string, string]>();
  for (let i = 1; i <= ENCODER_LAYERS; i++) {
    const channels = widths[i]!;
    let consts = normConsts.get(channels);
    if (!consts) {
      consts = [
        g.floatConst(`instance_norm.scale_${channels}`, [channels], new Float32Array(channels).fill(1)),
        g.floatConst(`instance_norm.bias_${channels}`, [channels], new Float32Array(channels)),
      ];
      normConsts.set(channels, consts);
    }
    x = g.conv(`layer${i}.0`, x, weight(`layer${i}.0.weight`), undefined, 3, 2);
    x = g.node('InstanceNormalization', `layer${i}.1`, [x, ...consts], { epsilon: floatAttr(NORM_EPSILON) });
    // The official applies lReLU before layers 2..6 and after layer6: the same as after every layer.
    x = g.leakyRelu(`layer${i}.actvn`, x, LEAKY_RELU_SLOPE);
  }
  x = g.node('Flatten', 'flatten', [x], { axis: 1 });
  for (const [head, output] of [['fc_mu', 'mu'], ['fc_var', 'logvar']] as const) {
    const y = g.linear(head, x, weight(`${head}.weight`), weight(`${head}.bias`));
    g.node(precision === 'fp16' ? 'Cast' : 'Identity', `${head}.output`, [y], precision === 'fp16' ? { to: OnnxDataType.FLOAT } : undefined, output);
  }
  return g.finish(
    {
      graphName: 'paintscape_spade_encoder',
      producerName: GRAPH_PRODUCER,
      docString: 'SPADE ConvEncoder built by @paintscape/core buildEncoder',
      metadata: { 'paintscape.encoder_config': JSON.stringify(config), 'paintscape.precision': precision },
    },
    [{ name: 'image', elemType: OnnxDataType.FLOAT, shape: [batchDim, 3, config.inputSize, config.inputSize] }],
    [
      { name: 'mu', elemType: OnnxDataType.FLOAT, shape: [batchDim, config.zDim] },
      { name: 'logvar', elemType: OnnxDataType.FLOAT, shape: [batchDim, config.zDim] },
    ],
  );
}
