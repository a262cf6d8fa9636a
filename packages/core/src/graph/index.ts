// Graph area: ONNX writer/reader and the SPADE generator/encoder builders.
export type { WeightTensor, WeightMap, ParameterShapes } from './weights.js';
export { countParams, checkWeights, requireWeight, shapeSize, float32ToFloat16Bits } from './weights.js';
export type { BuildOptions } from './generator.js';
export { buildGenerator, generatorParameterShapes, countMacs, OUTPUT_CLIP } from './generator.js';
export { buildEncoder, encoderParameterShapes, countEncoderMacs } from './encoder.js';
export type { GeneratorBlockName, GeneratorBlockSpec } from './config.js';
export {
  UPSAMPLINGS,
  ENCODER_LAYERS,
  MIN_ENCODER_INPUT_SIZE,
  semanticChannels,
  validateGeneratorConfig,
  validateEncoderConfig,
  officialLatentSize,
  generatorFixedSize,
  generatorBlocks,
  blockNames,
  spadeHiddenFor,
  encoderWidths,
} from './config.js';
export type {
  OnnxTensor,
  OnnxDim,
  OnnxValueInfo,
  OnnxNode,
  OnnxModel,
  OnnxAttributeValue,
  OnnxInitializerInfo,
  OnnxSummary,
} from './onnx.js';
export { OnnxDataType, ONNX_IR_VERSION, ONNX_OPSET_VERSION, encodeOnnxModel, readOnnxSummary, floatAttr } from './onnx.js';
