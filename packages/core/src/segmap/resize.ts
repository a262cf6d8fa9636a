import { assert, ErrorCode } from '../errors.js';
import { createSegMap, type SegMap } from './segmap.js';

/**
 * Source index of each destination index, exactly as PyTorch's CPU `F.interpolate(mode='nearest')`
 * (and ONNX Resize asymmetric/floor) computes it: scale = float32(in) / out in float32, then
 * src = min(floor(float32(dst) · scale), in − 1). The float32 rounding matters: for e.g.
 * 100 → 1025 it picks a different pixel than exact integer arithmetic would.
 */
export function nearestSourceIndices(sizeIn: number, sizeOut: number): Int32Array {
  assert(Number.isInteger(sizeIn) && sizeIn > 0, ErrorCode.InvalidArgument, `input size must be a positive integer, got ${sizeIn}`, { field: 'sizeIn', value: sizeIn });
  assert(Number.isInteger(sizeOut) && sizeOut > 0, ErrorCode.InvalidArgument, `output size must be a positive integer, got ${sizeOut}`, { field: 'sizeOut', value: sizeOut });
  const indices = new Int32Array(sizeOut);
  // Products of two float32 values are exact in float64, so fround of the double product is the
  // correctly rounded float32 product, the same as C++ float arithmetic.
  const scale = Math.fround(sizeIn / sizeOut);
  for (let dst = 0; dst < sizeOut; dst++) {
    indices[dst] = Math.min(Math.floor(Math.fround(Math.fround(dst) * scale)), sizeIn - 1);
  }
  return indices;
}

/** Nearest-neighbour resize matching PyTorch `F.interpolate(mode='nearest')`, pixel for pixel. */
export function resizeNearest(map: SegMap, width: number, height: number): SegMap {
  const out = createSegMap(width, height, { wide: map.data instanceof Uint16Array });
  const xs = nearestSourceIndices(map.width, width);
  const ys = nearestSourceIndices(map.height, height);
  const src = map.data;
  const dst = out.data;
  for (let y = 0; y < height; y++) {
    const srcRow = (ys[y] as number) * map.width;
    const dstRow = y * width;
    for (let x = 0; x < width; x++) dst[dstRow + x] = src[srcRow + (xs[x] as number)] as number;
  }
  return out;
}
