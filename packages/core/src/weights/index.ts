export {
  type RawDType,
  type RawTensor,
  type RawStateDict,
  DTYPE_BYTES,
  elementCount,
  halfToFloat,
  isFloatDType,
  toFloat32,
} from './tensor.js';
export {
  type PickleValue,
  type PickleGlobal,
  type PickleReduced,
  type PickleTuple,
  type UnpickleOptions,
  type UnpickleResult,
  PickleDict,
  ALLOWED_PICKLE_GLOBALS,
  isAllowedGlobal,
  isTuple,
  unpickle,
} from './pickle.js';
export { type ZipEntry, isZip, readZip } from './zip.js';
export { type ReadPthOptions, readPth } from './pth.js';
export {
  type SafetensorsFile,
  type WritableTensor,
  SAFETENSORS_MAX_HEADER_BYTES,
  readSafetensors,
  writeSafetensors,
} from './safetensors.js';
export {
  type SpadeLabelSetDefaults,
  type InferGeneratorOptions,
  type WeightProblem,
  type ConvertSpadeGeneratorOptions,
  type ConvertSpadeEncoderOptions,
  SPADE_LABEL_SET_DEFAULTS,
  inferGeneratorConfig,
  inferEncoderConfig,
  convertedWeightName,
  convertedWeightShapes,
  foldSpectralNorm,
  validateWeightShapes,
  convertSpadeStateDict,
  convertSpadeEncoderStateDict,
} from './spade.js';
export { type ValidatedModelFolder, validateModelFolder } from './model-folder.js';
