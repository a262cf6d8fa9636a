/** RGBA image helpers on core's pure-TS PNG codec (works in browsers and Node alike). */
import { decodePng, encodeRgbaPng, pngToRgba } from '@paintscape/core';

export interface RgbaImage {
  readonly width: number;
  readonly height: number;
  /** width × height × 4 bytes, row-major, non-premultiplied. */
  readonly rgba: Uint8ClampedArray;
}

/** Decodes any PNG core supports (grey, RGB, palette, alpha; 8/16-bit) to RGBA. */
export function decodePngToRgba(png: Uint8Array): RgbaImage {
  const decoded = decodePng(png);
  const rgba = pngToRgba(decoded);
  return { width: decoded.width, height: decoded.height, rgba: new Uint8ClampedArray(rgba.buffer, rgba.byteOffset, rgba.byteLength) };
}

export function encodeImagePng(image: RgbaImage): Uint8Array {
  return encodeRgbaPng(image.rgba, image.width, image.height);
}
