import type { LabelSet } from '../types.js';

/**
 * The default model's 13 classes. Indices are part of the model contract (training/ uses the
 * same order): never reorder. Colours are GauGAN-like and pairwise far apart (squared
 * distance > 4 × DEFAULT_SNAP_DISTANCE_SQ) so that snapping never confuses two classes.
 */
export const LANDSCAPE: LabelSet = {
  id: 'landscape',
  name: 'Landscape',
  unlabeled: 255,
  wide: false,
  classes: [
    { index: 0, name: 'sky', displayName: 'Sky', color: [117, 172, 235], cocoStuffId: 156 },
    { index: 1, name: 'cloud', displayName: 'Cloud', color: [196, 206, 228], cocoStuffId: 105 },
    { index: 2, name: 'mountain', displayName: 'Mountain', color: [112, 82, 168], cocoStuffId: 134 },
    { index: 3, name: 'hill', displayName: 'Hill', color: [180, 186, 76], cocoStuffId: 126 },
    { index: 4, name: 'rock', displayName: 'Rock', color: [146, 136, 136], cocoStuffId: 149 },
    { index: 5, name: 'snow', displayName: 'Snow', color: [252, 252, 255], cocoStuffId: 158 },
    { index: 6, name: 'water', displayName: 'Water', color: [36, 100, 196], cocoStuffId: 177 },
    { index: 7, name: 'grass', displayName: 'Grass', color: [100, 200, 60], cocoStuffId: 123 },
    { index: 8, name: 'tree', displayName: 'Tree', color: [26, 100, 40], cocoStuffId: 168 },
    { index: 9, name: 'bush', displayName: 'Bush', color: [60, 150, 110], cocoStuffId: 96 },
    { index: 10, name: 'flower', displayName: 'Flower', color: [232, 96, 168], cocoStuffId: 118 },
    { index: 11, name: 'sand', displayName: 'Sand', color: [240, 214, 140], cocoStuffId: 153 },
    { index: 12, name: 'dirt', displayName: 'Dirt', color: [140, 86, 46], cocoStuffId: 110 },
  ],
};
