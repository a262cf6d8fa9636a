import { PaintscapeError, ErrorCode } from '../errors.js';
import type { LabelSetId } from '../model-io/manifest.js';
import type { LabelSet } from './types.js';
import { LANDSCAPE } from './sets/landscape.js';
import { COCO_STUFF } from './sets/coco-stuff.js';
import { ADE20K } from './sets/ade20k.js';
import { CITYSCAPES } from './sets/cityscapes.js';

const LABEL_SETS: readonly LabelSet[] = [LANDSCAPE, COCO_STUFF, ADE20K, CITYSCAPES];

/** The label set with this id; PaintscapeError `unknown_label_set` otherwise. */
export function getLabelSet(id: LabelSetId | (string & {})): LabelSet {
  const found = LABEL_SETS.find((set) => set.id === id);
  if (!found) {
    throw new PaintscapeError(ErrorCode.UnknownLabelSet, `unknown label set ${JSON.stringify(id)}; known: ${LABEL_SETS.map((s) => s.id).join(', ')}`, {
      field: 'labelSet',
      value: id,
      known: LABEL_SETS.map((s) => s.id),
    });
  }
  return found;
}

export function listLabelSets(): readonly LabelSet[] {
  return LABEL_SETS;
}

export function isLabelSetId(id: string): id is LabelSetId {
  return LABEL_SETS.some((set) => set.id === id);
}
