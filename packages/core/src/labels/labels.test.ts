import { describe, expect, it } from 'vitest';
import { PaintscapeError } from '../errors.js';
import { getLabelSet, isLabelSetId, listLabelSets } from './registry.js';
import { bitSpreadColor } from './sets/color-map.js';
import { DEFAULT_SNAP_DISTANCE_SQ } from './color.js';

const hex = (c: readonly number[]) => c.map((v) => v.toString(16).padStart(2, '0')).join('');

describe('label set registry', () => {
  it('lists the four sets and finds each by id', () => {
    expect(listLabelSets().map((s) => s.id)).toEqual(['landscape', 'coco-stuff', 'ade20k', 'cityscapes']);
    for (const set of listLabelSets()) expect(getLabelSet(set.id)).toBe(set);
    expect(isLabelSetId('ade20k')).toBe(true);
    expect(isLabelSetId('pascal')).toBe(false);
  });

  it('throws unknown_label_set naming the known ids', () => {
    try {
      getLabelSet('pascal-voc');
      throw new Error('no throw');
    } catch (error) {
      expect(error).toBeInstanceOf(PaintscapeError);
      expect((error as PaintscapeError).code).toBe('unknown_label_set');
      expect((error as PaintscapeError).details).toMatchObject({ field: 'labelSet', value: 'pascal-voc' });
      expect((error as Error).message).toMatch(/landscape, coco-stuff, ade20k, cityscapes/);
    }
  });

  it('every set is well formed: unique names, byte colours, unlabeled outside the classes', () => {
    for (const set of listLabelSets()) {
      expect(set.wide).toBe(false);
      expect(set.unlabeled).toBe(255);
      const names = set.classes.map((c) => c.name);
      expect(new Set(names).size).toBe(names.length);
      for (const cls of set.classes) {
        expect(cls.color.every((v) => Number.isInteger(v) && v >= 0 && v <= 255)).toBe(true);
        expect(cls.displayName.length).toBeGreaterThan(0);
        expect(cls.index).not.toBe(set.unlabeled);
      }
    }
  });
});

describe('landscape', () => {
  const set = getLabelSet('landscape');
  it('has the model contract indices', () => {
    expect(set.classes.map((c) => `${c.index}:${c.name}`)).toEqual([
      '0:sky', '1:cloud', '2:mountain', '3:hill', '4:rock', '5:snow', '6:water', '7:grass', '8:tree', '9:bush', '10:flower', '11:sand', '12:dirt',
    ]);
  });

  it('has clearly distinct colours: snap balls around two classes never overlap', () => {
    let minDistance = Infinity;
    for (const a of set.classes) {
      for (const b of set.classes) {
        if (a === b) continue;
        const d = (a.color[0] - b.color[0]) ** 2 + (a.color[1] - b.color[1]) ** 2 + (a.color[2] - b.color[2]) ** 2;
        minDistance = Math.min(minDistance, d);
      }
    }
    expect(minDistance).toBeGreaterThan(4 * DEFAULT_SNAP_DISTANCE_SQ);
  });

  it('maps each class to the right COCO-Stuff class', () => {
    const coco = getLabelSet('coco-stuff');
    const target = set.classes.map((c) => coco.classes[c.cocoStuffId!]!.name);
    expect(target).toEqual(['sky-other', 'clouds', 'mountain', 'hill', 'rock', 'snow', 'water-other', 'grass', 'tree', 'bush', 'flower', 'sand', 'dirt']);
  });
});

describe('coco-stuff', () => {
  const set = getLabelSet('coco-stuff');
  it('has 182 classes 0..181 in official id order including unused thing ids', () => {
    expect(set.classes.map((c) => c.index)).toEqual(Array.from({ length: 182 }, (_, i) => i));
    expect(set.classes[0]!.name).toBe('person');
    expect(set.classes[11]!.name).toBe('street-sign'); // official id 12, unused
    expect(set.classes[90]!.name).toBe('hair-brush'); // id 91, last thing
    expect(set.classes[91]!.name).toBe('banner'); // id 92, first stuff
    expect(set.classes[156]!.name).toBe('sky-other');
    expect(set.classes[181]!.name).toBe('wood');
  });

  it('has a deterministic palette with 182 distinct colours', () => {
    expect(set.classes[0]!.color).toEqual(bitSpreadColor(1));
    expect(bitSpreadColor(1)).toEqual([128, 0, 0]);
    expect(bitSpreadColor(15)).toEqual([192, 128, 128]); // the VOC "person" colour
    expect(new Set(set.classes.map((c) => hex(c.color))).size).toBe(182);
  });
});

describe('ade20k', () => {
  const set = getLabelSet('ade20k');
  it('has the 150 SceneParsing classes with the standard palette', () => {
    expect(set.classes).toHaveLength(150);
    expect(set.classes[0]).toMatchObject({ index: 0, name: 'wall', color: [120, 120, 120] });
    expect(set.classes[2]).toMatchObject({ name: 'sky', color: [6, 230, 230] });
    expect(set.classes[149]).toMatchObject({ index: 149, name: 'flag', color: [92, 0, 255] });
  });
});

describe('cityscapes', () => {
  const set = getLabelSet('cityscapes');
  it('has ids 0..33 and -1 with cityscapesScripts colours', () => {
    expect(set.classes).toHaveLength(35);
    expect(set.classes.map((c) => c.index)).toEqual([...Array.from({ length: 34 }, (_, i) => i), -1]);
    expect(set.classes.find((c) => c.name === 'road')).toMatchObject({ index: 7, color: [128, 64, 128] });
    expect(set.classes.find((c) => c.name === 'sky')).toMatchObject({ index: 23, color: [70, 130, 180] });
    expect(set.classes.find((c) => c.name === 'license-plate')).toMatchObject({ index: -1, color: [0, 0, 142] });
    expect(set.classes.find((c) => c.index === 33)).toMatchObject({ name: 'bicycle', displayName: 'Bicycle', color: [119, 11, 32] });
  });
});
