import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { imageTensorToRgba, resizeBilinearChw, rgbaToImageTensor } from './postprocess.js';

const fixture = JSON.parse(readFileSync(new URL('../segmap/fixtures/pytorch-resize.json', import.meta.url), 'utf8')) as {
  bilinear: { inHeight: number; inWidth: number; outHeight: number; outWidth: number; input: number[]; output: number[] }[];
};

describe('imageTensorToRgba', () => {
  it('maps [-1, 1] to round((x+1)/2·255), clamped, opaque', () => {
    // 1×1 image per channel plane; width 4 → 4 pixels.
    const r = [-1, 1, 0, -2];
    const g = [2, Number.NaN, 0.5, -0.996];
    const b = [0.0039, -0.0039, 1e-9, 0.999];
    const rgba = imageTensorToRgba(Float32Array.from([...r, ...g, ...b]), 4, 1);
    const expectChannel = (x: number) => Math.min(255, Math.max(0, Math.round((Math.fround(x) + 1) / 2 * 255))) || 0;
    for (let i = 0; i < 4; i++) {
      expect([rgba[i * 4], rgba[i * 4 + 1], rgba[i * 4 + 2], rgba[i * 4 + 3]]).toEqual([expectChannel(r[i]!), expectChannel(g[i]!), expectChannel(b[i]!), 255]);
    }
    expect(Array.from(rgba.subarray(0, 4))).toEqual([0, 255, 128, 255]);
    expect(rgba[5]).toBe(0); // NaN
  });

  it('selects a batch item', () => {
    const t = new Float32Array(2 * 3 * 2).fill(-1);
    t.fill(1, 6);
    expect(Array.from(imageTensorToRgba(t, 2, 1, 1))).toEqual([255, 255, 255, 255, 255, 255, 255, 255]);
    expect(() => imageTensorToRgba(t, 2, 1, 2)).toThrow(/batchIndex/);
    expect(() => imageTensorToRgba(t, 3, 1)).toThrow(expect.objectContaining({ code: 'size_mismatch' }));
  });
});

describe('rgbaToImageTensor', () => {
  it('normalises to [-1, 1] as ToTensor + Normalize(0.5, 0.5), ignoring alpha', () => {
    const t = rgbaToImageTensor(Uint8Array.from([0, 255, 128, 7]), 1, 1);
    expect(Array.from(t)).toEqual([-1, 1, Math.fround(Math.fround(Math.fround(128 / 255) - 0.5) / 0.5)]);
  });

  it('round-trips through imageTensorToRgba at the same size', () => {
    const rgba = Uint8Array.from({ length: 6 * 5 * 4 }, (_, i) => (i % 4 === 3 ? 255 : (i * 53) & 255));
    expect(Array.from(imageTensorToRgba(rgbaToImageTensor(rgba, 6, 5), 6, 5))).toEqual(Array.from(rgba));
  });

  it('resizes bilinearly to the encoder size', () => {
    const rgba = new Uint8Array(4 * 3 * 4).fill(255);
    const t = rgbaToImageTensor(rgba, 4, 3, [8, 8]);
    expect(t).toHaveLength(3 * 64);
    expect(t.every((v) => v === 1)).toBe(true);
  });
});

describe('resizeBilinearChw', () => {
  it.each(fixture.bilinear.map((c) => [`${c.inHeight}×${c.inWidth}→${c.outHeight}×${c.outWidth}`, c] as const))(
    'matches PyTorch bilinear (align_corners=False) at %s',
    (_n, c) => {
      const out = resizeBilinearChw(Float32Array.from(c.input), 1, c.inHeight, c.inWidth, c.outHeight, c.outWidth);
      expect(out).toHaveLength(c.output.length);
      // PyTorch's CPU kernel rounds the last bit differently depending on its vector/FMA path,
      // so the contract is "same taps and weights": a few float32 ulps on values in [-1, 1].
      c.output.forEach((expected, i) => expect(Math.abs(out[i]! - expected)).toBeLessThanOrEqual(1e-6));
      // A wrong tap or weight would be off by far more than that.
      expect(c.output.some((v, i) => v !== c.input[i])).toBe(true);
    },
  );
});
