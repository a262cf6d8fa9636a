import type { LabelSetId } from '../model-io/manifest.js';

export type Rgb = readonly [number, number, number];

export interface LabelClass {
  /**
   * Label value stored in a SegMap. Cityscapes' license plate keeps cityscapesScripts' id −1:
   * it is listed for completeness but cannot be stored in a map (negative indices are skipped
   * by palettes and colour conversion).
   */
  readonly index: number;
  /** Stable machine name, e.g. `sky` or `building-other`. */
  readonly name: string;
  /** Name for people, e.g. `Sky`. */
  readonly displayName: string;
  readonly color: Rgb;
  /**
   * Index of the matching class in the `coco-stuff` label set (0-based, i.e. the value stored in
   * SPADE / stuffthingmaps label maps = official COCO category id − 1).
   */
  readonly cocoStuffId?: number;
}

export interface LabelSet {
  readonly id: LabelSetId;
  readonly name: string;
  /** In label order (cityscapes lists its id −1 last, as cityscapesScripts does). */
  readonly classes: readonly LabelClass[];
  /** Label value meaning "no class" (255, or 65535 for wide sets). */
  readonly unlabeled: number;
  /** True when the set needs Uint16 maps (more than 255 classes). */
  readonly wide: boolean;
}
