export { type SegMap, createSegMap, UNLABELED_U8, UNLABELED_U16 } from './segmap.js';
export {
  unlabeledValueOf,
  needsWideSegMap,
  segMapFromData,
  getLabel,
  setLabel,
  cloneSegMap,
  segMapsEqual,
  labelHistogram,
} from './segmap.js';
export { nearestSourceIndices, resizeNearest } from './resize.js';
export {
  type DecodedPng,
  type EncodePngInput,
  type PngFilterChoice,
  PngColorType,
  PNG_MAX_DIMENSION,
  PNG_MAX_PIXELS,
  PNG_ZLIB_LEVEL,
  crc32,
  decodePng,
  pngToRgba,
  encodePng,
  encodeRgbaPng,
} from './png.js';
export { encodeSegMapPng, decodeSegMapPng } from './segmap-png.js';
