import { PaintscapeError, ErrorCode, assert } from '../errors.js';
import { resizeNearest } from '../segmap/resize.js';
import { unlabeledValueOf, type SegMap } from '../segmap/segmap.js';

/**
 * SPADE's instance edge map: 1 where a pixel's id differs from its right or lower neighbour,
 * marking both pixels of each differing pair (so 1 wherever any 4-neighbour differs).
 * Returns width·height bytes of 0/1.
 */
export function instanceEdges(instanceMap: SegMap): Uint8Array {
  const { width, height, data } = instanceMap;
  const edges = new Uint8Array(width * height);
  for (let y = 0; y < height; y++) {
    const row = y * width;
    for (let x = 0; x < width; x++) {
      const i = row + x;
      const v = data[i];
      if (x + 1 < width && data[i + 1] !== v) {
        edges[i] = 1;
        edges[i + 1] = 1;
      }
      if (y + 1 < height && data[i + width] !== v) {
        edges[i] = 1;
        edges[i + width] = 1;
      }
    }
  }
  return edges;
}

export interface OneHotOptions {
  /** Total channels of the model's seg input (must equal labelChannels + dontCare + instanceEdge). */
  channels: number;
  labelChannels: number;
  /** Unlabeled pixels light channel `labelChannels`; without it they are all-zero. */
  dontCare: boolean;
  /** Append SPADE's instance edge channel (last channel). */
  instanceEdge: boolean;
  /** Model resolution; the map is nearest-resized (PyTorch-exact) when it differs. */
  width: number;
  height: number;
  /**
   * Instance ids for the edge channel (resized the same way). Without one, the label map itself
   * serves as the instance map: painted regions are the instances.
   */
  instanceMap?: SegMap;
}

/**
 * One-hot float32 NCHW tensor (batch 1) for the generator's seg input. Labels ≥ labelChannels
 * other than the unlabeled value throw `label_out_of_range` naming the first such pixel.
 */
export function segMapToOneHot(map: SegMap, options: OneHotOptions): Float32Array {
  const { channels, labelChannels, dontCare, instanceEdge, width, height } = options;
  assert(Number.isInteger(labelChannels) && labelChannels > 0, ErrorCode.InvalidArgument, `labelChannels must be a positive integer, got ${labelChannels}`, { field: 'labelChannels', value: labelChannels });
  const expected = labelChannels + (dontCare ? 1 : 0) + (instanceEdge ? 1 : 0);
  assert(channels === expected, ErrorCode.InvalidArgument, `channels must be labelChannels + dontCare + instanceEdge = ${expected}, got ${channels}`, { field: 'channels', value: channels, expected });
  const resized = map.width === width && map.height === height ? map : resizeNearest(map, width, height);
  const plane = width * height;
  const out = new Float32Array(channels * plane);
  const unlabeled = unlabeledValueOf(resized);
  const data = resized.data;
  for (let i = 0; i < plane; i++) {
    const label = data[i] as number;
    if (label < labelChannels) {
      out[label * plane + i] = 1;
    } else if (label === unlabeled) {
      if (dontCare) out[labelChannels * plane + i] = 1;
    } else {
      const x = i % width;
      const y = (i - x) / width;
      throw new PaintscapeError(ErrorCode.LabelOutOfRange, `label ${label} at (${x}, ${y}) of the ${width}×${height} model input is outside the model's ${labelChannels} classes`, { field: 'segMap', label, x, y, labelChannels });
    }
  }
  if (instanceEdge) {
    let instances = options.instanceMap ?? resized;
    if (instances.width !== width || instances.height !== height) instances = resizeNearest(instances, width, height);
    const edges = instanceEdges(instances);
    const base = (channels - 1) * plane;
    for (let i = 0; i < plane; i++) out[base + i] = edges[i] as number;
  }
  return out;
}
