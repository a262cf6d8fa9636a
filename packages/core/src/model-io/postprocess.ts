import { assert, ErrorCode } from '../errors.js';

function checkSize(width: number, height: number): void {
  assert(Number.isInteger(width) && width > 0, ErrorCode.InvalidArgument, `width must be a positive integer, got ${width}`, { field: 'width', value: width });
  assert(Number.isInteger(height) && height > 0, ErrorCode.InvalidArgument, `height must be a positive integer, got ${height}`, { field: 'height', value: height });
}

/**
 * Generator output (float NCHW, 3 channels, values in [-1, 1]) → opaque 8-bit RGBA:
 * round((x + 1) / 2 · 255) clamped to 0..255 (NaN → 0).
 */
export function imageTensorToRgba(tensor: Float32Array, width: number, height: number, batchIndex = 0): Uint8ClampedArray {
  checkSize(width, height);
  const plane = width * height;
  const imageSize = 3 * plane;
  assert(tensor.length > 0 && tensor.length % imageSize === 0, ErrorCode.SizeMismatch, `tensor has ${tensor.length} values, not a multiple of 3×${height}×${width} = ${imageSize}`, { field: 'tensor', length: tensor.length });
  const batch = tensor.length / imageSize;
  assert(Number.isInteger(batchIndex) && batchIndex >= 0 && batchIndex < batch, ErrorCode.OutOfRange, `batchIndex must be in 0..${batch - 1}, got ${batchIndex}`, { field: 'batchIndex', value: batchIndex });
  const base = batchIndex * imageSize;
  const out = new Uint8ClampedArray(plane * 4);
  for (let i = 0; i < plane; i++) {
    for (let c = 0; c < 3; c++) {
      const v = Math.round(((tensor[base + c * plane + i] as number) + 1) / 2 * 255);
      // Uint8ClampedArray rounds half to even; clamp explicitly after our own rounding.
      out[i * 4 + c] = v > 255 ? 255 : v >= 0 ? v : 0;
    }
    out[i * 4 + 3] = 255;
  }
  return out;
}

interface LinearTaps {
  index0: Int32Array;
  index1: Int32Array;
  weight0: Float32Array;
  weight1: Float32Array;
}

/** Per-output source taps of PyTorch's CPU bilinear (align_corners=False), in float32. */
function linearTaps(sizeIn: number, sizeOut: number): LinearTaps {
  const taps: LinearTaps = { index0: new Int32Array(sizeOut), index1: new Int32Array(sizeOut), weight0: new Float32Array(sizeOut), weight1: new Float32Array(sizeOut) };
  const scale = Math.fround(sizeIn / sizeOut);
  const f = Math.fround;
  for (let dst = 0; dst < sizeOut; dst++) {
    // src = scale · (dst + 0.5) − 0.5, clamped at 0; every step rounded to float32 as in C++.
    let src = f(f(scale * f(dst + 0.5)) - 0.5);
    if (src < 0) src = 0;
    const i0 = Math.min(Math.floor(src), sizeIn - 1);
    const lambda = Math.min(Math.max(f(src - i0), 0), 1);
    taps.index0[dst] = i0;
    taps.index1[dst] = i0 + (i0 < sizeIn - 1 ? 1 : 0);
    taps.weight1[dst] = lambda;
    taps.weight0[dst] = f(1 - lambda);
  }
  return taps;
}

/**
 * Bilinear resize of a float CHW image with PyTorch's `F.interpolate(mode='bilinear',
 * align_corners=False)` taps and weights (src = scale·(dst + 0.5) − 0.5 clamped at 0, edge
 * replicate), in float32. Matches PyTorch CPU to ~1e-7; the last bit varies with PyTorch's
 * vector/FMA code path, so no bit-exactness is claimed.
 */
export function resizeBilinearChw(input: Float32Array, channels: number, inHeight: number, inWidth: number, outHeight: number, outWidth: number): Float32Array {
  checkSize(inWidth, inHeight);
  checkSize(outWidth, outHeight);
  assert(input.length === channels * inHeight * inWidth, ErrorCode.SizeMismatch, `input has ${input.length} values, expected ${channels}×${inHeight}×${inWidth}`, { field: 'input', length: input.length });
  const xs = linearTaps(inWidth, outWidth);
  const ys = linearTaps(inHeight, outHeight);
  const f = Math.fround;
  const out = new Float32Array(channels * outHeight * outWidth);
  for (let c = 0; c < channels; c++) {
    const inBase = c * inHeight * inWidth;
    const outBase = c * outHeight * outWidth;
    for (let y = 0; y < outHeight; y++) {
      const row0 = inBase + (ys.index0[y] as number) * inWidth;
      const row1 = inBase + (ys.index1[y] as number) * inWidth;
      const wy0 = ys.weight0[y] as number;
      const wy1 = ys.weight1[y] as number;
      for (let x = 0; x < outWidth; x++) {
        const x0 = xs.index0[x] as number;
        const x1 = xs.index1[x] as number;
        const wx0 = xs.weight0[x] as number;
        const wx1 = xs.weight1[x] as number;
        const top = f(f((input[row0 + x0] as number) * wx0) + f((input[row0 + x1] as number) * wx1));
        const bottom = f(f((input[row1 + x0] as number) * wx0) + f((input[row1 + x1] as number) * wx1));
        out[outBase + y * outWidth + x] = f(f(top * wy0) + f(bottom * wy1));
      }
    }
  }
  return out;
}

/**
 * 8-bit RGBA (alpha ignored) → float NCHW RGB in [-1, 1] (batch 1), as SPADE feeds its style
 * encoder: v / 255 · 2 − 1 in float32 (ToTensor + Normalize(0.5, 0.5)), then a PyTorch-exact
 * bilinear resize to `size` [width, height] when given and different.
 */
export function rgbaToImageTensor(rgba: Uint8Array | Uint8ClampedArray, width: number, height: number, size?: readonly [number, number]): Float32Array {
  checkSize(width, height);
  const plane = width * height;
  assert(rgba.length === plane * 4, ErrorCode.SizeMismatch, `rgba has ${rgba.length} bytes, expected ${width}×${height}×4`, { field: 'rgba', length: rgba.length });
  const f = Math.fround;
  const chw = new Float32Array(3 * plane);
  for (let i = 0; i < plane; i++) {
    for (let c = 0; c < 3; c++) chw[c * plane + i] = f(f(f((rgba[i * 4 + c] as number) / 255) - 0.5) / 0.5);
  }
  if (!size || (size[0] === width && size[1] === height)) return chw;
  return resizeBilinearChw(chw, 3, height, width, size[1], size[0]);
}
