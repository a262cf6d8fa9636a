import type { LabelSet, LabelClass, Rgb } from '../types.js';

// [id, name, colour] exactly as in cityscapesScripts' labels.py.
const CITYSCAPES_LABELS: readonly (readonly [number, string, Rgb])[] = [
  [0, 'unlabeled', [0, 0, 0]],
  [1, 'ego vehicle', [0, 0, 0]],
  [2, 'rectification border', [0, 0, 0]],
  [3, 'out of roi', [0, 0, 0]],
  [4, 'static', [0, 0, 0]],
  [5, 'dynamic', [111, 74, 0]],
  [6, 'ground', [81, 0, 81]],
  [7, 'road', [128, 64, 128]],
  [8, 'sidewalk', [244, 35, 232]],
  [9, 'parking', [250, 170, 160]],
  [10, 'rail track', [230, 150, 140]],
  [11, 'building', [70, 70, 70]],
  [12, 'wall', [102, 102, 156]],
  [13, 'fence', [190, 153, 153]],
  [14, 'guard rail', [180, 165, 180]],
  [15, 'bridge', [150, 100, 100]],
  [16, 'tunnel', [150, 120, 90]],
  [17, 'pole', [153, 153, 153]],
  [18, 'polegroup', [153, 153, 153]],
  [19, 'traffic light', [250, 170, 30]],
  [20, 'traffic sign', [220, 220, 0]],
  [21, 'vegetation', [107, 142, 35]],
  [22, 'terrain', [152, 251, 152]],
  [23, 'sky', [70, 130, 180]],
  [24, 'person', [220, 20, 60]],
  [25, 'rider', [255, 0, 0]],
  [26, 'car', [0, 0, 142]],
  [27, 'truck', [0, 0, 70]],
  [28, 'bus', [0, 60, 100]],
  [29, 'caravan', [0, 0, 90]],
  [30, 'trailer', [0, 0, 110]],
  [31, 'train', [0, 80, 100]],
  [32, 'motorcycle', [0, 0, 230]],
  [33, 'bicycle', [119, 11, 32]],
  [-1, 'license plate', [0, 0, 142]],
];

function displayName(name: string): string {
  return name.charAt(0).toUpperCase() + name.slice(1);
}

/**
 * Cityscapes label ids (not train ids). Several ids share a colour (0–4 black, pole/polegroup,
 * car/license plate): colour → label conversion picks the lowest non-negative id.
 */
export const CITYSCAPES: LabelSet = {
  id: 'cityscapes',
  name: 'Cityscapes',
  unlabeled: 255,
  wide: false,
  classes: CITYSCAPES_LABELS.map(
    ([index, name, color]): LabelClass => ({ index, name: name.replace(/ /g, '-'), displayName: displayName(name), color }),
  ),
};
