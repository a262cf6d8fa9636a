import type { Rgb } from '../types.js';

/**
 * The PASCAL VOC colour map: spreads the bits of `id` over the high bits of R, G and B.
 * Deterministic and injective for ids 0..255, so every class gets its own colour.
 */
export function bitSpreadColor(id: number): Rgb {
  let r = 0;
  let g = 0;
  let b = 0;
  let c = id;
  for (let bit = 7; bit >= 0; bit--) {
    r |= (c & 1) << bit;
    g |= ((c >> 1) & 1) << bit;
    b |= ((c >> 2) & 1) << bit;
    c >>= 3;
  }
  return [r, g, b];
}

export function displayNameOf(name: string): string {
  const spaced = name.replace(/-/g, ' ');
  return spaced.charAt(0).toUpperCase() + spaced.slice(1);
}
