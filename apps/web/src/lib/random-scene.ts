import type { LabelSet, SegMap } from '@paintscape/core';

/** Smooth 1-D value noise in [0, 1] from a seeded generator (for horizons and shorelines). */
function ridge(width: number, random: () => number, octaves: number): Float32Array {
  const out = new Float32Array(width);
  let amplitude = 1;
  let total = 0;
  for (let o = 0; o < octaves; o++) {
    const step = Math.max(2, Math.floor(width / (2 << o)));
    const knots = Array.from({ length: Math.ceil(width / step) + 2 }, () => random());
    for (let x = 0; x < width; x++) {
      const k = x / step;
      const i = Math.floor(k);
      const t = k - i;
      const s = t * t * (3 - 2 * t);
      out[x]! += amplitude * (knots[i]! * (1 - s) + knots[i + 1]! * s);
    }
    total += amplitude;
    amplitude /= 2;
  }
  for (let x = 0; x < width; x++) out[x]! /= total;
  return out;
}

import { seededRandom } from '@paintscape/core';

export { seededRandom };

/**
 * A plausible landscape to start from: sky (with clouds), a mountain or hill range, then
 * grass or sand down to water, with a few trees. Uses the set's class names, so any set that has
 * them works; classes it lacks are skipped.
 */
export function randomScene(width: number, height: number, set: LabelSet, seed: number): SegMap {
  const random = seededRandom(seed);
  const label = (name: string, fallback: number): number => set.classes.find((c) => c.name === name)?.index ?? fallback;
  const sky = label('sky', 0);
  const cloud = label('cloud', sky);
  const far = label(random() < 0.5 ? 'mountain' : 'hill', sky);
  const snow = label('snow', far);
  const ground = label(random() < 0.75 ? 'grass' : 'sand', far);
  const water = label(random() < 0.8 ? 'water' : 'grass', ground);
  const tree = label('tree', ground);
  const data = new Uint8Array(width * height);
  const horizon = ridge(width, random, 4);
  const shore = ridge(width, random, 3);
  const hasSnow = far === label('mountain', -1) && random() < 0.6;
  for (let x = 0; x < width; x++) {
    const peak = Math.round(height * (0.18 + 0.3 * horizon[x]!));
    const base = Math.round(height * 0.55);
    const waterline = Math.round(height * (0.72 + 0.12 * shore[x]!));
    for (let y = 0; y < height; y++) {
      let value = sky;
      if (y >= peak && y < base) value = hasSnow && y < peak + height * 0.04 ? snow : far;
      else if (y >= base && y < waterline) value = ground;
      else if (y >= waterline) value = water;
      data[y * width + x] = value;
    }
  }
  // Clouds: a few flat ellipses in the sky.
  for (let c = 0, n = 1 + Math.floor(random() * 3); c < n; c++) {
    const cx = random() * width;
    const cy = height * (0.05 + 0.1 * random());
    const rx = width * (0.08 + 0.1 * random());
    const ry = height * 0.03;
    for (let y = Math.max(0, Math.floor(cy - ry)); y < Math.min(height, cy + ry); y++) {
      for (let x = Math.max(0, Math.floor(cx - rx)); x < Math.min(width, cx + rx); x++) {
        if (((x - cx) / rx) ** 2 + ((y - cy) / ry) ** 2 <= 1 && data[y * width + x] === sky) data[y * width + x] = cloud;
      }
    }
  }
  // Trees: small discs on the ground band.
  for (let t = 0, n = 2 + Math.floor(random() * 5); t < n; t++) {
    const cx = random() * width;
    const cy = height * (0.56 + 0.1 * random());
    const r = Math.max(2, width * (0.02 + 0.03 * random()));
    for (let y = Math.max(0, Math.floor(cy - r * 1.6)); y < Math.min(height, cy + r); y++) {
      for (let x = Math.max(0, Math.floor(cx - r)); x < Math.min(width, cx + r); x++) {
        if (((x - cx) / r) ** 2 + ((y - cy) / (r * 1.6)) ** 2 <= 1 && data[y * width + x] === ground) data[y * width + x] = tree;
      }
    }
  }
  return { width, height, data };
}
