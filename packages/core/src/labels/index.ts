export type { LabelSet, LabelClass, Rgb } from './types.js';
export { getLabelSet, listLabelSets, isLabelSetId } from './registry.js';
export { LANDSCAPE } from './sets/landscape.js';
export { COCO_STUFF } from './sets/coco-stuff.js';
export { ADE20K } from './sets/ade20k.js';
export { CITYSCAPES } from './sets/cityscapes.js';
export {
  type RgbaToSegMapOptions,
  type SegMapToRgbaOptions,
  DEFAULT_SNAP_DISTANCE_SQ,
  DEFAULT_MIN_OPAQUE_ALPHA,
  EDGE_SEARCH_RADIUS,
  MAX_REPORTED_UNKNOWN_COLORS,
  rgbToHex,
  rgbaToSegMap,
  segMapToRgba,
} from './color.js';
export { labelMappingTable, mapLabels } from './map-labels.js';
